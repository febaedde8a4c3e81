package io.shadowscale.udf.logic.forecast;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;

import org.junit.jupiter.api.Test;

import io.shadowscale.udf.logic.FallbackForecaster;
import io.shadowscale.udf.logic.Forecast;
import io.shadowscale.udf.logic.ForecasterState;
import io.shadowscale.udf.model.Resource;

class CohortPriorsTest {

    static final long BUCKET = 300_000L;
    static final long T0 = 1_709_510_400_000L; // 2024-03-04T00:00Z
    static final int DAY = 288;
    final FallbackForecaster fallback = new FallbackForecaster(BUCKET, 12);

    /** Quiet at night, busy from 08:00 to 18:00 UTC (×4), with noise. */
    static double office(long t, Random rnd) {
        int hour = (int) ((t / 3_600_000L) % 24);
        double base = hour >= 8 && hour < 18 ? 4 : 1;
        return base * (1 + 0.05 * rnd.nextGaussian());
    }

    static double[] y(double cpu) {
        double[] v = new double[Resource.COUNT];
        v[0] = cpu;
        v[1] = cpu * (1L << 30);
        v[2] = 1000 * cpu;
        v[3] = 2000 * cpu;
        v[4] = 1e10;
        return v;
    }

    /** Two mature "diurnal" workloads teach the prior over three days. */
    CohortPriors learned(String tag) {
        CohortPriors priors = new CohortPriors();
        Random rnd = new Random(7);
        for (int w = 0; w < 2; w++) {
            ForecasterState s = fallback.newState();
            for (int b = 0; b < 3 * DAY; b++) {
                long t = T0 + b * BUCKET;
                fallback.observeAndForecast(s, t, y(office(t, rnd)));
                priors.learn(new String[] {tag}, s, BUCKET);
            }
        }
        return priors;
    }

    @Test
    void learnsTheCohortsHourOfDayShapeAndErrorSize() {
        CohortPriors priors = learned("diurnal");
        CohortPrior p = priors.prior("diurnal");
        assertThat(p.updates).isGreaterThanOrEqualTo(CohortPriors.MIN_UPDATES);
        assertThat(p.hourShape[9] / p.hourShape[3]).as("the cohort is ~4x busier by day").isBetween(3.0, 5.0);
        assertThat(p.relativeSigma[0]).isPositive();
        assertThat(priors.prior("interactive")).isNull();
    }

    @Test
    void theCohortLiftsTheForecastIntoItsBusyHours() {
        CohortPriors priors = learned("diurnal");
        ForecasterState s = fallback.newState();
        Random rnd = new Random(9);
        long start = T0 + 10 * DAY * BUCKET + 6 * 3_600_000L + 55 * 60_000L; // from 06:55 to 07:50
        Forecast plain = null, shaped = null;
        for (int b = 0; b < 12; b++) {
            long t = start + b * BUCKET;
            plain = fallback.observeAndForecast(s, t, y(office(t, rnd)));
            shaped = priors.adjust(new String[] {"diurnal"}, s, plain);
        }
        // origin 07:50: steps 3..12 land at 08:00..08:45, the cohort's busy hours
        assertThat(plain.p50[11][0]).as("the plain fallback stays at the night level").isLessThan(1.5);
        assertThat(shaped.p50[11][0]).as("the cohort prior expects the day to start").isGreaterThan(3.0);
        assertThat(shaped.p50[0][0]).as("07:55 is still night").isLessThan(1.5);
        assertThat(shaped.p90[11][0]).isGreaterThan(shaped.p50[11][0]);

        Forecast untagged = priors.adjust(new String[0], s, plain);
        assertThat(untagged).isSameAs(plain);
        Forecast otherCohort = priors.adjust(new String[] {"batch-processing"}, s, plain);
        assertThat(otherCohort).as("an unseen cohort has no prior").isSameAs(plain);
    }

    @Test
    void aMatureWorkloadIsLeftAlone() {
        CohortPriors priors = learned("diurnal");
        ForecasterState s = fallback.newState();
        Random rnd = new Random(3);
        Forecast f = null;
        for (int b = 0; b < DAY + 12; b++) {
            long t = T0 + b * BUCKET;
            f = fallback.observeAndForecast(s, t, y(office(t, rnd)));
        }
        assertThat(f.seasonalSteps).isPositive();
        assertThat(priors.adjust(new String[] {"diurnal"}, s, f)).isSameAs(f);
    }

    @Test
    void restoringKeepsTheBetterInformedPrior() {
        CohortPriors a = learned("diurnal");
        CohortPriors b = new CohortPriors();
        CohortPrior weak = CohortPrior.create("diurnal", Resource.COUNT);
        weak.updates = 1;
        b.restore(weak);
        b.restore(a.prior("diurnal"));
        b.restore(weak);
        assertThat(b.prior("diurnal").updates).isEqualTo(a.prior("diurnal").updates);
    }
}
