package io.shadowscale.jobs.bench;

import org.apache.flink.api.common.accumulators.Histogram;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

import io.shadowscale.schema.ResourceShadow;
import io.shadowscale.schema.TelemetryRollup;
import io.shadowscale.udf.Keys;

/**
 * Bucket close → shadow latency. A bucket closes when the watermark passes its end: the bucketer's
 * event-time timer fires and emits the rollup. {@link Closed} is chained to the bucketer and stamps
 * each rollup with the wall-clock time the first rollup of that bucket end left it — the moment the
 * watermark closed them all; {@link Emitted} is chained to the
 * forecaster's output (step 1 of each shadow), so its stamp is when the shadow for that bucket
 * leaves the forecaster. {@link Join} pairs the two by (workload, bucket end) and records the
 * difference in milliseconds in a histogram accumulator. Both stamps are taken in the same JVM
 * (a local cluster), so the clocks agree.
 */
final class Latency {
    static final String HISTOGRAM = "latencyMs";

    private Latency() {}

    /** A workload's bucket (by its end) and a wall-clock time. A POJO. */
    public static class Stamp {
        public String key;
        public long bucketEnd;
        public long wallMs;

        public Stamp() {}

        Stamp(String key, long bucketEnd, long wallMs) {
            this.key = key;
            this.bucketEnd = bucketEnd;
            this.wallMs = wallMs;
        }
    }

    /**
     * Stamps a rollup with the moment its bucket closed on this subtask: when the first rollup of that
     * bucket end left the bucketer. A watermark closes every workload's bucket at once, but the bucketer
     * emits the rollups one after the other and blocks when the next task is busy, so stamping each at
     * its own emission would hide the time later ones wait behind the burst.
     */
    static final class Closed implements MapFunction<TelemetryRollup, Stamp> {
        private transient long lastEnd = Long.MIN_VALUE;
        private transient long closedAt;
        private transient java.util.TreeMap<Long, Long> firstSeen;

        @Override
        public Stamp map(TelemetryRollup r) {
            long end = r.getBucketStart().toEpochMilli() + r.getBucketMs();
            if (end != lastEnd) {
                if (firstSeen == null) {
                    firstSeen = new java.util.TreeMap<>();
                }
                // a few bucket ends interleave when the watermark jumps; remember each one's first sighting
                closedAt = firstSeen.computeIfAbsent(end, e -> System.currentTimeMillis());
                lastEnd = end;
                while (firstSeen.size() > 64) {
                    firstSeen.pollFirstEntry();
                }
            }
            return new Stamp(Keys.workload(r.getTenantId(), r.getWorkloadId()), end, closedAt);
        }
    }

    static final class Emitted implements MapFunction<ResourceShadow, Stamp> {
        @Override
        public Stamp map(ResourceShadow s) {
            // a shadow is generated at the end of the bucket it was made after
            return new Stamp(Keys.workload(s.getTenantId(), s.getWorkloadId()), s.getGeneratedAt().toEpochMilli(), System.currentTimeMillis());
        }
    }

    static final class ByKey implements KeySelector<Stamp, String> {
        @Override
        public String getKey(Stamp s) {
            return s.key;
        }
    }

    /** Pairs close and emission stamps; whichever arrives first waits in keyed state. */
    static final class Join extends KeyedCoProcessFunction<String, Stamp, Stamp, Void> {
        /** Buckets ending before this (the warm-up) are not measured. */
        private final long fromBucketEnd;
        private static final MapStateDescriptor<Long, Long> CLOSED = new MapStateDescriptor<>("closed", Types.LONG, Types.LONG);
        private static final MapStateDescriptor<Long, Long> EMITTED = new MapStateDescriptor<>("emitted", Types.LONG, Types.LONG);
        private transient MapState<Long, Long> closed;
        private transient MapState<Long, Long> emitted;
        private transient Histogram histogram;
        /** Counts per millisecond, poured into the accumulator at close: the heartbeat thread serialises accumulators while the task runs, and a TreeMap must not change under it. */
        private transient java.util.TreeMap<Integer, Integer> local;

        Join(long fromBucketEnd) {
            this.fromBucketEnd = fromBucketEnd;
        }

        @Override
        public void open(OpenContext ctx) {
            closed = getRuntimeContext().getMapState(CLOSED);
            emitted = getRuntimeContext().getMapState(EMITTED);
            histogram = new Histogram();
            local = new java.util.TreeMap<>();
            getRuntimeContext().addAccumulator(HISTOGRAM, histogram);
        }

        @Override
        public void close() {
            local.forEach((ms, n) -> {
                for (int i = 0; i < n; i++) {
                    histogram.add(ms);
                }
            });
        }

        @Override
        public void processElement1(Stamp close, Context ctx, Collector<Void> out) throws Exception {
            Long at = emitted.get(close.bucketEnd);
            if (at == null) {
                closed.put(close.bucketEnd, close.wallMs);
            } else {
                emitted.remove(close.bucketEnd);
                record(close.bucketEnd, at - close.wallMs);
            }
        }

        @Override
        public void processElement2(Stamp emission, Context ctx, Collector<Void> out) throws Exception {
            Long at = closed.get(emission.bucketEnd);
            if (at == null) {
                emitted.put(emission.bucketEnd, emission.wallMs);
            } else {
                closed.remove(emission.bucketEnd);
                record(emission.bucketEnd, emission.wallMs - at);
            }
        }

        private void record(long bucketEnd, long ms) {
            if (bucketEnd < fromBucketEnd) {
                return;
            }
            local.merge((int) Math.max(0, Math.min(Integer.MAX_VALUE, ms)), 1, Integer::sum);
        }
    }
}
