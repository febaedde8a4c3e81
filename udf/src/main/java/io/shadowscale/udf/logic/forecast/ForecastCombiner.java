package io.shadowscale.udf.logic.forecast;

import io.shadowscale.udf.logic.Forecast;

/**
 * Per-workload online forecast combination: the global model's p50 is blended, per resource and
 * horizon step, with two cheap candidates — the last known value and an EWMA level — by weights
 * that follow each candidate's recent error on this workload. A workload whose use the model
 * reads well keeps the model; one whose use switches regimes the model cannot anticipate (a batch
 * VM jumping between idle and full) moves towards last value, the best a user could do there.
 *
 * <p>Strictly online: every forecast made at an origin is remembered (the model's 12 steps, the
 * flat candidates' one value), and a candidate's error at step h is only counted once the bucket
 * it predicted has arrived. Per resource and step, the loss of candidate k is an exponentially
 * weighted mean absolute error L_k (decay {@code beta} per check) and the weights are
 * w_k ∝ L_k^−p (inverse-loss weighting; p large ≈ pick the best, p = 0 the plain mean; the
 * default p = 16 all but picks the best). Until a
 * step has been checked once, the model answers alone. The bands move with p50 (p90 − p50 and
 * p99 − p50 are the model's), so the {@link QuantileCalibrator} that follows still sees the
 * model's band shape and tracks coverage of what is actually served.
 */
public final class ForecastCombiner {

    /** Candidates: the model's p50, the last known value, the EWMA level. */
    static final int CANDIDATES = 3;
    static final int MODEL = 0, LAST = 1, EWMA = 2;
    /** Pending origins kept: one per horizon step (a forecast is checked up to {@code steps} buckets later). */
    static final int PENDING = ModelFeatures.HORIZON;

    /**
     * Chosen on July (origins 2013-07-08 to 07-31, before the scored August) from a grid of
     * beta 1/36, 1/144, 1/576, 1/2016 and p 1, 2, 4, 16: slow memory (about two days of checks per
     * step) and a sharp choice won on every resource; a soft blend (p ≤ 2) was worse than the
     * model alone, since the flat candidates' errors are large where they lose.
     */
    public static final double DEFAULT_BETA = 1.0 / 576;
    public static final double DEFAULT_POWER = 16;
    public static final double DEFAULT_EWMA_ALPHA = 0.3;

    private final int resources;
    private final int steps;
    private final long bucketMs;
    private final double beta;
    private final double power;
    private final double alpha;
    /** {@link #power} when it is a small whole number (the default 16): powers by squaring, not Math.pow, on the scorer's hot path. */
    private final int intPower;

    public ForecastCombiner(int resources, long bucketMs) {
        this(resources, bucketMs, PENDING, DEFAULT_BETA, DEFAULT_POWER, DEFAULT_EWMA_ALPHA);
    }

    /**
     * @param beta weight of each new error in a candidate's loss (1/288: about a day of checks)
     * @param power p of the inverse-loss weights
     * @param alpha the EWMA candidate's smoothing
     */
    public ForecastCombiner(int resources, long bucketMs, int steps, double beta, double power, double alpha) {
        this.resources = resources;
        this.bucketMs = bucketMs;
        this.steps = steps;
        this.beta = beta;
        this.power = power;
        this.alpha = alpha;
        this.intPower = power == Math.rint(power) && power >= 1 && power <= 64 ? (int) power : -1;
    }

    public CombinationState newState() {
        return CombinationState.create(resources, steps);
    }

    /**
     * Scores the forecasts that targeted this bucket against its values (NaN = missing), then
     * takes the values into the last-value and EWMA candidates.
     */
    public void observe(CombinationState c, long bucketStart, double[] actual) {
        long index = Math.floorDiv(bucketStart, bucketMs);
        for (int h = 1; h <= steps; h++) {
            long o = bucketStart - h * bucketMs;
            int slot = (int) Math.floorMod(index - h, (long) steps);
            if (c.origin[slot] != o) continue;
            for (int r = 0; r < resources; r++) {
                double y = actual[r];
                if (Double.isNaN(y)) continue;
                int at = (r * steps + h - 1) * CANDIDATES;
                update(c.loss, at + MODEL, Math.abs(y - c.model[(slot * steps + h - 1) * resources + r]));
                update(c.loss, at + LAST, Math.abs(y - c.flat[(slot * resources + r) * 2]));
                update(c.loss, at + EWMA, Math.abs(y - c.flat[(slot * resources + r) * 2 + 1]));
            }
        }
        for (int r = 0; r < resources; r++) {
            double y = actual[r];
            if (Double.isNaN(y)) continue;
            c.last[r] = y;
            c.level[r] = Double.isNaN(c.level[r]) ? y : c.level[r] + alpha * (y - c.level[r]);
        }
    }

    private void update(float[] loss, int at, double err) {
        float l = loss[at];
        loss[at] = (float) (Float.isNaN(l) ? err : l + beta * (err - l));
    }

    /** The combined forecast for the model's forecast {@code model}; it is also remembered, to be scored. */
    public Forecast apply(CombinationState c, Forecast model) {
        Forecast out = Forecast.blankLike(model, resources);
        combine(c, model, out.p50, out.p90, out.p99);
        return out;
    }

    /**
     * {@link #apply} writing the combined quantiles over {@code model}'s own (the same values):
     * for a forecast nobody else reads afterwards, e.g. the scorer's freshly decoded one.
     */
    public Forecast applyInPlace(CombinationState c, Forecast model) {
        combine(c, model, model.p50, model.p90, model.p99);
        return model;
    }

    /** Remembers {@code model} and writes the combination into the out arrays (which may be the model's own). */
    private void combine(CombinationState c, Forecast model, double[][] p50, double[][] p90, double[][] p99) {
        int n = model.steps();
        int h = Math.min(n, steps);
        long index = Math.floorDiv(model.lastBucketStart, bucketMs);
        int slot = (int) Math.floorMod(index, (long) steps);
        c.origin[slot] = model.lastBucketStart;
        // step-major, so each step's three model rows are read and the new ones written once; the
        // weights are inlined (this loop was half of the scorer's Java time per forecast)
        float[] loss = c.loss, remembered = c.model;
        for (int s = 0; s < n; s++) {
            double[] m50 = model.p50[s], m90 = model.p90[s], m99 = model.p99[s];
            double[] o50 = p50[s], o90 = p90[s], o99 = p99[s];
            for (int r = 0; r < resources; r++) {
                double m = m50[r], q90m = m90[r], q99m = m99[r]; // read before any write: out may be the model's arrays
                o50[r] = m;
                o90[r] = q90m;
                o99[r] = q99m;
                if (s >= h) continue;
                remembered[(slot * steps + s) * resources + r] = (float) m;
                double last = c.last[r];
                if (Double.isNaN(last)) continue;
                int at = (r * steps + s) * CANDIDATES;
                double l0 = loss[at + MODEL], l1 = loss[at + LAST], l2 = loss[at + EWMA];
                if (Double.isNaN(l0) || Double.isNaN(l1) || Double.isNaN(l2)) continue; // step not checked yet
                // the same operations, in the same order, as weights(): bit for bit the same forecast
                double floor = Math.max(Math.min(Math.min(l0, l1), l2), 1e-9); // none is NaN here
                double w0 = pow(floor / Math.max(l0, 1e-12)), w1 = pow(floor / Math.max(l1, 1e-12)), w2 = pow(floor / Math.max(l2, 1e-12));
                double sum = 0 + w0 + w1 + w2;
                double combined = w0 / sum * m + w1 / sum * last + w2 / sum * c.level[r];
                double shift = combined - m;
                double q50 = Math.max(0, combined), q90 = Math.max(q50, q90m + shift);
                o50[r] = q50;
                o90[r] = q90;
                o99[r] = Math.max(q90, q99m + shift);
            }
        }
        for (int r = 0; r < resources; r++) {
            double last = c.last[r];
            boolean known = !Double.isNaN(last);
            c.flat[(slot * resources + r) * 2] = (float) (known ? last : Double.NaN);
            c.flat[(slot * resources + r) * 2 + 1] = (float) (known ? c.level[r] : Double.NaN);
        }
    }

    /** ratio^power: unrolled squaring for the default 16 (the same products as {@link #powInt}). */
    private double pow(double ratio) {
        if (intPower == 16) {
            double x2 = ratio * ratio, x4 = x2 * x2, x8 = x4 * x4;
            return x8 * x8;
        }
        return intPower > 0 ? powInt(ratio, intPower) : Math.pow(ratio, power);
    }

    /** The candidates' weights for resource r at step s (0-based), or null before the step was checked. */
    double[] weights(CombinationState c, int r, int s) {
        double[] w = new double[CANDIDATES];
        return weights(c, r, s, w) ? w : null;
    }

    /** Writes the weights into {@code w}; false before the step was checked. */
    private boolean weights(CombinationState c, int r, int s, double[] w) {
        int at = (r * steps + s) * CANDIDATES;
        double min = Double.POSITIVE_INFINITY;
        for (int k = 0; k < CANDIDATES; k++) {
            double l = c.loss[at + k];
            if (Double.isNaN(l)) return false;
            min = Math.min(min, l);
        }
        // relative to the best candidate's loss, so the weights do not depend on the resource's unit;
        // a floor keeps an exact candidate (zero loss) from dividing by zero
        double floor = Math.max(min, 1e-9);
        double sum = 0;
        for (int k = 0; k < CANDIDATES; k++) {
            double ratio = floor / Math.max(c.loss[at + k], 1e-12); // (loss / best)^-p = (best / loss)^p, ratio <= 1
            w[k] = intPower > 0 ? powInt(ratio, intPower) : Math.pow(ratio, power);
            sum += w[k];
        }
        for (int k = 0; k < CANDIDATES; k++) w[k] /= sum;
        return true;
    }

    private static double powInt(double x, int n) {
        double r = 1, b = x;
        for (; n > 0; n >>= 1) {
            if ((n & 1) != 0) r *= b;
            b *= b;
        }
        return r;
    }
}
