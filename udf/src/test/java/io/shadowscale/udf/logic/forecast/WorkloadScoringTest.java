package io.shadowscale.udf.logic.forecast;

import static io.shadowscale.udf.TestData.BUCKET;
import static io.shadowscale.udf.TestData.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.shadowscale.schema.ResourceShadow;
import io.shadowscale.schema.ShadowHorizon;
import io.shadowscale.udf.TestData;
import io.shadowscale.udf.logic.FallbackForecaster;
import io.shadowscale.udf.logic.Forecast;
import io.shadowscale.udf.logic.ForecasterState;
import io.shadowscale.udf.model.EnrichedRollup;
import io.shadowscale.udf.model.Residual;
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
            float[] broken = new float[ModelForecaster.ROWS * ModelFeatures.HORIZON * 3];
            Arrays.fill(broken, Float.NaN);
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

    /**
     * The model's answer is combined and then calibrated (the scorer does both in place on the
     * decoded arrays), while the residuals compare with the model's own quantiles — checked against
     * the public pieces run side by side on their own states.
     */
    @Test
    void theModelsAnswerIsCombinedAndCalibratedWhileResidualsKeepItsOwnQuantiles() {
        try (OnnxQuantileModel model = OnnxQuantileModel.bundled(Baselines.DEFAULT_MODEL, 1)) {
            WorkloadScoring scoring = new WorkloadScoring(BUCKET, ModelFeatures.HORIZON, null);
            WorkloadForecastState state = scoring.newState();
            ForecastCombiner comb = new ForecastCombiner(Resource.COUNT, BUCKET);
            QuantileCalibrator cal = new QuantileCalibrator(Resource.COUNT, BUCKET, false);
            CombinationState combination = comb.newState();
            CalibrationState calibration = cal.newState();
            Map<Long, double[]> ownAtLag = new HashMap<>();
            int lag = ForecasterState.REFERENCE_LAG;
            Random rnd = new Random(3);
            int answered = 0, checked = 0, moved = 0, withDrivers = 0;
            long t = T0;
            for (int i = 0; i < 700; i++) {
                t += BUCKET;
                // a daily pattern with level jumps, so the combination and the bands have work to do
                double cpu = (i / 150 % 2 == 0 ? 2 : 5) + Math.sin(2 * Math.PI * i / 288.0) + 0.3 * rnd.nextGaussian();
                EnrichedRollup in = TestData.enriched(TestData.rollup("t", "w", t, Math.max(0, cpu)));
                List<Residual> residuals = new ArrayList<>();
                WorkloadScoring.Request q = scoring.observe(state, in, model, null, residuals::add);
                double[] actual = ShadowAssembly.actuals(in.rollup);
                comb.observe(combination, t, actual);
                cal.observe(calibration, t, actual);
                for (Residual r : residuals) {
                    double[] own = ownAtLag.get(r.bucketStart);
                    if (own == null || r.fallback) continue;
                    assertThat(new double[] {r.p50[0], r.p90[0], r.p99[0]}).as("residual of bucket %d", i).isEqualTo(own);
                    checked++;
                }
                if (q.model == null) { // cold start: the fallback answers and the calibration skips
                    scoring.complete(q, null, 0, null);
                    cal.skip(calibration, t);
                    continue;
                }
                float[] features = new float[ModelForecaster.ROWS * ModelFeatures.SIZE];
                scoring.features(q, features, 0);
                float[] out = model.score(features, ModelForecaster.ROWS);
                Forecast own = ModelForecaster.decode(out, 0, q.scales, 0, t, BUCKET).forecast;
                ownAtLag.put(own.targetTime(lag - 1), new double[] {own.p50[lag - 1][0], own.p90[lag - 1][0], own.p99[lag - 1][0]});
                Forecast expected = cal.apply(calibration, comb.apply(combination, own));
                // the drivers from the history as it is at completion (the scorer takes its means with the features)
                var drivers = ShadowAssembly.applyEvents(new EventEffect(EventEffect.DEFAULT_ELASTICITY), EventEffect.Campaigns.NONE,
                        state.forecaster, cal.apply(calibration, comb.apply(combination, own)), BUCKET);
                ShadowHorizon h = scoring.complete(q, out, 0, null);
                assertThat(h.getDrivers()).as("bucket %d", i).isEqualTo(drivers);
                if (!drivers.isEmpty()) withDrivers++;
                for (int step = 0; step < ModelFeatures.HORIZON; step++) {
                    ResourceShadow s = h.getSteps().get(step);
                    assertThat(s.getFallback()).isFalse();
                    assertThat(new double[] {s.getCpuP50(), s.getCpuP90(), s.getCpuP99(), s.getMemoryP50(), s.getMemoryP99(), s.getStorageP90()})
                            .as("bucket %d step %d", i, step + 1)
                            .isEqualTo(new double[] {expected.p50[step][0], expected.p90[step][0], expected.p99[step][0],
                                    expected.p50[step][1], expected.p99[step][1], expected.p90[step][4]});
                    if (expected.p50[step][0] != own.p50[step][0]) moved++;
                }
                answered++;
            }
            assertThat(answered).isGreaterThan(600);
            assertThat(checked).isGreaterThan(600);
            assertThat(moved).as("steps the combination moved off the model").isGreaterThan(1000);
            assertThat(withDrivers).as("buckets whose history drove the forecast").isGreaterThan(100);
        }
    }

    /**
     * The history drivers' means taken from the feature walks' sums are the ring walk's, bit for
     * bit: young workloads, full days with and without gaps (the two feature paths), long gaps,
     * and a ring holding an infinity (where the sums must be refused).
     */
    @Test
    void historyMeansFromTheFeatureWalksAreTheRingWalks() {
        WorkloadScoring scoring = new WorkloadScoring(BUCKET, ModelFeatures.HORIZON, null);
        FallbackForecaster fallback = new FallbackForecaster(BUCKET, ModelFeatures.HORIZON);
        Random rnd = new Random(5);
        int compared = 0, refused = 0;
        for (int w = 0; w < 40; w++) {
            ForecasterState fs = scoring.newState().forecaster;
            long t = T0;
            double gapRate = w % 4 == 0 ? 0 : w % 4 == 1 ? 0.02 : 0.3;
            int buckets = 5 + rnd.nextInt(700);
            for (int b = 0; b < buckets; b++) {
                t += BUCKET * (rnd.nextDouble() < 0.01 ? 2 + rnd.nextInt(400) : 1); // now and then a long gap
                if (rnd.nextDouble() < gapRate) continue;
                double[] y = new double[Resource.COUNT];
                for (int r = 0; r < y.length; r++) y[r] = (r + 1) * (1 + Math.sin(b / 40.0)) + rnd.nextDouble() * 0.3;
                if (w == 39 && b == buckets - 3) y[0] = Double.POSITIVE_INFINITY;
                fallback.observe(fs, t, y);
                if (rnd.nextDouble() < 0.05 || b == buckets - 1) {
                    double[] sums = new double[ModelForecaster.ROWS * ModelFeatures.SUMS];
                    float[] features = new float[ModelForecaster.ROWS * ModelFeatures.SIZE];
                    ModelForecaster.features(fs, BUCKET, features, 0, new double[ModelForecaster.ROWS], 0, sums);
                    double[] recent = new double[Resource.COUNT], day = new double[Resource.COUNT];
                    double[] walkRecent = new double[Resource.COUNT], walkDay = new double[Resource.COUNT];
                    ShadowAssembly.historyMeans(fs, BUCKET, walkRecent, walkDay);
                    if (scoring.historyMeansFromFeatures(fs, sums, recent, day)) {
                        assertThat(recent).as("workload %d bucket %d", w, b).isEqualTo(walkRecent);
                        assertThat(day).as("workload %d bucket %d", w, b).isEqualTo(walkDay);
                        compared++;
                    } else {
                        refused++;
                    }
                }
            }
        }
        assertThat(compared).isGreaterThan(200);
        assertThat(refused).as("the infinity is refused").isPositive();
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
