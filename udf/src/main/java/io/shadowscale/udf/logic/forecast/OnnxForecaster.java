package io.shadowscale.udf.logic.forecast;

/**
 * The ONNX model as an {@link OnlineForecaster} for backtests: keeps one day of every resource and
 * scores all resources of the series in one batch per bucket. {@code kinds[r]} is the
 * {@link ModelFeatures#kind} of resource r.
 */
public final class OnnxForecaster implements OnlineForecaster {
    private final OnnxQuantileModel model;
    private final int[] kinds;
    private final History history;
    private final float[] features;
    private final double[] scales;

    public OnnxForecaster(OnnxQuantileModel model, int[] kinds) {
        this.model = model;
        this.kinds = kinds;
        this.history = new History(ModelFeatures.DAY, kinds.length);
        this.features = new float[kinds.length * ModelFeatures.SIZE];
        this.scales = new double[kinds.length];
    }

    @Override
    public String name() {
        return "onnx";
    }

    @Override
    public double[][][] observe(long bucketStart, double[] values) {
        history.add(values);
        int h = ModelFeatures.HORIZON;
        double[][][] out = new double[3][h][kinds.length];
        for (int r = 0; r < kinds.length; r++) {
            final int res = r;
            scales[r] = ModelFeatures.build(lag -> history.get(res, lag), bucketStart, kinds[r], features, r * ModelFeatures.SIZE);
        }
        float[][][] q = model.score(features, kinds.length);
        for (int r = 0; r < kinds.length; r++) {
            for (int s = 0; s < h; s++) {
                for (int k = 0; k < 3; k++) {
                    out[k][s][r] = Math.max(0, q[r][s][k] * scales[r]);
                }
            }
        }
        return out;
    }
}
