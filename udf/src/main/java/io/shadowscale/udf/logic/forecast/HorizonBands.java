package io.shadowscale.udf.logic.forecast;

import java.util.Arrays;

/**
 * Turns point forecasts into p50/p90/p99 with one-sided normal quantiles from the EWMA of squared
 * errors measured at each horizon separately (a point forecast made h steps ago is compared with
 * what arrived). The same band method for every baseline keeps the comparison about the point
 * forecasts' quality and the spread they earn.
 */
public final class HorizonBands {
    static final double Z90 = 1.2815516;
    static final double Z99 = 2.3263479;
    static final double BETA = 0.02;

    private final int horizon;
    private final int resources;
    /** past point forecasts: [age][step][resource], ring by origin */
    private final double[][][] pending;
    private int origins;
    private final double[][] variance;
    private final int[][] seen;

    public HorizonBands(int horizon, int resources) {
        this.horizon = horizon;
        this.resources = resources;
        this.pending = new double[horizon][horizon][resources];
        for (double[][] p : pending) for (double[] q : p) Arrays.fill(q, Double.NaN);
        this.variance = new double[horizon][resources];
        this.seen = new int[horizon][resources];
    }

    /** Scores the forecasts that targeted this bucket against {@code actual}. */
    public void observe(double[] actual) {
        for (int h = 1; h <= horizon && h <= origins; h++) {
            double[][] made = pending[(origins - h) % horizon];
            for (int r = 0; r < resources; r++) {
                double f = made[h - 1][r];
                double y = actual[r];
                if (Double.isNaN(f) || Double.isNaN(y)) continue;
                double e2 = (y - f) * (y - f);
                variance[h - 1][r] = seen[h - 1][r] == 0 ? e2 : (1 - BETA) * variance[h - 1][r] + BETA * e2;
                seen[h - 1][r]++;
            }
        }
    }

    /** Records {@code point} [step][resource] as the newest origin's forecast and returns its bands. */
    public double[][][] bands(double[][] point, double[] scaleFloor) {
        double[][] copy = pending[origins % horizon];
        for (int h = 0; h < horizon; h++) System.arraycopy(point[h], 0, copy[h], 0, resources);
        origins++;
        double[][][] out = new double[3][horizon][resources];
        for (int h = 0; h < horizon; h++) {
            for (int r = 0; r < resources; r++) {
                double p50 = point[h][r];
                double sigma = seen[h][r] > 0 ? Math.sqrt(variance[h][r]) : Double.NaN;
                if (Double.isNaN(sigma)) {
                    sigma = Math.abs(p50) * 0.1;
                }
                sigma = Math.max(sigma, scaleFloor == null ? 0 : scaleFloor[r]);
                out[0][h][r] = p50;
                out[1][h][r] = p50 + Z90 * sigma;
                out[2][h][r] = p50 + Z99 * sigma;
            }
        }
        return out;
    }
}
