package io.shadowscale.udf.logic;

/** Quantile forecast of every resource for each future step: [step][resource], step 0 = next bucket. */
public final class Forecast {
    public final long lastBucketStart;
    public final long bucketMs;
    public final double[][] p50;
    public final double[][] p90;
    public final double[][] p99;
    /** Steps whose value came from the seasonal (same time yesterday) term rather than the level alone. */
    public final int seasonalSteps;

    public Forecast(long lastBucketStart, long bucketMs, double[][] p50, double[][] p90, double[][] p99, int seasonalSteps) {
        this.lastBucketStart = lastBucketStart;
        this.bucketMs = bucketMs;
        this.p50 = p50;
        this.p90 = p90;
        this.p99 = p99;
        this.seasonalSteps = seasonalSteps;
    }

    /** A forecast of the same origin, steps and seasonal steps as {@code f}, every quantile 0: for writing into. */
    public static Forecast blankLike(Forecast f, int resources) {
        int n = f.steps();
        double[][] p50 = new double[n][resources], p90 = new double[n][resources], p99 = new double[n][resources];
        return new Forecast(f.lastBucketStart, f.bucketMs, p50, p90, p99, f.seasonalSteps);
    }

    public int steps() {
        return p50.length;
    }

    /** Start of the bucket that step {@code i} (0-based) predicts. */
    public long targetTime(int i) {
        return lastBucketStart + (i + 1) * bucketMs;
    }
}
