package io.shadowscale.udf.logic.forecast;

import io.shadowscale.udf.logic.Forecast;

/**
 * Per-workload online adaptation of a global model's quantiles: a level correction of p50 and a
 * width correction of the p90 and p99 bands, so that each workload's own coverage converges to
 * 90% and 99% however the global model fits it.
 *
 * <p>It is online conformal calibration by quantile tracking (Angelopoulos, Candès and
 * Tibshirani, "Conformal PID control", 2023; the adaptive conformal inference of Gibbs and
 * Candès): every calibrated forecast is remembered at a few horizons ({@link #LAGS}); when the
 * bucket it predicted arrives, a log width multiplier moves by {@code η (miss − α)} — up by
 * η(1 − α) on a miss, down by ηα on a hit — whose only fixed point is a miss rate of α, per
 * workload and resource, whatever the model's errors look like. The p90 band's multiplier w90
 * tracks p90 misses (α = 10%); the p99 band is widened by the same w90 plus a slower w99 of its
 * own that tracks p99 misses (α = 1%): tracking the 99th percentile alone would jump up by 99
 * steps on every miss and take 99 hits to come back, so bursty workloads would carry inflated
 * bands for days. The level moves the same way with α = ½ (the median), much more slowly, so only
 * a workload the model persistently over- or under-forecasts is re-centred. The multipliers
 * scale the model's own band, so one step size serves every scale. Plain Java; the job keeps one
 * {@link CalibrationState} per workload.
 *
 * <p>Calibrated: p50' = p50·e^l, p90' = p50' + e^w90·(p90 − p50)·e^l, p99' = max(p90',
 * p50' + e^(w90 + w99)·(p99 − p50)·e^l).
 */
public final class QuantileCalibrator {

    /** Horizons (in steps) whose forecasts are checked against the actual: early, middle and end of the hour. */
    static final int[] LAGS = {1, 6, 12};
    static final int SLOTS = 1 + 6 + 12;
    /** Step of the p90 log width multiplier per checked forecast (a few hours to correct a 3x error). */
    static final double ETA_WIDTH = 0.005;
    /** Step of the p99 band's own log multiplier, on top of the p90 one. */
    static final double ETA_WIDTH_99 = 0.002;
    /** Step of the log level multiplier: slow, p50 errors are noisy and MASE punishes chasing them. */
    static final double ETA_LEVEL = 0.0002;
    static final double MAX_LOG_WIDTH = Math.log(5);
    /**
     * Bands are only ever widened: the global model's band is a floor. A band narrowed to exactly
     * 90% coverage on a smooth workload makes "CPU stays under p90" (the egress pattern) and the
     * provisioning quantile weaker statements than the model's own band made them.
     */
    static final double MIN_LOG_WIDTH = 0;
    static final double MAX_LOG_LEVEL = Math.log(2);

    private final int resources;
    private final long bucketMs;
    private final double etaLevel;

    public QuantileCalibrator(int resources, long bucketMs) {
        this(resources, bucketMs, true);
    }

    /**
     * @param level whether p50 gets the level correction; off behind a {@link ForecastCombiner},
     *     which adapts p50 itself (with both on, the Bitbrains backtest's memory MASE was 3% worse
     *     than with the combination alone)
     */
    public QuantileCalibrator(int resources, long bucketMs, boolean level) {
        this.resources = resources;
        this.bucketMs = bucketMs;
        this.etaLevel = level ? ETA_LEVEL : 0;
    }

    public CalibrationState newState() {
        return CalibrationState.create(resources);
    }

    /** Compares the forecasts that targeted this bucket with its actual values (NaN = missing) and adapts. */
    public void observe(CalibrationState c, long bucketStart, double[] actual) {
        long index = Math.floorDiv(bucketStart, bucketMs);
        int base = 0;
        for (int lag : LAGS) {
            int slot = base + (int) Math.floorMod(index, (long) lag);
            base += lag;
            if (c.target[slot] != bucketStart) continue;
            c.target[slot] = Long.MIN_VALUE;
            for (int r = 0; r < resources; r++) {
                double y = actual[r];
                if (Double.isNaN(y)) continue;
                int at = (slot * resources + r) * 3;
                double p50 = c.quantiles[at], p90 = c.quantiles[at + 1], p99 = c.quantiles[at + 2];
                boolean hit90 = y <= p90, hit99 = y <= p99;
                c.checked[r]++;
                if (hit90) c.covered90[r]++;
                if (hit99) c.covered99[r]++;
                c.logWidth[r * 2] = clamp(c.logWidth[r * 2] + ETA_WIDTH * ((hit90 ? 0 : 1) - 0.10), MIN_LOG_WIDTH, MAX_LOG_WIDTH);
                c.logWidth[r * 2 + 1] = clamp(c.logWidth[r * 2 + 1] + ETA_WIDTH_99 * ((hit99 ? 0 : 1) - 0.01), MIN_LOG_WIDTH, MAX_LOG_WIDTH);
                if (etaLevel > 0 && y != p50 && p50 > 0) {
                    c.logLevel[r] = clamp(c.logLevel[r] + etaLevel * ((y > p50 ? 1 : 0) - 0.5), -MAX_LOG_LEVEL, MAX_LOG_LEVEL);
                }
            }
        }
    }

    /** The calibrated forecast; it is also remembered, to be checked when its targets arrive. */
    public Forecast apply(CalibrationState c, Forecast raw) {
        Forecast out = Forecast.blankLike(raw, resources);
        calibrate(c, raw, out);
        remember(c, out);
        return out;
    }

    /**
     * {@link #apply} writing the calibrated quantiles over {@code f}'s own (the same values): for a
     * forecast nobody else holds, e.g. the combiner's fresh output on the scorer's path, which then
     * allocates no second set of arrays.
     */
    public Forecast applyInPlace(CalibrationState c, Forecast f) {
        calibrate(c, f, f);
        remember(c, f);
        return f;
    }

    /** Writes {@code raw} calibrated into {@code out}'s arrays, which may be raw's own. */
    private void calibrate(CalibrationState c, Forecast raw, Forecast out) {
        double[] level = new double[resources], w90 = new double[resources], w99 = new double[resources];
        for (int r = 0; r < resources; r++) {
            level[r] = exp(c.logLevel[r]);
            w90[r] = exp(c.logWidth[r * 2]) * level[r];
            w99[r] = exp(c.logWidth[r * 2] + c.logWidth[r * 2 + 1]) * level[r];
        }
        for (int step = 0; step < raw.steps(); step++) {
            double[] m50 = raw.p50[step], m90 = raw.p90[step], m99 = raw.p99[step];
            double[] o50 = out.p50[step], o90 = out.p90[step], o99 = out.p99[step];
            for (int r = 0; r < resources; r++) {
                double m = m50[r], q90m = m90[r], q99m = m99[r]; // read before any write
                double q50 = m * level[r];
                double q90 = q50 + w90[r] * Math.max(0, q90m - m);
                double q99 = q50 + w99[r] * Math.max(0, q99m - m);
                o50[r] = q50;
                o90[r] = q90;
                o99[r] = Math.max(q90, q99);
            }
        }
    }

    /** Forgets what was remembered (the next forecasts come from elsewhere, e.g. the fallback). */
    public void skip(CalibrationState c, long origin) {
        long index = Math.floorDiv(origin, bucketMs);
        int base = 0;
        for (int lag : LAGS) {
            c.target[base + (int) Math.floorMod(index + lag, (long) lag)] = Long.MIN_VALUE;
            base += lag;
        }
    }

    private void remember(CalibrationState c, Forecast f) {
        long index = Math.floorDiv(f.lastBucketStart, bucketMs);
        int base = 0;
        for (int lag : LAGS) {
            if (lag > f.steps()) break;
            int slot = base + (int) Math.floorMod(index + lag, (long) lag);
            base += lag;
            c.target[slot] = f.targetTime(lag - 1);
            for (int r = 0; r < resources; r++) {
                int at = (slot * resources + r) * 3;
                c.quantiles[at] = f.p50[lag - 1][r];
                c.quantiles[at + 1] = f.p90[lag - 1][r];
                c.quantiles[at + 2] = f.p99[lag - 1][r];
            }
        }
    }

    /** exp(0) is what most multipliers hold (bands are floored at the model's own): Math.exp's own value for it, without the call. */
    private static final double EXP_ZERO = Math.exp(0);

    private static double exp(double x) {
        return x == 0 ? EXP_ZERO : Math.exp(x);
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
