package io.shadowscale.udf.logic.whatif;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import io.shadowscale.schema.ExternalEvent;
import io.shadowscale.schema.ScalingCommand;
import io.shadowscale.schema.ShadowHorizon;
import io.shadowscale.schema.TelemetryRollup;
import io.shadowscale.udf.ShadowOptions;
import io.shadowscale.udf.logic.AllocationState;
import io.shadowscale.udf.logic.FallbackForecaster;
import io.shadowscale.udf.logic.Forecast;
import io.shadowscale.udf.logic.ForecasterState;
import io.shadowscale.udf.logic.ThresholdPolicy;
import io.shadowscale.udf.logic.events.CovariateBuilder;
import io.shadowscale.udf.logic.events.Covariates;
import io.shadowscale.udf.logic.forecast.EventEffect;
import io.shadowscale.udf.logic.forecast.ModelForecaster;
import io.shadowscale.udf.logic.forecast.ShadowAssembly;

/**
 * The resource shadow simulator on demand: replays a workload's closed buckets through the
 * job's own forecaster code (fallback state, then the ONNX model when it can answer), applies the
 * given external events — real, hypothetical or none — with the job's {@link EventEffect}, and
 * asks the job's policy what it would command. Nothing is published; the same inputs give the
 * same answer as the live job would have from that bucket.
 */
public final class WhatIf {

    /** The projected shadow, the command the policy would issue (null: none) and the allocation it started from. */
    public record Outcome(ShadowHorizon horizon, ScalingCommand command, AllocationState allocationBefore, AllocationState allocationAfter,
                          boolean allocationAssumed) {}

    private final ShadowOptions options;
    private final ModelForecaster model;

    /** @param model the ONNX forecaster, or null to forecast with the fallback only */
    public WhatIf(ShadowOptions options, ModelForecaster model) {
        this.options = options;
        this.model = model;
    }

    /**
     * @param history    the workload's closed buckets up to the origin, oldest first (at least one)
     * @param events     the external events that apply to the workload in this scenario
     * @param allocation the current allocation, or null to assume it as the job does before the platform reports one
     */
    public Outcome run(List<TelemetryRollup> history, ZoneId zone, Collection<ExternalEvent> events, String[] tags,
                       AllocationState allocation) {
        if (history.isEmpty()) {
            throw new IllegalArgumentException("no history to forecast from");
        }
        FallbackForecaster fallback = new FallbackForecaster(options.bucketMs, options.horizonSteps);
        ForecasterState s = fallback.newState();
        Forecast f = null;
        TelemetryRollup last = null;
        for (TelemetryRollup r : history) {
            Forecast next = fallback.observeAndForecast(s, r.getBucketStart().toEpochMilli(), ShadowAssembly.actuals(r));
            if (next != null) {
                f = next;
                last = r;
            }
        }
        ShadowAssembly.Source source = new ShadowAssembly.Source(FallbackForecaster.MODEL_ID, FallbackForecaster.MODEL_VERSION,
                model == null ? "forecasting with the fallback only" : null);
        if (model != null) {
            Forecast m = model.forecast(s);
            if (m != null) {
                f = m;
                source = new ShadowAssembly.Source(model.modelId(), model.modelVersion(), null);
            } else {
                source = new ShadowAssembly.Source(FallbackForecaster.MODEL_ID, FallbackForecaster.MODEL_VERSION, model.lastRefusal());
            }
        }
        long origin = last.getBucketStart().toEpochMilli() + options.bucketMs;
        Covariates cov = CovariateBuilder.build(origin, options.bucketMs, f.steps(), zone, events);
        List<Covariates.Campaign> cs = cov.campaigns;
        String[] ids = new String[cs.size()], names = new String[cs.size()];
        double[] now = new double[cs.size()], ahead = new double[cs.size() * f.steps()];
        for (int c = 0; c < cs.size(); c++) {
            ids[c] = cs.get(c).eventId();
            names[c] = cs.get(c).name();
            now[c] = cs.get(c).now();
            System.arraycopy(cs.get(c).ahead(), 0, ahead, c * f.steps(), f.steps());
        }
        var drivers = ShadowAssembly.applyEvents(new EventEffect(options.campaignElasticity),
                new EventEffect.Campaigns(ids, names, now, ahead, f.steps()), s, f, options.bucketMs);
        ShadowHorizon h = ShadowAssembly.horizon(last, f, ShadowAssembly.actuals(last), source, tags, drivers, options.bucketMs);

        ThresholdPolicy policy = new ThresholdPolicy(options);
        boolean assumed = allocation == null;
        AllocationState before = assumed ? policy.assumedAllocation(h) : allocation;
        AllocationState after = before.copy();
        ScalingCommand c = policy.decide(h, after);
        return new Outcome(h, c, before, after, assumed);
    }

    /** All campaigns of {@code events} plus {@code added}, without those whose id is in {@code removed}. */
    public static List<ExternalEvent> scenario(Collection<ExternalEvent> events, Collection<ExternalEvent> added, Collection<String> removed) {
        List<ExternalEvent> out = new ArrayList<>();
        for (ExternalEvent e : events) {
            if (!removed.contains(e.getEventId())) {
                out.add(e);
            }
        }
        out.addAll(added);
        return out;
    }
}
