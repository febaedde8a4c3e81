package io.shadowscale.udf.logic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Random;

import io.shadowscale.udf.logic.scaling.Explanations;

import org.junit.jupiter.api.Test;

class ScalingFormatTest {

    /** The fast fixed-point form prints what String.format prints, on values of every size and on the rounding edges. */
    @Test
    void fixedPrintsWhatTheFormatterPrints() {
        Random rnd = new Random(11);
        double[] edges = {0, -0.0, 0.5, 1.5, 2.5, -0.5, 0.125, 0.375, 2.675, 1.005, 1.045, 0.045, 9.995, 99.95, 0.0049999, -0.004, -0.0004,
                1e-9, 123456789.5, 4.35, 0.15, 0.25, 1e7, 1.0E-5, 5e-324, 1e300, Double.MAX_VALUE, Double.NaN, Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY, 1L << 30, 1.5 * (1L << 40)};
        for (int decimals = 0; decimals <= 3; decimals++) {
            for (double v : edges) {
                check(v, decimals);
            }
            for (int i = 0; i < 20_000; i++) {
                double v = (rnd.nextDouble() - 0.2) * Math.pow(10, rnd.nextInt(16) - 6);
                check(v, decimals);
                // values on a decimal grid: the halves the rounding decides on
                check(Math.round(v * 1000) / 1000.0 + 0.0005 * (rnd.nextBoolean() ? 1 : -1), decimals);
                check(rnd.nextInt(100_000) / Math.pow(10, decimals + 1), decimals);
            }
        }
    }

    private static void check(double v, int decimals) {
        assertThat(ScalingFormat.fixed(v, decimals)).as("%s with %d decimals", v, decimals)
                .isEqualTo(String.format(Locale.ROOT, "%." + decimals + "f", v));
    }

    @Test
    void unitsReadAsBefore() {
        assertThat(ScalingFormat.cores(1.005)).isEqualTo(String.format(Locale.ROOT, "%.2f cores", 1.005));
        assertThat(ScalingFormat.bytes(1.5 * (1L << 30))).isEqualTo("1.5 GiB");
        assertThat(ScalingFormat.bytes(300L << 20)).isEqualTo("300 MiB");
        assertThat(ScalingFormat.bytes(2.25 * (1L << 40))).isEqualTo("2.3 TiB");
        assertThat(ScalingFormat.bytes(512)).isEqualTo("512 B");
        assertThat(ScalingFormat.pct(0.705)).isEqualTo(String.format(Locale.ROOT, "%.0f%%", 70.5));
        assertThat(Explanations.money(0.1235)).isEqualTo("$0.124/h");
        assertThat(Explanations.costDelta(-0.126)).isEqualTo("−$0.13/h");
    }

    @Test
    void fillPrintsWhatTheFormatterPrintsForPlainPlaceholders() {
        Object[] args = {"CPU", 95, 3L, new AllocationState(), -7, "100%", "x %d y"};
        String t = "p%d of %s at %s (%d min, %d); %s %% %s";
        Object[] a = {args[1], args[0], args[3], args[2], args[4], args[5], args[6]};
        assertThat(ScalingFormat.fill(t, a)).isEqualTo(String.format(Locale.ROOT, t, a));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ScalingFormat.fill("%.2f", 1.0)).isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ScalingFormat.fill("%d", "x")).isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ScalingFormat.fill("%s %s", "x")).isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ScalingFormat.fill("%s", "x", "y")).isInstanceOf(IllegalArgumentException.class);
    }
}
