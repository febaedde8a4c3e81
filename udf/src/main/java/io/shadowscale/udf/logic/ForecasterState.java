package io.shadowscale.udf.logic;

import java.util.Arrays;

import io.shadowscale.udf.model.Resource;

/**
 * What the fallback forecaster remembers of one workload: a one-day ring of bucket values per
 * resource (NaN where a bucket is missing), EWMA level, deviation from the seasonal value, EWMA
 * of squared one-step errors, and the one-step-ahead quantiles of its previous forecast (to
 * compute the residual of the next bucket). Primitive arrays only: ~12 KB per workload at
 * 5-minute buckets.
 */
public class ForecasterState {
    public long lastBucketStart = Long.MIN_VALUE;
    public int season;
    /** [resource * season + slot] */
    public double[] ring;
    public double[] level;
    public double[] deviation;
    public double[] errorVariance;
    public int errorsSeen;
    /** Target bucket of the previous forecast's first step, or MIN_VALUE. */
    public long prevTarget = Long.MIN_VALUE;
    /** [resource * 3 + q] with q = 0 (p50), 1 (p90), 2 (p99). */
    public double[] prevStep1;
    public boolean prevFallback;
    /**
     * The forecasts the residuals compare with: for each of the next {@link #REFERENCE_LAG} target
     * buckets (slot = bucket index mod lag), the quantiles predicted for it {@link #REFERENCE_LAG}
     * steps ahead — before the bucket and the ones just before it were seen, so an adaptive
     * forecaster cannot explain away the start of a sustained anomaly. [slot], [slot][resource*3+q].
     */
    public long[] referenceTarget;
    public double[] referenceQuantiles;
    public boolean[] referenceFallback;

    public static final int REFERENCE_LAG = 3;

    public ForecasterState() {}

    public static ForecasterState create(int season) {
        ForecasterState s = new ForecasterState();
        s.season = season;
        s.ring = new double[Resource.COUNT * season];
        Arrays.fill(s.ring, Double.NaN);
        s.level = new double[Resource.COUNT];
        Arrays.fill(s.level, Double.NaN);
        s.deviation = new double[Resource.COUNT];
        s.errorVariance = new double[Resource.COUNT];
        s.prevStep1 = new double[Resource.COUNT * 3];
        s.referenceTarget = new long[REFERENCE_LAG];
        java.util.Arrays.fill(s.referenceTarget, Long.MIN_VALUE);
        s.referenceQuantiles = new double[REFERENCE_LAG * Resource.COUNT * 3];
        s.referenceFallback = new boolean[REFERENCE_LAG];
        return s;
    }

    /**
     * Mean of each resource over the last {@code buckets} known buckets up to the last one seen
     * (NaN where none is known); {@code buckets = season} gives the day's mean.
     */
    public double[] recentMean(int buckets, long bucketMs) {
        double[] out = new double[Resource.COUNT];
        int count = lastBucketStart == Long.MIN_VALUE ? 0 : Math.min(buckets, season);
        int newest = count == 0 ? 0 : (int) Math.floorMod(Math.floorDiv(lastBucketStart, bucketMs), (long) season);
        for (int r = 0; r < Resource.COUNT; r++) {
            double sum = 0;
            int n = 0;
            // newest first, stepping back through the ring (one wrap at most) instead of a division per bucket
            int slot = newest, base = r * season;
            for (int i = 0; i < count; i++) {
                double v = ring[base + slot];
                if (Double.isFinite(v)) {
                    sum += v;
                    n++;
                }
                if (--slot < 0) slot = season - 1;
            }
            out[r] = n == 0 ? Double.NaN : sum / n;
        }
        return out;
    }

    /**
     * {@link #recentMean}{@code (recent)} and {@link #recentMean}{@code (season)} of one resource in
     * one walk (the recent sum is the day sum's first {@code recent} terms, so both are the same
     * bits as from two calls), into {@code recentOut[resource]} and {@code dayOut[resource]}.
     */
    public void recentAndDayMean(int resource, int recent, long bucketMs, double[] recentOut, double[] dayOut) {
        int count = lastBucketStart == Long.MIN_VALUE ? 0 : season;
        int head = Math.min(recent, count);
        int slot = count == 0 ? 0 : (int) Math.floorMod(Math.floorDiv(lastBucketStart, bucketMs), (long) season);
        int base = resource * season;
        double sum = 0;
        int n = 0;
        for (int i = 0; i < count; i++) {
            if (i == head) {
                recentOut[resource] = n == 0 ? Double.NaN : sum / n;
            }
            double v = ring[base + slot];
            if (Double.isFinite(v)) {
                sum += v;
                n++;
            }
            if (--slot < 0) slot = season - 1;
        }
        if (head == count) {
            recentOut[resource] = n == 0 ? Double.NaN : sum / n;
        }
        dayOut[resource] = n == 0 ? Double.NaN : sum / n;
    }

    /** Bytes of the arrays and fields, as held on the heap (for the state-size report). */
    public long approximateBytes() {
        return 8L * (ring.length + level.length + deviation.length + errorVariance.length + prevStep1.length
                + referenceTarget.length + referenceQuantiles.length) + referenceFallback.length + 64;
    }
}
