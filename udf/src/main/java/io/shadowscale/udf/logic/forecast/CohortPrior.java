package io.shadowscale.udf.logic.forecast;

/**
 * What the workloads of one behavioural tag have in common, learned online (see
 * {@link CohortPriors}): the relative one-step error of each resource and its hour-of-day shape
 * (value over the day's mean). A POJO, kept in the scorer's operator state.
 */
public class CohortPrior {
    public String tag;
    /** EWMA of σ / level of the fallback's one-step errors, per resource. */
    public double[] relativeSigma;
    /** EWMA of value / mean of the last day, [r * 24 + hour of day (UTC)]. */
    public double[] hourShape;
    /** Updates folded into hourShape, per [r * 24 + hour]. */
    public long[] hourUpdates;
    /** Updates folded into relativeSigma. */
    public long updates;

    public CohortPrior() {}

    static CohortPrior create(String tag, int resources) {
        CohortPrior p = new CohortPrior();
        p.tag = tag;
        p.relativeSigma = new double[resources];
        p.hourShape = new double[resources * 24];
        p.hourUpdates = new long[resources * 24];
        return p;
    }
}
