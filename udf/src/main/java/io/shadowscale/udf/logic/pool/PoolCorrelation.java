package io.shadowscale.udf.logic.pool;

/**
 * The common pairwise correlation ρ of a pool's members' standardised forecast errors, estimated
 * bucket by bucket: with {@code z_i = (actual − p50) / σ_i} for the n members seen in a bucket,
 * the mean product over pairs estimates {@code ρ·v} and the mean square {@code v} (the errors'
 * variance, 1 when the bands are calibrated), so their ratio is ρ whatever the calibration. Both
 * are exponentially weighted means, so ρ follows slow changes. Until enough buckets are seen it is
 * the prior (conservative: 1, the plain sum). A Flink POJO.
 */
public class PoolCorrelation {
    public double meanCross;
    public double meanSquare;
    public int buckets;

    public PoolCorrelation() {}

    /** One bucket's standardised errors of the members that reported in it. */
    public void observe(double[] z, int n, double alpha) {
        double sum = 0, sumSq = 0;
        for (int i = 0; i < n; i++) {
            double v = clip(z[i]);
            sum += v;
            sumSq += v * v;
        }
        observeSums(sum, sumSq, n, alpha);
    }

    /** The same from the sum and sum of squares of {@code n} errors, each already {@link #clip clipped}. */
    public void observeSums(double sum, double sumSq, int n, double alpha) {
        if (n < 2) {
            return;
        }
        double cross = (sum * sum - sumSq) / ((double) n * (n - 1));
        double square = sumSq / n;
        buckets++;
        // a plain mean over the first 1/alpha buckets, an exponentially weighted one after
        double a = Math.max(alpha, 1.0 / buckets);
        meanCross += a * (cross - meanCross);
        meanSquare += a * (square - meanSquare);
    }

    /** An anomaly should not decide the pool's ρ: errors count up to 6 σ. */
    public static double clip(double z) {
        return Math.max(-6, Math.min(6, z));
    }

    /** ρ in [0, 1]; the prior until {@code minBuckets} buckets were seen. */
    public double rho(double prior, int minBuckets) {
        if (buckets < minBuckets || meanSquare <= 0) {
            return prior;
        }
        return Math.max(0, Math.min(1, meanCross / meanSquare));
    }
}
