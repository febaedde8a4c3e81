package io.shadowscale.udf.model;

/**
 * A closed bucket next to the one-step-ahead shadow that predicted it. Arrays are indexed by
 * {@link Resource#ordinal()}.
 */
public class Residual {
    public String tenantId;
    public String workloadId;
    /** Start of the bucket (event time, ms). */
    public long bucketStart;
    public long bucketMs;
    public double[] actual;
    public double[] p50;
    public double[] p90;
    public double[] p99;
    public double requests;
    public boolean fallback;
    /** Ids of the external events in force for the workload during this bucket (campaign, holiday, elevated trend); empty when none. */
    public String[] activeEventIds = new String[0];

    /**
     * Per {@link Resource}: the novelty score of this bucket ({@code NoveltyScorer}: 0 = within
     * everything this workload has shown, above 0.5 a new record); null until {@code ResidualNovelty} scored it.
     */
    public double[] novelty;
    /**
     * Per {@link Resource}: the record this bucket set, {@code ±(channel + 1)} of
     * {@code NoveltyScorer.Channel} (+ a new high, − a new low), 0 none; null until scored.
     */
    public int[] noveltyRecord;
    /** Buckets of this workload the novelty scorer had seen before this one (its learning time). */
    public long noveltySeen;

    public Residual() {}

    /** A residual of one workload's bucket with zeroed per-resource arrays, to be filled in. */
    public static Residual blank(String tenantId, String workloadId, long bucketStart, long bucketMs) {
        Residual r = new Residual();
        r.tenantId = tenantId;
        r.workloadId = workloadId;
        r.bucketStart = bucketStart;
        r.bucketMs = bucketMs;
        r.actual = new double[Resource.COUNT];
        r.p50 = new double[Resource.COUNT];
        r.p90 = new double[Resource.COUNT];
        r.p99 = new double[Resource.COUNT];
        return r;
    }

    /**
     * Per {@link Resource}: the highest the workload ran near this time one day earlier; NaN where
     * unknown (null: unknown for all). Without it the workload is still learning its day.
     */
    public double[] yesterdayPeak;

    /** Sets {@link #activeEventIds} (null: none) and returns this. */
    public Residual withActiveEvents(String[] ids) {
        this.activeEventIds = ids == null ? new String[0] : ids;
        return this;
    }

    /** Copies what the profiler knew about the bucket: the events in force and yesterday's peaks. */
    public Residual withContext(EnrichedRollup in) {
        this.yesterdayPeak = in.yesterdayPeak == null ? null : in.yesterdayPeak.clone();
        return withActiveEvents(in.activeEventIds);
    }

    /** Yesterday's peak of {@code r} near this time, NaN when unknown. */
    public double yesterdayPeak(Resource r) {
        return yesterdayPeak == null ? Double.NaN : yesterdayPeak[r.ordinal()];
    }

    /** Whether an external event could explain unexpected load in this bucket. */
    public boolean explained() {
        return activeEventIds != null && activeEventIds.length > 0;
    }

    public double actual(Resource r) { return actual[r.ordinal()]; }
    public double p50(Resource r) { return p50[r.ordinal()]; }
    public double p90(Resource r) { return p90[r.ordinal()]; }
    public double p99(Resource r) { return p99[r.ordinal()]; }

    /** The record {@code r} set in this bucket (see {@link #noveltyRecord}), 0 when none or not scored. */
    public int noveltyRecord(Resource r) {
        return noveltyRecord == null ? 0 : noveltyRecord[r.ordinal()];
    }

    /** The novelty score of {@code r} in this bucket, 0 when not scored. */
    public double novelty(Resource r) {
        return novelty == null ? 0 : novelty[r.ordinal()];
    }

    /** How far above p50 the actual is, in units of the (p99 - p50) band; 0 when the band is empty. */
    public double bandScore(Resource r) {
        double width = p99(r) - p50(r);
        return width <= 0 ? 0 : (actual(r) - p50(r)) / width;
    }
}
