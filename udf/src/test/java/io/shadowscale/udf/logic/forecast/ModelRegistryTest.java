package io.shadowscale.udf.logic.forecast;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.shadowscale.schema.ModelAlertKind;
import io.shadowscale.schema.ModelRelease;
import io.shadowscale.schema.ModelScope;

class ModelRegistryTest {

    @TempDir
    Path dir;

    /** The bundled model's bytes as {@code dir/<name>.onnx}, its card saying {@code version}. */
    String publish(String name, String version) throws Exception {
        byte[] onnx = getClass().getClassLoader().getResourceAsStream("models/shadow-mlp-v3.onnx").readAllBytes();
        String card = new String(getClass().getClassLoader().getResourceAsStream("models/shadow-mlp-v3.card.json").readAllBytes())
                .replaceFirst("\"model_version\"\\s*:\\s*\"[^\"]*\"", "\"model_version\": \"" + version + "\"");
        Files.write(dir.resolve(name + ".onnx"), onnx);
        Files.writeString(dir.resolve(name + ".card.json"), card);
        return OnnxQuantileModel.sha256(onnx);
    }

    ModelRelease release(String name, String version, String sha, ModelScope scope, String value, int percent) {
        return ModelRelease.newBuilder().setModelId("shadow-mlp").setVersion(version).setUri(dir.resolve(name + ".onnx").toUri().toString())
                .setSha256(sha).setScope(scope).setScopeValue(value).setRolloutPercent(percent).setReleasedAt(Instant.EPOCH).build();
    }

    ModelRegistry registry() throws Exception {
        OnnxQuantileModel base = ModelSource.bundled("shadow-mlp-v3", 1, 1);
        return new ModelRegistry(r -> ModelSource.load(r.getUri(), null, r.getSha256(), 1, 1), base, null);
    }

    static String version(ModelRegistry reg, String tenant, String[] tags, String key) {
        return reg.resolve(tenant, tags, key).model().version();
    }

    @Test
    void theMostSpecificScopeServesAWorkload() throws Exception {
        ModelRegistry reg = registry();
        assertThat(reg.accept(release("g", "g1", publish("g", "g1"), ModelScope.GLOBAL, null, 100))).isNull();
        assertThat(reg.accept(release("c", "c1", publish("c", "c1"), ModelScope.COHORT, "batch-processing", 100))).isNull();
        assertThat(reg.accept(release("t", "t1", publish("t", "t1"), ModelScope.TENANT, "acme", 100))).isNull();
        assertThat(version(reg, "acme", new String[] {"batch-processing"}, "acme/etl")).isEqualTo("t1");
        assertThat(version(reg, "globex", new String[] {"batch-processing", "diurnal"}, "globex/etl")).isEqualTo("c1");
        assertThat(version(reg, "globex", new String[] {"diurnal"}, "globex/web")).isEqualTo("g1");
    }

    @Test
    void aPartialRolloutServesItsShareAndTheRestKeepTheirModel() throws Exception {
        ModelRegistry reg = registry();
        reg.accept(release("v1", "1", publish("v1", "1"), ModelScope.GLOBAL, null, 100));
        reg.accept(release("v2", "2", publish("v2", "2"), ModelScope.GLOBAL, null, 30));
        int onV2 = 0, n = 2000;
        for (int i = 0; i < n; i++) {
            String key = "t" + (i % 17) + "/w" + i;
            String v = version(reg, "t", null, key);
            assertThat(v).isIn("1", "2");
            assertThat(v.equals("2")).as("stable by hash").isEqualTo(ModelRegistry.rolloutBucket(key) < 30);
            if (v.equals("2")) onV2++;
        }
        assertThat(onV2 / (double) n).isBetween(0.25, 0.35);
        // widening the rollout keeps everyone who had it
        reg.accept(release("v2", "2", publish("v2", "2"), ModelScope.GLOBAL, null, 100));
        assertThat(version(reg, "t", null, "t3/w3")).isEqualTo("2");
    }

    @Test
    void aBadReleaseChangesNothing() throws Exception {
        ModelRegistry reg = registry();
        reg.accept(release("v1", "1", publish("v1", "1"), ModelScope.GLOBAL, null, 100));
        publish("v2", "2");
        ModelRegistry.Refusal bad = reg.accept(release("v2", "2", "ab".repeat(32), ModelScope.GLOBAL, null, 100));
        assertThat(bad.kind()).isEqualTo(ModelAlertKind.SHA256_MISMATCH);
        assertThat(bad.keptModelVersion()).isEqualTo("1");
        Files.writeString(dir.resolve("broken.onnx"), "not a model");
        Files.writeString(dir.resolve("broken.card.json"), "{}");
        ModelRegistry.Refusal broken = reg.accept(release("broken", "3", OnnxQuantileModel.sha256("not a model".getBytes()), ModelScope.GLOBAL, null, 100));
        assertThat(broken.kind()).isEqualTo(ModelAlertKind.LOAD_FAILED);
        assertThat(reg.accept(release("v1", "1", "x", ModelScope.GLOBAL, null, 100)).kind()).isEqualTo(ModelAlertKind.INVALID_RELEASE);
        assertThat(reg.accept(release("v1", "1", publish("v1", "1"), ModelScope.TENANT, null, 100)).kind()).isEqualTo(ModelAlertKind.INVALID_RELEASE);
        assertThat(version(reg, "t", null, "t/w")).isEqualTo("1");
    }

    @Test
    void acceptedReleasesComeBackAfterARestore() throws Exception {
        ModelRegistry reg = registry();
        reg.accept(release("v1", "1", publish("v1", "1"), ModelScope.GLOBAL, null, 100));
        reg.accept(release("v2", "2", publish("v2", "2"), ModelScope.GLOBAL, null, 50));
        Map<String, ModelRelease[]> saved = reg.releases();
        ModelRegistry again = registry();
        again.restore(saved, (r, why) -> { throw new AssertionError(why); });
        for (int i = 0; i < 50; i++) {
            String key = "t/w" + i;
            assertThat(version(again, "t", null, key)).isEqualTo(version(reg, "t", null, key));
        }
    }

    @Test
    void withoutAnyReleaseTheDefaultServes() throws Exception {
        assertThat(registry().resolve("t", null, "t/w").model().id()).isEqualTo("shadow-mlp");
        ModelRegistry none = new ModelRegistry(r -> null, null, "no ONNX model deployed");
        assertThat(none.resolve("t", null, "t/w").model()).isNull();
        assertThat(none.resolve("t", null, "t/w").reason()).isEqualTo("no ONNX model deployed");
    }
}
