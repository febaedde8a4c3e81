package io.shadowscale.udf.logic.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import java.util.function.IntToDoubleFunction;

import org.junit.jupiter.api.Test;

import io.shadowscale.udf.logic.Forecast;

class ForecastCombinerTest {

    static final long BUCKET = 300_000L;
    static final long T0 = 1_709_510_400_000L; // 2024-03-04T00:00Z
    static final int H = 12;

    /** A "model" forecasting {@code model(t + h)} for step h from origin t, with a band of ±1 above p50. */
    static Forecast modelForecast(long origin, int t, IntToDoubleFunction model) {
        double[][] p50 = new double[H][1], p90 = new double[H][1], p99 = new double[H][1];
        for (int h = 0; h < H; h++) {
            p50[h][0] = model.applyAsDouble(t + h + 1);
            p90[h][0] = p50[h][0] + 1;
            p99[h][0] = p50[h][0] + 2;
        }
        return new Forecast(origin, BUCKET, p50, p90, p99, H);
    }

    /** Runs the combiner over {@code n} buckets of {@code series}; returns the last combined forecast. */
    static Forecast run(ForecastCombiner comb, CombinationState c, double[] series, IntToDoubleFunction model, int n) {
        Forecast out = null;
        for (int t = 0; t < n; t++) {
            long bucket = T0 + t * BUCKET;
            comb.observe(c, bucket, new double[] {series[t]});
            out = comb.apply(c, modelForecast(bucket, t, model));
        }
        return out;
    }

    @Test
    void aPiecewiseConstantSeriesIsForecastByItsLastValue() {
        // level changes every 500 buckets; between changes last value is exact, the "model" is 20% off
        double[] y = new double[3000];
        for (int t = 0; t < y.length; t++) y[t] = 10 + 5 * ((t / 500) % 3);
        ForecastCombiner comb = new ForecastCombiner(1, BUCKET);
        CombinationState c = comb.newState();
        Forecast f = run(comb, c, y, t -> 1.2 * y[Math.min(t, y.length - 1)], 2900);
        for (int s = 0; s < H; s++) {
            double[] w = comb.weights(c, 0, s);
            // the EWMA lags each change by a few buckets, the model is always 20% off
            assertThat(w[ForecastCombiner.MODEL]).as("step %d", s + 1).isLessThan(0.01);
            assertThat(w[ForecastCombiner.LAST]).as("step %d", s + 1).isGreaterThan(w[ForecastCombiner.EWMA]);
            assertThat(f.p50[s][0]).isCloseTo(y[2899], within(0.01 * y[2899]));
            // the band moves with p50: the model's +1 / +2 above it
            assertThat(f.p90[s][0] - f.p50[s][0]).isCloseTo(1, within(1e-9));
            assertThat(f.p99[s][0] - f.p50[s][0]).isCloseTo(2, within(1e-9));
        }
    }

    @Test
    void aSeasonalSeriesTheModelKnowsIsForecastByTheModel() {
        double[] y = new double[3000 + H + 1];
        IntToDoubleFunction mu = t -> 10 + 3 * Math.sin(2 * Math.PI * t / 288);
        Random rnd = new Random(7);
        for (int t = 0; t < y.length; t++) y[t] = mu.applyAsDouble(t) + 0.05 * rnd.nextGaussian();
        ForecastCombiner comb = new ForecastCombiner(1, BUCKET);
        CombinationState c = comb.newState();
        Forecast f = run(comb, c, y, mu, 3000);
        // last value's error grows with the step (the sine moves ~0.065 per bucket at its steepest)
        // while the model's stays at the noise: the far steps go to the model
        for (int s = 5; s < H; s++) {
            assertThat(comb.weights(c, 0, s)[ForecastCombiner.MODEL]).as("step %d", s + 1).isGreaterThan(0.8);
        }
        assertThat(comb.weights(c, 0, H - 1)[ForecastCombiner.MODEL]).isGreaterThan(0.95);
        double modelAtEnd = mu.applyAsDouble(3000 - 1 + H);
        assertThat(f.p50[H - 1][0]).isCloseTo(modelAtEnd, within(0.05));
    }

    @Test
    void aStepIsCombinedOnlyOnceItsFirstTargetHasArrived() {
        ForecastCombiner comb = new ForecastCombiner(1, BUCKET);
        CombinationState c = comb.newState();
        IntToDoubleFunction model = t -> 100;
        comb.observe(c, T0, new double[] {10});
        Forecast first = comb.apply(c, modelForecast(T0, 0, model));
        // nothing checked yet: the model answers alone
        assertThat(first.p50[0][0]).isEqualTo(100);
        assertThat(comb.weights(c, 0, 0)).isNull();
        comb.observe(c, T0 + BUCKET, new double[] {10});
        Forecast second = comb.apply(c, modelForecast(T0 + BUCKET, 1, model));
        // step 1 of the first forecast was checked (model 100, last 10, EWMA 10 against 10): last value and EWMA take over step 1
        double[] w = comb.weights(c, 0, 0);
        assertThat(w[ForecastCombiner.MODEL]).isLessThan(1e-6);
        assertThat(second.p50[0][0]).isCloseTo(10, within(1e-3));
        // step 2's target (T0 + 2 buckets) has not arrived: still the model alone
        assertThat(comb.weights(c, 0, 1)).isNull();
        assertThat(second.p50[1][0]).isEqualTo(100);
    }

    @Test
    void equalLossesGiveEqualWeightsAndAMissingActualIsNotScored() {
        ForecastCombiner comb = new ForecastCombiner(1, BUCKET, H, 0.5, 2, 1.0);
        CombinationState c = comb.newState();
        // alpha 1: the EWMA is the last value; model forecasts 12, actuals 10 → model loss 2, others 0 after t=1
        comb.observe(c, T0, new double[] {10});
        comb.apply(c, modelForecast(T0, 0, t -> 12));
        comb.observe(c, T0 + BUCKET, new double[] {Double.NaN});
        assertThat(comb.weights(c, 0, 0)).as("a missing actual checks nothing").isNull();
        comb.apply(c, modelForecast(T0 + BUCKET, 1, t -> 12));
        comb.observe(c, T0 + 2 * BUCKET, new double[] {14});
        // step 1 of origin 1 (model 12, last/EWMA 10 remembered from before the gap) against 14: losses 2, 4, 4
        double[] w = comb.weights(c, 0, 0);
        assertThat(w[ForecastCombiner.LAST]).isCloseTo(w[ForecastCombiner.EWMA], within(1e-12));
        // inverse squared loss: 1/4 : 1/16 : 1/16
        assertThat(w[ForecastCombiner.MODEL]).isCloseTo(4.0 / 6, within(1e-9));
        assertThat(w[ForecastCombiner.LAST]).isCloseTo(1.0 / 6, within(1e-9));
    }

    /**
     * The scorer's inlined {@link ForecastCombiner#apply} against the plain form it replaced —
     * clone the model's quantiles, then per resource and step the weighted candidates from
     * {@code weights()} — bit for bit, with missing values, exact candidates (zero loss), zeros and
     * spikes, on a state driven in lockstep.
     */
    @Test
    void theInlinedCombinationEqualsThePlainFormBitForBit() {
        int resources = 5;
        ForecastCombiner comb = new ForecastCombiner(resources, BUCKET);
        CombinationState fast = comb.newState(), plain = comb.newState();
        Random rnd = new Random(11);
        double[] level = new double[resources];
        for (int t = 0; t < 4000; t++) {
            long bucket = T0 + t * BUCKET;
            double[] actual = new double[resources];
            for (int r = 0; r < resources; r++) {
                if (t % 700 == 0) level[r] = rnd.nextInt(4) == 0 ? 0 : Math.exp(rnd.nextGaussian() * 3);
                double u = rnd.nextDouble();
                actual[r] = u < 0.05 ? Double.NaN : u < 0.08 ? level[r] * 20 : level[r] * (1 + 0.2 * rnd.nextGaussian());
                if (r == 4) actual[r] = level[r]; // a flat series: last value is exact
            }
            comb.observe(fast, bucket, actual);
            comb.observe(plain, bucket, actual);
            double[][] p50 = new double[H][resources], p90 = new double[H][resources], p99 = new double[H][resources];
            for (int h = 0; h < H; h++) {
                for (int r = 0; r < resources; r++) {
                    p50[h][r] = Math.max(0, level[r] * (1 + 0.3 * rnd.nextGaussian()));
                    p90[h][r] = p50[h][r] + rnd.nextDouble() * level[r];
                    p99[h][r] = p90[h][r] + rnd.nextDouble() * level[r];
                }
            }
            Forecast model = new Forecast(bucket, BUCKET, p50, p90, p99, H);
            Forecast a = comb.apply(fast, model);
            Forecast b = plainApply(comb, plain, model, resources);
            for (int h = 0; h < H; h++) {
                assertThat(a.p50[h]).as("p50 at %d step %d", t, h).isEqualTo(b.p50[h]);
                assertThat(a.p90[h]).as("p90 at %d step %d", t, h).isEqualTo(b.p90[h]);
                assertThat(a.p99[h]).as("p99 at %d step %d", t, h).isEqualTo(b.p99[h]);
            }
            // the model's own forecast is left alone
            assertThat(model.p50).isEqualTo(p50);
        }
        assertThat(fast.model).isEqualTo(plain.model);
        assertThat(fast.flat).isEqualTo(plain.flat);
        assertThat(fast.origin).isEqualTo(plain.origin);
        assertThat(fast.loss).isEqualTo(plain.loss);
        // the combination did act: some steps moved away from the model
        assertThat(comb.weights(fast, 4, 0)[ForecastCombiner.LAST]).isGreaterThan(0.5);
    }

    /** The combination as first written (before the scorer's inlined loop). */
    private static Forecast plainApply(ForecastCombiner comb, CombinationState c, Forecast model, int resources) {
        int steps = ForecastCombiner.PENDING;
        int h = Math.min(model.steps(), steps);
        int slot = (int) Math.floorMod(Math.floorDiv(model.lastBucketStart, BUCKET), (long) steps);
        c.origin[slot] = model.lastBucketStart;
        double[][] p50 = new double[model.steps()][], p90 = new double[model.steps()][], p99 = new double[model.steps()][];
        for (int s = 0; s < model.steps(); s++) {
            p50[s] = model.p50[s].clone();
            p90[s] = model.p90[s].clone();
            p99[s] = model.p99[s].clone();
        }
        for (int r = 0; r < resources; r++) {
            double last = c.last[r], level = c.level[r];
            boolean known = !Double.isNaN(last);
            c.flat[(slot * resources + r) * 2] = (float) (known ? last : Double.NaN);
            c.flat[(slot * resources + r) * 2 + 1] = (float) (known ? level : Double.NaN);
            for (int s = 0; s < h; s++) {
                double m = model.p50[s][r];
                c.model[(slot * steps + s) * resources + r] = (float) m;
                if (!known) continue;
                double[] w = comb.weights(c, r, s);
                if (w == null) continue;
                double combined = w[ForecastCombiner.MODEL] * m + w[ForecastCombiner.LAST] * last + w[ForecastCombiner.EWMA] * level;
                double shift = combined - m;
                p50[s][r] = Math.max(0, combined);
                p90[s][r] = Math.max(p50[s][r], model.p90[s][r] + shift);
                p99[s][r] = Math.max(p90[s][r], model.p99[s][r] + shift);
            }
        }
        return new Forecast(model.lastBucketStart, model.bucketMs, p50, p90, p99, model.seasonalSteps);
    }
}
