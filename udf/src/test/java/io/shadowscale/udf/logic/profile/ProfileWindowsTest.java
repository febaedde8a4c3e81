package io.shadowscale.udf.logic.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class ProfileWindowsTest {

    /** The definition: a sorted stream of the present values, linearly interpolated. */
    private static double reference(double[] x, double q) {
        double[] v = Arrays.stream(x).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        double pos = q * (v.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(v.length - 1, lo + 1);
        return v[lo] + (pos - lo) * (v[hi] - v[lo]);
    }

    @Test
    void quantileIsTheInterpolatedQuantileOfThePresentValues() {
        assertThat(ProfileWindows.quantile(new double[] {3, Double.NaN, 1, 2}, 0.5)).isEqualTo(2.0);
        assertThat(ProfileWindows.quantile(new double[] {0, 10}, 0.95)).isEqualTo(9.5);
        assertThat(ProfileWindows.quantile(new double[] {Double.NaN}, 0.5)).isNaN();
        assertThat(ProfileWindows.quantile(new double[0], 0.5)).isNaN();
    }

    @Test
    void quantileMatchesTheStreamDefinitionBitForBit() {
        SplittableRandom rnd = new SplittableRandom(11);
        double[] qs = {0, 0.01, 0.5, 0.95, 0.99, 1};
        double[] odd = {Double.NaN, -0.0, 0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e-300, 4.0};
        for (int trial = 0; trial < 20_000; trial++) {
            double[] x = new double[rnd.nextInt(0, 300)];
            for (int i = 0; i < x.length; i++) {
                int k = rnd.nextInt(10);
                x[i] = k < 3 ? odd[rnd.nextInt(odd.length)] : k < 5 ? rnd.nextInt(4) : rnd.nextDouble() * 16 - 4;
            }
            double[] copy = x.clone();
            for (double q : qs) {
                double want = reference(x, q), got = ProfileWindows.quantile(x, q);
                assertThat(Double.doubleToRawLongBits(got)).as("trial %d q %s of %s", trial, q, Arrays.toString(x))
                        .isEqualTo(Double.doubleToRawLongBits(want));
            }
            assertThat(x).as("the input is left as it was").isEqualTo(copy);
        }
    }
}
