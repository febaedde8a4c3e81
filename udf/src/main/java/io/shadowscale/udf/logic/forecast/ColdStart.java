package io.shadowscale.udf.logic.forecast;

import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;

import io.shadowscale.udf.logic.FallbackForecaster;
import io.shadowscale.udf.logic.Forecast;
import io.shadowscale.udf.logic.ForecasterState;
import io.shadowscale.udf.model.Resource;

/**
 * How much history a new workload needs before its forecast is as good as a warm one's. At
 * origins spread over the scored period, the job's forecaster (fallback state, then the ONNX model
 * once it accepts the workload) is started from scratch with only the last {@code h} hours before
 * the origin, and its hour-ahead p50 is scored like the forecast backtest (MASE, each series
 * against its own mean one-step change); "warm" is the same with the whole past.
 */
public final class ColdStart {

    /** MASE per history length (hours; {@link #WARM} = all history), for CPU and memory. */
    public record Result(int[] hours, double[] maseCpu, double[] maseMemory, long points) {
        /** The shortest history whose CPU MASE is within {@code tolerance} (e.g. 0.05) of the warm one, or -1. */
        public int hoursToMatchWarm(double tolerance) {
            double warm = maseCpu[maseCpu.length - 1];
            for (int i = 0; i < hours.length - 1; i++) {
                if (maseCpu[i] <= warm * (1 + tolerance)) {
                    return hours[i];
                }
            }
            return -1;
        }
    }

    public static final int WARM = Integer.MAX_VALUE;
    static final int HORIZON = 12;

    private final ModelForecaster model;
    private final long scoreFromMs;
    private final long originEveryMs;

    /** @param model the ONNX forecaster (null: the fallback alone) */
    public ColdStart(ModelForecaster model, long scoreFromMs, long originEveryMs) {
        this.model = model;
        this.scoreFromMs = scoreFromMs;
        this.originEveryMs = originEveryMs;
    }

    /** @param hours history lengths to try, ascending; {@link #WARM} is appended */
    public Result run(List<ForecastBacktest.Series> series, int[] hours, IntConsumer progress) {
        int[] hs = Arrays.copyOf(hours, hours.length + 1);
        hs[hours.length] = WARM;
        double[] errCpu = new double[hs.length], errMem = new double[hs.length];
        long[] n = new long[hs.length];
        int done = 0;
        for (ForecastBacktest.Series s : series) {
            double scaleCpu = ForecastBacktest.naiveScale(s.values()[0]);
            double scaleMem = ForecastBacktest.naiveScale(s.values()[1]);
            if (scaleCpu > 0 && scaleMem > 0) {
                score(s, hs, scaleCpu, scaleMem, errCpu, errMem, n);
            }
            if (progress != null) {
                progress.accept(++done);
            }
        }
        double[] cpu = new double[hs.length], mem = new double[hs.length];
        for (int i = 0; i < hs.length; i++) {
            cpu[i] = errCpu[i] / Math.max(1, n[i]);
            mem[i] = errMem[i] / Math.max(1, n[i]);
        }
        return new Result(hs, cpu, mem, n[0]);
    }

    private void score(ForecastBacktest.Series s, int[] hs, double scaleCpu, double scaleMem, double[] errCpu, double[] errMem, long[] n) {
        long step = s.bucketMs();
        int len = s.length();
        int stride = (int) Math.max(1, originEveryMs / step);
        int first = (int) Math.max(0, Math.ceil((scoreFromMs - s.start()) / (double) step));
        FallbackForecaster fallback = new FallbackForecaster(step, HORIZON);
        double[] y = new double[Resource.COUNT];
        for (int o = first; o + HORIZON <= len; o += stride) {
            // only origins where every history length and the warm one see the same targets
            if (Double.isNaN(s.values()[0][o - 1]) || o < 288) {
                continue;
            }
            Forecast[] fs = new Forecast[hs.length];
            boolean all = true;
            for (int k = 0; k < hs.length; k++) {
                // warm: a week, more than the forecaster keeps (a day of buckets, an EWMA level)
                int from = Math.max(0, o - (hs[k] == WARM ? 7 * 288 : (int) (hs[k] * 3_600_000L / step)));
                ForecasterState st = fallback.newState();
                Forecast f = null;
                for (int t = from; t < o; t++) {
                    if (Double.isNaN(s.values()[0][t])) {
                        continue;
                    }
                    Arrays.fill(y, 0);
                    y[Resource.CPU.ordinal()] = s.values()[0][t];
                    y[Resource.MEMORY.ordinal()] = nz(s.values()[1][t]);
                    y[Resource.NETWORK_IN.ordinal()] = nz(s.values()[2][t]);
                    y[Resource.STORAGE.ordinal()] = nz(s.values()[3][t]);
                    Forecast next = fallback.observeAndForecast(st, s.start() + t * step, y);
                    if (next != null) {
                        f = next;
                    }
                }
                if (f == null || f.lastBucketStart != s.start() + (long) (o - 1) * step) {
                    all = false;
                    break;
                }
                Forecast m = model == null ? null : model.forecast(st);
                fs[k] = m != null ? m : f;
            }
            if (!all) {
                continue;
            }
            for (int h = 0; h < HORIZON; h++) {
                double actualCpu = s.values()[0][o + h], actualMem = s.values()[1][o + h];
                if (Double.isNaN(actualCpu) || Double.isNaN(actualMem)) {
                    continue;
                }
                for (int k = 0; k < hs.length; k++) {
                    errCpu[k] += Math.abs(actualCpu - fs[k].p50[h][Resource.CPU.ordinal()]) / scaleCpu;
                    errMem[k] += Math.abs(actualMem - fs[k].p50[h][Resource.MEMORY.ordinal()]) / scaleMem;
                    n[k]++;
                }
            }
        }
    }

    private static double nz(double v) {
        return Double.isNaN(v) ? 0 : v;
    }
}
