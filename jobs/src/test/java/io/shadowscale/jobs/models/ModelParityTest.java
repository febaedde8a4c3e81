package io.shadowscale.jobs.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.shadowscale.jobs.backtest.BitbrainsTraces;
import io.shadowscale.udf.logic.forecast.Baselines;
import io.shadowscale.udf.logic.forecast.ForecastBacktest.Series;
import io.shadowscale.udf.logic.forecast.ModelFeatures;
import io.shadowscale.udf.logic.forecast.OnnxQuantileModel;

/**
 * Training and serving agree: the parity vectors written by models/train.py (features as the
 * trainer read them, PyTorch's output) against ONNX Runtime Java and the Java feature builder.
 */
class ModelParityTest {

    static final Path MODELS = Path.of(System.getProperty("user.dir")).resolve("../models").normalize();

    static JsonNode parity() throws Exception {
        return new ObjectMapper().readTree(MODELS.resolve(Baselines.DEFAULT_MODEL + ".parity.json").toFile());
    }

    static float[] floats(JsonNode a) {
        float[] f = new float[a.size()];
        for (int i = 0; i < f.length; i++) f[i] = (float) a.get(i).asDouble();
        return f;
    }

    @Test
    void onnxRuntimeJavaMatchesPyTorch() throws Exception {
        JsonNode p = parity();
        double tol = p.get("tolerance").asDouble();
        try (OnnxQuantileModel m = OnnxQuantileModel.bundled(Baselines.DEFAULT_MODEL, 1)) {
            assertThat(m.id()).isEqualTo("shadow-mlp");
            JsonNode samples = p.get("samples");
            assertThat(samples.size()).isGreaterThanOrEqualTo(8);
            float[] batch = new float[samples.size() * ModelFeatures.SIZE];
            for (int s = 0; s < samples.size(); s++) {
                float[] f = floats(samples.get(s).get("features"));
                assertThat(f).hasSize(ModelFeatures.SIZE);
                System.arraycopy(f, 0, batch, s * ModelFeatures.SIZE, f.length);
            }
            float[] out = m.score(batch, samples.size(), new OnnxQuantileModel.Buffers()); // one batched run, as the job scores
            for (int s = 0; s < samples.size(); s++) {
                JsonNode q = samples.get(s).get("quantiles");
                for (int h = 0; h < ModelFeatures.HORIZON; h++) {
                    for (int k = 0; k < 3; k++) {
                        assertThat((double) out[OnnxQuantileModel.at(s, h, k)]).isCloseTo(q.get(h).get(k).asDouble(), org.assertj.core.data.Offset.offset(tol));
                    }
                    assertThat(out[OnnxQuantileModel.at(s, h, 0)]).isLessThanOrEqualTo(out[OnnxQuantileModel.at(s, h, 1)]);
                    assertThat(out[OnnxQuantileModel.at(s, h, 1)]).isLessThanOrEqualTo(out[OnnxQuantileModel.at(s, h, 2)]);
                }
            }
        }
    }

    @Test
    void javaFeaturesAreWhatTheTrainerRead() throws Exception {
        Path dir = Path.of(System.getProperty("shadowscale.data.dir", "../shared/data"), "bitbrains-rnd");
        assumeTrue(Files.isDirectory(dir.resolve("rnd")), "Bitbrains traces not found at " + dir + ": skipping the feature parity check");
        Map<String, Series> cache = new HashMap<>();
        for (JsonNode s : parity().get("samples")) {
            Series series = cache.computeIfAbsent(s.get("series").asText(), id -> BitbrainsTraces.load(dir, id));
            int origin = s.get("origin").asInt();
            int kind = s.get("kind").asInt();
            double[] v = series.values()[List.of(0, 1, 2, 3).indexOf(kind)];
            float[] f = new float[ModelFeatures.SIZE];
            ModelFeatures.build(lag -> v[origin - lag], series.start() + origin * series.bucketMs(), kind, f, 0);
            assertThat(f).as("series %s origin %d kind %d", series.id(), origin, kind).containsExactly(floats(s.get("features")));
        }
    }

    @Test
    void aModelThatDoesNotMatchItsCardIsRefused() throws Exception {
        byte[] model = Files.readAllBytes(MODELS.resolve(Baselines.DEFAULT_MODEL + ".onnx"));
        String card = Files.readString(MODELS.resolve(Baselines.DEFAULT_MODEL + ".card.json"));
        model[model.length / 2] ^= 1;
        assertThatThrownBy(() -> OnnxQuantileModel.load(model, card, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not match its card");
    }
}
