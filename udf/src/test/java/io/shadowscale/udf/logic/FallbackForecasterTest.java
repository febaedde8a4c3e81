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
    void theStateHalfKeepsTheForecastsFirstStepAndTheForecastLeavesTheStateAlone() {
        // the scorer folds every bucket in with observe() and asks forecast() only when the
        // fallback answers: both must agree with observeAndForecast, gaps and new days included
        Random rnd = new Random(11);
        ForecasterState s = f.newState();
        long t = T0;
        for (int b = 0; b < 3 * DAY; b++) {
            t += BUCKET * (rnd.nextInt(30) == 0 ? 2 + rnd.nextInt(40) : 1);
            double[] v = y(daily(b) * (1 + 0.2 * rnd.nextGaussian()));
            if (rnd.nextInt(25) == 0) v[2] = Double.NaN;
            assertThat(f.observe(s, t, v)).isTrue();
            double[] kept = s.prevStep1.clone();
            long target = s.prevTarget;
            String before = dump(s);
            Forecast fc = f.forecast(s);
            assertThat(dump(s)).isEqualTo(before);
            assertThat(target).isEqualTo(fc.targetTime(0));
            assertThat(f.seasonalSteps(s)).isEqualTo(fc.seasonalSteps);
            for (int r = 0; r < Resource.COUNT; r++) {
                assertThat(Double.doubleToRawLongBits(kept[r * 3])).isEqualTo(Double.doubleToRawLongBits(fc.p50[0][r]));
                assertThat(Double.doubleToRawLongBits(kept[r * 3 + 1])).isEqualTo(Double.doubleToRawLongBits(fc.p90[0][r]));
                assertThat(Double.doubleToRawLongBits(kept[r * 3 + 2])).isEqualTo(Double.doubleToRawLongBits(fc.p99[0][r]));
            }
        }
        assertThat(f.observe(s, t, y(1))).as("a duplicate").isFalse();
    }

    @Test
    void recentMeanIsTheMeanOfTheLastKnownBuckets() {
        Random rnd = new Random(5);
        for (long bucket : new long[] {BUCKET, 3_600_000L, 60_000L}) {
            FallbackForecaster g = new FallbackForecaster(bucket, 12);
            ForecasterState s = g.newState();
            assertThat(s.recentMean(12, bucket)[0]).isNaN();
            double[] none = new double[Resource.COUNT], noneDay = new double[Resource.COUNT];
            s.recentAndDayMean(0, 12, bucket, none, noneDay);
            assertThat(none[0]).isNaN();
            assertThat(noneDay[0]).isNaN();
            long t = T0 + rnd.nextInt(1000) * bucket;
            for (int b = 0; b < 500; b++) {
                t += bucket * (rnd.nextInt(20) == 0 ? 3 : 1);
                double[] v = y(1 + rnd.nextDouble());
                if (rnd.nextInt(10) == 0) v[1] = rnd.nextBoolean() ? Double.NaN : Double.POSITIVE_INFINITY;
                g.observe(s, t, v);
                for (int n : new int[] {1, 12, s.season, 5 * s.season}) {
                    double[] m = s.recentMean(n, bucket);
                    double[] day = s.recentMean(s.season, bucket);
                    double[] recentOut = new double[Resource.COUNT], dayOut = new double[Resource.COUNT];
                    for (int r = 0; r < Resource.COUNT; r++) {
                        s.recentAndDayMean(r, n, bucket, recentOut, dayOut);
                        assertThat(Double.doubleToRawLongBits(recentOut[r])).isEqualTo(Double.doubleToRawLongBits(m[r]));
                        assertThat(Double.doubleToRawLongBits(dayOut[r])).isEqualTo(Double.doubleToRawLongBits(day[r]));
                    }
                    for (int r = 0; r < Resource.COUNT; r++) {
                        // straight from the definition: bucket by bucket back from the newest
                        double sum = 0;
                        int known = 0;
                        for (int i = 0; i < Math.min(n, s.season); i++) {
                            double x = s.ring[r * s.season + (int) Math.floorMod(Math.floorDiv(t, bucket) - i, (long) s.season)];
                            if (Double.isFinite(x)) {
                                sum += x;
                                known++;
                            }
                        }
                        assertThat(Double.doubleToRawLongBits(m[r])).isEqualTo(Double.doubleToRawLongBits(known == 0 ? Double.NaN : sum / known));
                    }
                }
            }
        }
    }

    /** Every field of the state, exactly (Double.toString round-trips; NaN equals NaN). */
    private static String dump(ForecasterState s) {
        return String.join("|", String.valueOf(s.lastBucketStart), String.valueOf(s.season), java.util.Arrays.toString(s.ring),
                java.util.Arrays.toString(s.level), java.util.Arrays.toString(s.deviation), java.util.Arrays.toString(s.errorVariance),
                String.valueOf(s.errorsSeen), String.valueOf(s.prevTarget), java.util.Arrays.toString(s.prevStep1), String.valueOf(s.prevFallback),
                java.util.Arrays.toString(s.referenceTarget), java.util.Arrays.toString(s.referenceQuantiles), java.util.Arrays.toString(s.referenceFallback));
    }

    @Test
    void stateStaysSmall() {
        assertThat(f.newState().approximateBytes()).isLessThan(16 * 1024);
    }
}
