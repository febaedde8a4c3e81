package io.shadowscale.udf.logic.forecast;

/**
 * A Crane-style DSP predictor (gocrane/crane's "dsp" algorithm, as used by its Effective HPA):
 * every hour, take the last whole days of history (up to 7), compute the spectrum at the
 * frequencies that repeat within the window (periods of 4 h up to the whole window, so daily and
 * weekly cycles fall exactly on a bin and extrapolate without leakage), keep the strongest
 * components and extrapolate the signal they reconstruct. When those components explain little of
 * the variance the series is not periodic and the forecast is the recent mean instead.
 */
final class DspPredictor extends Baselines.Point {
    static final int DAYS = 7;
    static final int MAX_CYCLES_PER_DAY = 6;
    static final int COMPONENTS = 12;
    static final double MIN_EXPLAINED = 0.3;

    private final int bucketsPerDay;
    private final int refitEvery;
    private final double[][] fitted; // [resource][horizon + refitEvery] extrapolation from the last fit
    private final boolean[] periodic;
    private final double[] recentMean;
    private int sinceFit = Integer.MAX_VALUE / 2;

    DspPredictor(int horizon, int resources, int bucketsPerDay) {
        super(horizon, resources, DAYS * bucketsPerDay);
        this.bucketsPerDay = bucketsPerDay;
        this.refitEvery = Math.max(1, bucketsPerDay / 24);
        this.fitted = new double[resources][horizon + refitEvery];
        this.periodic = new boolean[resources];
        this.recentMean = new double[resources];
    }

    @Override
    public String name() {
        return "dsp";
    }

    @Override
    void beforeForecast(double[] values) {
        sinceFit++;
        if (sinceFit >= refitEvery && history.count() >= 2L * bucketsPerDay) {
            refit();
            sinceFit = 0;
        }
    }

    @Override
    double point(int r, int h) {
        if (!periodic[r]) {
            return recentMean[r];
        }
        int i = sinceFit + h - 1;
        return i < fitted[r].length ? fitted[r][i] : recentMean[r];
    }

    private void refit() {
        int days = (int) Math.min(DAYS, history.count() / bucketsPerDay);
        int n = days * bucketsPerDay;
        int maxK = Math.min(n / 2 - 1, MAX_CYCLES_PER_DAY * days);
        double[] cos = new double[n], sin = new double[n];
        for (int i = 0; i < n; i++) {
            cos[i] = Math.cos(2 * Math.PI * i / n);
            sin[i] = Math.sin(2 * Math.PI * i / n);
        }
        for (int r = 0; r < resources; r++) {
            double[] x = history.window(r, n);
            fillGaps(x);
            double mean = 0;
            for (double v : x) mean += v;
            mean /= n;
            double recent = 0;
            int m = Math.min(12, n);
            for (int i = n - m; i < n; i++) recent += x[i];
            recentMean[r] = recent / m;
            double total = 0;
            for (int i = 0; i < n; i++) {
                x[i] -= mean;
                total += x[i] * x[i];
            }
            // DFT at k = 1..maxK cycles per window: X_k = sum x_t e^{-2 pi i k t / n}
            double[] re = new double[maxK + 1], im = new double[maxK + 1], power = new double[maxK + 1];
            for (int k = 1; k <= maxK; k++) {
                double a = 0, b = 0;
                for (int t = 0, idx = 0; t < n; t++, idx = (idx + k) % n) {
                    a += x[t] * cos[idx];
                    b -= x[t] * sin[idx];
                }
                re[k] = a;
                im[k] = b;
                power[k] = a * a + b * b;
            }
            int[] top = new int[Math.min(COMPONENTS, maxK)];
            double explained = 0;
            for (int c = 0; c < top.length; c++) {
                int best = 1;
                for (int k = 2; k <= maxK; k++) if (power[k] > power[best]) best = k;
                top[c] = best;
                explained += 2 * power[best] / n; // Parseval: the bin and its mirror
                power[best] = -1;
            }
            periodic[r] = total > 0 && explained / total >= MIN_EXPLAINED;
            for (int i = 0; i < fitted[r].length; i++) {
                int t = n + i; // the sample after the newest has index n
                double v = mean;
                for (int k : top) {
                    double amp = 2 * Math.hypot(re[k], im[k]) / n;
                    double phase = Math.atan2(im[k], re[k]);
                    v += amp * Math.cos(2 * Math.PI * k * (double) t / n + phase);
                }
                fitted[r][i] = v;
            }
        }
    }

    private static void fillGaps(double[] x) {
        double prev = Double.NaN;
        for (int i = 0; i < x.length; i++) {
            if (Double.isNaN(x[i])) x[i] = prev;
            else prev = x[i];
        }
        // leading NaNs: first known value, or 0
        double first = 0;
        for (double v : x) if (!Double.isNaN(v)) { first = v; break; }
        for (int i = 0; i < x.length && Double.isNaN(x[i]); i++) x[i] = first;
    }
}
