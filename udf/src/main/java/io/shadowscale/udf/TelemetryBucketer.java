package io.shadowscale.udf;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import io.shadowscale.schema.TelemetryEvent;
import io.shadowscale.schema.TelemetryRollup;
import io.shadowscale.schema.WireFormat;
import io.shadowscale.udf.logic.BucketAccumulator;
import io.shadowscale.udf.logic.TelemetryChecks;
import io.shadowscale.udf.model.BucketPartial;
import io.shadowscale.udf.model.DeadLetter;

/**
 * Event-time buckets (default 5 minutes) per workload, merged from the partial buckets of the
 * pre-aggregation ({@link TelemetryCombiner}) or from single samples. A bucket is emitted as a
 * {@link TelemetryRollup} when the watermark passes its end and then removed from state, so a
 * workload holds at most the few buckets still open within the out-of-orderness bound.
 *
 * <p>Events whose bucket already closed (late) go to {@link Descriptors#DEAD_LETTERS} with the
 * reason. (Events far ahead of their partition are rejected earlier, by {@code StreamClock}.)
 */
public class TelemetryBucketer extends KeyedProcessFunction<String, BucketPartial, TelemetryRollup> {

    public static final MapStateDescriptor<Long, BucketAccumulator> BUCKETS =
            new MapStateDescriptor<>("open-buckets", Types.LONG, TypeInformation.of(BucketAccumulator.class));

    private final ShadowOptions options;
    private transient MapState<Long, BucketAccumulator> buckets;
    private transient Counter late;

    public TelemetryBucketer(ShadowOptions options) {
        this.options = options;
    }

    @Override
    public void open(OpenContext ctx) {
        buckets = getRuntimeContext().getMapState(BUCKETS);
        late = getRuntimeContext().getMetricGroup().counter("telemetryLate");
    }

    @Override
    public void processElement(BucketPartial p, Context ctx, Collector<TelemetryRollup> out) throws Exception {
        TelemetryEvent e = p.single;
        long start = e != null ? BucketAccumulator.bucketStartOf(e.getEventTime().toEpochMilli(), options.bucketMs) : p.partial.bucketStart;
        long end = start + options.bucketMs;
        long watermark = ctx.timerService().currentWatermark();
        if (end - 1 <= watermark) {
            if (e != null) {
                long t = e.getEventTime().toEpochMilli();
                reject(ctx, "event time " + e.getEventTime() + " is " + TelemetryChecks.human(watermark - t)
                        + " behind the watermark; its bucket starting " + java.time.Instant.ofEpochMilli(start) + " is already closed", WireFormat.encode(e), 1);
            } else {
                // the combiner sends partials before the watermark that closes their bucket, so this
                // means a misbehaving upstream; the samples are still accounted for, as their rollup
                String key = ctx.getCurrentKey();
                int slash = key.indexOf('/');
                reject(ctx, p.partial.samples + " samples of the bucket starting " + java.time.Instant.ofEpochMilli(start)
                        + " arrived after it closed (watermark " + java.time.Instant.ofEpochMilli(watermark) + ")",
                        WireFormat.encode(p.partial.toRollup(key.substring(0, slash), key.substring(slash + 1), options.bucketMs)), p.partial.samples);
            }
            return;
        }
        BucketAccumulator acc = buckets.get(start);
        if (acc == null) {
            ctx.timerService().registerEventTimeTimer(end - 1);
            if (e == null) {
                buckets.put(start, p.partial); // the first partial is the bucket so far
                return;
            }
            acc = BucketAccumulator.start(start);
        }
        if (e != null) {
            acc.add(e);
        } else {
            acc.merge(p.partial);
        }
        buckets.put(start, acc);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<TelemetryRollup> out) throws Exception {
        long start = timestamp + 1 - options.bucketMs;
        BucketAccumulator acc = buckets.get(start);
        if (acc != null) {
            String key = ctx.getCurrentKey();
            int slash = key.indexOf('/');
            out.collect(acc.toRollup(key.substring(0, slash), key.substring(slash + 1), options.bucketMs));
            buckets.remove(start);
        }
    }

    private void reject(Context ctx, String reason, byte[] payload, int samples) {
        late.inc(samples);
        ctx.output(Descriptors.DEAD_LETTERS, DeadLetter.of("late", reason, payload, ctx.getCurrentKey()));
    }
}
