package io.shadowscale.udf.logic.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class PooledQuantilesTest {

    static final double Z90 = 1.2815515655446004, Z99 = 2.3263478740408408;

    @Test
    void independentNormalMembersGiveTheQuantilesOfTheirSum() {
        // N(10, 2²) + N(20, 3²) = N(30, 13): p90 = 30 + 1.2816 × √13, p99 = 30 + 2.3263 × √13
        PooledQuantiles pool = new PooledQuantiles();
        pool.add(10, 10 + Z90 * 2, 10 + Z99 * 2);
        pool.add(20, 20 + Z90 * 3, 20 + Z99 * 3);
        assertThat(pool.p50()).isCloseTo(30, offset(1e-9));
        assertThat(pool.p90(0)).isCloseTo(30 + Z90 * Math.sqrt(13), offset(1e-9));
        assertThat(pool.p99(0)).isCloseTo(30 + Z99 * Math.sqrt(13), offset(1e-9));
    }

    @Test
    void perfectlyCorrelatedMembersAddTheirQuantiles() {
        PooledQuantiles pool = new PooledQuantiles();
        pool.add(10, 13, 16);
        pool.add(20, 26, 31);
        assertThat(pool.p90(1)).isCloseTo(13 + 26, offset(1e-9));
        assertThat(pool.p99(1)).isCloseTo(16 + 31, offset(1e-9));
        assertThat(pool.sumOfP90s()).isCloseTo(39, offset(1e-9));
    }

    @Test
    void correlatedMembersMatchASimulation() {
        // 5 members, common correlation 0.4, σ = 1..5: compare with the empirical p90 of the sum
        double rho = 0.4;
        double[] sd = {1, 2, 3, 4, 5};
        PooledQuantiles pool = new PooledQuantiles();
        for (double s : sd) {
            pool.add(100, 100 + Z90 * s, 100 + Z99 * s);
        }
        SplittableRandom r = new SplittableRandom(11);
        int n = 200_000;
        double[] sums = new double[n];
        for (int k = 0; k < n; k++) {
            double common = gaussian(r);
            double t = 0;
            for (double s : sd) {
                t += 100 + s * (Math.sqrt(rho) * common + Math.sqrt(1 - rho) * gaussian(r));
            }
            sums[k] = t;
        }
        java.util.Arrays.sort(sums);
        assertThat(pool.p90(rho)).isCloseTo(sums[(int) (0.9 * n)], offset(0.15));
        assertThat(pool.p99(rho)).isCloseTo(sums[(int) (0.99 * n)], offset(0.4));
        assertThat(pool.p90(rho)).isLessThan(pool.sumOfP90s());
    }

    @Test
    void theCorrelationIsMeasuredFromTheMembersErrors() {
        SplittableRandom r = new SplittableRandom(5);
        PoolCorrelation c = new PoolCorrelation();
        assertThat(c.rho(1.0, 10)).as("prior before data").isEqualTo(1.0);
        double[] z = new double[6];
        for (int b = 0; b < 20_000; b++) {
            double common = gaussian(r);
            for (int i = 0; i < z.length; i++) {
                // errors with variance 4 (bands too narrow): the ratio still recovers ρ = 0.3
                z[i] = 2 * (Math.sqrt(0.3) * common + Math.sqrt(0.7) * gaussian(r));
            }
            c.observe(z, z.length, 0.002);
        }
        assertThat(c.rho(1.0, 10)).isCloseTo(0.3, offset(0.06));
    }

    static double gaussian(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }
}
