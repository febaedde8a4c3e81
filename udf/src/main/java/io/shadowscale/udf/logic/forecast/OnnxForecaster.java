package io.shadowscale.udf.logic.forecast;

/**
 * The ONNX model as an {@link OnlineForecaster} for backtests: keeps one day of every resource and
 * scores all resources of the series in one batch per bucket. {@code kinds[r]} is the
 * {@link ModelFeatures#kind} of resource r. Adapted ({@code onnx}), its forecast goes through the
 * job's per-workload {@link ForecastCombiner} and {@link QuantileCalibrator}, as in
 * {@link WorkloadScoring}; raw ({@code onnx_raw}) its quantiles are the model's own.
 */
public final class OnnxForecaster implements OnlineForecaster {
    private final OnnxQuantileModel model;
    private final int[] kinds;
    private final History history;
    private final float[] features;
    private final OnnxQuantileModel.Buffers buffers = new OnnxQuantileModel.Buffers();
    private final double[] scales;
    private final long bucketMs;
    private final QuantileCalibrator calibrator;
    private final CalibrationState calibration;
    private final ForecastCombiner combiner;
    private final CombinationState combination;

    public OnnxForecaster(OnnxQuantileModel model, int[] kinds) {
        this(model, kinds, false, 300_000L);
    }

    public OnnxForecaster(OnnxQuantileModel model, int[] kinds, boolean calibrated, long bucketMs) {
        this.model = model;
        this.kinds = kinds;
        this.history = new History(ModelFeatures.DAY, kinds.length);
        this.features = new float[kinds.length * ModelFeatures.SIZE];
        this.scales = new double[kinds.length];
        this.bucketMs = bucketMs;
        this.calibrator = calibrated ? new QuantileCalibrator(kinds.length, bucketMs, false) : null;
        this.calibration = calibrated ? calibrator.newState() : null;
        this.combiner = calibrated ? new ForecastCombiner(kinds.length, bucketMs) : null;
        this.combination = calibrated ? combiner.newState() : null;
    }

    @Override
    public String name() {
        return calibrator != null ? "onnx" : "onnx_raw";
    }

    @Override
    public double[][][] observe(long bucketStart, double[] values) {
        history.add(values);
        if (calibrator != null) {
            calibrator.observe(calibration, bucketStart, values);
            combiner.observe(combination, bucketStart, values);
        }
        int h = ModelFeatures.HORIZON;
        double[][][] out = new double[3][h][kinds.length];
        for (int r = 0; r < kinds.length; r++) {
            final int res = r;
            scales[r] = ModelFeatures.build(lag -> history.get(res, lag), bucketStart, kinds[r], features, r * ModelFeatures.SIZE);
        }
        float[] q = model.score(features, kinds.length, buffers);
        for (int r = 0; r < kinds.length; r++) {
            for (int s = 0; s < h; s++) {
                for (int k = 0; k < 3; k++) {
                    out[k][s][r] = Math.max(0, q[OnnxQuantileModel.at(r, s, k)] * scales[r]);
                }
            }
        }
        if (calibrator == null) return out;
        io.shadowscale.udf.logic.Forecast f = calibrator.apply(calibration, combiner.apply(combination,
                new io.shadowscale.udf.logic.Forecast(bucketStart, bucketMs, out[0], out[1], out[2], h)));
        return new double[][][] {f.p50, f.p90, f.p99};
    }
}
