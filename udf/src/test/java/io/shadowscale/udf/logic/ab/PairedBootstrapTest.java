package io.shadowscale.udf.logic.ab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class PairedBootstrapTest {

    @Test
    void aConstantDifferenceHasAZeroWidthInterval() {
        double[] base = {10, 250, 3, 47, 1000};
        double[] cand = new double[base.length];
        for (int i = 0; i < base.length; i++) {
            cand[i] = base[i] - 2; // every workload 2 cheaper, however different the workloads
        }
        var ci = PairedBootstrap.totalDifference(cand, base, 0.95, 2_000, 1);
        assertThat(ci.difference()).isCloseTo(-10, offset(1e-9));
        assertThat(ci.low()).isCloseTo(-10, offset(1e-9));
        assertThat(ci.high()).isCloseTo(-10, offset(1e-9));
        assertThat(ci.excludesZero()).isTrue();
    }

    @Test
    void theIntervalMatchesTheNormalTheoryForManyWorkloads() {
        // differences ~ N(0.1, 1) over 400 workloads: total 40 ± 1.96 × sqrt(400) × 1 ≈ ± 39.2
        SplittableRandom r = new SplittableRandom(7);
        int n = 400;
        double[] base = new double[n], cand = new double[n];
        double sum = 0, sumSq = 0;
        for (int i = 0; i < n; i++) {
            base[i] = 100 + 50 * r.nextDouble();
            double d = 0.1 + gaussian(r);
            cand[i] = base[i] + d;
            sum += d;
            sumSq += d * d;
        }
        double sd = Math.sqrt(sumSq / n - (sum / n) * (sum / n));
        var ci = PairedBootstrap.totalDifference(cand, base, 0.95, 4_000, 3);
        double half = 1.959964 * sd * Math.sqrt(n);
        assertThat(ci.difference()).isCloseTo(sum, offset(1e-6));
        assertThat(ci.high() - ci.low()).isCloseTo(2 * half, offset(0.08 * 2 * half));
        assertThat((ci.high() + ci.low()) / 2).isCloseTo(sum, offset(0.1 * half));
        // significant exactly when the total is beyond the normal-theory half-width (unless at the border)
        if (Math.abs(Math.abs(sum) - half) > 0.1 * half) {
            assertThat(ci.excludesZero()).isEqualTo(Math.abs(sum) > half);
        }
    }

    @Test
    void theSameSeedGivesTheSameInterval() {
        double[] a = {1, 5, 2, 8}, b = {2, 3, 2, 9};
        assertThat(PairedBootstrap.totalDifference(a, b, 0.9, 500, 42)).isEqualTo(PairedBootstrap.totalDifference(a, b, 0.9, 500, 42));
    }

    @Test
    void unpairedInputIsRefused() {
        assertThatThrownBy(() -> PairedBootstrap.totalDifference(new double[2], new double[3], 0.95, 1000, 1))
                .hasMessageContaining("same workloads");
    }

    static double gaussian(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }
}
