package io.shadowscale.udf.logic.forecast;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * Feature specification v1 of the global quantile forecaster — the one place that turns a
 * series' history into the model's input, shared by the job, backtests and the training export so
 * that training and serving cannot drift.
 *
 * <p>Each resource of each workload is one univariate series (channel-independent, so one global
 * model serves CPU, memory, network and storage of every tenant). At an origin (the newest closed
 * bucket) the input is, in this order:
 * <ol>
 *   <li>{@value #RECENT} recent buckets (oldest first), divided by the series' scale;</li>
 *   <li>{@value #HORIZON} buckets of one day earlier at the target times (lags 288 − h), scaled;</li>
 *   <li>the share of missing buckets in the recent window, and whether yesterday is known;</li>
 *   <li>sin/cos of the origin's hour of day and day of week (UTC);</li>
 *   <li>a one-hot of the resource kind: cpu, memory, network, storage.</li>
 * </ol>
 * The scale is the mean of the known values of the last day (at least {@link #MIN_SCALE} of the
 * largest value, and never 0), so the model sees shapes, not magnitudes; outputs are multiplied
 * back, and clipped to ±{@value #MAX_RATIO}. Missing values are filled with the previous known
 * value (or 0 before the first). The model outputs, per step, p50 and two non-negative increments (p90 − p50, p99 − p90).
 */
public final class ModelFeatures {

    public static final String SPEC_VERSION = "1";
    public static final int RECENT = 48;
    public static final int HORIZON = 12;
    public static final int DAY = 288;
    public static final int KINDS = 4;
    public static final int SIZE = RECENT + HORIZON + 2 + 4 + KINDS;
    static final double MIN_SCALE = 1e-3;
    /** Scaled values are clipped to this: a 1000× spike over the day's mean would otherwise dominate. */
    static final double MAX_RATIO = 50;

    private ModelFeatures() {}

    /** Kind index of a resource name: cpu 0, memory 1, network (in or out) 2, storage 3. */
    public static int kind(String resource) {
        switch (resource) {
            case "cpu": return 0;
            case "memory": return 1;
            case "network": case "network_in": case "network_out": return 2;
            case "storage": return 3;
            default: throw new IllegalArgumentException("unknown resource kind " + resource);
        }
    }

    /**
     * Writes the features of one series into {@code out[offset..offset+SIZE)} and returns the
     * scale to multiply the outputs with.
     *
     * @param lagged {@code lagged.applyAsDouble(lag)} is the value {@code lag} buckets before the
     *     origin (lag 0 = the origin bucket), NaN when unknown; lags up to {@value #DAY} - 1 are asked
     * @param originStart start of the origin bucket (UTC ms)
     */
    public static double build(java.util.function.IntToDoubleFunction lagged, long originStart, int kind, float[] out, int offset) {
        double sum = 0, max = 0;
        int known = 0;
        for (int lag = 0; lag < DAY; lag++) {
            double v = lagged.applyAsDouble(lag);
            if (!Double.isNaN(v)) {
                sum += v;
                known++;
                max = Math.max(max, Math.abs(v));
            }
        }
        double scale = known == 0 ? 1 : sum / known;
        scale = Math.max(scale, MIN_SCALE * max);
        if (!(scale > 0)) scale = 1;

        int i = offset;
        // recent window, oldest first, forward-filled
        double prev = Double.NaN;
        int missing = 0;
        for (int lag = RECENT - 1; lag >= 0; lag--) {
            double v = lagged.applyAsDouble(lag);
            if (Double.isNaN(v)) {
                missing++;
                v = prev;
            }
            prev = v;
            out[i++] = clip(v, scale);
        }
        double last = prev;
        // yesterday at the target times
        int yesterdayKnown = 0;
        for (int h = 1; h <= HORIZON; h++) {
            double v = lagged.applyAsDouble(DAY - h);
            if (!Double.isNaN(v)) yesterdayKnown++;
            else v = last;
            out[i++] = clip(v, scale);
        }
        out[i++] = (float) missing / RECENT;
        out[i++] = yesterdayKnown == HORIZON ? 1f : 0f;
        ZonedDateTime t = Instant.ofEpochMilli(originStart).atZone(ZoneOffset.UTC);
        double hour = (t.getHour() * 60 + t.getMinute()) / 1440.0;
        double dow = (t.getDayOfWeek().getValue() - 1 + hour) / 7.0;
        out[i++] = (float) Math.sin(2 * Math.PI * hour);
        out[i++] = (float) Math.cos(2 * Math.PI * hour);
        out[i++] = (float) Math.sin(2 * Math.PI * dow);
        out[i++] = (float) Math.cos(2 * Math.PI * dow);
        for (int k = 0; k < KINDS; k++) out[i++] = k == kind ? 1f : 0f;
        return scale;
    }

    private static float clip(double v, double scale) {
        return Double.isNaN(v) ? 0f : (float) Math.max(-MAX_RATIO, Math.min(MAX_RATIO, v / scale));
    }
}
