package io.shadowscale.udf.logic.forecast;

import java.util.Arrays;

/**
 * A workload's online forecast combination (see {@link ForecastCombiner}): the candidates' recent
 * errors per resource and horizon step, and what each candidate forecast at the last
 * {@link ForecastCombiner#PENDING} origins, to score when the targets arrive. Primitive arrays
 * only (~4.5 KB at five resources and 12 steps).
 */
public class CombinationState {
    /** Per pending slot (origin bucket index mod the horizon): the origin's bucket start, or MIN_VALUE. */
    public long[] origin;
    /** The model's p50 per pending slot, step and resource: [(slot * steps + step) * resources + r]. */
    public float[] model;
    /** Last value and EWMA level at each pending origin: [(slot * resources + r) * 2 + 0|1]. */
    public float[] flat;
    /**
     * Exponentially weighted mean absolute error of each candidate, per resource and step:
     * [((r * steps + step) * CANDIDATES + k)], NaN before the first check.
     */
    public float[] loss;
    /** The newest known value and the EWMA level of each resource (NaN before any). */
    public double[] last;
    public double[] level;

    public CombinationState() {}

    public static CombinationState create(int resources, int steps) {
        CombinationState c = new CombinationState();
        c.origin = new long[steps];
        Arrays.fill(c.origin, Long.MIN_VALUE);
        c.model = new float[steps * steps * resources];
        c.flat = new float[steps * resources * 2];
        c.loss = new float[resources * steps * ForecastCombiner.CANDIDATES];
        Arrays.fill(c.loss, Float.NaN);
        c.last = new double[resources];
        Arrays.fill(c.last, Double.NaN);
        c.level = new double[resources];
        Arrays.fill(c.level, Double.NaN);
        return c;
    }
}
