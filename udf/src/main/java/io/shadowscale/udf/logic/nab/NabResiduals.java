package io.shadowscale.udf.logic.nab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.shadowscale.udf.logic.FallbackForecaster;
import io.shadowscale.udf.logic.Forecast;
import io.shadowscale.udf.logic.ForecasterState;
import io.shadowscale.udf.model.Resource;
import io.shadowscale.udf.model.Residual;

/**
 * A NAB series as the job's residual stream, so the job's detector (novelty scoring and CEP
 * patterns) runs on it unchanged: each row is a closed bucket of one workload, its value in the CPU
 * slot, next to the {@link FallbackForecaster}'s one-step-ahead band (p50/p90/p99) for it and the
 * highest value within 30 minutes of the same time one day earlier (what the profiler attaches in the
 * job; NaN on the first day) when asked for: NAB's default run leaves it out (see {@code NabJob}). The forecaster runs at the series' own cadence (its most common step:
 * a one-day season is 288 buckets of 5-minute data, 24 of hourly data).
 *
 * <p>The residuals are laid on the job's bucket grid: row {@code k} steps after the first lands at
 * {@code base + k · bucketMs}, so CEP windows and cool-downs count buckets of the series, whatever its
 * cadence, and series given different bases never overlap in event time. Rows repeated or out of order
 * (in NAB's files: a few) are not new buckets and carry no residual. After a gap the forecast for the
 * row is missing and its band is NaN: the value still teaches the novelty scorer, no condition holds.
 */
public final class NabResiduals {

    private static final long DAY = 86_400_000L, HALF_HOUR = 1_800_000L;

    /** The residuals of one series and, per residual, its row in the file. */
    public record Built(List<Residual> residuals, int[] rows) {
        /** The file row of the residual whose bucket starts at {@code gridTime}, or -1. */
        public int rowAt(long gridTime) {
            int lo = 0, hi = residuals.size() - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                long t = residuals.get(mid).bucketStart;
                if (t == gridTime) {
                    return rows[mid];
                }
                if (t < gridTime) {
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            return -1;
        }
    }

    private NabResiduals() {}

    /**
     * @param workload the residuals' workload id (the tenant is {@code nab})
     * @param base     event time of the first row's bucket on the grid
     * @param bucketMs the grid's bucket length (the job's)
     * @param withYesterday whether the residuals carry yesterday's peaks (the band patterns need them);
     *                      without, only new records raise anomalies
     */
    public static Built build(NabSeries s, String workload, long base, long bucketMs, boolean withYesterday) {
        long[] ts = s.timestamps();
        double[] v = s.values();
        int n = v.length;
        List<Residual> out = new ArrayList<>(n);
        int[] rows = new int[n];
        if (n == 0) {
            return new Built(out, rows);
        }
        long step = typicalStep(ts);
        FallbackForecaster forecaster = new FallbackForecaster(step, 1);
        ForecasterState fs = forecaster.newState();
        double[] y = new double[Resource.COUNT];
        Forecast last = null;
        long lastGrid = Long.MIN_VALUE;
        int from = 0, to = 0; // rows within yesterday's hour around this time: [from, to)
        for (int i = 0; i < n; i++) {
            if (i > 0 && ts[i] <= ts[i - 1]) {
                continue; // a repeated or out-of-order row: the bucket is already closed
            }
            long grid = base + Math.round((ts[i] - ts[0]) / (double) step) * bucketMs;
            if (grid <= lastGrid) {
                continue; // off the series' cadence, onto a bucket already taken
            }
            lastGrid = grid;
            while (from < n && ts[from] < ts[i] - DAY - HALF_HOUR) {
                from++;
            }
            while (to < n && ts[to] <= ts[i] - DAY + HALF_HOUR) {
                to++;
            }
            double yesterday = Double.NaN;
            for (int j = from; j < to; j++) {
                yesterday = Double.isNaN(yesterday) ? v[j] : Math.max(yesterday, v[j]);
            }
            boolean predicted = last != null && last.targetTime(0) == ts[i];
            Residual r = Residual.blank("nab", workload, grid, bucketMs);
            r.yesterdayPeak = new double[Resource.COUNT];
            Arrays.fill(r.yesterdayPeak, Double.NaN);
            int cpu = Resource.CPU.ordinal();
            r.actual[cpu] = v[i];
            r.p50[cpu] = predicted ? last.p50[0][0] : Double.NaN;
            r.p90[cpu] = predicted ? last.p90[0][0] : Double.NaN;
            r.p99[cpu] = predicted ? last.p99[0][0] : Double.NaN;
            r.yesterdayPeak[cpu] = withYesterday ? yesterday : Double.NaN;
            r.fallback = true;
            rows[out.size()] = i;
            out.add(r);
            y[0] = v[i];
            Forecast next = forecaster.observeAndForecast(fs, ts[i], y);
            if (next != null) {
                last = next;
            }
        }
        return new Built(out, Arrays.copyOf(rows, out.size()));
    }

    /** The most common positive step between rows (the series' cadence), at least one second. */
    static long typicalStep(long[] ts) {
        long[] d = new long[Math.max(0, ts.length - 1)];
        int k = 0;
        for (int i = 1; i < ts.length; i++) {
            if (ts[i] > ts[i - 1]) {
                d[k++] = ts[i] - ts[i - 1];
            }
        }
        if (k == 0) {
            return 300_000;
        }
        d = Arrays.copyOf(d, k);
        Arrays.sort(d);
        long best = d[0];
        int bestRun = 0;
        for (int i = 0; i < k; ) {
            int j = i;
            while (j < k && d[j] == d[i]) {
                j++;
            }
            if (j - i > bestRun) {
                bestRun = j - i;
                best = d[i];
            }
            i = j;
        }
        return Math.max(1000, best);
    }
}
