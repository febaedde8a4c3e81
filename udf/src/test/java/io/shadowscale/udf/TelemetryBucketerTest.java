package io.shadowscale.udf;

import static io.shadowscale.udf.TestData.BUCKET;
import static io.shadowscale.udf.TestData.MIN;
import static io.shadowscale.udf.TestData.T0;
import static io.shadowscale.udf.TestData.event;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import io.shadowscale.schema.TelemetryEvent;
import io.shadowscale.schema.TelemetryRollup;
import io.shadowscale.schema.WireFormat;
import io.shadowscale.udf.logic.BucketAccumulator;
import io.shadowscale.udf.model.BucketPartial;
import io.shadowscale.udf.model.DeadLetter;

class TelemetryBucketerTest {

    static KeyedOneInputStreamOperatorTestHarness<String, BucketPartial, TelemetryRollup> harness() throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new TelemetryBucketer(ShadowOptions.defaults())), new Keys.OfPartial(), Types.STRING);
        h.open();
        return h;
    }

    static void send(KeyedOneInputStreamOperatorTestHarness<String, BucketPartial, TelemetryRollup> h, TelemetryEvent e) throws Exception {
        h.processElement(new StreamRecord<>(BucketPartial.of(e), e.getEventTime().toEpochMilli()));
    }

    @Test
    void emitsOneRollupPerClosedBucketAndForgetsIt() throws Exception {
        try (var h = harness()) {
            for (int m = 0; m < 5; m++) {
                send(h, event("a", "w", T0 + m * MIN, 1 + m)); // cpu 1..5
            }
            send(h, event("b", "x", T0 + MIN, 7));
            send(h, event("a", "w", T0 + BUCKET + MIN, 9)); // next bucket stays open
            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(h.numEventTimeTimers()).isEqualTo(3);

            h.processWatermark(T0 + BUCKET - 1);
            List<TelemetryRollup> out = h.extractOutputValues();
            assertThat(out).hasSize(2);
            TelemetryRollup a = out.stream().filter(r -> r.getTenantId().equals("a")).findFirst().orElseThrow();
            assertThat(a.getWorkloadId()).isEqualTo("w");
            assertThat(a.getBucketStart().toEpochMilli()).isEqualTo(T0);
            assertThat(a.getSamples()).isEqualTo(5);
            assertThat(a.getCpuAvg()).isEqualTo(3.0);
            assertThat(a.getCpuMax()).isEqualTo(5.0);
            assertThat(a.getRequests()).isEqualTo(500);
            // 5 × 120,000 bytes over 5 × 60 s
            assertThat(a.getNetworkOutBytesPerSec()).isEqualTo(2000.0);
            assertThat(a.getDataKinds()).containsEntry("transactions", 5L);
            assertThat(h.numKeyedStateEntries()).as("only a/w's open second bucket").isEqualTo(1);

            h.processWatermark(T0 + 2 * BUCKET - 1);
            assertThat(h.extractOutputValues()).hasSize(3);
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
            assertThat(h.getSideOutput(Descriptors.DEAD_LETTERS)).isNull();
        }
    }

    @Test
    void lateEventsGoToTheDeadLetterOutput() throws Exception {
        try (var h = harness()) {
            send(h, event("a", "w", T0 + MIN, 1));
            h.processWatermark(T0 + BUCKET - 1);
            send(h, event("a", "w", T0 + 2 * MIN, 1)); // its bucket is closed
            List<DeadLetter> dead = h.getSideOutput(Descriptors.DEAD_LETTERS).stream().map(StreamRecord::getValue).collect(Collectors.toList());
            assertThat(dead).hasSize(1);
            assertThat(dead.get(0).stage).isEqualTo("late");
            assertThat(dead.get(0).reason).contains("behind the watermark").contains("already closed");
            assertThat(dead.get(0).key).isEqualTo("a/w");
            assertThat(WireFormat.decode(TelemetryEvent.class, dead.get(0).payload).getEventTime().toEpochMilli()).isEqualTo(T0 + 2 * MIN);
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void openBucketsSurviveSnapshotAndRestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            send(h, event("a", "w", T0 + MIN, 2));
            send(h, event("a", "w", T0 + 2 * MIN, 4));
            snapshot = h.snapshot(1, 1);
        }
        var restored = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new TelemetryBucketer(ShadowOptions.defaults())), new Keys.OfPartial(), Types.STRING);
        restored.initializeState(snapshot);
        restored.open();
        send(restored, event("a", "w", T0 + 3 * MIN, 6));
        restored.processWatermark(T0 + BUCKET);
        List<TelemetryRollup> out = restored.extractOutputValues();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).getSamples()).isEqualTo(3);
        assertThat(out.get(0).getCpuAvg()).isEqualTo(4.0);
        restored.close();
    }

    static BucketPartial partial(String tenant, String workload, long bucketStart, TelemetryEvent... events) {
        BucketAccumulator acc = BucketAccumulator.start(bucketStart);
        for (TelemetryEvent e : events) {
            acc.add(e);
        }
        return BucketPartial.of(Keys.workload(tenant, workload), acc);
    }

    @Test
    void mergesPartialsAndSinglesIntoTheSameRollupAsSamples() throws Exception {
        TelemetryRollup direct;
        try (var h = harness()) {
            for (int m = 0; m < 5; m++) {
                send(h, event("a", "w", T0 + m * MIN, 0.25 * (1 + m)));
            }
            h.processWatermark(T0 + BUCKET - 1);
            direct = h.extractOutputValues().get(0);
        }
        try (var h = harness()) {
            h.processElement(new StreamRecord<>(partial("a", "w", T0, event("a", "w", T0, 0.25), event("a", "w", T0 + MIN, 0.5)), T0 + BUCKET - 1));
            send(h, event("a", "w", T0 + 2 * MIN, 0.75));
            h.processElement(new StreamRecord<>(partial("a", "w", T0, event("a", "w", T0 + 3 * MIN, 1.0), event("a", "w", T0 + 4 * MIN, 1.25)), T0 + BUCKET - 1));
            assertThat(h.numEventTimeTimers()).isEqualTo(1);
            h.processWatermark(T0 + BUCKET - 1);
            List<TelemetryRollup> out = h.extractOutputValues();
            assertThat(out).containsExactly(direct);
            assertThat(out.get(0).getSamples()).isEqualTo(5);
            assertThat(out.get(0).getDataKinds()).containsEntry("transactions", 5L);
        }
    }

    @Test
    void aPartialArrivingAfterItsBucketClosedIsDeadLetteredWithItsSamples() throws Exception {
        try (var h = harness()) {
            h.processWatermark(T0 + BUCKET - 1);
            h.processElement(new StreamRecord<>(partial("a", "w", T0, event("a", "w", T0, 1), event("a", "w", T0 + MIN, 2)), T0 + BUCKET - 1));
            List<DeadLetter> dead = h.getSideOutput(Descriptors.DEAD_LETTERS).stream().map(StreamRecord::getValue).collect(Collectors.toList());
            assertThat(dead).hasSize(1);
            assertThat(dead.get(0).stage).isEqualTo("late");
            assertThat(dead.get(0).reason).startsWith("2 samples");
            assertThat(WireFormat.decode(TelemetryRollup.class, dead.get(0).payload).getSamples()).isEqualTo(2);
            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }
}
