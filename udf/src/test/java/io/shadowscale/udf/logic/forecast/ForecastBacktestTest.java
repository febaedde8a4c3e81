package io.shadowscale.udf.logic.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

class ForecastBacktestTest {

    static final long BUCKET = 300_000;
    static final int DAY = 288;

    static ForecastBacktest.Series series(double[] cpu) {
        double[][] v = new double[4][cpu.length];
        for (int i = 0; i < cpu.length; i++) {
            v[0][i] = cpu[i];
            v[1][i] = 1e9 + cpu[i] * 1e8;
            v[2][i] = 1000 + cpu[i];
            v[3][i] = 500;
        }
        return new ForecastBacktest.Series("s", 0, BUCKET, v);
    }

    static Map<String, ForecastBacktest.Score[]> run(double[] cpu) {
        ForecastBacktest bt = new ForecastBacktest(List.of(Baselines.NAMES), 12, 8 * DAY);
        return bt.run(List.of(series(cpu)), 4, i -> { });
    }

    @Test
    void pinballLoss() {
        assertThat(ForecastBacktest.pinball(10, 8, 0.9)).isCloseTo(1.8, within(1e-12));
        assertThat(ForecastBacktest.pinball(8, 10, 0.9)).isCloseTo(0.2, within(1e-12));
        assertThat(ForecastBacktest.pinball(3, 3, 0.5)).isZero();
    }

    @Test
    void onADailyPatternTheSeasonalMethodsWin() {
        Random rnd = new Random(1);
        double[] cpu = new double[12 * DAY];
        for (int i = 0; i < cpu.length; i++) {
            cpu[i] = 5 + 4 * Math.sin(2 * Math.PI * i / DAY) + 0.1 * rnd.nextGaussian();
        }
        Map<String, ForecastBacktest.Score[]> s = run(cpu);
        double lastValue = s.get("last_value")[0].mase();
        assertThat(s.get("seasonal_naive")[0].mase()).isLessThan(lastValue / 2);
        assertThat(s.get("dsp")[0].mase()).isLessThan(lastValue / 2);
        assertThat(s.get("fallback")[0].mase()).isLessThan(lastValue / 2);
        assertThat(s.get("percentile")[0].mase()).as("a constant quantile cannot follow a cycle").isGreaterThan(lastValue);
        // bands from the measured error spread are roughly calibrated
        assertThat(s.get("seasonal_naive")[0].coverage90()).isBetween(0.8, 0.97);
        assertThat(s.get("fallback")[0].points()).isEqualTo(1);
    }

    @Test
    void onARandomWalkLastValueBeatsYesterday() {
        Random rnd = new Random(2);
        double[] cpu = new double[12 * DAY];
        double v = 10;
        for (int i = 0; i < cpu.length; i++) {
            v = Math.max(0.5, v + 0.2 * rnd.nextGaussian());
            cpu[i] = v;
        }
        Map<String, ForecastBacktest.Score[]> s = run(cpu);
        assertThat(s.get("last_value")[0].mase()).isLessThan(s.get("seasonal_naive")[0].mase());
        assertThat(s.get("ewma")[0].mase()).isLessThan(s.get("seasonal_naive")[0].mase());
    }

    @Test
    void missingActualsAreNotScored() {
        double[] cpu = new double[10 * DAY];
        java.util.Arrays.fill(cpu, 2.0);
        for (int i = 9 * DAY; i < cpu.length; i++) cpu[i] = Double.NaN;
        Map<String, ForecastBacktest.Score[]> s = run(cpu);
        assertThat(s.get("last_value")[0].mase()).isZero(); // perfect where scored, nothing scored in the gap
    }

    @Test
    void onlyOriginsBeforeUntilAreScored() {
        // quiet for ten days, then wild: a window that ends on day 10 sees only the quiet part
        Random rnd = new Random(3);
        double[] cpu = new double[12 * DAY];
        for (int i = 0; i < cpu.length; i++) cpu[i] = i < 10 * DAY ? 2 + 0.1 * (i % 2) : 1 + 8 * rnd.nextDouble();
        List<String> lv = List.of("last_value");
        double all = new ForecastBacktest(lv, 12, 8 * DAY).run(List.of(series(cpu)), 4, i -> { }).get("last_value")[0].mase();
        ForecastBacktest.Score quiet = new ForecastBacktest(lv, 12, 8 * DAY, 0, 10L * DAY * BUCKET - 12 * BUCKET)
                .run(List.of(series(cpu)), 4, i -> { }).get("last_value")[0];
        assertThat(quiet.points()).isEqualTo(1);
        assertThat(quiet.mase()).isLessThan(all / 5);
        // a window that ends before the warm-up scores nothing
        assertThat(new ForecastBacktest(lv, 12, 8 * DAY, 0, 7L * DAY * BUCKET)
                .run(List.of(series(cpu)), 4, i -> { }).get("last_value")[0].points()).isZero();
    }
}
