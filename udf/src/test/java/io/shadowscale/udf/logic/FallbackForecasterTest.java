package io.shadowscale.udf.logic;

import static io.shadowscale.udf.TestData.BUCKET;
import static io.shadowscale.udf.TestData.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;

import org.junit.jupiter.api.Test;

import io.shadowscale.udf.model.Resource;

class FallbackForecasterTest {

    static final int DAY = 288;
    final FallbackForecaster f = new FallbackForecaster(BUCKET, 12);

    static double daily(int bucket) {
        return 4 + 3 * Math.sin(2 * Math.PI * bucket / DAY);
    }

    static double[] y(double cpu) {
        double[] v = new double[Resource.COUNT];
        v[0] = cpu;
        v[1] = cpu * (1L << 30);
        v[2] = 1000;
        v[3] = 2000;
        v[4] = 1e10;
        return v;
    }

    @Test
    void followsTheDailyPatternAfterOneDay() {
        ForecasterState s = f.newState();
        Forecast last = null;
        int n = 2 * DAY;
        for (int b = 0; b < n; b++) {
            last = f.observeAndForecast(s, T0 + b * BUCKET, y(daily(b)));
        }
        assertThat(last.steps()).isEqualTo(12);
        assertThat(last.seasonalSteps).isEqualTo(12);
        for (int h = 0; h < 12; h++) {
            assertThat(last.targetTime(h)).isEqualTo(T0 + (n + h) * BUCKET);
            assertThat(last.p50[h][0]).isCloseTo(daily(n + h), within(0.05));
            assertThat(last.p90[h][0]).isGreaterThan(last.p50[h][0]);
            assertThat(last.p99[h][0]).isGreaterThan(last.p90[h][0]);
        }
        // the band widens with the horizon
        assertThat(last.p99[11][0] - last.p50[11][0]).isGreaterThan(last.p99[0][0] - last.p50[0][0]);
    }

    @Test
    void withoutHistoryUsesTheLevel() {
        ForecasterState s = f.newState();
        f.observeAndForecast(s, T0, y(2));
        Forecast fc = f.observeAndForecast(s, T0 + BUCKET, y(4));
        assertThat(fc.seasonalSteps).isZero();
        assertThat(fc.p50[0][0]).isCloseTo(3.0, within(1e-9)); // EWMA 0.5 of 2 and 4
    }

    @Test
    void quantilesAreRoughlyCalibratedOnNoisyData() {
        ForecasterState s = f.newState();
        Random rnd = new Random(7);
        int covered90 = 0, covered99 = 0, total = 0;
        double prev50 = Double.NaN, prev90 = 0, prev99 = 0;
        for (int b = 0; b < 6 * DAY; b++) {
            double v = daily(b) * (1 + 0.08 * rnd.nextGaussian());
            if (b > 2 * DAY && !Double.isNaN(prev50)) {
                total++;
                if (v <= prev90) covered90++;
                if (v <= prev99) covered99++;
            }
            Forecast fc = f.observeAndForecast(s, T0 + b * BUCKET, y(v));
            prev50 = fc.p50[0][0];
            prev90 = fc.p90[0][0];
            prev99 = fc.p99[0][0];
        }
        assertThat((double) covered90 / total).isBetween(0.82, 0.97);
        assertThat((double) covered99 / total).isBetween(0.95, 1.0);
    }

    @Test
    void gapsDoNotReuseStaleSeasonalValues() {
        ForecasterState s = f.newState();
        for (int b = 0; b < DAY; b++) {
            f.observeAndForecast(s, T0 + b * BUCKET, y(5));
        }
        // a whole day missing: yesterday's slots must not be taken as today's lag
        Forecast fc = f.observeAndForecast(s, T0 + (2 * DAY + 10) * BUCKET, y(1));
        assertThat(fc.seasonalSteps).isZero();
        assertThat(fc.p50[0][0]).isLessThan(5);
    }

    @Test
    void duplicateBucketsAreIgnored() {
        ForecasterState s = f.newState();
        f.observeAndForecast(s, T0, y(2));
        assertThat(f.observeAndForecast(s, T0, y(50))).isNull();
        assertThat(s.level[0]).isEqualTo(2);
    }

    @Test
    void stateStaysSmall() {
        assertThat(f.newState().approximateBytes()).isLessThan(16 * 1024);
    }
}
