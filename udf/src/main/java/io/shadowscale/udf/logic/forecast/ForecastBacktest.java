package io.shadowscale.udf.logic.forecast;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Rolling-origin, hour-ahead evaluation of {@link OnlineForecaster}s on the same series. At every
 * origin after the warm-up each method forecasts the next {@code horizon} buckets; each forecast
 * step is scored when its actual arrives (missing actuals are skipped, never scored as zero).
 *
 * <p>Per method and resource: MASE (mean absolute error of p50 over the mean absolute one-step
 * change of the series, so series of any scale average fairly), pinball loss at p50/p90/p99 scaled
 * the same way, and the share of actuals at or below p90 and p99 (coverage).
 */
public final class ForecastBacktest {

    /** One series: values [resource][bucket] on a regular grid starting at {@code start}. */
    public record Series(String id, long start, long bucketMs, double[][] values) {
        public int length() {
            return values[0].length;
        }
    }

    /** Scores of one method on one resource, averaged over series. */
    public record Score(double mase, double pinball50, double pinball90, double pinball99, double coverage90, double coverage99, long points) {}

    /** Forecast next to actual for one series and method, for plots: [bucket] at step {@code plotStep}. */
    public record Trace(long start, long bucketMs, double[] actual, double[] p50, double[] p90, double[] p99) {}

    private final int horizon;
    private final int warmup;
    private final List<String> methods;
    private final long scoreFromMs;
    private final long scoreUntilMs;

    public ForecastBacktest(List<String> methods, int horizon, int warmupBuckets) {
        this(methods, horizon, warmupBuckets, Long.MIN_VALUE);
    }

    /** @param scoreFromMs only origins at or after this time are scored (e.g. after a model's training period) */
    public ForecastBacktest(List<String> methods, int horizon, int warmupBuckets, long scoreFromMs) {
        this(methods, horizon, warmupBuckets, scoreFromMs, Long.MAX_VALUE);
    }

    /**
     * @param scoreFromMs only origins at or after this time are scored
     * @param scoreUntilMs and before this one (exclusive), e.g. a validation week held out of a model's training
     */
    public ForecastBacktest(List<String> methods, int horizon, int warmupBuckets, long scoreFromMs, long scoreUntilMs) {
        this.methods = methods;
        this.horizon = horizon;
        this.warmup = warmupBuckets;
        this.scoreFromMs = scoreFromMs;
        this.scoreUntilMs = scoreUntilMs;
    }

    /** One series' scores of one method, per resource (null where the resource had nothing scored). */
    public interface PerSeries {
        void accept(String seriesId, String method, Score[] scores);
    }

    /** method → resource → score, averaged over series (each series weighs the same). */
    public Map<String, Score[]> run(List<Series> series, int resources, IntConsumer progress) {
        return run(series, resources, progress, null);
    }

    /** As {@link #run(List, int, IntConsumer)}, also handing each series' own scores to {@code perSeries} (if not null). */
    public Map<String, Score[]> run(List<Series> series, int resources, IntConsumer progress, PerSeries perSeries) {
        Map<String, double[][]> sums = new LinkedHashMap<>(); // [resource][7]
        for (String m : methods) sums.put(m, new double[resources][7]);
        int done = 0;
        for (Series s : series) {
            for (String m : methods) {
                double[][] one = evaluate(s, m, resources, null);
                double[][] acc = sums.get(m);
                Score[] own = new Score[resources];
                for (int r = 0; r < resources; r++) {
                    if (one[r][6] == 0) continue;
                    for (int k = 0; k < 6; k++) acc[r][k] += one[r][k];
                    acc[r][6] += 1; // series counted
                    own[r] = new Score(one[r][0], one[r][1], one[r][2], one[r][3], one[r][4], one[r][5], 1);
                }
                if (perSeries != null) perSeries.accept(s.id(), m, own);
            }
            progress.accept(++done);
        }
        Map<String, Score[]> out = new LinkedHashMap<>();
        for (String m : methods) {
            double[][] acc = sums.get(m);
            Score[] scores = new Score[resources];
            for (int r = 0; r < resources; r++) {
                double n = Math.max(acc[r][6], 1);
                scores[r] = new Score(acc[r][0] / n, acc[r][1] / n, acc[r][2] / n, acc[r][3] / n, acc[r][4] / n, acc[r][5] / n, (long) acc[r][6]);
            }
            out.put(m, scores);
        }
        return out;
    }

    /** The forecasts of {@code method} made {@code step} buckets ahead for resource {@code r}. */
    public Trace trace(Series s, String method, int resources, int r, int step) {
        int n = s.length();
        double[] p50 = nan(n), p90 = nan(n), p99 = nan(n);
        evaluate(s, method, resources, (t, q) -> {
            int target = t + step;
            if (target < n) {
                p50[target] = q[0][step - 1][r];
                p90[target] = q[1][step - 1][r];
                p99[target] = q[2][step - 1][r];
            }
        });
        return new Trace(s.start(), s.bucketMs(), s.values()[r].clone(), p50, p90, p99);
    }

    interface Sink {
        void accept(int origin, double[][][] q);
    }

    /** @return per resource: {mase, pin50, pin90, pin99, cov90, cov99, scored(0/1)} */
    private double[][] evaluate(Series s, String method, int resources, Sink sink) {
        OnlineForecaster f = Baselines.create(method, s.bucketMs(), horizon, resources);
        int n = s.length();
        double[] scale = new double[resources];
        for (int r = 0; r < resources; r++) scale[r] = naiveScale(s.values()[r]);
        double[][] acc = new double[resources][7];
        long[] count = new long[resources];
        double[] values = new double[resources];
        for (int t = 0; t < n; t++) {
            long at = s.start() + t * s.bucketMs();
            if (at >= scoreUntilMs && sink == null) break; // nothing later is scored (a plot still wants the rest)
            for (int r = 0; r < resources; r++) values[r] = s.values()[r][t];
            double[][][] q = f.observe(s.start() + t * s.bucketMs(), values);
            if (sink != null) sink.accept(t, q);
            if (t < warmup || at < scoreFromMs || at >= scoreUntilMs) continue;
            for (int h = 1; h <= horizon && t + h < n; h++) {
                for (int r = 0; r < resources; r++) {
                    double y = s.values()[r][t + h];
                    double f50 = q[0][h - 1][r], f90 = q[1][h - 1][r], f99 = q[2][h - 1][r];
                    if (Double.isNaN(y) || Double.isNaN(f50) || scale[r] <= 0) continue;
                    acc[r][0] += Math.abs(y - f50) / scale[r];
                    acc[r][1] += pinball(y, f50, 0.5) / scale[r];
                    acc[r][2] += pinball(y, f90, 0.9) / scale[r];
                    acc[r][3] += pinball(y, f99, 0.99) / scale[r];
                    acc[r][4] += y <= f90 ? 1 : 0;
                    acc[r][5] += y <= f99 ? 1 : 0;
                    count[r]++;
                }
            }
        }
        for (int r = 0; r < resources; r++) {
            if (count[r] == 0) continue;
            for (int k = 0; k < 6; k++) acc[r][k] /= count[r];
            acc[r][6] = 1;
        }
        return acc;
    }

    public static double pinball(double y, double f, double q) {
        return y >= f ? q * (y - f) : (1 - q) * (f - y);
    }

    /** Mean absolute one-step change over the series' known values (the MASE denominator). */
    static double naiveScale(double[] x) {
        double sum = 0;
        long n = 0;
        for (int i = 1; i < x.length; i++) {
            if (Double.isNaN(x[i]) || Double.isNaN(x[i - 1])) continue;
            sum += Math.abs(x[i] - x[i - 1]);
            n++;
        }
        return n == 0 ? 0 : sum / n;
    }

    private static double[] nan(int n) {
        double[] d = new double[n];
        java.util.Arrays.fill(d, Double.NaN);
        return d;
    }

    public List<String> methods() {
        return new ArrayList<>(methods);
    }
}
