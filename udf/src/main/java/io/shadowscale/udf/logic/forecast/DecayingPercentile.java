package io.shadowscale.udf.logic.forecast;

import java.util.Arrays;

/**
 * A VPA-style recommender: a histogram with exponentially growing buckets (5% apart) whose
 * samples decay with a half-life of one day, read at p50/p90/p99 — the quantiles are constant over
 * the horizon, as a VPA recommendation is. Like the VPA, new samples get growing weights instead
 * of old ones being decayed, renormalised before the weights overflow.
 */
final class DecayingPercentile implements OnlineForecaster {
    static final double RATIO = 1.05;
    static final int BUCKETS = 800;

    private final int horizon;
    private final int resources;
    private final double halfLifeBuckets;
    private final double[][] weight;
    private final double[] base;
    private final double[] total;
    private long n;
    private double scale = 1;

    DecayingPercentile(int horizon, int resources, int bucketsPerDay) {
        this.horizon = horizon;
        this.resources = resources;
        this.halfLifeBuckets = bucketsPerDay;
        this.weight = new double[resources][BUCKETS];
        this.base = new double[resources];
        Arrays.fill(base, Double.NaN);
        this.total = new double[resources];
    }

    @Override
    public String name() {
        return "percentile";
    }

    @Override
    public double[][][] observe(long bucketStart, double[] values) {
        n++;
        scale = Math.pow(2, n / halfLifeBuckets);
        if (scale > 1e200) {
            for (int r = 0; r < resources; r++) {
                for (int b = 0; b < BUCKETS; b++) weight[r][b] /= scale;
                total[r] /= scale;
            }
            n = 0;
            scale = 1;
        }
        for (int r = 0; r < resources; r++) {
            double v = values[r];
            if (Double.isNaN(v)) continue;
            if (Double.isNaN(base[r]) && v > 0) base[r] = v * 1e-4; // bucket 0 starts four decades below the first value
            int b = bucket(r, v);
            weight[r][b] += scale;
            total[r] += scale;
        }
        double[][][] out = new double[3][horizon][resources];
        double[] qs = {0.5, 0.9, 0.99};
        for (int q = 0; q < 3; q++) {
            for (int r = 0; r < resources; r++) {
                double v = quantile(r, qs[q]);
                for (int h = 0; h < horizon; h++) out[q][h][r] = v;
            }
        }
        return out;
    }

    private int bucket(int r, double v) {
        if (Double.isNaN(base[r]) || v <= base[r]) return 0;
        int b = (int) (Math.log(v / base[r]) / Math.log(RATIO)) + 1;
        return Math.min(BUCKETS - 1, b);
    }

    private double quantile(int r, double q) {
        if (total[r] <= 0) return Double.NaN;
        double target = q * total[r];
        double acc = 0;
        for (int b = 0; b < BUCKETS; b++) {
            acc += weight[r][b];
            if (acc >= target) {
                // upper edge of the bucket, as the VPA reports
                return b == 0 ? (Double.isNaN(base[r]) ? 0 : base[r]) : base[r] * Math.pow(RATIO, b);
            }
        }
        return base[r] * Math.pow(RATIO, BUCKETS - 1);
    }
}
