package io.shadowscale.udf.logic.forecast;

import io.shadowscale.udf.logic.ForecasterState;

/**
 * Everything the scorer keeps per workload: the fallback forecaster's state (a day of history,
 * also the model's input, and the reference forecasts of the residuals) and the online
 * calibration of the model's quantiles, after the online combination of its p50 with last value
 * and EWMA. A POJO of POJOs of primitive arrays.
 */
public class WorkloadForecastState {
    public ForecasterState forecaster;
    public CalibrationState calibration;
    /** Null in state written before the combination existed; created on the next bucket. */
    public CombinationState combination;

    public WorkloadForecastState() {}

    public WorkloadForecastState(ForecasterState forecaster, CalibrationState calibration, CombinationState combination) {
        this.forecaster = forecaster;
        this.calibration = calibration;
        this.combination = combination;
    }
}
