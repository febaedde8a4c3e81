package io.shadowscale.udf;

import static io.shadowscale.udf.TestData.BUCKET;
import static io.shadowscale.udf.TestData.T0;
import static io.shadowscale.udf.TestData.rollup;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.shadowscale.schema.ModelAlert;
import io.shadowscale.schema.ModelAlertKind;
import io.shadowscale.schema.ModelRelease;
import io.shadowscale.schema.ModelScope;
import io.shadowscale.schema.ResourceShadow;
import io.shadowscale.schema.ShadowHorizon;
import io.shadowscale.schema.TelemetryRollup;
import io.shadowscale.udf.logic.FallbackForecaster;
import io.shadowscale.udf.logic.forecast.OnnxQuantileModel;
import io.shadowscale.udf.model.EnrichedRollup;
import io.shadowscale.udf.model.Residual;
import io.shadowscale.udf.model.Resource;

class ForecastScorerTest {

    static ShadowOptions fallbackOnly() {
        ShadowOptions o = ShadowOptions.defaults();
        o.forecaster = "fallback";
        return o;
    }

    static ShadowOptions onnx(int batchSize) {
        ShadowOptions o = ShadowOptions.defaults();
        o.scoringBatchSize = batchSize;
        o.scoringBatchTimeoutMs = 60_000;
        return o;
    }

    static KeyedTwoInputStreamOperatorTestHarness<String, EnrichedRollup, ModelRelease, ShadowHorizon> harness(ShadowOptions o) throws Exception {
        var h = new KeyedTwoInputStreamOperatorTestHarness<>(new ForecastScorer(o), new Keys.OfEnriched(), r -> "releases", Types.STRING);
        h.open();
        return h;
    }

    static void send(KeyedTwoInputStreamOperatorTestHarness<String, EnrichedRollup, ModelRelease, ShadowHorizon> h, TelemetryRollup r) throws Exception {
        h.processElement1(new StreamRecord<>(TestData.enriched(r), r.getBucketStart().toEpochMilli() + BUCKET - 1));
    }

    static double cpu(int b) {
        return 2.0 + 0.1 * (b % 3);
    }

    static ForecastScorer scorer(KeyedTwoInputStreamOperatorTestHarness<?, ?, ?, ?> h) {
        return (ForecastScorer) h.getOperator();
    }

    @Test
    void emitsAnHourOfStepsPerBucketAndAResidualForThePredictedBucket() throws Exception {
        try (var h = harness(fallbackOnly())) {
            send(h, rollup("a", "w", T0, 2.0));
            List<ShadowHorizon> out = h.extractOutputValues();
            assertThat(out).hasSize(1);
            ShadowHorizon first = out.get(0);
            assertThat(first.getGeneratedAt().toEpochMilli()).isEqualTo(T0 + BUCKET);
            assertThat(first.getSteps()).hasSize(12);
            ResourceShadow s1 = first.getSteps().get(0);
            assertThat(s1.getStep()).isEqualTo(1);
            assertThat(s1.getTimestamp().toEpochMilli()).isEqualTo(T0 + BUCKET);
            assertThat(first.getSteps().get(11).getTimestamp().toEpochMilli()).isEqualTo(T0 + 12 * BUCKET);
            assertThat(s1.getCpuP50()).isEqualTo(2.0);
            assertThat(s1.getCpuP90()).isGreaterThan(s1.getCpuP50());
            assertThat(s1.getCpuP99()).isGreaterThan(s1.getCpuP90());
            assertThat(s1.getFallback()).isTrue();
            assertThat(s1.getModelId()).isEqualTo(FallbackForecaster.MODEL_ID);
            assertThat(s1.getFallbackReason()).isEqualTo("no ONNX model deployed");
            assertThat(h.getSideOutput(Descriptors.RESIDUALS)).isNull();

            // the residual of a bucket compares it with the forecast made three buckets earlier
            ResourceShadow s3 = first.getSteps().get(2);
            send(h, rollup("a", "w", T0 + BUCKET, 2.0));
            send(h, rollup("a", "w", T0 + 2 * BUCKET, 2.0));
            assertThat(h.getSideOutput(Descriptors.RESIDUALS)).isNull();
            send(h, rollup("a", "w", T0 + 3 * BUCKET, 5.0));
            var residuals = h.getSideOutput(Descriptors.RESIDUALS);
            assertThat(residuals).hasSize(1);
            Residual r = residuals.peek().getValue();
            assertThat(r.bucketStart).isEqualTo(T0 + 3 * BUCKET);
            assertThat(r.actual(Resource.CPU)).isEqualTo(5.0);
            assertThat(r.p50(Resource.CPU)).isEqualTo(s3.getCpuP50());
            assertThat(r.p99(Resource.CPU)).isEqualTo(s3.getCpuP99());
            assertThat(r.fallback).isTrue();
        }
    }

    @Test
    void noResidualAcrossAGap() throws Exception {
        try (var h = harness(fallbackOnly())) {
            send(h, rollup("a", "w", T0, 2.0));
            send(h, rollup("a", "w", T0 + 5 * BUCKET, 2.0)); // no forecast was made three buckets before it
            assertThat(h.getSideOutput(Descriptors.RESIDUALS)).isNull();
            assertThat(h.extractOutputValues()).hasSize(2);
        }
    }

    @Test
    void stateOfAnIdleWorkloadIsDropped() throws Exception {
        ShadowOptions o = onnx(64);
        try (var h = harness(o)) {
            for (int b = 0; b < 20; b++) send(h, rollup("a", "w", T0 + b * BUCKET, cpu(b)));
            send(h, rollup("b", "w", T0 + 200 * BUCKET, 2.0));
            assertThat(h.numKeyedStateEntries()).as("the scorer state of each; the idle expiry follows from it").isEqualTo(2);
            assertThat(h.numEventTimeTimers()).isEqualTo(2);
            h.processBothWatermarks(new Watermark(T0 + 20 * BUCKET + o.idleStateTimeoutMs));
            assertThat(h.numKeyedStateEntries()).as("a is idle for a day, b is not").isEqualTo(1);
            h.processBothWatermarks(new Watermark(Long.MAX_VALUE));
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
            assertThat(h.extractOutputValues()).as("every bucket was answered").hasSize(21);
        }
    }

    @Test
    void stateOfAnActiveWorkloadIsKeptPastTheFirstExpiryAndDroppedOnceIdle() throws Exception {
        ShadowOptions o = fallbackOnly();
        o.idleStateTimeoutMs = 6 * BUCKET; // the timer armed at the first bucket fires while buckets still come
        try (var h = harness(o)) {
            for (int b = 0; b < 20; b++) {
                send(h, rollup("a", "w", T0 + b * BUCKET, cpu(b)));
                h.processBothWatermarks(new Watermark(T0 + (b + 1) * BUCKET - 1));
                assertThat(h.numKeyedStateEntries()).as("bucket %d: state kept while buckets arrive", b).isEqualTo(1);
                assertThat(h.numEventTimeTimers()).as("one timer per workload").isEqualTo(1);
            }
            long lastExpiry = T0 + 20 * BUCKET + o.idleStateTimeoutMs;
            h.processBothWatermarks(new Watermark(lastExpiry - 1));
            assertThat(h.numKeyedStateEntries()).as("not idle for the whole timeout yet").isEqualTo(1);
            h.processBothWatermarks(new Watermark(lastExpiry));
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
            // forgotten: the next bucket starts from nothing (no residual against the old forecasts)
            send(h, rollup("a", "w", T0 + 40 * BUCKET, 2.0));
            assertThat(h.numKeyedStateEntries()).isEqualTo(1);
            assertThat(h.numEventTimeTimers()).isEqualTo(1);
        }
    }

    @Test
    void theOnnxModelTakesOverAfterTheColdStartAndRunsOnceForManyWorkloads() throws Exception {
        try (var h = harness(onnx(256))) {
            int workloads = 10, buckets = 20;
            for (int b = 0; b < buckets; b++) {
                for (int w = 0; w < workloads; w++) {
                    send(h, rollup("t", "w" + w, T0 + b * BUCKET, cpu(b) + w));
                }
            }
            ForecastScorer s = scorer(h);
            // buckets 0..10 are cold starts (fewer than 12 known), answered at once by the fallback;
            // from bucket 11 on, each bucket of all ten workloads waits in one batch, flushed when
            // the next bucket of a waiting workload arrives (and the last one by the watermark)
            assertThat(h.extractOutputValues()).hasSize((buckets - 1) * workloads);
            h.processBothWatermarks(new Watermark(T0 + buckets * BUCKET));
            List<ShadowHorizon> out = h.extractOutputValues();
            assertThat(out).hasSize(buckets * workloads);
            assertThat(s.modelRuns()).isEqualTo(buckets - 11);
            assertThat(s.modelScoredWorkloads()).isEqualTo((buckets - 11) * workloads);

            ResourceShadow first = out.get(0).getSteps().get(0);
            assertThat(first.getFallback()).isTrue();
            assertThat(first.getFallbackReason()).startsWith("cold start");
            ShadowHorizon last = out.get(out.size() - 1);
            ResourceShadow later = last.getSteps().get(0);
            assertThat(later.getFallback()).isFalse();
            assertThat(later.getFallbackReason()).isNull();
            assertThat(later.getModelId()).isEqualTo("shadow-mlp");
            double level = cpu(buckets - 1) + Integer.parseInt(last.getWorkloadId().substring(1));
            assertThat(later.getCpuP50()).isBetween(level * 0.5, level * 1.5); // a flat-ish series stays near its level
            assertThat(later.getCpuP90()).isGreaterThanOrEqualTo(later.getCpuP50());
            assertThat(later.getCpuP99()).isGreaterThanOrEqualTo(later.getCpuP90());
            var residuals = new ArrayList<>(h.getSideOutput(Descriptors.RESIDUALS));
            assertThat(residuals.get(residuals.size() - 1).getValue().fallback).isFalse();
            // records are built with setters: every field must be set for them to encode and decode
            for (ShadowHorizon sh : List.of(out.get(0), last)) {
                byte[] bytes = io.shadowscale.schema.WireFormat.encode(sh);
                assertThat(io.shadowscale.schema.WireFormat.decode(ShadowHorizon.class, bytes)).isEqualTo(sh);
            }
        }
    }

    @Test
    void aFullBatchRunsAtOnceAndTheTimeoutFlushesTheRest() throws Exception {
        ShadowOptions o = onnx(4);
        o.scoringBatchTimeoutMs = 50;
        o.scoringPipelined = false;
        try (var h = harness(o)) {
            h.setProcessingTime(0);
            for (int b = 0; b < 12; b++) {
                for (int w = 0; w < 6; w++) {
                    if (b < 11) send(h, rollup("t", "w" + w, T0 + b * BUCKET, cpu(b)));
                }
            }
            int before = h.extractOutputValues().size();
            for (int w = 0; w < 6; w++) send(h, rollup("t", "w" + w, T0 + 11 * BUCKET, cpu(11)));
            assertThat(h.extractOutputValues().size() - before).as("four of six answered by a full batch").isEqualTo(4);
            assertThat(scorer(h).modelRuns()).isEqualTo(1);
            h.setProcessingTime(50);
            assertThat(h.extractOutputValues().size() - before).as("the timeout flushed the other two").isEqualTo(6);
            assertThat(scorer(h).modelRuns()).isEqualTo(2);
        }
    }

    @Test
    void aPipelinedBatchRunsOnTheScoringThreadAndLandsAtTheNextBatchOrTheTimeout() throws Exception {
        ShadowOptions o = onnx(4);
        o.scoringBatchTimeoutMs = 50;
        try (var h = harness(o)) {
            h.setProcessingTime(0);
            for (int b = 0; b < 11; b++) {
                for (int w = 0; w < 10; w++) send(h, rollup("t", "w" + w, T0 + b * BUCKET, cpu(b)));
            }
            int before = h.extractOutputValues().size();
            for (int w = 0; w < 4; w++) send(h, rollup("t", "w" + w, T0 + 11 * BUCKET, cpu(11)));
            assertThat(scorer(h).modelRuns()).as("the full batch went to the scoring thread").isEqualTo(1);
            assertThat(h.extractOutputValues().size() - before).as("its answers land later").isZero();
            for (int w = 4; w < 8; w++) send(h, rollup("t", "w" + w, T0 + 11 * BUCKET, cpu(11)));
            assertThat(scorer(h).modelRuns()).isEqualTo(2);
            assertThat(h.extractOutputValues().size() - before).as("the first batch landed when the second was full").isEqualTo(4);
            send(h, rollup("t", "w8", T0 + 11 * BUCKET, cpu(11)));
            h.setProcessingTime(50);
            assertThat(h.extractOutputValues().size() - before).as("the timeout landed the second and ran the rest").isEqualTo(9);
            assertThat(scorer(h).modelRuns()).isEqualTo(3);
            send(h, rollup("t", "w9", T0 + 11 * BUCKET, cpu(11)));
            send(h, rollup("t", "w9", T0 + 12 * BUCKET, cpu(12)));
            assertThat(h.extractOutputValues().size() - before).as("a workload's next bucket waits for its previous one").isEqualTo(10);
        }
    }

    @Test
    void pipelinedAndInlineScoringGiveTheSameOutputsInEachWorkloadsOrder() throws Exception {
        // the same answers; across workloads the order may differ (cold starts answer at once
        // while a pipelined batch is in flight), within a workload it may not
        List<java.util.Map<String, List<Object>>> outputs = new ArrayList<>();
        for (boolean pipelined : new boolean[] {false, true}) {
            ShadowOptions o = onnx(8);
            o.scoringPipelined = pipelined;
            try (var h = harness(o)) {
                java.util.Random rnd = new java.util.Random(7);
                for (int b = 0; b < 30; b++) {
                    for (int w = 0; w < 37; w++) {
                        if (rnd.nextInt(10) == 0) continue; // gaps: workloads skip buckets
                        send(h, rollup("t", "w" + w, T0 + b * BUCKET, 1 + rnd.nextDouble() * 3));
                    }
                    if (b % 7 == 6) h.processBothWatermarks(new Watermark(T0 + (b + 1) * BUCKET - 1));
                    if (b == 20) h.prepareSnapshotPreBarrier(1);
                }
                h.processBothWatermarks(new Watermark(T0 + 30 * BUCKET));
                assertThat(scorer(h).modelRuns()).isGreaterThan(30);
                java.util.Map<String, List<Object>> out = new java.util.TreeMap<>();
                for (ShadowHorizon sh : h.extractOutputValues()) {
                    out.computeIfAbsent(sh.getWorkloadId(), k -> new ArrayList<>()).add(sh);
                }
                for (var r : h.getSideOutput(Descriptors.RESIDUALS)) {
                    Residual x = r.getValue();
                    out.computeIfAbsent(x.workloadId + " residuals", k -> new ArrayList<>()).add(x.bucketStart + " "
                            + java.util.Arrays.toString(x.actual) + java.util.Arrays.toString(x.p50)
                            + java.util.Arrays.toString(x.p90) + java.util.Arrays.toString(x.p99) + x.fallback);
                }
                outputs.add(out);
            }
        }
        assertThat(outputs.get(0)).hasSize(2 * 37);
        assertThat(outputs.get(1)).isEqualTo(outputs.get(0));
    }

    @Test
    void waitingAnswersGoOutBeforeTheWatermark() throws Exception {
        try (var h = harness(onnx(256))) {
            for (int b = 0; b < 12; b++) {
                for (int w = 0; w < 3; w++) send(h, rollup("t", "w" + w, T0 + b * BUCKET, cpu(b)));
            }
            h.processBothWatermarks(new Watermark(T0 + 12 * BUCKET));
            List<Object> out = new ArrayList<>(h.getOutput());
            assertThat(out.get(out.size() - 1)).isEqualTo(new Watermark(T0 + 12 * BUCKET));
            for (int i = out.size() - 4; i < out.size() - 1; i++) {
                @SuppressWarnings("unchecked")
                ShadowHorizon sh = ((StreamRecord<ShadowHorizon>) out.get(i)).getValue();
                assertThat(sh.getGeneratedAt().toEpochMilli()).isEqualTo(T0 + 12 * BUCKET);
                assertThat(sh.getSteps().get(0).getFallback()).isFalse();
            }
        }
    }

    @Test
    void aSnapshotFlushesWaitingRequestsBeforeTheBarrierAndRestores() throws Exception {
        OperatorSubtaskState snapshot;
        ShadowHorizon expected;
        ShadowOptions o = onnx(256);
        try (var h = harness(o)) {
            for (int b = 0; b < 14; b++) {
                for (int w = 0; w < 3; w++) send(h, rollup("t", "w" + w, T0 + b * BUCKET, cpu(b)));
            }
            int before = h.extractOutputValues().size();
            h.prepareSnapshotPreBarrier(1);
            assertThat(h.extractOutputValues().size() - before).as("the three waiting workloads answered before the barrier").isEqualTo(3);
            snapshot = h.snapshot(1, 1);
            send(h, rollup("t", "w0", T0 + 14 * BUCKET, cpu(14)));
            h.prepareSnapshotPreBarrier(2);
            List<ShadowHorizon> out = h.extractOutputValues();
            expected = out.get(out.size() - 1);
        }
        var restored = new KeyedTwoInputStreamOperatorTestHarness<>(new ForecastScorer(o), new Keys.OfEnriched(), r -> "releases", Types.STRING);
        restored.initializeState(snapshot);
        restored.open();
        send(restored, rollup("t", "w0", T0 + 14 * BUCKET, cpu(14)));
        restored.prepareSnapshotPreBarrier(2);
        assertThat(restored.extractOutputValues()).containsExactly(expected);
        assertThat(restored.getSideOutput(Descriptors.RESIDUALS)).as("the reference forecast survived the restore").hasSize(1);
        restored.close();
    }

    @Test
    void aMissingModelFallsBackWithTheReason() throws Exception {
        ShadowOptions o = onnx(8);
        o.modelName = "no-such-model";
        try (var h = harness(o)) {
            for (int b = 0; b < 20; b++) send(h, rollup("a", "w", T0 + b * BUCKET, 2.0));
            ResourceShadow s = h.extractOutputValues().get(19).getSteps().get(0);
            assertThat(s.getFallback()).isTrue();
            assertThat(s.getFallbackReason()).contains("model no-such-model unavailable");
        }
    }

    // --- model releases

    /** The bundled model's bytes under {@code dir/<name>.onnx} with a card naming it {@code id} {@code version}. */
    static String publish(Path dir, String name, String id, String version) throws Exception {
        return publish(dir, name, id, version, "shadow-mlp-v3");
    }

    /** Publishes the bundled model {@code bundled} under another id and version. */
    static String publish(Path dir, String name, String id, String version, String bundled) throws Exception {
        byte[] onnx = TestData.class.getClassLoader().getResourceAsStream("models/" + bundled + ".onnx").readAllBytes();
        String card = new String(TestData.class.getClassLoader().getResourceAsStream("models/" + bundled + ".card.json").readAllBytes());
        card = card.replaceFirst("\"model_id\"\\s*:\\s*\"[^\"]*\"", "\"model_id\": \"" + id + "\"")
                .replaceFirst("\"model_version\"\\s*:\\s*\"[^\"]*\"", "\"model_version\": \"" + version + "\"");
        Files.write(dir.resolve(name + ".onnx"), onnx);
        Files.writeString(dir.resolve(name + ".card.json"), card);
        return OnnxQuantileModel.sha256(onnx);
    }

    static ModelRelease release(String id, String version, String uri, String sha, ModelScope scope, String value, int percent) {
        return ModelRelease.newBuilder().setModelId(id).setVersion(version).setUri(uri).setSha256(sha)
                .setScope(scope).setScopeValue(value).setRolloutPercent(percent).setReleasedAt(Instant.ofEpochMilli(T0)).build();
    }

    @Test
    void aReleaseIsSwappedInWhileRunningAndSurvivesARestore(@TempDir Path dir) throws Exception {
        String sha = publish(dir, "canary", "shadow-canary", "7");
        ShadowOptions o = onnx(256);
        OperatorSubtaskState snapshot;
        try (var h = harness(o)) {
            for (int b = 0; b < 15; b++) send(h, rollup("t", "w", T0 + b * BUCKET, cpu(b)));
            h.processBothWatermarks(new Watermark(T0 + 15 * BUCKET));
            assertThat(last(h).getModelId()).isEqualTo("shadow-mlp");
            h.processElement2(new StreamRecord<>(release("shadow-canary", "7", dir.resolve("canary.onnx").toUri().toString(), sha, ModelScope.GLOBAL, null, 100), T0));
            send(h, rollup("t", "w", T0 + 15 * BUCKET, cpu(15)));
            h.processBothWatermarks(new Watermark(T0 + 16 * BUCKET));
            assertThat(last(h).getModelId()).isEqualTo("shadow-canary");
            assertThat(last(h).getModelVersion()).isEqualTo("7");
            assertThat(last(h).getFallback()).isFalse();
            assertThat(h.getSideOutput(Descriptors.MODEL_ALERTS)).isNull();
            h.prepareSnapshotPreBarrier(1);
            snapshot = h.snapshot(1, 1);
        }
        var restored = new KeyedTwoInputStreamOperatorTestHarness<>(new ForecastScorer(o), new Keys.OfEnriched(), r -> "releases", Types.STRING);
        restored.initializeState(snapshot);
        restored.open();
        send(restored, rollup("t", "w", T0 + 16 * BUCKET, cpu(16)));
        restored.processBothWatermarks(new Watermark(T0 + 17 * BUCKET));
        assertThat(last(restored).getModelId()).as("the release is in broadcast state").isEqualTo("shadow-canary");
        restored.close();
    }

    @Test
    void aPipelinedRunCarriesTheBatchesOfTwoModelsAndAnswersAsInline(@TempDir Path dir) throws Exception {
        // another network (v2), so answers landing under the wrong model's rows would show
        String sha = publish(dir, "canary", "shadow-canary", "7", "shadow-mlp-v2");
        List<java.util.Map<String, List<ShadowHorizon>>> outputs = new ArrayList<>();
        for (boolean pipelined : new boolean[] {false, true}) {
            ShadowOptions o = onnx(4);
            o.scoringPipelined = pipelined;
            try (var h = harness(o)) {
                // half the workloads on the canary: every dispatch holds a batch per model
                h.processElement2(new StreamRecord<>(release("shadow-canary", "7", dir.resolve("canary.onnx").toUri().toString(), sha,
                        ModelScope.GLOBAL, null, 50), T0));
                for (int b = 0; b < 16; b++) {
                    for (int w = 0; w < 10; w++) send(h, rollup("t", "w" + w, T0 + b * BUCKET, cpu(b) + w));
                }
                h.processBothWatermarks(new Watermark(T0 + 16 * BUCKET));
                java.util.Map<String, List<ShadowHorizon>> byWorkload = new java.util.TreeMap<>();
                for (ShadowHorizon sh : h.extractOutputValues()) byWorkload.computeIfAbsent(sh.getWorkloadId(), k -> new ArrayList<>()).add(sh);
                outputs.add(byWorkload);
                java.util.Set<String> models = new java.util.HashSet<>();
                for (List<ShadowHorizon> l : byWorkload.values()) models.add(l.get(l.size() - 1).getSteps().get(0).getModelId());
                assertThat(models).as("pipelined %s", pipelined).containsExactlyInAnyOrder("shadow-mlp", "shadow-canary");
            }
        }
        assertThat(outputs.get(0)).hasSize(10);
        assertThat(outputs.get(1)).isEqualTo(outputs.get(0));
    }

    @Test
    void aReleaseWithAWrongSha256KeepsTheCurrentModelAndAlerts(@TempDir Path dir) throws Exception {
        publish(dir, "tampered", "shadow-tampered", "9");
        try (var h = harness(onnx(256))) {
            for (int b = 0; b < 15; b++) send(h, rollup("t", "w", T0 + b * BUCKET, cpu(b)));
            h.processElement2(new StreamRecord<>(release("shadow-tampered", "9", dir.resolve("tampered.onnx").toString(), "0".repeat(64), ModelScope.GLOBAL, null, 100), T0));
            var alerts = h.getSideOutput(Descriptors.MODEL_ALERTS);
            assertThat(alerts).hasSize(1);
            ModelAlert a = alerts.peek().getValue();
            assertThat(a.getKind()).isEqualTo(ModelAlertKind.SHA256_MISMATCH);
            assertThat(a.getReason()).contains("sha256").contains("0".repeat(64));
            assertThat(a.getKeptModelId()).isEqualTo("shadow-mlp");
            send(h, rollup("t", "w", T0 + 15 * BUCKET, cpu(15)));
            h.processBothWatermarks(new Watermark(T0 + 16 * BUCKET));
            assertThat(last(h).getModelId()).isEqualTo("shadow-mlp");
            assertThat(last(h).getFallback()).isFalse();

            h.processElement2(new StreamRecord<>(release("shadow-gone", "1", dir.resolve("missing.onnx").toString(), "1".repeat(64), ModelScope.GLOBAL, null, 100), T0));
            assertThat(h.getSideOutput(Descriptors.MODEL_ALERTS)).hasSize(2);
            assertThat(new ArrayList<>(h.getSideOutput(Descriptors.MODEL_ALERTS)).get(1).getValue().getKind()).isEqualTo(ModelAlertKind.LOAD_FAILED);
        }
    }

    static ResourceShadow last(KeyedTwoInputStreamOperatorTestHarness<String, EnrichedRollup, ModelRelease, ShadowHorizon> h) {
        List<ShadowHorizon> out = h.extractOutputValues();
        return out.get(out.size() - 1).getSteps().get(0);
    }

    @Test
    void anAnnouncedCampaignRaisesTheShadowAndIsNamedAsItsDriver() throws Exception {
        ShadowOptions o = fallbackOnly();
        try (var h = harness(o)) {
            for (int i = 0; i < 24; i++) {
                send(h, rollup("a", "w", T0 + i * BUCKET, 2.0));
            }
            TelemetryRollup r = rollup("a", "w", T0 + 24 * BUCKET, 2.0);
            EnrichedRollup e = TestData.enriched(r);
            double[] ahead = new double[12];
            java.util.Arrays.fill(ahead, 6, 12, 1.0); // doubles the load from the 7th step
            e.setCampaigns(List.of(new io.shadowscale.udf.logic.events.Covariates.Campaign("sale-1", "spring-sale", 0, ahead)));
            h.processElement1(new StreamRecord<>(e, r.getBucketStart().toEpochMilli() + BUCKET - 1));
            h.processWatermark1(new org.apache.flink.streaming.api.watermark.Watermark(r.getBucketStart().toEpochMilli() + BUCKET - 1));
            List<ShadowHorizon> out = h.extractOutputValues();
            ShadowHorizon last = out.get(out.size() - 1);
            assertThat(last.getGeneratedAt().toEpochMilli()).isEqualTo(T0 + 25 * BUCKET);
            double before = last.getSteps().get(5).getCpuP50();
            double during = last.getSteps().get(6).getCpuP50();
            assertThat(during / before).isCloseTo(1 + o.campaignElasticity[0], org.assertj.core.api.Assertions.offset(0.05));
            var top = last.getDrivers().get(0);
            assertThat(top.getName()).isEqualTo("campaign spring-sale");
            assertThat(top.getEventId()).isEqualTo("sale-1");
            assertThat(top.getPeakStep()).isEqualTo(7);
            assertThat(out.get(0).getDrivers()).noneMatch(d -> d.getKind() == io.shadowscale.schema.DriverKind.CAMPAIGN);
        }
    }
}
