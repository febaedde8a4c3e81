package io.shadowscale.udf;

import static io.shadowscale.udf.TestData.BUCKET;
import static io.shadowscale.udf.TestData.MIN;
import static io.shadowscale.udf.TestData.T0;
import static io.shadowscale.udf.TestData.event;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import io.shadowscale.schema.TelemetryEvent;
import io.shadowscale.schema.TelemetryRollup;
import io.shadowscale.udf.model.BucketPartial;

class TelemetryCombinerTest {

    static OneInputStreamOperatorTestHarness<TelemetryEvent, BucketPartial> harness(int maxEntries) throws Exception {
        ShadowOptions o = ShadowOptions.defaults();
        o.preAggregateMaxEntries = maxEntries;
        var h = new OneInputStreamOperatorTestHarness<>(new TelemetryCombiner(o));
        h.open();
        return h;
    }

    static void send(OneInputStreamOperatorTestHarness<TelemetryEvent, BucketPartial> h, TelemetryEvent e) throws Exception {
        h.processElement(new StreamRecord<>(e, e.getEventTime().toEpochMilli()));
    }

    /** Output in order: partials and singles as themselves, watermarks as Long timestamps. */
    static List<Object> drain(OneInputStreamOperatorTestHarness<TelemetryEvent, BucketPartial> h) {
        List<Object> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r) {
                out.add(r.getValue());
            } else if (o instanceof Watermark w) {
                out.add(w.getTimestamp());
            }
        }
        h.getOutput().clear();
        return out;
    }

    static BucketPartial partialOf(List<Object> out, String key, long bucketStart) {
        return out.stream().filter(o -> o instanceof BucketPartial p && p.key.equals(key) && p.partial != null && p.partial.bucketStart == bucketStart)
                .map(o -> (BucketPartial) o).findFirst().orElseThrow();
    }

    @Test
    void sendsOnePartialPerWorkloadAndBucketWhenTheWatermarkPassesItsEndAndBeforeTheWatermark() throws Exception {
        try (var h = harness(100)) {
            for (int m = 0; m < 5; m++) {
                send(h, event("a", "w", T0 + m * MIN, 1 + m));
            }
            send(h, event("b", "x", T0 + MIN, 7));
            send(h, event("a", "w", T0 + BUCKET + MIN, 9)); // next bucket stays open
            assertThat(drain(h)).isEmpty();

            h.processWatermark(T0 + BUCKET - 2); // not yet past the end
            assertThat(drain(h)).containsExactly(T0 + BUCKET - 2);

            h.processWatermark(T0 + BUCKET - 1);
            List<Object> out = drain(h);
            assertThat(out).hasSize(3);
            assertThat(out.get(2)).as("the watermark after the partials").isEqualTo(T0 + BUCKET - 1);
            BucketPartial a = partialOf(out, "a/w", T0);
            assertThat(a.partial.samples).isEqualTo(5);
            assertThat(a.partial.cpuSum).isEqualTo(15.0);
            assertThat(a.partial.cpuMax).isEqualTo(5.0);
            assertThat(a.partial.requests).isEqualTo(500);
            assertThat(a.single).isNull();
            assertThat(partialOf(out, "b/x", T0).partial.samples).isEqualTo(1);

            h.processWatermark(Long.MAX_VALUE); // end of input
            out = drain(h);
            assertThat(out).hasSize(2);
            assertThat(partialOf(out, "a/w", T0 + BUCKET).partial.cpuSum).isEqualTo(9.0);
            assertThat(((TelemetryCombiner) h.getOneInputOperator()).heldEntries()).isZero();
        }
    }

    @Test
    void sendsEverythingBeforeACheckpointBarrierAndKeepsNoState() throws Exception {
        try (var h = harness(100)) {
            send(h, event("a", "w", T0 + MIN, 1));
            send(h, event("a", "w", T0 + BUCKET + MIN, 2));
            h.prepareSnapshotPreBarrier(1);
            List<Object> out = drain(h);
            assertThat(out).hasSize(2);
            assertThat(partialOf(out, "a/w", T0).partial.samples).isEqualTo(1);
            assertThat(partialOf(out, "a/w", T0 + BUCKET).partial.samples).isEqualTo(1);
            var snapshot = h.snapshot(1, 1);
            assertThat(snapshot.getManagedOperatorState()).isEmpty();
            assertThat(snapshot.getManagedKeyedState()).isEmpty();
            // the same bucket then starts a new partial; the bucketer merges both
            send(h, event("a", "w", T0 + 2 * MIN, 3));
            h.processWatermark(T0 + BUCKET - 1);
            assertThat(partialOf(drain(h), "a/w", T0).partial.cpuSum).isEqualTo(3.0);
        }
    }

    @Test
    void sendsEverythingWhenItHoldsTooManyPartials() throws Exception {
        try (var h = harness(2)) {
            send(h, event("a", "w", T0, 1));
            send(h, event("a", "w", T0 + MIN, 1)); // same entry
            send(h, event("b", "x", T0, 1));
            assertThat(drain(h)).isEmpty();
            send(h, event("c", "y", T0, 1)); // a third entry: over the bound
            List<Object> out = drain(h);
            assertThat(out).hasSize(3);
            assertThat(partialOf(out, "a/w", T0).partial.samples).isEqualTo(2);
            assertThat(((TelemetryCombiner) h.getOneInputOperator()).heldEntries()).isZero();
        }
    }

    @Test
    void aSampleOfABucketAlreadyClosedHereGoesOnAloneAsTheEvent() throws Exception {
        try (var h = harness(100)) {
            h.processWatermark(T0 + BUCKET - 1);
            drain(h);
            TelemetryEvent late = event("a", "w", T0 + 2 * MIN, 1);
            send(h, late);
            List<Object> out = drain(h);
            assertThat(out).hasSize(1);
            BucketPartial p = (BucketPartial) out.get(0);
            assertThat(p.partial).isNull();
            assertThat(p.single).isEqualTo(late);
            assertThat(p.key).isEqualTo("a/w");
            assertThat(((TelemetryCombiner) h.getOneInputOperator()).heldEntries()).isZero();
        }
    }

    @Test
    void withoutPreAggregationEverySampleGoesOnAlone() throws Exception {
        try (var h = harness(0)) {
            send(h, event("a", "w", T0, 1));
            send(h, event("a", "w", T0 + MIN, 2));
            assertThat(drain(h)).hasSize(2).allMatch(o -> ((BucketPartial) o).single != null);
        }
    }

    /**
     * Random out-of-order samples of a few workloads, with watermarks, checkpoints and a small size
     * bound in between: combiner → bucketer gives the same rollups and dead letters as the bucketer fed
     * every sample alone. CPU values are multiples of 1/8 so sums do not depend on the order of addition.
     */
    @Test
    void combinerThenBucketerGivesTheSameRollupsAsSamplesAlone() throws Exception {
        Random rnd = new Random(7);
        List<Object> script = new ArrayList<>(); // TelemetryEvent, Long watermark, or "barrier"
        long maxSeen = T0;
        for (int i = 0; i < 600; i++) {
            String[] w = new String[] {"a/w", "b/x", "c/y", "d/z"}[rnd.nextInt(4)].split("/");
            long t = T0 + i * 10_000L - rnd.nextInt(150_000) + (rnd.nextInt(50) == 0 ? -400_000 : 0); // some late
            maxSeen = Math.max(maxSeen, t);
            TelemetryEvent e = event(w[0], w[1], t, rnd.nextInt(40) / 8.0);
            e.setRegion(rnd.nextBoolean() ? "eu-west-1" : null);
            script.add(e);
            if (rnd.nextInt(10) == 0) {
                script.add(maxSeen - 120_000);
            }
            if (rnd.nextInt(40) == 0) {
                script.add("barrier");
            }
        }
        script.add(Long.MAX_VALUE);

        Result viaCombiner = run(script, 3);
        Result alone = run(script, 0);
        assertThat(viaCombiner.rollups).isNotEmpty();
        assertThat(alone.dead).as("some samples are late").isPositive();
        assertThat(viaCombiner.rollups).containsExactlyElementsOf(alone.rollups);
        assertThat(viaCombiner.dead).isEqualTo(alone.dead);
        assertThat(viaCombiner.crossed).isLessThan(alone.crossed);
    }

    record Result(List<TelemetryRollup> rollups, int dead, int crossed) {}

    private static Result run(List<Object> script, int maxEntries) throws Exception {
        ShadowOptions o = ShadowOptions.defaults();
        o.preAggregateMaxEntries = maxEntries;
        int crossed = 0;
        try (var combiner = new OneInputStreamOperatorTestHarness<>(new TelemetryCombiner(o));
             var bucketer = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new TelemetryBucketer(o)), new Keys.OfPartial(), Types.STRING)) {
            combiner.open();
            bucketer.open();
            long id = 0;
            for (Object step : script) {
                if (step instanceof TelemetryEvent e) {
                    combiner.processElement(new StreamRecord<>(TelemetryEvent.newBuilder(e).build(), e.getEventTime().toEpochMilli()));
                } else if (step instanceof Long w) {
                    combiner.processWatermark(w);
                } else {
                    combiner.prepareSnapshotPreBarrier(++id);
                }
                for (Object out : combiner.getOutput()) {
                    if (out instanceof StreamRecord<?> r) {
                        crossed++;
                        @SuppressWarnings("unchecked")
                        StreamRecord<BucketPartial> record = (StreamRecord<BucketPartial>) r;
                        bucketer.processElement(record);
                    } else if (out instanceof Watermark w) {
                        bucketer.processWatermark(w);
                    }
                }
                combiner.getOutput().clear();
            }
            List<TelemetryRollup> rollups = new ArrayList<>(bucketer.extractOutputValues());
            rollups.sort(Comparator.comparing((TelemetryRollup r) -> r.getBucketStart()).thenComparing(r -> r.getTenantId()));
            var dead = bucketer.getSideOutput(Descriptors.DEAD_LETTERS);
            return new Result(rollups, dead == null ? 0 : dead.size(), crossed);
        }
    }
}
