package io.shadowscale.udf.model;

import io.shadowscale.schema.TelemetryEvent;
import io.shadowscale.udf.Keys;
import io.shadowscale.udf.logic.BucketAccumulator;

/**
 * What crosses the keyBy into the bucketer: either a partial bucket that the pre-aggregation
 * ({@code TelemetryCombiner}) folded from several valid samples of one workload, or one sample on its
 * own ({@link #single}; a sample whose bucket had already closed at the combiner, or every sample when
 * pre-aggregation is off), kept as the event so the bucketer can still dead-letter it when late.
 * A POJO: Flink serialises it field by field (the event as Avro), never through Kryo.
 */
public class BucketPartial {
    /** "tenant/workload", the bucketer's key. */
    public String key;
    /** Set for a folded partial (then {@link #single} is null). */
    public BucketAccumulator partial;
    /** Set for a single sample (then {@link #partial} is null). */
    public TelemetryEvent single;

    public BucketPartial() {}

    public static BucketPartial of(String key, BucketAccumulator partial) {
        BucketPartial p = new BucketPartial();
        p.key = key;
        p.partial = partial;
        return p;
    }

    public static BucketPartial of(TelemetryEvent e) {
        BucketPartial p = new BucketPartial();
        p.key = Keys.workload(e.getTenantId(), e.getWorkloadId());
        p.single = e;
        return p;
    }

    /** Samples it carries. */
    public int samples() {
        return single != null ? 1 : partial.samples;
    }
}
