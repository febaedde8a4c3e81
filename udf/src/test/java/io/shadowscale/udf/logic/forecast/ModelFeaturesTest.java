package io.shadowscale.udf.logic.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ModelFeaturesTest {

    static final long MONDAY_NOON = 1_375_704_000_000L; // 2013-08-05T12:00Z

    @Test
    void theWholeDayOldestFirstScaledByItsMean() {
        // lag L holds 1 + L % 2: the day's mean is 1.5, one-step changes are all 1
        float[] f = new float[ModelFeatures.SIZE];
        double scale = ModelFeatures.build(lag -> 1 + lag % 2, MONDAY_NOON, 1, f, 0);
        assertThat(scale).isCloseTo(1.5, within(1e-12));
        assertThat(f[ModelFeatures.LAST]).isCloseTo((float) (1 / 1.5), within(1e-6f)); // lag 0
        assertThat(f[ModelFeatures.LAST - 1]).isCloseTo((float) (2 / 1.5), within(1e-6f)); // lag 1
        assertThat(f[0]).isCloseTo((float) (2 / 1.5), within(1e-6f)); // lag 287
        assertThat(f[ModelFeatures.DAY]).isZero(); // nothing missing recently
        assertThat(f[ModelFeatures.DAY + 1]).isZero(); // nor over the day
        assertThat(f[ModelFeatures.NOISE]).isCloseTo((float) Math.log(1 / 1.5), within(1e-6f));
        assertThat(f[ModelFeatures.NOISE + 1]).isCloseTo(0f, within(1e-6f)); // sin(hour) at noon
        assertThat(f[ModelFeatures.NOISE + 2]).isCloseTo(-1f, within(1e-6f)); // cos(hour) at noon
        assertThat(f[ModelFeatures.SIZE - 4]).isZero();
        assertThat(f[ModelFeatures.SIZE - 3]).isEqualTo(1f); // memory
    }

    @Test
    void gapsAreFilledForwardAndBeforeTheFirstKnownWithIt() {
        // known only at lags 0..9 (value 4) and lag 20 (value 2); everything older unknown
        float[] f = new float[ModelFeatures.SIZE];
        double scale = ModelFeatures.build(lag -> lag < 10 ? 4 : lag == 20 ? 2 : Double.NaN, MONDAY_NOON, 0, f, 0);
        assertThat(scale).isCloseTo(42.0 / 11, within(1e-12));
        float two = (float) (2 / scale), four = (float) (4 / scale);
        assertThat(f[0]).as("before the first known: that value, not 0").isEqualTo(two);
        assertThat(f[ModelFeatures.LAST - 15]).as("gap after lag 20: carried forward").isEqualTo(two);
        assertThat(f[ModelFeatures.LAST]).isEqualTo(four);
        assertThat(f[ModelFeatures.DAY]).isCloseTo(37f / ModelFeatures.RECENT, within(1e-6f));
        assertThat(f[ModelFeatures.DAY + 1]).isCloseTo(277f / ModelFeatures.DAY, within(1e-6f));
        // only steps between two known buckets count: nine steps of 0 → the floor
        assertThat(f[ModelFeatures.NOISE]).isEqualTo((float) ModelFeatures.MIN_LOG_NOISE);
    }

    @Test
    void aSeriesWithNoKnownValueIsAllZeroWithScaleOne() {
        float[] f = new float[ModelFeatures.SIZE];
        assertThat(ModelFeatures.build(lag -> Double.NaN, MONDAY_NOON, 2, f, 0)).isEqualTo(1.0);
        for (int i = 0; i < ModelFeatures.DAY; i++) assertThat(f[i]).isZero();
        assertThat(f[ModelFeatures.DAY]).isEqualTo(1f);
        assertThat(f[ModelFeatures.DAY + 1]).isEqualTo(1f);
    }
}
