package io.shadowscale.udf.logic.forecast;

import static io.shadowscale.udf.TestData.BUCKET;
import static io.shadowscale.udf.TestData.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.shadowscale.schema.ResourceShadow;
import io.shadowscale.schema.ShadowHorizon;
import io.shadowscale.udf.TestData;
import io.shadowscale.udf.model.EnrichedRollup;
import io.shadowscale.udf.model.Resource;

/**
 * The scorer makes the fallback's 12-step forecast only when the fallback answers: when the model
 * was asked and its run failed or its output was refused, the answer must be exactly the one the
 * fallback gives when the model is not asked at all — also for a young workload whose forecast a
 * cohort prior shapes, and across the first day (no seasonal value yet) into the second.
 */
class WorkloadScoringTest {

    @Test
    void aFailedOrRefusedModelAnswerIsTheFallbacksOwnForecast() {
        try (OnnxQuantileModel model = OnnxQuantileModel.bundled(Baselines.DEFAULT_MODEL, 1)) {
            WorkloadScoring asked = new WorkloadScoring(BUCKET, ModelFeatures.HORIZON, priors());
            CohortPriors priorsB = priors();
            WorkloadScoring fallbackOnly = new WorkloadScoring(BUCKET, ModelFeatures.HORIZON, priorsB);
            WorkloadForecastState a = asked.newState(), b = fallbackOnly.newState();
            float[][][] broken = new float[ModelForecaster.ROWS][ModelFeatures.HORIZON][3];
            for (float[][] rows : broken) for (float[] q : rows) Arrays.fill(q, Float.NaN);
            Random rnd = new Random(7);
            List<Double> residualsA = new ArrayList<>(), residualsB = new ArrayList<>();
            int modelAsked = 0, shaped = 0, eager = 0, deferred = 0;
            long t = T0;
            for (int i = 0; i < 400; i++) {
                t += BUCKET * (rnd.nextInt(40) == 0 ? 3 : 1);
                double cpu = 2 + Math.sin(2 * Math.PI * i / 288.0) + 0.3 * rnd.nextGaussian();
                EnrichedRollup in = TestData.enriched(TestData.rollup("t", "w", t, Math.max(0, cpu)));
                in.tags = new String[] {"office"};
                WorkloadScoring.Request qa = asked.observe(a, in, model, null, r -> residualsA.add(r.p90[0]));
                WorkloadScoring.Request qb = fallbackOnly.observe(b, in, null, "no model", r -> residualsB.add(r.p90[0]));
                ShadowHorizon ha;
                if (qa.model != null) {
                    modelAsked++;
                    if (qa.fallbackForecast == null) deferred++;
                    else eager++;
                    ha = i % 2 == 0 ? asked.complete(qa, null, 0, "boom") : asked.complete(qa, broken, 0, null);
                    assertThat(ha.getSteps().get(0).getFallbackReason()).startsWith(i % 2 == 0 ? "model failed: boom" : "model output out of range");
                } else {
                    ha = asked.complete(qa, null, 0, null);
                }
                ShadowHorizon hb = fallbackOnly.complete(qb, null, 0, null);
                if (priorsB.adjusts(in.tags, qb.fallbackForecast.seasonalSteps)) shaped++;
                assertThat(quantiles(ha)).as("bucket %d", i).isEqualTo(quantiles(hb));
                assertThat(ha.getDrivers()).isEqualTo(hb.getDrivers());
            }
            assertThat(modelAsked).isGreaterThan(300);
            assertThat(shaped).as("forecasts shaped by the cohort prior").isGreaterThan(200);
            assertThat(eager).as("asked, shaped by the prior: made at once").isGreaterThan(200);
            assertThat(deferred).as("asked, not shaped: made on the failure").isGreaterThan(80);
            assertThat(residualsA).isEqualTo(residualsB).hasSizeGreaterThan(300);
        }
    }

    /** Priors with a mature "office" cohort: a daily shape and a wide relative error. */
    private static CohortPriors priors() {
        CohortPriors p = new CohortPriors();
        CohortPrior c = CohortPrior.create("office", Resource.COUNT);
        c.updates = 100;
        Arrays.fill(c.relativeSigma, 0.4);
        for (int k = 0; k < c.hourShape.length; k++) {
            c.hourShape[k] = 1 + 0.5 * Math.sin(2 * Math.PI * (k % 24) / 24.0);
            c.hourUpdates[k] = 10;
        }
        p.restore(c);
        return p;
    }

    /** Every step's quantiles and source, exactly. */
    private static List<String> quantiles(ShadowHorizon h) {
        List<String> out = new ArrayList<>();
        for (ResourceShadow s : h.getSteps()) {
            out.add(s.getTimestamp() + " " + s.getCpuP50() + " " + s.getCpuP90() + " " + s.getCpuP99() + " " + s.getMemoryP50() + " "
                    + s.getMemoryP90() + " " + s.getMemoryP99() + " " + s.getNetworkInP50() + " " + s.getNetworkOutP99() + " "
                    + s.getStorageP99() + " " + s.getModelId() + " " + s.getFallback());
        }
        return out;
    }
}
