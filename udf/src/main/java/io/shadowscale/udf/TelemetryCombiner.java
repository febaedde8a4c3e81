package io.shadowscale.udf;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import io.shadowscale.schema.TelemetryEvent;
import io.shadowscale.udf.logic.BucketAccumulator;
import io.shadowscale.udf.model.BucketPartial;

/**
 * Local pre-aggregation before the bucketer's keyBy (Flink's local-global aggregation, as Flink
 * SQL's mini-batch does): chained to validation, it folds the valid samples of one workload and
 * bucket into a partial {@link BucketAccumulator}, so one record per workload and bucket crosses the
 * network instead of one per sample; the keyed {@link TelemetryBucketer} merges the partials.
 *
 * <p>It keeps no state. Partials are sent
 * <ul>
 *   <li>when the watermark passes their bucket's end, before the watermark is forwarded — so they
 *       reach the bucketer before the watermark that closes the bucket and are never late there
 *       (the bucketer's watermark is at most this subtask's);</li>
 *   <li>all of them before a checkpoint barrier ({@link #prepareSnapshotPreBarrier}): nothing is held
 *       across a checkpoint, so exactly-once needs no state here;</li>
 *   <li>all of them when more than {@link ShadowOptions#preAggregateMaxEntries} are held (memory
 *       bound), and at the end of input.</li>
 * </ul>
 * A sample whose bucket already closed at this subtask's watermark goes on alone, as the event, so
 * the bucketer decides on lateness and dead-letters it exactly as without pre-aggregation. With
 * {@code preAggregateMaxEntries == 0} every sample goes on alone.
 */
public class TelemetryCombiner extends AbstractStreamOperator<BucketPartial>
        implements OneInputStreamOperator<TelemetryEvent, BucketPartial> {

    private static final long serialVersionUID = 1L;

    private final long bucketMs;
    private final int maxEntries;

    /** Open partials by bucket start (ascending, so a watermark sends a prefix), then by workload key. */
    private transient TreeMap<Long, Map<String, BucketAccumulator>> open;
    private transient int entries;
    private transient long watermark;
    private transient Counter partials;
    private transient Counter singles;

    public TelemetryCombiner(ShadowOptions options) {
        this.bucketMs = options.bucketMs;
        this.maxEntries = options.preAggregateMaxEntries;
    }

    @Override
    public void open() throws Exception {
        super.open();
        open = new TreeMap<>();
        entries = 0;
        watermark = Long.MIN_VALUE;
        partials = getMetricGroup().counter("preAggregatedPartials");
        singles = getMetricGroup().counter("preAggregateSingles");
    }

    @Override
    public void processElement(StreamRecord<TelemetryEvent> element) throws Exception {
        TelemetryEvent e = element.getValue();
        long start = BucketAccumulator.bucketStartOf(e.getEventTime().toEpochMilli(), bucketMs);
        if (maxEntries == 0 || start + bucketMs - 1 <= watermark) {
            // closed here already (or no pre-aggregation): the bucketer decides, with the event at hand
            singles.inc();
            output.collect(element.replace(BucketPartial.of(e)));
            return;
        }
        Map<String, BucketAccumulator> bucket = open.computeIfAbsent(start, s -> new HashMap<>());
        String key = Keys.workload(e.getTenantId(), e.getWorkloadId());
        BucketAccumulator acc = bucket.get(key);
        if (acc == null) {
            acc = BucketAccumulator.start(start);
            bucket.put(key, acc);
            entries++;
        }
        acc.add(e); // reads the event now: the upstream may reuse it (object reuse)
        if (entries > maxEntries) {
            flushUpTo(Long.MAX_VALUE);
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        watermark = Math.max(watermark, mark.getTimestamp());
        // buckets with end - 1 <= watermark close now: send them ahead of the watermark
        if (watermark > Long.MIN_VALUE + bucketMs) {
            flushUpTo(watermark == Long.MAX_VALUE ? Long.MAX_VALUE : watermark + 1 - bucketMs);
        }
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flushUpTo(Long.MAX_VALUE);
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void finish() throws Exception {
        flushUpTo(Long.MAX_VALUE);
        super.finish();
    }

    /** Sends the partials of buckets starting at or before {@code lastStart}, oldest bucket first. */
    private void flushUpTo(long lastStart) {
        while (!open.isEmpty() && open.firstKey() <= lastStart) {
            Map.Entry<Long, Map<String, BucketAccumulator>> bucket = open.pollFirstEntry();
            long timestamp = bucket.getKey() + bucketMs - 1;
            StreamRecord<BucketPartial> record = new StreamRecord<>(null, timestamp);
            for (Map.Entry<String, BucketAccumulator> e : bucket.getValue().entrySet()) {
                output.collect(record.replace(BucketPartial.of(e.getKey(), e.getValue())));
            }
            partials.inc(bucket.getValue().size());
            entries -= bucket.getValue().size();
        }
    }

    /** Partials held now (for tests). */
    int heldEntries() {
        return entries;
    }
}
