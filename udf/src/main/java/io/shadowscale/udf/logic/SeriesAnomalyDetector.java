package io.shadowscale.udf.logic;

import java.util.Arrays;

import io.shadowscale.udf.model.Resource;

/**
 * The job's anomaly logic over one series, without Flink: each value is a closed bucket, the
 * {@link FallbackForecaster} predicts it one step ahead (p50/p90/p99), and the {@link NoveltyScorer}
 * scores the value and its standardised residual against the band, with a cool-down after each
 * alarm. Strictly online: a row's score depends only on the rows before it and the row itself.
 *
 * <p>Used by the NAB benchmark, whose series come at 5-minute, hourly or other cadences: the bucket
 * is the series' most common step, so the forecaster's one-day season is 288 buckets for 5-minute
 * data and 24 for hourly data, and the cool-down counts buckets of that step.
 */
public final class SeriesAnomalyDetector {

    private final NoveltyScorer.Config config;

    public SeriesAnomalyDetector(NoveltyScorer.Config config) {
        this.config = config;
    }

    public SeriesAnomalyDetector() {
        this(NoveltyScorer.Config.defaults());
    }

    /**
     * Scores every row.
     *
     * @param timestamps epoch ms, ascending (a repeated timestamp is not a new bucket and scores 0)
     * @param warmup     rows at the start that only train (NAB's probation period); they score 0
     */
    public double[] score(long[] timestamps, double[] values, int warmup) {
        int n = values.length;
        double[] out = new double[n];
        if (n == 0) {
            return out;
        }
        long step = typicalStep(timestamps);
        FallbackForecaster forecaster = new FallbackForecaster(step, 1);
        ForecasterState fs = forecaster.newState();
        NoveltyScorer scorer = new NoveltyScorer(config);
        double[] ss = NoveltyScorer.newState();
        double[] y = new double[Resource.COUNT];
        Forecast last = null;
        for (int i = 0; i < n; i++) {
            if (i > 0 && timestamps[i] <= timestamps[i - 1]) {
                continue; // a repeated or out-of-order row: the bucket is already closed
            }
            double v = values[i];
            // the residual of this bucket against the forecast made one bucket earlier; after a gap there is none
            double z = last != null && last.targetTime(0) == timestamps[i]
                    ? NoveltyScorer.standardise(v, last.p50[0][0], last.p99[0][0]) : Double.NaN;
            double score = scorer.score(ss, timestamps[i], step, v, z);
            y[0] = v;
            Forecast next = forecaster.observeAndForecast(fs, timestamps[i], y);
            if (next != null) {
                last = next;
            }
            out[i] = i < warmup ? 0 : score;
        }
        return out;
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
