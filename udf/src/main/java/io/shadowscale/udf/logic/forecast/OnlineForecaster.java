package io.shadowscale.udf.logic.forecast;

/**
 * A per-series forecaster fed one bucket at a time: it observes the bucket's values (one per
 * resource, NaN where missing) and returns quantile forecasts for the next {@code horizon}
 * buckets as {@code [quantile][step][resource]} with quantiles p50, p90, p99. One instance per
 * series; not thread-safe. Used by backtests to put methods side by side on the same data.
 */
public interface OnlineForecaster {

    String name();

    /** @return {@code [3][horizon][resources]}; never null, values may be NaN before warm-up */
    double[][][] observe(long bucketStart, double[] values);
}
