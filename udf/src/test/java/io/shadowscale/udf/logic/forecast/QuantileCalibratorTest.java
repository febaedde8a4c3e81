package io.shadowscale.udf.logic.forecast;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;

import org.junit.jupiter.api.Test;

import io.shadowscale.udf.logic.Forecast;

class QuantileCalibratorTest {

    static final long BUCKET = 300_000L;
    static final long T0 = 1_709_510_400_000L; // 2024-03-04T00:00Z
    static final int H = 12;

    /**
     * A model whose p50 is right but whose band is {@code widthFactor} times the true one and whose
     * level is off by {@code levelFactor}: actual y ~ N(mu, sigma), model says p50 = mu·level,
     * p90 = p50 + widthFactor·1.2816·sigma, p99 = p50 + widthFactor·2.3263·sigma.
     *
     * @return measured {coverage p90, coverage p99} of the calibrated forecasts over the last half
     */
    static double[] run(double widthFactor, double levelFactor, boolean calibrate, long seed) {
        QuantileCalibrator cal = new QuantileCalibrator(2, BUCKET);
        CalibrationState c = cal.newState();
        Random rnd = new Random(seed);
        int n = 6000;
        double[] series = new double[n + H + 1];
        double[] mu = new double[n + H + 1];
        double sigma = 0.5;
        for (int t = 0; t < series.length; t++) {
            mu[t] = 10 + 3 * Math.sin(2 * Math.PI * t / 288);
            series[t] = mu[t] + sigma * rnd.nextGaussian();
        }
        Forecast[] made = new Forecast[n];
        long hit90 = 0, hit99 = 0, checked = 0;
        for (int t = 0; t < n; t++) {
            long bucket = T0 + t * BUCKET;
            cal.observe(c, bucket, new double[] {series[t], series[t] * 2});
            double[][] p50 = new double[H][2], p90 = new double[H][2], p99 = new double[H][2];
            for (int h = 0; h < H; h++) {
                for (int r = 0; r < 2; r++) {
                    double m = mu[t + h + 1] * (r + 1) * levelFactor;
                    double s = sigma * (r + 1) * widthFactor;
                    p50[h][r] = m;
                    p90[h][r] = m + 1.2815516 * s;
                    p99[h][r] = m + 2.3263479 * s;
                }
            }
            Forecast raw = new Forecast(bucket, BUCKET, p50, p90, p99, H);
            made[t] = calibrate ? cal.apply(c, raw) : raw;
            if (t < n / 2) continue;
            // score every horizon of the forecast made h steps before this bucket, as the backtest does
            for (int h = 1; h <= H && t - h >= 0; h++) {
                Forecast f = made[t - h];
                double y = series[t];
                hit90 += y <= f.p90[h - 1][0] ? 1 : 0;
                hit99 += y <= f.p99[h - 1][0] ? 1 : 0;
                checked++;
            }
        }
        return new double[] {(double) hit90 / checked, (double) hit99 / checked};
    }

    @Test
    void aBandThreeTimesTooNarrowIsWidenedToNinetyPercentCoverage() {
        double[] raw = run(1 / 3.0, 1, false, 1);
        assertThat(raw[0]).as("the model's own p90 covers far too little").isLessThan(0.70);
        double[] calibrated = run(1 / 3.0, 1, true, 1);
        assertThat(calibrated[0]).isBetween(0.87, 0.93);
        assertThat(calibrated[1]).isBetween(0.975, 0.997);
    }

    @Test
    void aBandThreeTimesTooWideIsKeptTheModelsBandIsAFloor() {
        double[] raw = run(3, 1, false, 2);
        assertThat(raw[0]).isGreaterThan(0.99);
        double[] calibrated = run(3, 1, true, 2);
        assertThat(calibrated[0]).isGreaterThan(0.99);
    }

    @Test
    void aBiasedLevelIsRecentred() {
        double[] raw = run(1, 0.8, false, 3);
        assertThat(raw[0]).as("a model 20% low misses most peaks").isLessThan(0.5);
        double[] calibrated = run(1, 0.8, true, 3);
        // the band widens at once and the level follows slowly; the band never narrows below the
        // model's, so coverage lands a little above 90% while the level is still catching up
        assertThat(calibrated[0]).isBetween(0.86, 0.96);
    }

    @Test
    void forgetsForecastsItIsToldToSkip() {
        QuantileCalibrator cal = new QuantileCalibrator(1, BUCKET);
        CalibrationState c = cal.newState();
        Forecast f = new Forecast(T0, BUCKET, new double[][] {{1.0}}, new double[][] {{2.0}}, new double[][] {{3.0}}, 1);
        cal.apply(c, f);
        cal.skip(c, T0);
        cal.observe(c, T0 + BUCKET, new double[] {100});
        assertThat(c.checked[0]).isZero();
        cal.apply(c, f);
        cal.observe(c, T0 + BUCKET, new double[] {100});
        assertThat(c.checked[0]).isEqualTo(1);
        assertThat(c.coverage90(0)).isZero();
        assertThat(c.logWidth[0]).isPositive();
    }

    @Test
    void calibratingInPlaceGivesTheSameQuantilesAndRemembersTheSame() {
        QuantileCalibrator cal = new QuantileCalibrator(3, BUCKET, false);
        CalibrationState a = cal.newState(), b = cal.newState();
        Random rnd = new Random(5);
        for (int t = 0; t < 3000; t++) {
            long bucket = T0 + t * BUCKET;
            double[] actual = {rnd.nextGaussian() * 3 + 10, rnd.nextDouble() < 0.1 ? Double.NaN : rnd.nextDouble(), 20 * rnd.nextDouble()};
            cal.observe(a, bucket, actual);
            cal.observe(b, bucket, actual);
            double[][] p50 = new double[H][3], p90 = new double[H][3], p99 = new double[H][3];
            for (int h = 0; h < H; h++) {
                for (int r = 0; r < 3; r++) {
                    p50[h][r] = 10 * rnd.nextDouble();
                    p90[h][r] = p50[h][r] + rnd.nextDouble() * (r + 1);
                    p99[h][r] = p90[h][r] + rnd.nextDouble() * (r + 1);
                }
            }
            Forecast copy = new Forecast(bucket, BUCKET, deep(p50), deep(p90), deep(p99), H);
            Forecast expected = cal.apply(a, new Forecast(bucket, BUCKET, p50, p90, p99, H));
            Forecast inPlace = cal.applyInPlace(b, copy);
            assertThat(inPlace).isSameAs(copy);
            assertThat(inPlace.p50).isEqualTo(expected.p50);
            assertThat(inPlace.p90).isEqualTo(expected.p90);
            assertThat(inPlace.p99).isEqualTo(expected.p99);
        }
        assertThat(b.logWidth).isEqualTo(a.logWidth);
        assertThat(b.quantiles).isEqualTo(a.quantiles);
        assertThat(b.target).isEqualTo(a.target);
        // the bands were widened somewhere, so the comparison covered the multipliers
        assertThat(java.util.Arrays.stream(a.logWidth).max().getAsDouble()).isGreaterThan(0);
    }

    private static double[][] deep(double[][] x) {
        double[][] c = new double[x.length][];
        for (int i = 0; i < x.length; i++) c[i] = x[i].clone();
        return c;
    }
}
