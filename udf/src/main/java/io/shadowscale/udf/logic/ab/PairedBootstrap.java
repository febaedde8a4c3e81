package io.shadowscale.udf.logic.ab;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Confidence interval of the difference in a total between two strategies measured on the same
 * workloads (paired): the workloads are resampled with replacement, and each resample's total of
 * per-workload differences gives one draw. The percentile interval of the draws is reported.
 * Pairing removes the (large) spread between workloads from the comparison; resampling whole
 * workloads keeps each workload's hours together, so correlated hours do not narrow the interval.
 */
public final class PairedBootstrap {

    /** The observed difference and its interval; {@code excludesZero} is what a recommendation needs. */
    public record Interval(double difference, double low, double high, double level, int resamples) {
        public boolean excludesZero() {
            return low > 0 || high < 0;
        }
    }

    private PairedBootstrap() {}

    /**
     * @param candidate per workload, the candidate's total (e.g. cost)
     * @param baseline  per workload, the baseline's total on the same workload (same order)
     * @param level     e.g. 0.95
     * @param seed      fixed, so a report is reproducible
     */
    public static Interval totalDifference(double[] candidate, double[] baseline, double level, int resamples, long seed) {
        if (candidate.length != baseline.length) {
            throw new IllegalArgumentException("paired samples need the same workloads: " + candidate.length + " vs " + baseline.length);
        }
        if (candidate.length == 0) {
            throw new IllegalArgumentException("no workloads to compare");
        }
        if (!(level > 0 && level < 1) || resamples < 100) {
            throw new IllegalArgumentException("level must be in (0, 1) and resamples at least 100");
        }
        int n = candidate.length;
        double[] d = new double[n];
        double observed = 0;
        for (int i = 0; i < n; i++) {
            d[i] = candidate[i] - baseline[i];
            observed += d[i];
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] draws = new double[resamples];
        for (int b = 0; b < resamples; b++) {
            double t = 0;
            for (int i = 0; i < n; i++) {
                t += d[rnd.nextInt(n)];
            }
            draws[b] = t;
        }
        Arrays.sort(draws);
        double alpha = (1 - level) / 2;
        return new Interval(observed, quantile(draws, alpha), quantile(draws, 1 - alpha), level, resamples);
    }

    /** Linear interpolation between order statistics (type 7). */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
