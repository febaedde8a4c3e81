package io.shadowscale.udf.logic.forecast;

import io.shadowscale.udf.logic.Forecast;
import io.shadowscale.udf.logic.ForecasterState;
import io.shadowscale.udf.model.Resource;

/**
 * Scores the ONNX model for one workload from the fallback forecaster's state (its one-day ring of
 * every resource holds exactly the history {@link ModelFeatures} needs), all five resources in one
 * batch. Refuses — returning null with {@link #lastRefusal()} — when the history is too short
 * (cold start) or the output is NaN or out of range, so the caller falls back and says why.
 *
 * <p>The three parts — {@link #coldStart}, {@link #features} and {@link #decode} — are public so
 * that the job's scorer can put many workloads' rows into one ONNX Runtime run.
 */
public final class ModelForecaster {

    /** Kinds of the job's resources: CPU, memory, network in, network out, storage. */
    static final int[] KINDS = {0, 1, 2, 2, 3};
    /** Known buckets in the recent window below which the model is not asked (cold start). */
    static final int MIN_RECENT = 12;
    /** A p99 beyond this many times the series' scale is treated as a broken output. */
    static final double MAX_RATIO = 100;
    /** Feature rows per workload: one per resource. */
    public static final int ROWS = Resource.COUNT;

    private final OnnxQuantileModel model;
    private final long bucketMs;
    private final float[] features = new float[ROWS * ModelFeatures.SIZE];
    private final double[] scales = new double[ROWS];
    private final OnnxQuantileModel.Buffers buffers = new OnnxQuantileModel.Buffers();
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
        lastRefusal = coldStart(s, bucketMs);
        if (lastRefusal != null) {
            return null;
        }
        features(s, bucketMs, features, 0, scales, 0);
        float[] q;
        try {
            q = model.score(features, ROWS, buffers);
        } catch (RuntimeException e) {
            lastRefusal = "model failed: " + e.getMessage();
            return null;
        }
        Decoded d = decode(q, 0, scales, 0, s.lastBucketStart, bucketMs);
        lastRefusal = d.refusal;
        return d.forecast;
    }

    /** @return why the model must not be asked yet (cold start), or null when it may */
    public static String coldStart(ForecasterState s, long bucketMs) {
        long origin = s.lastBucketStart;
        int season = s.season;
        int at = slot(origin, bucketMs, season);
        int known = 0;
        for (int lag = 0; lag < ModelFeatures.RECENT && lag < season; lag++) {
            int slot = at - lag;
            if (slot < 0) slot += season;
            if (!Double.isNaN(s.ring[slot])) known++;
        }
        return known < MIN_RECENT ? "cold start: " + known + " of the last " + ModelFeatures.RECENT + " buckets known" : null;
    }

    /**
     * Writes the workload's {@link #ROWS} feature rows into {@code out} from row offset
     * {@code offset} (in floats) and their scales into {@code scales[scaleOffset..]}.
     */
    public static void features(ForecasterState s, long bucketMs, float[] out, int offset, double[] scales, int scaleOffset) {
        features(s, bucketMs, out, offset, scales, scaleOffset, null);
    }

    /**
     * The same, also recording per row (resource) what the walks over its day summed
     * ({@code sums[r * ModelFeatures.SUMS ..]}, see {@link ModelFeatures#series(double[], int, int, int, float[], int, double[], int)}),
     * or nothing when {@code sums} is null.
     */
    public static void features(ForecasterState s, long bucketMs, float[] out, int offset, double[] scales, int scaleOffset, double[] sums) {
        int season = s.season;
        int at = slot(s.lastBucketStart, bucketMs, season);
        double[] ring = s.ring;
        int size = ModelFeatures.SIZE, time = ModelFeatures.DAY + 3, kinds = time + 4;
        for (int r = 0; r < ROWS; r++) {
            int row = offset + r * size;
            scales[scaleOffset + r] = ModelFeatures.series(ring, r * season, season, at, out, row, sums, r * ModelFeatures.SUMS);
            // the origin's time features are the same in every row: computed once (four sin/cos)
            if (r == 0) {
                ModelFeatures.time(s.lastBucketStart, out, row + time);
            } else {
                System.arraycopy(out, offset + time, out, row + time, 4);
            }
            ModelFeatures.oneHot(KINDS[r], out, row + kinds);
        }
    }

    /** A decoded model answer: the forecast, or why it was refused. */
    public static final class Decoded {
        public final Forecast forecast;
        public final String refusal;

        Decoded(Forecast forecast, String refusal) {
            this.forecast = forecast;
            this.refusal = refusal;
        }
    }

    /**
     * Turns the model's rows {@code row .. row + ROWS - 1} of the flat answer {@code q} ({@link
     * OnnxQuantileModel#at}) into a forecast in the resources' units, refusing NaN or out-of-range output.
     */
    public static Decoded decode(float[] q, int row, double[] scales, int scaleOffset, long origin, long bucketMs) {
        int h = ModelFeatures.HORIZON;
        double[][] p50 = new double[h][ROWS], p90 = new double[h][ROWS], p99 = new double[h][ROWS];
        for (int r = 0; r < ROWS; r++) {
            int at = OnnxQuantileModel.at(row + r, 0, 0);
            double scale = scales[scaleOffset + r];
            for (int step = 0; step < h; step++, at += 3) {
                float a = q[at], b = q[at + 1], c = q[at + 2];
                if (!Float.isFinite(a) || !Float.isFinite(b) || !Float.isFinite(c) || c > MAX_RATIO || a < -MAX_RATIO) {
                    return new Decoded(null, "model output out of range for " + Resource.values()[r].label + " step " + (step + 1));
                }
                p50[step][r] = Math.max(0, a * scale);
                p90[step][r] = Math.max(p50[step][r], b * scale);
                p99[step][r] = Math.max(p90[step][r], c * scale);
            }
        }
        return new Decoded(new Forecast(origin, bucketMs, p50, p90, p99, h), null);
    }

    private static int slot(long bucketStart, long bucketMs, int season) {
        return (int) Math.floorMod(Math.floorDiv(bucketStart, bucketMs), (long) season);
    }
}
