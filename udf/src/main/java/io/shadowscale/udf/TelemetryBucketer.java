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
import io.shadowscale.udf.model.DeadLetter;

/**
 * Event-time buckets (default 5 minutes) per workload. A bucket is emitted as a
 * {@link TelemetryRollup} when the watermark passes its end and then removed from state, so a
 * workload holds at most the few buckets still open within the out-of-orderness bound.
 *
 * <p>Events whose bucket already closed (late) go to {@link Descriptors#DEAD_LETTERS} with the
 * reason. (Events far ahead of their partition are rejected earlier, by {@code StreamClock}.)
 */
public class TelemetryBucketer extends KeyedProcessFunction<String, TelemetryEvent, TelemetryRollup> {

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
    public void processElement(TelemetryEvent e, Context ctx, Collector<TelemetryRollup> out) throws Exception {
        long t = e.getEventTime().toEpochMilli();
        long start = BucketAccumulator.bucketStartOf(t, options.bucketMs);
        long end = start + options.bucketMs;
        long watermark = ctx.timerService().currentWatermark();
        if (end - 1 <= watermark) {
            reject(ctx, e, "late", "event time " + e.getEventTime() + " is " + TelemetryChecks.human(watermark - t)
                    + " behind the watermark; its bucket starting " + java.time.Instant.ofEpochMilli(start) + " is already closed");
            return;
        }
        BucketAccumulator acc = buckets.get(start);
        if (acc == null) {
            acc = BucketAccumulator.start(start);
            ctx.timerService().registerEventTimeTimer(end - 1);
        }
        acc.add(e);
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

    private void reject(Context ctx, TelemetryEvent e, String stage, String reason) {
        late.inc();
        ctx.output(Descriptors.DEAD_LETTERS, DeadLetter.of(stage, reason, WireFormat.encode(e), ctx.getCurrentKey()));
    }
}
