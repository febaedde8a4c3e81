package io.shadowscale.udf;

import java.util.List;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import io.shadowscale.schema.ForecastDriver;
import io.shadowscale.schema.ShadowHorizon;
import io.shadowscale.schema.TelemetryRollup;
import io.shadowscale.udf.logic.FallbackForecaster;
import io.shadowscale.udf.logic.Forecast;
import io.shadowscale.udf.logic.ForecasterState;
import io.shadowscale.udf.logic.forecast.EventEffect;
import io.shadowscale.udf.logic.forecast.ModelFeatures;
import io.shadowscale.udf.logic.forecast.ShadowAssembly;
import io.shadowscale.udf.logic.forecast.ModelForecaster;
import io.shadowscale.udf.logic.forecast.OnnxQuantileModel;
import io.shadowscale.udf.model.EnrichedRollup;
import io.shadowscale.udf.model.Residual;
import io.shadowscale.udf.model.Resource;

/**
 * Forecasts every workload's next hour from its closed buckets and emits the resource shadow
 * as one {@link ShadowHorizon} per bucket. It also owns the error of its own forecasts: each
 * closed bucket leaves, on {@link Descriptors#RESIDUALS}, next to the quantiles predicted for it
 * {@value ForecasterState#REFERENCE_LAG} steps earlier (15 minutes, before the start of a sustained
 * anomaly could have moved the forecast) — the input of the anomaly patterns.
 *
 * <p>Its input is the closed bucket enriched by the {@link BehavioralProfiler} with the
 * covariates of the horizon. The shadow comes from the bundled ONNX model
 * ({@link ModelForecaster}, one ONNX Runtime session per model per TaskManager) whenever it can
 * answer, and from the in-Java {@link FallbackForecaster} otherwise — cold start, model missing or
 * failing to load, NaN or out-of-range output — and the shadow's fallback flag and reason say so.
 * The fallback runs on every bucket anyway: its state (a day of history) is the model's input.
 * Campaigns ahead then move either forecast ({@link EventEffect}: by the change in announced
 * intensity from now, so a running campaign is not counted twice), and the horizon carries the
 * drivers: each campaign's counterfactual effect, the level and the daily pattern.
 * A workload's state is dropped after {@link ShadowOptions#idleStateTimeoutMs} of event time
 * without buckets (one event-time timer per workload, moved forward on each bucket).
 */
public class ShadowForecaster extends KeyedProcessFunction<String, EnrichedRollup, ShadowHorizon> {

    public static final ValueStateDescriptor<ForecasterState> STATE =
            new ValueStateDescriptor<>("forecaster", TypeInformation.of(ForecasterState.class));
    public static final ValueStateDescriptor<Long> IDLE_TIMER = IdleTimer.descriptor();

    static final String FALLBACK_REASON = "no ONNX model deployed";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ShadowForecaster.class);
    /** One session per model per TaskManager JVM, shared by every subtask. */
    private static final java.util.Map<String, OnnxQuantileModel> MODELS = new java.util.concurrent.ConcurrentHashMap<>();

    private final ShadowOptions options;
    private transient EventEffect eventEffect;
    private transient FallbackForecaster forecaster;
    private transient ModelForecaster model;
    /** Why the model is not used at all (null when it is loaded). */
    private transient String noModelReason;
    private transient ValueState<ForecasterState> state;
    private transient IdleTimer idleTimer;
    private transient Counter shadows;

    public ShadowForecaster(ShadowOptions options) {
        this.options = options;
    }

    @Override
    public void open(OpenContext ctx) {
        forecaster = new FallbackForecaster(options.bucketMs, options.horizonSteps);
        eventEffect = new EventEffect(options.campaignElasticity);
        noModelReason = FALLBACK_REASON;
        if ("onnx".equals(options.forecaster)) {
            if (options.horizonSteps != ModelFeatures.HORIZON || options.bucketMs != 300_000L) {
                noModelReason = "the model forecasts 12 five-minute steps; the job runs " + options.horizonSteps + " × " + options.bucketMs / 60_000 + " min";
            } else {
                try {
                    model = new ModelForecaster(MODELS.computeIfAbsent(options.modelName, n -> OnnxQuantileModel.bundled(n, options.onnxThreads)), options.bucketMs);
                    noModelReason = null;
                } catch (RuntimeException e) {
                    noModelReason = "model " + options.modelName + " unavailable: " + e.getMessage();
                    LOG.warn("Forecasting with the fallback only: {}", noModelReason);
                }
            }
        }
        state = getRuntimeContext().getState(STATE);
        idleTimer = new IdleTimer(getRuntimeContext().getState(IDLE_TIMER));
        shadows = getRuntimeContext().getMetricGroup().counter("shadowsEmitted");
    }

    @Override
    public void processElement(EnrichedRollup in, Context ctx, Collector<ShadowHorizon> out) throws Exception {
        TelemetryRollup r = in.rollup;
        ForecasterState s = state.value();
        if (s == null) {
            s = forecaster.newState();
        }
        long bucketStart = r.getBucketStart().toEpochMilli();
        double[] actual = ShadowAssembly.actuals(r);
        int refSlot = (int) Math.floorMod(Math.floorDiv(bucketStart, options.bucketMs), (long) ForecasterState.REFERENCE_LAG);
        if (s.referenceTarget[refSlot] == bucketStart) {
            ctx.output(Descriptors.RESIDUALS, residual(r, actual, s, refSlot).withContext(in));
        }
        Forecast f = forecaster.observeAndForecast(s, bucketStart, actual);
        if (f == null) {
            return; // duplicate bucket
        }
        String reason = noModelReason;
        Forecast m = model == null ? null : model.forecast(s);
        if (m != null) {
            f = m; // the fallback still measured its own error above, so its bands stay right for when it must answer
            reason = null;
        } else if (model != null) {
            reason = model.lastRefusal();
        }
        s.prevFallback = reason != null;
        List<ForecastDriver> drivers = ShadowAssembly.applyEvents(eventEffect, new EventEffect.Campaigns(
                in.campaignIds, in.campaignNames, in.campaignNow, in.campaignAhead, in.steps), s, f, options.bucketMs);
        int lag = Math.min(ForecasterState.REFERENCE_LAG, f.steps());
        long target = f.targetTime(lag - 1);
        int slot = (int) Math.floorMod(Math.floorDiv(target, options.bucketMs), (long) ForecasterState.REFERENCE_LAG);
        s.referenceTarget[slot] = target;
        s.referenceFallback[slot] = s.prevFallback;
        for (int i = 0; i < Resource.COUNT; i++) {
            int at = (slot * Resource.COUNT + i) * 3;
            s.referenceQuantiles[at] = f.p50[lag - 1][i];
            s.referenceQuantiles[at + 1] = f.p90[lag - 1][i];
            s.referenceQuantiles[at + 2] = f.p99[lag - 1][i];
        }
        state.update(s);
        ShadowAssembly.Source source = reason != null
                ? new ShadowAssembly.Source(FallbackForecaster.MODEL_ID, FallbackForecaster.MODEL_VERSION, reason)
                : new ShadowAssembly.Source(model.modelId(), model.modelVersion(), null);
        out.collect(ShadowAssembly.horizon(r, f, actual, source, in.tags, drivers, options.bucketMs));
        shadows.inc(f.steps());

        idleTimer.extendTo(ctx.timerService(), bucketStart + options.bucketMs + options.idleStateTimeoutMs);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ShadowHorizon> out) {
        state.clear();
        idleTimer.clear();
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
