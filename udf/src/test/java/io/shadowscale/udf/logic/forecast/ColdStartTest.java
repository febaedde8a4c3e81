package io.shadowscale.udf.logic.forecast;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class ColdStartTest {

    /** Ten days of a strong daily wave: a forecaster needs yesterday to see the turns coming. */
    static ForecastBacktest.Series wave() {
        int n = 10 * 288;
        double[][] v = new double[4][n];
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        for (int t = 0; t < n; t++) {
            v[0][t] = 5 + 4 * Math.sin(2 * Math.PI * t / 288.0) + 0.1 * r.nextDouble();
            v[1][t] = 1e9 * (2 + Math.sin(2 * Math.PI * t / 288.0)) + 1e6 * r.nextDouble();
            v[2][t] = 1;
            v[3][t] = 1;
        }
        return new ForecastBacktest.Series("wave", 0, 300_000L, v);
    }

    @Test
    void withoutADayOfHistoryTheSeasonalFallbackCannotMatchItsWarmSelf() {
        ColdStart cs = new ColdStart(null, 8L * 86_400_000L, 6 * 3_600_000L);
        ColdStart.Result r = cs.run(List.of(wave()), new int[] {1, 6, 30}, null);
        assertThat(r.hours()).containsExactly(1, 6, 30, ColdStart.WARM);
        assertThat(r.points()).isPositive();
        double warm = r.maseCpu()[3];
        assertThat(r.maseCpu()[0]).as("an hour: the level only").isGreaterThan(1.5 * warm);
        assertThat(r.maseCpu()[2]).as("30 h: yesterday is there").isLessThan(1.05 * warm);
        assertThat(r.hoursToMatchWarm(0.05)).isEqualTo(30);
    }
}
