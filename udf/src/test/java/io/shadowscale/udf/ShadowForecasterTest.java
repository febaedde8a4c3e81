package io.shadowscale.udf;

import static io.shadowscale.udf.TestData.BUCKET;
import static io.shadowscale.udf.TestData.T0;
import static io.shadowscale.udf.TestData.rollup;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import io.shadowscale.schema.ResourceShadow;
import io.shadowscale.schema.ShadowHorizon;
import io.shadowscale.schema.TelemetryRollup;
import io.shadowscale.udf.logic.FallbackForecaster;
import io.shadowscale.udf.model.EnrichedRollup;
import io.shadowscale.udf.model.Residual;
import io.shadowscale.udf.model.Resource;

class ShadowForecasterTest {

    final ShadowOptions options = fallbackOnly();

    static ShadowOptions fallbackOnly() {
        ShadowOptions o = ShadowOptions.defaults();
        o.forecaster = "fallback";
        return o;
    }

    KeyedOneInputStreamOperatorTestHarness<String, EnrichedRollup, ShadowHorizon> harness() throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new ShadowForecaster(options)), new Keys.OfEnriched(), Types.STRING);
        h.open();
        return h;
    }

    static void send(KeyedOneInputStreamOperatorTestHarness<String, EnrichedRollup, ShadowHorizon> h, TelemetryRollup r) throws Exception {
        h.processElement(new StreamRecord<>(TestData.enriched(r), r.getBucketStart().toEpochMilli() + BUCKET - 1));
    }

    @Test
    void emitsAnHourOfStepsPerBucketAndAResidualForThePredictedBucket() throws Exception {
        try (var h = harness()) {
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
        try (var h = harness()) {
            send(h, rollup("a", "w", T0, 2.0));
            send(h, rollup("a", "w", T0 + 5 * BUCKET, 2.0)); // no forecast was made three buckets before it
            assertThat(h.getSideOutput(Descriptors.RESIDUALS)).isNull();
            assertThat(h.extractOutputValues()).hasSize(2);
        }
    }

    @Test
    void stateOfAnIdleWorkloadIsDropped() throws Exception {
        try (var h = harness()) {
            send(h, rollup("a", "w", T0, 2.0));
            send(h, rollup("b", "w", T0 + 200 * BUCKET, 2.0));
            assertThat(h.numKeyedStateEntries()).isEqualTo(4); // forecaster + idle timer for each
            assertThat(h.numEventTimeTimers()).isEqualTo(2);
            h.processWatermark(T0 + BUCKET + options.idleStateTimeoutMs);
            assertThat(h.numKeyedStateEntries()).as("a is idle for a day, b is not").isEqualTo(2);
            h.processWatermark(Long.MAX_VALUE);
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void aRestoredForecasterContinuesWhereItWas() throws Exception {
        OperatorSubtaskState snapshot;
        ShadowHorizon expected;
        try (var h = harness()) {
            send(h, rollup("a", "w", T0, 2.0));
            snapshot = h.snapshot(1, 1);
            send(h, rollup("a", "w", T0 + BUCKET, 4.0));
            expected = h.extractOutputValues().get(1);
        }
        var restored = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new ShadowForecaster(options)), new Keys.OfEnriched(), Types.STRING);
        restored.initializeState(snapshot);
        restored.open();
        send(restored, rollup("a", "w", T0 + BUCKET, 4.0));
        assertThat(restored.extractOutputValues()).containsExactly(expected);
        send(restored, rollup("a", "w", T0 + 2 * BUCKET, 4.0));
        send(restored, rollup("a", "w", T0 + 3 * BUCKET, 4.0));
        assertThat(restored.getSideOutput(Descriptors.RESIDUALS)).as("the reference forecast survived the restore").hasSize(1);
        restored.close();
    }

    @Test
    void theOnnxModelTakesOverAfterTheColdStart() throws Exception {
        ShadowOptions onnx = ShadowOptions.defaults();
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new ShadowForecaster(onnx)), new Keys.OfEnriched(), Types.STRING);
        h.open();
        for (int b = 0; b < 20; b++) {
            send(h, rollup("a", "w", T0 + b * BUCKET, 2.0 + 0.1 * (b % 3)));
        }
        List<ShadowHorizon> out = h.extractOutputValues();
        ResourceShadow first = out.get(0).getSteps().get(0);
        assertThat(first.getFallback()).isTrue();
        assertThat(first.getFallbackReason()).startsWith("cold start");
        ResourceShadow later = out.get(19).getSteps().get(0);
        assertThat(later.getFallback()).isFalse();
        assertThat(later.getFallbackReason()).isNull();
        assertThat(later.getModelId()).isEqualTo("shadow-mlp");
        assertThat(later.getCpuP50()).isBetween(1.0, 3.5); // a flat-ish 2.0–2.2 series stays near its level
        assertThat(later.getCpuP90()).isGreaterThanOrEqualTo(later.getCpuP50());
        assertThat(later.getCpuP99()).isGreaterThanOrEqualTo(later.getCpuP90());
        // residuals of buckets predicted by the model carry its band and say it was not the fallback
        var residuals = new java.util.ArrayList<>(h.getSideOutput(Descriptors.RESIDUALS));
        assertThat(residuals.get(residuals.size() - 1).getValue().fallback).isFalse();
        h.close();
    }

    @Test
    void aMissingModelFallsBackWithTheReason() throws Exception {
        ShadowOptions o = ShadowOptions.defaults();
        o.modelName = "no-such-model";
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new ShadowForecaster(o)), new Keys.OfEnriched(), Types.STRING);
        h.open();
        for (int b = 0; b < 20; b++) {
            send(h, rollup("a", "w", T0 + b * BUCKET, 2.0));
        }
        ResourceShadow s = h.extractOutputValues().get(19).getSteps().get(0);
        assertThat(s.getFallback()).isTrue();
        assertThat(s.getFallbackReason()).contains("model no-such-model unavailable");
        h.close();
    }

    @Test
    void anAnnouncedCampaignRaisesTheShadowAndIsNamedAsItsDriver() throws Exception {
        try (var h = harness()) {
            for (int i = 0; i < 24; i++) {
                send(h, rollup("a", "w", T0 + i * BUCKET, 2.0));
            }
            TelemetryRollup r = rollup("a", "w", T0 + 24 * BUCKET, 2.0);
            EnrichedRollup e = TestData.enriched(r);
            double[] ahead = new double[12];
            java.util.Arrays.fill(ahead, 6, 12, 1.0); // doubles the load from the 7th step
            e.setCampaigns(List.of(new io.shadowscale.udf.logic.events.Covariates.Campaign("sale-1", "spring-sale", 0, ahead)));
            h.processElement(new StreamRecord<>(e, r.getBucketStart().toEpochMilli() + BUCKET - 1));
            List<ShadowHorizon> out = h.extractOutputValues();
            ShadowHorizon last = out.get(out.size() - 1);
            double before = last.getSteps().get(5).getCpuP50();
            double during = last.getSteps().get(6).getCpuP50();
            assertThat(during / before).isCloseTo(1 + options.campaignElasticity[0], org.assertj.core.api.Assertions.offset(0.05));
            assertThat(last.getDrivers()).isNotEmpty();
            var top = last.getDrivers().get(0);
            assertThat(top.getName()).isEqualTo("campaign spring-sale");
            assertThat(top.getEventId()).isEqualTo("sale-1");
            assertThat(top.getPeakStep()).isEqualTo(7);
            assertThat(out.get(0).getDrivers()).noneMatch(d -> d.getKind() == io.shadowscale.schema.DriverKind.CAMPAIGN);
        }
    }
}
