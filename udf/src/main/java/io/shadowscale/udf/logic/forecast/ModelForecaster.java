package io.shadowscale.udf.logic.forecast;

import io.shadowscale.udf.logic.Forecast;
import io.shadowscale.udf.logic.ForecasterState;
import io.shadowscale.udf.model.Resource;

/**
 * Scores the ONNX model for one workload from the fallback forecaster's state (its one-day ring of
 * every resource holds exactly the history {@link ModelFeatures} needs), all five resources in one
 * batch. Refuses — returning null with {@link #lastRefusal()} — when the history is too short
 * (cold start) or the output is NaN or out of range, so the caller falls back and says why.
 */
public final class ModelForecaster {

    /** Kinds of the job's resources: CPU, memory, network in, network out, storage. */
    static final int[] KINDS = {0, 1, 2, 2, 3};
    /** Known buckets in the recent window below which the model is not asked (cold start). */
    static final int MIN_RECENT = 12;
    /** A p99 beyond this many times the series' scale is treated as a broken output. */
    static final double MAX_RATIO = 100;

    private final OnnxQuantileModel model;
    private final long bucketMs;
    private final float[] features = new float[Resource.COUNT * ModelFeatures.SIZE];
    private final double[] scales = new double[Resource.COUNT];
    private String lastRefusal;

    public ModelForecaster(OnnxQuantileModel model, long bucketMs) {
        this.model = model;
        this.bucketMs = bucketMs;
    }

    public String modelId() {
        return model.id();
    }

    public String modelVersion() {
        return model.version();
    }

    public String lastRefusal() {
        return lastRefusal;
    }

    /** @return the model's forecast after {@code s.lastBucketStart}, or null (see {@link #lastRefusal()}) */
    public Forecast forecast(ForecasterState s) {
        long origin = s.lastBucketStart;
        int known = 0;
        for (int lag = 0; lag < ModelFeatures.RECENT; lag++) {
            if (!Double.isNaN(value(s, 0, origin, lag))) known++;
        }
        if (known < MIN_RECENT) {
            lastRefusal = "cold start: " + known + " of the last " + ModelFeatures.RECENT + " buckets known";
            return null;
        }
        for (int r = 0; r < Resource.COUNT; r++) {
            final int res = r;
            scales[r] = ModelFeatures.build(lag -> value(s, res, origin, lag), origin, KINDS[r], features, r * ModelFeatures.SIZE);
        }
        float[][][] q;
        try {
            q = model.score(features, Resource.COUNT);
        } catch (RuntimeException e) {
            lastRefusal = "model failed: " + e.getMessage();
            return null;
        }
        int h = ModelFeatures.HORIZON;
        double[][] p50 = new double[h][Resource.COUNT], p90 = new double[h][Resource.COUNT], p99 = new double[h][Resource.COUNT];
        for (int r = 0; r < Resource.COUNT; r++) {
            for (int step = 0; step < h; step++) {
                float a = q[r][step][0], b = q[r][step][1], c = q[r][step][2];
                if (!Float.isFinite(a) || !Float.isFinite(b) || !Float.isFinite(c) || c > MAX_RATIO || a < -MAX_RATIO) {
                    lastRefusal = "model output out of range for " + Resource.values()[r].label + " step " + (step + 1);
                    return null;
                }
                p50[step][r] = Math.max(0, a * scales[r]);
                p90[step][r] = Math.max(p50[step][r], b * scales[r]);
                p99[step][r] = Math.max(p90[step][r], c * scales[r]);
            }
        }
        lastRefusal = null;
        return new Forecast(origin, bucketMs, p50, p90, p99, h);
    }

    /** The ring slot of the bucket {@code lag} buckets before {@code origin}; NaN when unknown. */
    private double value(ForecasterState s, int r, long origin, int lag) {
        if (lag >= s.season) return Double.NaN;
        long bucket = origin - lag * bucketMs;
        int slot = (int) Math.floorMod(Math.floorDiv(bucket, bucketMs), (long) s.season);
        return s.ring[r * s.season + slot];
    }
}
