package io.shadowscale.jobs.backtest;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.IntConsumer;

import io.shadowscale.udf.logic.forecast.ForecastBacktest.Series;
import io.shadowscale.udf.logic.forecast.ModelFeatures;

/**
 * Writes training samples through {@link ModelFeatures} — the feature builder the job and the
 * backtest use — so the trainer reads exactly what serving will compute. Files in {@code out}:
 * {@code X.f32} (samples × {@link ModelFeatures#SIZE} float32, little-endian), {@code Y.f32}
 * (samples × {@value ModelFeatures#HORIZON} targets divided by the sample's scale, NaN where the
 * actual is missing), {@code index.i32} (series, origin bucket, kind per sample) and
 * {@code meta.json}.
 */
public final class TrainingExport {

    private TrainingExport() {}

    public record Summary(long samples, long skipped) {}

    /**
     * @param stride    take every stride-th origin
     * @param untilMs   only origins whose last target lies before this time (the training period)
     */
    public static Summary write(List<Series> series, Path out, int stride, long untilMs, IntConsumer progress) throws IOException {
        int[] kinds = new int[BitbrainsTraces.RESOURCES.length];
        for (int r = 0; r < kinds.length; r++) kinds[r] = ModelFeatures.kind(BitbrainsTraces.RESOURCES[r]);
        return write(series, kinds, out, stride, untilMs, progress);
    }

    /** @param kinds {@link ModelFeatures#kind} of each resource of the series */
    public static Summary write(List<Series> series, int[] kinds, Path out, int stride, long untilMs, IntConsumer progress) throws IOException {
        Files.createDirectories(out);
        long samples = 0, skipped = 0;
        int h = ModelFeatures.HORIZON;
        float[] x = new float[ModelFeatures.SIZE];
        ByteBuffer xb = ByteBuffer.allocate(4 * ModelFeatures.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer yb = ByteBuffer.allocate(4 * h).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer ib = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer nb = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        try (OutputStream xs = new BufferedOutputStream(Files.newOutputStream(out.resolve("X.f32")), 1 << 20);
             OutputStream ys = new BufferedOutputStream(Files.newOutputStream(out.resolve("Y.f32")), 1 << 16);
             OutputStream is = new BufferedOutputStream(Files.newOutputStream(out.resolve("index.i32")), 1 << 16);
             OutputStream ns = new BufferedOutputStream(Files.newOutputStream(out.resolve("naive.f32")), 1 << 16)) {
            for (int si = 0; si < series.size(); si++) {
                Series s = series.get(si);
                int n = s.length();
                for (int r = 0; r < s.values().length; r++) {
                    double[] v = s.values()[r];
                    int kind = kinds[r];
                    double naive = naiveScale(v, (int) Math.min(n, Math.max(0, (untilMs - s.start()) / s.bucketMs())));
                    for (int t = ModelFeatures.DAY; t + h < n; t += stride) {
                        if (s.start() + (t + h) * s.bucketMs() >= untilMs) break;
                        if (Double.isNaN(v[t])) { skipped++; continue; }
                        int known = 0;
                        for (int k = 1; k <= h; k++) if (!Double.isNaN(v[t + k])) known++;
                        if (known == 0) { skipped++; continue; }
                        final int origin = t;
                        double scale = ModelFeatures.build(lag -> v[origin - lag], s.start() + t * s.bucketMs(), kind, x, 0);
                        xb.clear();
                        for (float f : x) xb.putFloat(f);
                        xs.write(xb.array());
                        yb.clear();
                        for (int k = 1; k <= h; k++) yb.putFloat((float) (v[t + k] / scale));
                        ys.write(yb.array());
                        ib.clear();
                        ib.putInt(si).putInt(t).putInt(kind);
                        is.write(ib.array());
                        nb.clear();
                        nb.putFloat((float) (naive / scale));
                        ns.write(nb.array());
                        samples++;
                    }
                }
                progress.accept(si + 1);
            }
        }
        StringBuilder ids = new StringBuilder(), starts = new StringBuilder();
        for (int i = 0; i < series.size(); i++) {
            ids.append(i == 0 ? "" : ", ").append('"').append(series.get(i).id().replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            starts.append(i == 0 ? "" : ", ").append(series.get(i).start());
        }
        Files.writeString(out.resolve("meta.json"), String.format(Locale.ROOT,
                "{\"spec_version\": \"%s\", \"features\": %d, \"horizon\": %d, \"samples\": %d, \"stride\": %d, "
                        + "\"until\": %s, \"bucket_ms\": %d, \"layout\": {\"day\": %d, \"last\": %d, \"noise\": %d}, "
                        + "\"series\": [%s], \"series_start_ms\": [%s]}%n",
                ModelFeatures.SPEC_VERSION, ModelFeatures.SIZE, h, samples, stride,
                untilMs == Long.MAX_VALUE ? "null" : "\"" + java.time.Instant.ofEpochMilli(untilMs) + "\"", series.isEmpty() ? 300_000 : series.get(0).bucketMs(),
                ModelFeatures.DAY, ModelFeatures.LAST, ModelFeatures.NOISE, ids, starts));
        return new Summary(samples, skipped);
    }

    /** Mean absolute one-step change of the known values in {@code v[0..end)}, as the backtest's MASE denominator. */
    static double naiveScale(double[] v, int end) {
        double sum = 0;
        long k = 0;
        for (int i = 1; i < end; i++) {
            if (Double.isNaN(v[i]) || Double.isNaN(v[i - 1])) continue;
            sum += Math.abs(v[i] - v[i - 1]);
            k++;
        }
        return k == 0 ? Double.NaN : sum / k;
    }

}
