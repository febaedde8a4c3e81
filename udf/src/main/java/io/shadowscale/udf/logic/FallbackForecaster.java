package io.shadowscale.udf.logic;

import io.shadowscale.udf.model.Resource;

/**
 * The in-Java forecaster that always works: seasonal naive with a damped deviation and EWMA
 * residual quantiles.
 *
 * <p>Per resource, the median for a step h buckets ahead is the value of the same bucket one day
 * earlier plus today's deviation from yesterday, damped by {@code PHI^h} so that far steps
 * return to the daily pattern; without a value from yesterday (first day, gaps) it is the
 * EWMA level. The spread comes from the EWMA of squared one-step-ahead errors, widened with
 * {@code sqrt(h)}, and gives one-sided upper quantiles: p90 = p50 + 1.2816 σ, p99 = p50 + 2.3263 σ
 * (normal quantiles), with floors so flat series still get a band.
 */
public final class FallbackForecaster {

    public static final String MODEL_ID = "fallback-seasonal-naive";
    public static final String MODEL_VERSION = "1";

    static final double LEVEL_ALPHA = 0.5;
    static final double DEVIATION_ALPHA = 0.3;
    static final double ERROR_BETA = 0.1;
    static final double PHI = 0.85;
    static final double Z90 = 1.2815516;
    static final double Z99 = 2.3263479;
    /** Smallest σ relative to the median. */
    static final double RELATIVE_FLOOR = 0.03;
    /** Smallest σ per resource, in its unit: cores, bytes, bytes/s, bytes/s, bytes. */
    static final double[] ABSOLUTE_FLOOR = {0.02, 16.0 * (1 << 20), 1024, 1024, 1 << 20};

    private final long bucketMs;
    private final int horizon;
    private final int season;

    public FallbackForecaster(long bucketMs, int horizon) {
        this.bucketMs = bucketMs;
        this.horizon = horizon;
        this.season = (int) Math.max(1, 86_400_000L / bucketMs);
    }

    public ForecasterState newState() {
        return ForecasterState.create(season);
    }

    /**
     * Folds in the closed bucket starting at {@code bucketStart} with actual values {@code y}
     * (indexed by {@link Resource}) and forecasts the next {@code horizon} buckets.
     * Returns null for a bucket not after the last one (a duplicate), leaving the state as is.
     */
    public Forecast observeAndForecast(ForecasterState s, long bucketStart, double[] y) {
        return observe(s, bucketStart, y) ? forecast(s) : null;
    }

    /**
     * The state half of {@link #observeAndForecast}: folds the bucket in and keeps the next
     * bucket's quantiles for the next error update, without the 12-step forecast (the scorer asks
     * for it with {@link #forecast} only when the fallback answers). Returns false for a duplicate.
     */
    public boolean observe(ForecasterState s, long bucketStart, double[] y) {
        if (s.lastBucketStart != Long.MIN_VALUE && bucketStart <= s.lastBucketStart) {
            return false;
        }
        boolean hadForecast = s.prevTarget == bucketStart;
        if (s.lastBucketStart != Long.MIN_VALUE) {
            long skipped = (bucketStart - s.lastBucketStart) / bucketMs - 1;
            for (long i = 1; i <= Math.min(skipped, season); i++) {
                int slot = slot(s.lastBucketStart + i * bucketMs);
                for (int r = 0; r < Resource.COUNT; r++) {
                    s.ring[r * season + slot] = Double.NaN;
                }
            }
        }
        int slot = slot(bucketStart);
        for (int r = 0; r < Resource.COUNT; r++) {
            double v = y[r];
            if (hadForecast) {
                double err = v - s.prevStep1[r * 3];
                s.errorVariance[r] = s.errorsSeen == 0 ? err * err : (1 - ERROR_BETA) * s.errorVariance[r] + ERROR_BETA * err * err;
            }
            double lag = s.ring[r * season + slot];
            if (!Double.isNaN(lag)) {
                s.deviation[r] = (1 - DEVIATION_ALPHA) * s.deviation[r] + DEVIATION_ALPHA * (v - lag);
            }
            s.level[r] = Double.isNaN(s.level[r]) ? v : (1 - LEVEL_ALPHA) * s.level[r] + LEVEL_ALPHA * v;
            s.ring[r * season + slot] = v;
        }
        if (hadForecast) {
            s.errorsSeen++;
        }
        s.lastBucketStart = bucketStart;
        // the first step of the forecast, as forecast(s) computes it
        int next = slot(bucketStart + bucketMs);
        for (int r = 0; r < Resource.COUNT; r++) {
            double median = median(s, r, 1 <= season ? s.ring[r * season + next] : Double.NaN, PHI);
            double spread = sigma(s, r, median) * Math.sqrt(1);
            s.prevStep1[r * 3] = median;
            s.prevStep1[r * 3 + 1] = median + Z90 * spread;
            s.prevStep1[r * 3 + 2] = median + Z99 * spread;
        }
        s.prevTarget = bucketStart + bucketMs;
        return true;
    }

    /** The forecast of the next {@code horizon} buckets after the last one folded in (the state is not changed). */
    public Forecast forecast(ForecasterState s) {
        double[][] p50 = new double[horizon][Resource.COUNT];
        double[][] p90 = new double[horizon][Resource.COUNT];
        double[][] p99 = new double[horizon][Resource.COUNT];
        int seasonalSteps = 0;
        double damp = 1;
        for (int h = 1; h <= horizon; h++) {
            long target = s.lastBucketStart + h * bucketMs;
            int slot = slot(target); // holds the bucket one season before target, or NaN
            boolean seasonal = h <= season;
            damp *= PHI; // PHI^h
            for (int r = 0; r < Resource.COUNT; r++) {
                double lag = seasonal ? s.ring[r * season + slot] : Double.NaN;
                if (r == 0 && !Double.isNaN(lag)) {
                    seasonalSteps++;
                }
                double median = median(s, r, lag, damp);
                double spread = sigma(s, r, median) * Math.sqrt(h);
                p50[h - 1][r] = median;
                p90[h - 1][r] = median + Z90 * spread;
                p99[h - 1][r] = median + Z99 * spread;
            }
        }
        return new Forecast(s.lastBucketStart, bucketMs, p50, p90, p99, seasonalSteps);
    }

    /** {@link Forecast#seasonalSteps} of {@link #forecast}{@code (s)}, without making the forecast. */
    public int seasonalSteps(ForecasterState s) {
        int n = 0;
        for (int h = 1; h <= Math.min(horizon, season); h++) {
            if (!Double.isNaN(s.ring[slot(s.lastBucketStart + h * bucketMs)])) {
                n++;
            }
        }
        return n;
    }

    /** Yesterday's value plus the damped deviation, or the level without one. */
    private static double median(ForecasterState s, int r, double lag, double damp) {
        return !Double.isNaN(lag) ? Math.max(0, lag + damp * s.deviation[r]) : Math.max(0, s.level[r]);
    }

    /** σ of one-step errors, with its floors. */
    private static double sigma(ForecasterState s, int r, double median) {
        double sigma = s.errorsSeen > 0 ? Math.sqrt(s.errorVariance[r]) : 0.1 * Math.abs(s.level[r]);
        return Math.max(sigma, Math.max(RELATIVE_FLOOR * median, ABSOLUTE_FLOOR[r]));
    }

    private int slot(long bucketStart) {
        return (int) Math.floorMod(Math.floorDiv(bucketStart, bucketMs), (long) season);
    }
}
