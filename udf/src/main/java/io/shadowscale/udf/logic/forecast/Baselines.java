package io.shadowscale.udf.logic.forecast;

import java.util.Arrays;

import io.shadowscale.udf.logic.FallbackForecaster;
import io.shadowscale.udf.logic.Forecast;
import io.shadowscale.udf.logic.ForecasterState;

/**
 * The methods a user would otherwise pick, as {@link OnlineForecaster}s for backtests. Point
 * forecasts get their bands from {@link HorizonBands} (per-horizon error spread), except the
 * VPA-style percentile, whose quantiles are the histogram's own.
 */
public final class Baselines {

    private Baselines() {}

    /** All baselines plus our fallback forecaster, by backtest name. */
    public static OnlineForecaster create(String name, long bucketMs, int horizon, int resources) {
        switch (name) {
            case "last_value": return new LastValue(horizon, resources);
            case "ewma": return new Ewma(horizon, resources, 0.3);
            case "seasonal_naive": return new SeasonalNaive(horizon, resources, (int) (86_400_000L / bucketMs));
            case "dsp": return new DspPredictor(horizon, resources, (int) (86_400_000L / bucketMs));
            case "percentile": return new DecayingPercentile(horizon, resources, (int) (86_400_000L / bucketMs));
            case "fallback": return new Fallback(bucketMs, horizon, resources);
            case "onnx": return new OnnxForecaster(defaultModel(), kinds(resources), true, bucketMs);
            case "onnx_raw": return new OnnxForecaster(defaultModel(), kinds(resources), false, bucketMs);
            default: throw new IllegalArgumentException("unknown method " + name);
        }
    }

    private static int[] kinds(int resources) {
        return resources == 4 ? new int[] {0, 1, 2, 3} : new int[] {0, 1, 2, 2, 3};
    }

    /** {@code onnx}: the model with the job's per-workload calibration; {@code onnx_raw}: its own quantiles. */
    public static final String[] NAMES = {"onnx", "onnx_raw", "last_value", "ewma", "seasonal_naive", "dsp", "percentile", "fallback"};

    /** The bundled model that ships with this build. */
    public static final String DEFAULT_MODEL = "shadow-mlp-v3";

    private static OnnxQuantileModel model;

    /** Backtests a model other than the bundled one under the name "onnx". */
    public static synchronized void useModel(OnnxQuantileModel m) {
        model = m;
    }

    /** One session for all series of a backtest (ONNX Runtime sessions are thread-safe). */
    static synchronized OnnxQuantileModel defaultModel() {
        if (model == null) {
            model = OnnxQuantileModel.bundled(DEFAULT_MODEL, 1);
        }
        return model;
    }

    /** Base for point forecasters: keeps a history, asks for a point forecast, adds bands. */
    abstract static class Point implements OnlineForecaster {
        final int horizon;
        final int resources;
        final History history;
        final HorizonBands bands;
        final double[] last;

        Point(int horizon, int resources, int historyLength) {
            this.horizon = horizon;
            this.resources = resources;
            this.history = new History(historyLength, resources);
            this.bands = new HorizonBands(horizon, resources);
            this.last = new double[resources];
            Arrays.fill(last, Double.NaN);
        }

        @Override
        public double[][][] observe(long bucketStart, double[] values) {
            bands.observe(values);
            history.add(values);
            for (int r = 0; r < resources; r++) {
                if (!Double.isNaN(values[r])) last[r] = values[r];
            }
            beforeForecast(values);
            double[][] point = new double[horizon][resources];
            for (int r = 0; r < resources; r++) {
                for (int h = 1; h <= horizon; h++) {
                    double p = point(r, h);
                    point[h - 1][r] = Double.isNaN(p) ? last[r] : Math.max(0, p);
                }
            }
            return bands.bands(point, null);
        }

        /** Called with each bucket after it joined the history, before the forecast. */
        void beforeForecast(double[] values) {}

        /** Point forecast of resource r, h steps ahead; NaN = fall back to the last known value. */
        abstract double point(int r, int h);
    }

    static final class LastValue extends Point {
        LastValue(int horizon, int resources) {
            super(horizon, resources, 1);
        }

        @Override public String name() { return "last_value"; }

        @Override double point(int r, int h) { return last[r]; }
    }

    static final class Ewma extends Point {
        private final double alpha;
        private final double[] level;

        Ewma(int horizon, int resources, double alpha) {
            super(horizon, resources, 1);
            this.alpha = alpha;
            this.level = new double[resources];
            Arrays.fill(level, Double.NaN);
        }

        @Override public String name() { return "ewma"; }

        @Override
        void beforeForecast(double[] values) {
            for (int r = 0; r < resources; r++) {
                double v = values[r];
                if (Double.isNaN(v)) continue;
                level[r] = Double.isNaN(level[r]) ? v : (1 - alpha) * level[r] + alpha * v;
            }
        }

        @Override double point(int r, int h) { return level[r]; }
    }

    static final class SeasonalNaive extends Point {
        private final int season;

        SeasonalNaive(int horizon, int resources, int season) {
            super(horizon, resources, season);
            this.season = season;
        }

        @Override public String name() { return "seasonal_naive"; }

        /** the same bucket one season (day) earlier: lag season - h from the newest */
        @Override double point(int r, int h) { return history.get(r, season - h); }
    }

    /** Our in-Java fallback forecaster with its own bands, as the job runs it. */
    static final class Fallback implements OnlineForecaster {
        private final FallbackForecaster f;
        private final ForecasterState state;
        private final int horizon;
        private final int resources;
        private final double[] last;

        Fallback(long bucketMs, int horizon, int resources) {
            this.f = new FallbackForecaster(bucketMs, horizon);
            this.state = f.newState();
            this.horizon = horizon;
            this.resources = resources;
            this.last = new double[resources];
            Arrays.fill(last, 0);
        }

        @Override public String name() { return "fallback"; }

        @Override
        public double[][][] observe(long bucketStart, double[] values) {
            double[] v = values.clone();
            for (int r = 0; r < resources; r++) {
                if (Double.isNaN(v[r])) v[r] = last[r]; // the job never sees a NaN bucket: it sees a gap
                last[r] = v[r];
            }
            double[] y = new double[io.shadowscale.udf.model.Resource.COUNT];
            System.arraycopy(v, 0, y, 0, Math.min(resources, y.length));
            Forecast fc = f.observeAndForecast(state, bucketStart, y);
            double[][][] out = new double[3][horizon][resources];
            for (int h = 0; h < horizon; h++) {
                for (int r = 0; r < resources; r++) {
                    out[0][h][r] = fc.p50[h][r];
                    out[1][h][r] = fc.p90[h][r];
                    out[2][h][r] = fc.p99[h][r];
                }
            }
            return out;
        }
    }
}
