package io.shadowscale.udf.logic.forecast;

import java.util.List;
import java.util.function.Consumer;

import io.shadowscale.schema.ForecastDriver;
import io.shadowscale.schema.ShadowHorizon;
import io.shadowscale.schema.TelemetryRollup;
import io.shadowscale.udf.logic.FallbackForecaster;
import io.shadowscale.udf.logic.Forecast;
import io.shadowscale.udf.logic.ForecasterState;
import io.shadowscale.udf.model.EnrichedRollup;
import io.shadowscale.udf.model.Residual;
import io.shadowscale.udf.model.Resource;

/**
 * What the scorer does for one workload's closed bucket, without Flink, in two halves around the
 * batched model run:
 * <ol>
 *   <li>{@link #observe}: the residual of the bucket against the forecast made
 *       {@value ForecasterState#REFERENCE_LAG} steps earlier, the fallback forecaster's update (on
 *       every bucket: its state is the model's input; its 12-step forecast only when it answers),
 *       the calibration's check of earlier forecasts, and whether the model is asked;</li>
 *   <li>{@link #features} writes the model's input rows into a batch;</li>
 *   <li>{@link #complete}: decodes the model's rows (or takes the fallback on cold start, a missing
 *       model, a failed run, NaN or out-of-range output — with the reason), calibrates, passes the
 *       finished forecast through {@link #finish}, remembers the reference forecast for the
 *       residuals and builds the {@link ShadowHorizon}.</li>
 * </ol>
 * Requests of one workload must complete in order, one at a time (the scorer flushes a batch
 * before it takes a second bucket of a workload already in it).
 */
public final class WorkloadScoring {

    /** Fallback reason when forecasting with the Java forecaster only ({@code --forecaster fallback}). */
    public static final String NO_MODEL = "no ONNX model deployed";

    private final long bucketMs;
    private final FallbackForecaster fallback;
    private final QuantileCalibrator calibrator;
    private final ForecastCombiner combiner;
    private final CohortPriors priors;
    private final EventEffect eventEffect;

    /** @param priors cohort priors for young workloads, or null for none */
    public WorkloadScoring(long bucketMs, int horizonSteps, CohortPriors priors) {
        this(bucketMs, horizonSteps, priors, EventEffect.DEFAULT_ELASTICITY);
    }

    /** @param campaignElasticity per resource, how strongly it follows a campaign's load ({@link EventEffect}) */
    public WorkloadScoring(long bucketMs, int horizonSteps, CohortPriors priors, double[] campaignElasticity) {
        this.eventEffect = new EventEffect(campaignElasticity);
        this.bucketMs = bucketMs;
        this.fallback = new FallbackForecaster(bucketMs, horizonSteps);
        this.calibrator = new QuantileCalibrator(Resource.COUNT, bucketMs, false);
        this.combiner = new ForecastCombiner(Resource.COUNT, bucketMs);
        this.priors = priors;
    }

    public WorkloadForecastState newState() {
        return new WorkloadForecastState(fallback.newState(), calibrator.newState(), combiner.newState());
    }

    /** One bucket on its way through the scorer. */
    public static final class Request {
        public final EnrichedRollup in;
        public final WorkloadForecastState state;
        final double[] actual;
        /** The fallback's forecast, or null when the model is asked (made on its failure). */
        final Forecast fallbackForecast;
        /** The model asked for this bucket, or null (then {@link #reason} says why). */
        public final OnnxQuantileModel model;
        final String reason;
        final double[] scales = new double[ModelForecaster.ROWS];
        /** The history drivers' means ({@link ShadowAssembly#historyMeans}), taken with the features; null until then. */
        double[] recent, dayMean;

        Request(EnrichedRollup in, WorkloadForecastState state, double[] actual, Forecast fallbackForecast, OnnxQuantileModel model, String reason) {
            this.in = in;
            this.state = state;
            this.actual = actual;
            this.fallbackForecast = fallbackForecast;
            this.model = model;
            this.reason = reason;
        }

        public long bucketStart() {
            return in.rollup.getBucketStart().toEpochMilli();
        }
    }

    /**
     * First half: folds the bucket into the workload's state, emits its residual and decides
     * whether the model is asked.
     *
     * @param model the model that serves this workload, or null
     * @param noModelReason why there is none (when {@code model} is null)
     * @return the request, or null for a duplicate bucket (nothing to do)
     */
    public Request observe(WorkloadForecastState s, EnrichedRollup in, OnnxQuantileModel model, String noModelReason, Consumer<Residual> residuals) {
        TelemetryRollup r = in.rollup;
        ForecasterState fs = s.forecaster;
        long bucketStart = r.getBucketStart().toEpochMilli();
        double[] actual = ShadowAssembly.actuals(r);
        int refSlot = (int) Math.floorMod(Math.floorDiv(bucketStart, bucketMs), (long) ForecasterState.REFERENCE_LAG);
        boolean fresh = fs.lastBucketStart == Long.MIN_VALUE || bucketStart > fs.lastBucketStart;
        if (fresh && fs.referenceTarget[refSlot] == bucketStart) {
            residuals.accept(residual(r, actual, fs, refSlot).withContext(in));
        }
        if (!fallback.observe(fs, bucketStart, actual)) {
            return null; // duplicate bucket
        }
        calibrator.observe(s.calibration, bucketStart, actual);
        if (s.combination == null) s.combination = combiner.newState();
        combiner.observe(s.combination, bucketStart, actual);
        if (priors != null) {
            priors.learn(in.tags, fs, bucketMs);
        }
        String reason = noModelReason;
        if (model != null) {
            reason = ModelForecaster.coldStart(fs, bucketMs);
            if (reason != null) {
                model = null;
            }
        } else if (reason == null) {
            reason = NO_MODEL;
        }
        // the fallback's 12-step forecast is made now only when it answers, or when a cohort prior
        // would shape it (the priors learn from other workloads before this request completes);
        // otherwise complete() makes it from the unchanged state if the model fails
        Forecast f = null;
        if (model == null || (priors != null && priors.adjusts(in.tags, fallback.seasonalSteps(fs)))) {
            f = fallback.forecast(fs);
            if (priors != null) {
                f = priors.adjust(in.tags, fs, f);
            }
        }
        return new Request(in, s, actual, f, model, reason);
    }

    /** Writes the request's {@link ModelForecaster#ROWS} feature rows at {@code offset} (floats) of {@code batch}. */
    public void features(Request q, float[] batch, int offset) {
        double[] sums = new double[ModelForecaster.ROWS * ModelFeatures.SUMS];
        ModelForecaster.features(q.state.forecaster, bucketMs, batch, offset, q.scales, 0, sums);
        // the history drivers' means: from the sums the feature walks just made when they are
        // the same additions (see historyMeansFromFeatures), else from another walk over the ring
        q.recent = new double[Resource.COUNT];
        q.dayMean = new double[Resource.COUNT];
        if (!historyMeansFromFeatures(q.state.forecaster, sums, q.recent, q.dayMean)) {
            ShadowAssembly.historyMeans(q.state.forecaster, bucketMs, q.recent, q.dayMean);
        }
    }

    /**
     * The history drivers' means ({@link ShadowAssembly#historyMeans}) from the features' sums:
     * the same values, newest first, when the ring holds exactly a day (a day's walk is the
     * ring's), the hour is {@link ModelFeatures#HOUR} buckets and the sums are finite (the ring's
     * walk skips infinities, the features' do not). False when one of these does not hold.
     */
    boolean historyMeansFromFeatures(ForecasterState fs, double[] sums, double[] recent, double[] dayMean) {
        if (fs.season != ModelFeatures.DAY || 3_600_000L / bucketMs != ModelFeatures.HOUR || fs.lastBucketStart == Long.MIN_VALUE) {
            return false;
        }
        java.util.Arrays.fill(recent, Double.NaN);
        java.util.Arrays.fill(dayMean, Double.NaN);
        for (Resource r : EventEffect.HISTORY_RESOURCES) {
            int at = r.ordinal() * ModelFeatures.SUMS;
            double hourSum = sums[at + ModelFeatures.HOUR_SUM], daySum = sums[at + ModelFeatures.DAY_SUM];
            if (!Double.isFinite(hourSum) || !Double.isFinite(daySum)) {
                return false;
            }
            double hourKnown = sums[at + ModelFeatures.HOUR_KNOWN], dayKnown = sums[at + ModelFeatures.DAY_KNOWN];
            recent[r.ordinal()] = hourKnown == 0 ? Double.NaN : hourSum / hourKnown;
            dayMean[r.ordinal()] = dayKnown == 0 ? Double.NaN : daySum / dayKnown;
        }
        return true;
    }

    /**
     * Second half.
     *
     * @param output the batch's model output (null when the model was not asked or the run failed)
     * @param row the request's first row in {@code output}
     * @param failure why the run failed, or null
     */
    public ShadowHorizon complete(Request q, float[] output, int row, String failure) {
        WorkloadForecastState s = q.state;
        Forecast f = q.fallbackForecast;
        // what the anomaly residuals compare with: the forecaster's own quantiles, not the
        // calibrated ones — calibration widens bands after misses (for provisioning coverage),
        // which would hide the next anomaly behind the last one
        Forecast reference = f;
        EventEffect.Campaigns campaigns = campaigns(q.in);
        boolean remembered = false;
        String reason = q.reason;
        if (q.model != null) {
            if (failure != null || output == null) {
                reason = "model failed: " + failure;
            } else {
                ModelForecaster.Decoded d = ModelForecaster.decode(output, row, q.scales, 0, s.forecaster.lastBucketStart, bucketMs);
                if (d.forecast != null) {
                    // the reference stays the model's own: last value in the blend would follow a
                    // level shift within a bucket and hide it from the anomaly residuals
                    if (campaigns.count() == 0) {
                        // no campaign will move it: remember it now, then combine and calibrate the
                        // decoded arrays in place (a third of the scorer's allocations per forecast)
                        remember(s.forecaster, d.forecast, false);
                        remembered = true;
                        f = reference = calibrator.applyInPlace(s.calibration, combiner.applyInPlace(s.combination, d.forecast));
                    } else {
                        reference = d.forecast;
                        f = calibrator.applyInPlace(s.calibration, combiner.apply(s.combination, d.forecast)); // the combiner's output is fresh
                    }
                    reason = null;
                } else {
                    reason = d.refusal;
                }
            }
        }
        if (reason != null) {
            calibrator.skip(s.calibration, s.forecaster.lastBucketStart);
            if (f == null) {
                f = reference = fallback.forecast(s.forecaster); // the model was asked and failed
            }
        }
        // campaigns ahead move either forecast, model or fallback, and say what they did
        EnrichedRollup in = q.in;
        List<ForecastDriver> drivers = ShadowAssembly.applyEvents(eventEffect, campaigns, s.forecaster, f, bucketMs, q.recent, q.dayMean);
        if (reference != f) {
            eventEffect.apply(reference, campaigns);
        }
        if (!remembered) {
            remember(s.forecaster, reference, reason != null);
        }
        ShadowAssembly.Source source = reason != null
                ? new ShadowAssembly.Source(FallbackForecaster.MODEL_ID, FallbackForecaster.MODEL_VERSION, reason)
                : new ShadowAssembly.Source(q.model.id(), q.model.version(), null);
        return ShadowAssembly.horizon(in.rollup, f, q.actual, source, in.tags, drivers, bucketMs);
    }

    private static EventEffect.Campaigns campaigns(EnrichedRollup in) {
        return new EventEffect.Campaigns(in.campaignIds, in.campaignNames, in.campaignNow, in.campaignAhead, in.steps);
    }

    /** Keeps the quantiles predicted {@value ForecasterState#REFERENCE_LAG} steps ahead, for that bucket's residual. */
    private void remember(ForecasterState s, Forecast f, boolean fallbackUsed) {
        s.prevFallback = fallbackUsed;
        int lag = Math.min(ForecasterState.REFERENCE_LAG, f.steps());
        long target = f.targetTime(lag - 1);
        int slot = (int) Math.floorMod(Math.floorDiv(target, bucketMs), (long) ForecasterState.REFERENCE_LAG);
        s.referenceTarget[slot] = target;
        s.referenceFallback[slot] = fallbackUsed;
        for (int i = 0; i < Resource.COUNT; i++) {
            int at = (slot * Resource.COUNT + i) * 3;
            s.referenceQuantiles[at] = f.p50[lag - 1][i];
            s.referenceQuantiles[at + 1] = f.p90[lag - 1][i];
            s.referenceQuantiles[at + 2] = f.p99[lag - 1][i];
        }
    }

    private static Residual residual(TelemetryRollup r, double[] actual, ForecasterState s, int slot) {
        Residual res = new Residual();
        res.tenantId = r.getTenantId();
        res.workloadId = r.getWorkloadId();
        res.bucketStart = r.getBucketStart().toEpochMilli();
        res.bucketMs = r.getBucketMs();
        res.actual = actual.clone();
        res.p50 = new double[Resource.COUNT];
        res.p90 = new double[Resource.COUNT];
        res.p99 = new double[Resource.COUNT];
        for (int i = 0; i < Resource.COUNT; i++) {
            int at = (slot * Resource.COUNT + i) * 3;
            res.p50[i] = s.referenceQuantiles[at];
            res.p90[i] = s.referenceQuantiles[at + 1];
            res.p99[i] = s.referenceQuantiles[at + 2];
        }
        res.requests = r.getRequests();
        res.fallback = s.referenceFallback[slot];
        return res;
    }
}
