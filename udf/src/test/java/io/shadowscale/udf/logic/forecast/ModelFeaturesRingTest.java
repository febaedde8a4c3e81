package io.shadowscale.udf.logic.forecast;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.shadowscale.udf.logic.ForecasterState;
import io.shadowscale.udf.model.Resource;

/**
 * The job's feature path (rows read straight from the forecaster's ring, time features computed
 * once per workload) writes bit for bit what the plain builder ({@link ModelFeatures#build} with a
 * value per lag — the one training export and the parity test use) writes for the same history:
 * random histories with missing values and runs of them, full days, zeros of both signs, spikes
 * beyond the clip, infinities, every origin slot (so the day wraps around the ring anywhere), and seasons shorter and
 * longer than the model's day.
 */
class ModelFeaturesRingTest {

    @Test
    void ringRowsAreBitIdenticalToThePlainBuilder() {
        SplittableRandom rnd = new SplittableRandom(20260428);
        long[] bucketMs = {300_000L, 600_000L, 60_000L, 3_600_000L, 86_400_000L / 7}; // seasons 288, 144, 1440, 24, 7
        int compared = 0;
        for (long bucket : bucketMs) {
            int season = (int) Math.max(1, 86_400_000L / bucket);
            for (int trial = 0; trial < 120; trial++) {
                ForecasterState s = ForecasterState.create(season);
                fill(s.ring, rnd, trial);
                // origins from 1969 to 2038, aligned to the bucket
                long origin = Math.floorDiv(rnd.nextLong(-10L * 86_400_000L * 365, 68L * 86_400_000L * 365), bucket) * bucket;
                s.lastBucketStart = origin;
                int newest = (int) Math.floorMod(Math.floorDiv(origin, bucket), (long) season);
                if (trial % 5 == 2) young(s.ring, season, newest, rnd);

                float[] fast = new float[ModelForecaster.ROWS * ModelFeatures.SIZE + 7];
                double[] fastScales = new double[ModelForecaster.ROWS + 2];
                Arrays.fill(fast, Float.NaN);
                ModelForecaster.features(s, bucket, fast, 7, fastScales, 2);

                float[] plain = new float[fast.length];
                double[] plainScales = new double[fastScales.length];
                Arrays.fill(plain, Float.NaN);
                for (int r = 0; r < ModelForecaster.ROWS; r++) {
                    int base = r * season;
                    plainScales[2 + r] = ModelFeatures.build(lag -> lag >= season ? Double.NaN
                                    : s.ring[base + (int) Math.floorMod((long) newest - lag, (long) season)],
                            origin, ModelForecaster.KINDS[r], plain, 7 + r * ModelFeatures.SIZE);
                    // the public single-row ring builder too
                    float[] one = new float[ModelFeatures.SIZE];
                    double scale = ModelFeatures.build(s.ring, base, season, newest, origin, ModelForecaster.KINDS[r], one, 0);
                    assertThat(Double.doubleToRawLongBits(scale)).isEqualTo(Double.doubleToRawLongBits(plainScales[2 + r]));
                    assertThat(bits(one)).isEqualTo(bits(Arrays.copyOfRange(plain, 7 + r * ModelFeatures.SIZE, 7 + (r + 1) * ModelFeatures.SIZE)));
                }
                assertThat(bits(fast)).as("season %d, trial %d", season, trial).isEqualTo(bits(plain));
                assertThat(Arrays.stream(fastScales).mapToLong(Double::doubleToRawLongBits).toArray())
                        .isEqualTo(Arrays.stream(plainScales).mapToLong(Double::doubleToRawLongBits).toArray());
                compared++;
            }
        }
        assertThat(compared).isEqualTo(600);
    }

    /** A history per trial kind: dense, sparse, runs of gaps, all missing, signed zeros and spikes. */
    private static void fill(double[] ring, SplittableRandom rnd, int trial) {
        double missing = switch (trial % 6) {
            case 0 -> 0;
            case 1 -> 0.05;
            case 2 -> 0.5;
            case 3 -> 0.97;
            case 4 -> 1;
            default -> rnd.nextDouble();
        };
        double level = Math.pow(10, rnd.nextInt(-4, 10));
        boolean gap = false;
        for (int i = 0; i < ring.length; i++) {
            if (trial % 6 == 5 && rnd.nextInt(20) == 0) gap = !gap; // runs of missing buckets
            double u = rnd.nextDouble();
            double v;
            if (gap || u < missing) v = Double.NaN;
            else if (rnd.nextInt(40) == 0) v = rnd.nextBoolean() ? 0.0 : -0.0;
            else if (rnd.nextInt(100) == 0) v = level * 500 * rnd.nextDouble(); // beyond the ±50 clip
            else v = level * (1 + Math.sin(i / 20.0)) * (0.5 + rnd.nextDouble());
            ring[i] = v;
        }
        // infinities in otherwise full days (the gap-free path must hand them to the general one)
        if (trial % 18 == 12) ring[rnd.nextInt(ring.length)] = rnd.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        // not always every resource alike
        if (trial % 4 == 1) Arrays.fill(ring, 0, ring.length / Resource.COUNT, Double.NaN);
    }

    /** A workload younger than a day: nothing before its first bucket (each resource its own age, some none). */
    private static void young(double[] ring, int season, int newest, SplittableRandom rnd) {
        for (int r = 0; r < Resource.COUNT; r++) {
            int age = rnd.nextInt(0, season + 1);
            for (int lag = age; lag < season; lag++) {
                ring[r * season + (int) Math.floorMod((long) newest - lag, (long) season)] = Double.NaN;
            }
        }
    }

    private static int[] bits(float[] f) {
        int[] b = new int[f.length];
        for (int i = 0; i < f.length; i++) b[i] = Float.floatToRawIntBits(f[i]);
        return b;
    }
}
