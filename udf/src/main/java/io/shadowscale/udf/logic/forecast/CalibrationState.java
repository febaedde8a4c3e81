package io.shadowscale.udf.logic.forecast;

import java.util.Arrays;

/**
 * A workload's online calibration (see {@link QuantileCalibrator}): its level and band-width
 * corrections and the calibrated quantiles it predicted for the next buckets at the checked
 * horizons, to compare with what arrives. Primitive arrays only (~2.5 KB at five resources).
 */
public class CalibrationState {
    /** Per checked horizon block and slot: the target bucket's start, or MIN_VALUE. */
    public long[] target;
    /** [slot * resources * 3 + r * 3 + q], q = 0 (p50), 1 (p90), 2 (p99). */
    public double[] quantiles;
    /** log multiplier of p50, per resource. */
    public double[] logLevel;
    /** log multipliers of the p90 width above p50 and (on top of it) of the p99 width: [r * 2 + 0|1]. */
    public double[] logWidth;
    /** Outcomes compared so far, per resource (p90 hits and total), for the measured coverage. */
    public long[] covered90;
    public long[] covered99;
    public long[] checked;

    public CalibrationState() {}

    public static CalibrationState create(int resources) {
        CalibrationState c = new CalibrationState();
        int slots = QuantileCalibrator.SLOTS;
        c.target = new long[slots];
        Arrays.fill(c.target, Long.MIN_VALUE);
        c.quantiles = new double[slots * resources * 3];
        c.logLevel = new double[resources];
        c.logWidth = new double[resources * 2];
        c.covered90 = new long[resources];
        c.covered99 = new long[resources];
        c.checked = new long[resources];
        return c;
    }

    /** Share of compared actuals at or below the calibrated p90 of resource r (NaN before any). */
    public double coverage90(int r) {
        return checked[r] == 0 ? Double.NaN : (double) covered90[r] / checked[r];
    }

    public double coverage99(int r) {
        return checked[r] == 0 ? Double.NaN : (double) covered99[r] / checked[r];
    }
}
