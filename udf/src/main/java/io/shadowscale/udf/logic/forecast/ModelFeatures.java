package io.shadowscale.udf.logic.forecast;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * Feature specification v2 of the global quantile forecaster — the one place that turns a
 * series' history into the model's input, shared by the job, backtests and the training export so
 * that training and serving cannot drift.
 *
 * <p>Each resource of each workload is one univariate series (channel-independent, so one global
 * model serves CPU, memory, network and storage of every tenant). At an origin (the newest closed
 * bucket) the input is, in this order:
 * <ol>
 *   <li>the whole last day, {@value #DAY} buckets oldest first (lags 287 … 0), divided by the
 *       series' scale: its first {@value #HORIZON} are yesterday at the target times, the rest show
 *       intra-day cycles of a few hours (batch jobs switching on and off) that a 4-hour window misses;</li>
 *   <li>the share of missing buckets in the last {@value #RECENT} and in the whole day;</li>
 *   <li>the series' noise level: ln of its mean absolute one-step change over the day divided by
 *       the scale (floored at e<sup>-9</sup>), so the model knows how far a step usually moves;</li>
 *   <li>sin/cos of the origin's hour of day and day of week (UTC);</li>
 *   <li>a one-hot of the resource kind: cpu, memory, network, storage.</li>
 * </ol>
 * The scale is the mean of the known values of the last day (at least {@link #MIN_SCALE} of the
 * largest value, and never 0), so the model sees shapes, not magnitudes; outputs are multiplied
 * back. Scaled values are clipped to ±{@value #MAX_RATIO}. Missing values are filled with the
 * previous known value (before the first known one: with that first one). The value at
 * {@link #LAST} is the origin's (filled) value: the model forecasts corrections to it. The model
 * outputs, per step, p50, p90 and p99 in units of the scale.
 */
public final class ModelFeatures {

    public static final String SPEC_VERSION = "2";
    /** The recent window whose known buckets decide a cold start and whose missing share is a feature. */
    public static final int RECENT = 48;
    public static final int HORIZON = 12;
    public static final int DAY = 288;
    public static final int KINDS = 4;
    public static final int SIZE = DAY + 2 + 1 + 4 + KINDS;
    /** Index of the origin's scaled value in the input row. */
    public static final int LAST = DAY - 1;
    /** Index of the log noise level in the input row. */
    public static final int NOISE = DAY + 2;
    static final double MIN_SCALE = 1e-3;
    /** Scaled values are clipped to this: a 1000× spike over the day's mean would otherwise dominate. */
    static final double MAX_RATIO = 50;
    /** Floor of the log noise level (a series that never moves). */
    static final double MIN_LOG_NOISE = -9;

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
        double sum = 0, max = 0, first = Double.NaN;
        int known = 0, recentMissing = 0;
        double[] day = new double[DAY]; // oldest first
        for (int lag = 0; lag < DAY; lag++) {
            double v = lagged.applyAsDouble(lag);
            day[DAY - 1 - lag] = v;
            if (!Double.isNaN(v)) {
                sum += v;
                known++;
                max = Math.max(max, Math.abs(v));
                first = v; // ends as the oldest known value
            } else if (lag < RECENT) {
                recentMissing++;
            }
        }
        double scale = known == 0 ? 1 : sum / known;
        scale = Math.max(scale, MIN_SCALE * max);
        if (!(scale > 0)) scale = 1;

        double steps = 0;
        int stepCount = 0;
        for (int i = 1; i < DAY; i++) {
            if (!Double.isNaN(day[i]) && !Double.isNaN(day[i - 1])) {
                steps += Math.abs(day[i] - day[i - 1]);
                stepCount++;
            }
        }
        int i = offset;
        double prev = Double.isNaN(first) ? 0 : first;
        for (int k = 0; k < DAY; k++) {
            double v = day[k];
            if (Double.isNaN(v)) v = prev;
            prev = v;
            out[i++] = clip(v, scale);
        }
        out[i++] = (float) recentMissing / RECENT;
        out[i++] = (float) (DAY - known) / DAY;
        double noise = stepCount == 0 ? 0 : steps / stepCount / scale;
        out[i++] = (float) (noise > 0 ? Math.max(MIN_LOG_NOISE, Math.log(noise)) : MIN_LOG_NOISE);
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

    /**
     * {@link #build} for a series kept in a ring — the job's path, without a callback per lag or an
     * array per call. The value {@code lag} buckets before the origin is
     * {@code ring[base + (newest - lag) mod season]} for lags below {@code season}, unknown beyond;
     * the slots are walked as (at most two) contiguous runs instead of a modulo per lag. Writes
     * exactly what {@link #build} writes for the same values (bit for bit: the sums run in the same
     * order); {@code ModelFeaturesRingTest} pins the two against each other.
     *
     * @param newest the ring slot of the origin bucket ({@code 0 <= newest < season})
     */
    public static double build(double[] ring, int base, int season, int newest, long originStart, int kind, float[] out, int offset) {
        double scale = series(ring, base, season, newest, out, offset);
        time(originStart, out, offset + DAY + 3);
        oneHot(kind, out, offset + DAY + 7);
        return scale;
    }

    /**
     * The series part of a row (the day, missing shares and noise: {@code out[offset..offset+DAY+3)}),
     * read from a ring as in {@link #build(double[], int, int, int, long, int, float[], int)}.
     */
    static double series(double[] ring, int base, int season, int newest, float[] out, int offset) {
        return series(ring, base, season, newest, out, offset, null, 0);
    }

    /** Sums a walk over the day records into {@code sums} (see {@link #series(double[], int, int, int, float[], int, double[], int)}). */
    static final int SUMS = 4, HOUR_SUM = 0, HOUR_KNOWN = 1, DAY_SUM = 2, DAY_KNOWN = 3;

    /** A day's hour of buckets: the recent window of the history means {@code sums} records. */
    static final int HOUR = 12;

    /**
     * The same, also writing into {@code sums[at..at+SUMS)} the sum and count of the known values of
     * the newest {@link #HOUR} buckets and of the day, newest first — the additions, in the same
     * order, of {@code ForecasterState.recentAndDayMean} (which needs them for the forecast's
     * drivers and would otherwise walk the ring again) as long as the values are finite.
     */
    static double series(double[] ring, int base, int season, int newest, float[] out, int offset, double[] sums, int at) {
        // lags 0 .. n-1 are in the ring; older ones are unknown
        int n = Math.min(DAY, season);
        int oldest = newest - (n - 1);
        if (oldest < 0) oldest += season;
        int run = Math.min(n, season - oldest); // ring slots oldest .. oldest+run-1, then 0 .. n-run-1
        // a day whose oldest bucket is missing (a workload in its first day, the common gap) goes
        // straight to the general path instead of a full walk that would end in NaN
        if (n == DAY && !Double.isNaN(ring[base + oldest])) {
            double scale = gapFreeDay(ring, base, oldest, run, out, offset, sums, at);
            if (!Double.isNaN(scale)) return scale;
        }
        return anyDay(ring, base, season, newest, n, oldest, out, offset, sums, at);
    }

    /**
     * The common case, a full day without a missing bucket: both sums without a check per value
     * (NaN propagates, so a NaN sum means a gap — or infinities — and the general path answers),
     * two independent add chains the CPU overlaps, no filling. Returns the scale, or NaN.
     */
    private static double gapFreeDay(double[] ring, int base, int oldest, int run, float[] out, int offset, double[] sums, int at) {
        // newest first for the sum, oldest first for the steps, as build() adds them
        double sum = 0, max = 0, steps = 0;
        int down = base + (run == DAY ? oldest + DAY - 1 : DAY - run - 1), up = base + oldest;
        int downWrap = base + oldest + run - 1, upWrap = base;
        double before = ring[up];
        double newestValue = ring[down];
        sum += newestValue;
        double m0 = Math.abs(newestValue);
        if (m0 > max) max = m0;
        for (int j = 1; j < DAY; j++) {
            down = down == base ? downWrap : down - 1;
            up = up == base + oldest + run - 1 ? upWrap : up + 1;
            double v = ring[down];
            sum += v;
            double a = Math.abs(v);
            if (a > max) max = a;
            double w = ring[up];
            steps += Math.abs(w - before);
            before = w;
            if (j == HOUR - 1 && sums != null) {
                sums[at + HOUR_SUM] = sum;
                sums[at + HOUR_KNOWN] = HOUR;
            }
        }
        if (Double.isNaN(sum) || Double.isNaN(steps)) return Double.NaN;
        if (sums != null) {
            sums[at + DAY_SUM] = sum;
            sums[at + DAY_KNOWN] = DAY;
        }
        double scale = sum / DAY;
        scale = Math.max(scale, MIN_SCALE * max);
        if (!(scale > 0)) scale = 1;
        scaleRun(ring, base + oldest, run, scale, out, offset);
        scaleRun(ring, base, DAY - run, scale, out, offset + run);
        int i = offset + DAY;
        out[i++] = 0f; // nothing missing recently
        out[i++] = 0f; // nor over the day
        double noise = steps / (DAY - 1) / scale;
        out[i] = (float) (noise > 0 ? Math.max(MIN_LOG_NOISE, Math.log(noise)) : MIN_LOG_NOISE);
        return scale;
    }

    /** Any day: gaps, a ring shorter than the day. */
    private static double anyDay(double[] ring, int base, int season, int newest, int n, int oldest, float[] out, int offset,
                                 double[] sums, int at) {
        // One walk, two independent sums (so the CPU overlaps their add latencies), each in the
        // order build() adds: the day's known values newest first, the one-step changes oldest first.
        double sum = 0, max = 0, first = Double.NaN, steps = 0, before = Double.NaN;
        int known = 0, recentMissing = 0, stepCount = 0;
        int downEnd = base, upEnd = base + season - 1;
        // a workload younger than a day has a run of never-written buckets at the old end (252 of
        // 288 at three hours): a plain scan finds its oldest known bucket and the walks start there;
        // the run adds nothing to the sums, only to the missing counts and the filled prefix
        int lead = 0, up = base + oldest;
        while (lead < n && ring[up] != ring[up]) {
            lead++;
            up = up == upEnd ? downEnd : up + 1;
        }
        int span = n - lead, firstKnown = up;
        int down = base + newest;
        for (int j = 0; j < span; j++) {
            double v = ring[down];
            if (v == v) { // not NaN
                sum += v;
                known++;
                double a = Math.abs(v);
                if (a > max) max = a; // as Math.max for non-negative, non-NaN values
                first = v;
            } else if (j < RECENT) {
                recentMissing++;
            }
            double w = ring[up];
            if (w == w && before == before) {
                steps += Math.abs(w - before);
                stepCount++;
            }
            before = w;
            down = down == downEnd ? upEnd : down - 1;
            up = up == upEnd ? downEnd : up + 1;
            if (j == HOUR - 1 && sums != null) {
                sums[at + HOUR_SUM] = sum;
                sums[at + HOUR_KNOWN] = known;
            }
        }
        if (sums != null) {
            if (span < HOUR) { // the walk ended within the hour: the rest of it is never-written (NaN)
                sums[at + HOUR_SUM] = sum;
                sums[at + HOUR_KNOWN] = known;
            }
            sums[at + DAY_SUM] = sum;
            sums[at + DAY_KNOWN] = known;
        }
        recentMissing += Math.max(0, Math.min(n, RECENT) - span); // the leading run's recent lags
        if (n < RECENT) recentMissing += RECENT - n; // unknown lags n .. RECENT-1
        double scale = known == 0 ? 1 : sum / known;
        scale = Math.max(scale, MIN_SCALE * max);
        if (!(scale > 0)) scale = 1;

        // oldest first: the DAY - n unknown lags (filled with the oldest known value), then the ring
        int i = offset;
        float filled = clip(Double.isNaN(first) ? 0 : first, scale);
        // the unknown lags and the leading run: the oldest known value
        java.util.Arrays.fill(out, i, i + DAY - n + lead, filled);
        i += DAY - n + lead;
        int slot = firstKnown;
        for (int k = 0; k < span; k++) {
            double v = ring[slot];
            if (v == v) {
                filled = clip(v, scale); // every known value (even an equal one: -0.0 and 0.0 clip to different floats)
            }
            out[i++] = filled;
            slot = slot == upEnd ? downEnd : slot + 1;
        }
        out[i++] = (float) recentMissing / RECENT;
        out[i++] = (float) (DAY - known) / DAY;
        double noise = stepCount == 0 ? 0 : steps / stepCount / scale;
        out[i] = (float) (noise > 0 ? Math.max(MIN_LOG_NOISE, Math.log(noise)) : MIN_LOG_NOISE);
        return scale;
    }

    /** {@code out[to + k] = clip(ring[from + k])} for {@code k < length}, none of them NaN. */
    private static void scaleRun(double[] ring, int from, int length, double scale, float[] out, int to) {
        for (int k = 0; k < length; k++) {
            double q = ring[from + k] / scale;
            // the value of Math.max(-MAX_RATIO, Math.min(MAX_RATIO, q)) for every q (NaN and -0.0
            // included), from two comparisons instead of the intrinsics' NaN/sign handling
            out[to + k] = (float) (q > MAX_RATIO ? MAX_RATIO : q < -MAX_RATIO ? -MAX_RATIO : q);
        }
    }

    /**
     * sin/cos of the hour of day and day of week of {@code originStart} into {@code out[at..at+4)},
     * from the epoch arithmetic (UTC) rather than a {@link ZonedDateTime}: the same integers, so
     * the same floats.
     */
    static void time(long originStart, float[] out, int at) {
        long day = Math.floorDiv(originStart, 86_400_000L);
        int minute = (int) (Math.floorMod(originStart, 86_400_000L) / 60_000L);
        int dayOfWeek = (int) Math.floorMod(day + 3, 7L); // 1970-01-01 was a Thursday; Monday = 0
        double hour = minute / 1440.0;
        double dow = (dayOfWeek + hour) / 7.0;
        out[at] = (float) Math.sin(2 * Math.PI * hour);
        out[at + 1] = (float) Math.cos(2 * Math.PI * hour);
        out[at + 2] = (float) Math.sin(2 * Math.PI * dow);
        out[at + 3] = (float) Math.cos(2 * Math.PI * dow);
    }

    static void oneHot(int kind, float[] out, int at) {
        for (int k = 0; k < KINDS; k++) out[at + k] = k == kind ? 1f : 0f;
    }

    private static float clip(double v, double scale) {
        return Double.isNaN(v) ? 0f : (float) Math.max(-MAX_RATIO, Math.min(MAX_RATIO, v / scale));
    }
}
