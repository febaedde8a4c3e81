package io.shadowscale.udf.logic.forecast;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.shadowscale.schema.ForecastDriver;
import io.shadowscale.schema.ResourceShadow;
import io.shadowscale.schema.ShadowHorizon;
import io.shadowscale.schema.TelemetryRollup;
import io.shadowscale.udf.logic.Forecast;
import io.shadowscale.udf.logic.ForecasterState;
import io.shadowscale.udf.model.Resource;

/**
 * The last stretch from a history-based forecast to the resource shadow, shared by the job's
 * forecaster and the what-if simulator so both tell the same story: campaigns ahead applied and
 * explained ({@link EventEffect}), then the horizon record.
 */
public final class ShadowAssembly {

    /** Drivers kept on a horizon, largest first. */
    public static final int MAX_DRIVERS = 6;

    private ShadowAssembly() {}

    /** The actual use of a closed bucket, per {@link Resource}. */
    public static double[] actuals(TelemetryRollup r) {
        double[] y = new double[Resource.COUNT];
        y[Resource.CPU.ordinal()] = r.getCpuAvg();
        y[Resource.MEMORY.ordinal()] = r.getMemoryAvg();
        y[Resource.NETWORK_IN.ordinal()] = r.getNetworkInBytesPerSec();
        y[Resource.NETWORK_OUT.ordinal()] = r.getNetworkOutBytesPerSec();
        y[Resource.STORAGE.ordinal()] = r.getStorageMax();
        return y;
    }

    /**
     * Moves {@code f} by the campaigns ahead and lists what drove it: each campaign's
     * counterfactual effect, then the level and the daily pattern of the history in {@code s}.
     */
    public static List<ForecastDriver> applyEvents(EventEffect effect, EventEffect.Campaigns campaigns, ForecasterState s,
                                                   Forecast f, long bucketMs) {
        return applyEvents(effect, campaigns, s, f, bucketMs, null, null);
    }

    /**
     * The same with the history's means taken already ({@link #historyMeans} on the same state),
     * or null to take them here.
     */
    public static List<ForecastDriver> applyEvents(EventEffect effect, EventEffect.Campaigns campaigns, ForecasterState s,
                                                   Forecast f, long bucketMs, double[] recent, double[] dayMean) {
        // the p50 before campaign effects (apply changes f only when there are campaigns)
        double[][] campaignFree = f.p50;
        if (campaigns.count() > 0) {
            campaignFree = new double[f.steps()][];
            for (int i = 0; i < f.steps(); i++) {
                campaignFree[i] = f.p50[i].clone();
            }
        }
        List<ForecastDriver> drivers = new ArrayList<>(effect.apply(f, campaigns));
        if (recent == null) {
            recent = new double[Resource.COUNT];
            dayMean = new double[Resource.COUNT];
            historyMeans(s, bucketMs, recent, dayMean);
        }
        drivers.addAll(EventEffect.historyDrivers(f, recent, dayMean, campaignFree));
        if (drivers.size() > 1) {
            drivers.sort(EventEffect.BY_SIZE);
        }
        return drivers.size() > MAX_DRIVERS ? new ArrayList<>(drivers.subList(0, MAX_DRIVERS)) : drivers;
    }

    /**
     * The last hour's and the day's mean of each resource the history drivers describe (CPU and
     * memory; NaN for the others) into {@code recent} and {@code dayMean}: a walk over the day's
     * ring, so the scorer takes them while it builds the model's features from the same ring
     * (in cache then) rather than when the batch completes.
     */
    public static void historyMeans(ForecasterState s, long bucketMs, double[] recent, double[] dayMean) {
        int hour = (int) Math.max(1, 3_600_000L / bucketMs);
        java.util.Arrays.fill(recent, Double.NaN);
        java.util.Arrays.fill(dayMean, Double.NaN);
        for (Resource r : EventEffect.HISTORY_RESOURCES) {
            s.recentAndDayMean(r.ordinal(), hour, bucketMs, recent, dayMean);
        }
    }

    /** Which forecaster answered: model id and version, and why the fallback did (null when the model did). */
    public record Source(String modelId, String modelVersion, String fallbackReason) {
        public boolean fallback() {
            return fallbackReason != null;
        }
    }

    /** The horizon record of forecast {@code f} made from the close of bucket {@code r}. */
    public static ShadowHorizon horizon(TelemetryRollup r, Forecast f, double[] actual, Source source, String[] tags,
                                        List<ForecastDriver> drivers, long bucketMs) {
        Instant generatedAt = Instant.ofEpochMilli(f.lastBucketStart + bucketMs);
        // records built with setters, not Avro builders: a builder copies the schema's field list
        // and looks up defaults on every build, which cost a third of the scorer's time per forecast
        // (every field is set here; ForecastScorerTest encodes the result to catch a missed one)
        List<ResourceShadow> steps = new ArrayList<>(f.steps());
        for (int i = 0; i < f.steps(); i++) {
            double[] q50 = f.p50[i], q90 = f.p90[i], q99 = f.p99[i];
            ResourceShadow s = new ResourceShadow();
            s.setTenantId(r.getTenantId());
            s.setWorkloadId(r.getWorkloadId());
            s.setTimestamp(Instant.ofEpochMilli(f.targetTime(i)));
            s.setStep(i + 1);
            s.setStepMs(bucketMs);
            s.setGeneratedAt(generatedAt);
            s.setCpuP50(q50[0]);
            s.setCpuP90(q90[0]);
            s.setCpuP99(q99[0]);
            s.setMemoryP50(q50[1]);
            s.setMemoryP90(q90[1]);
            s.setMemoryP99(q99[1]);
            s.setNetworkInP50(q50[2]);
            s.setNetworkInP90(q90[2]);
            s.setNetworkInP99(q99[2]);
            s.setNetworkOutP50(q50[3]);
            s.setNetworkOutP90(q90[3]);
            s.setNetworkOutP99(q99[3]);
            s.setStorageP50(q50[4]);
            s.setStorageP90(q90[4]);
            s.setStorageP99(q99[4]);
            s.setModelId(source.modelId());
            s.setModelVersion(source.modelVersion());
            s.setFallback(source.fallback());
            s.setFallbackReason(source.fallbackReason());
            steps.add(s);
        }
        ShadowHorizon h = new ShadowHorizon();
        h.setTenantId(r.getTenantId());
        h.setWorkloadId(r.getWorkloadId());
        h.setGeneratedAt(generatedAt);
        h.setSteps(steps);
        h.setLastCpu(actual[Resource.CPU.ordinal()]);
        h.setLastMemory(actual[Resource.MEMORY.ordinal()]);
        h.setLastStorage(actual[Resource.STORAGE.ordinal()]);
        h.setRegion(r.getRegion());
        h.setTags(tags == null ? List.of() : List.of(tags));
        h.setDrivers(drivers);
        return h;
    }
}
