package io.shadowscale.udf.logic;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import io.shadowscale.schema.ResourceShadow;
import io.shadowscale.schema.ScalingAction;
import io.shadowscale.schema.ScalingCommand;
import io.shadowscale.schema.ShadowHorizon;
import io.shadowscale.udf.ShadowOptions;

/**
 * Decides from one shadow (all steps of a forecast) and the current allocation whether to
 * scale, ahead of the predicted crossing.
 *
 * <ul>
 *   <li>Required capacity per step = chosen quantile ÷ target utilisation (CPU and memory).</li>
 *   <li>Scale up when a step's requirement exceeds the allocation: sized for the peak over the
 *       horizon, effective at the first crossing minus the provisioning lead time. In-place
 *       resize when the per-replica size fits the instance limits, else scale out (bounded by
 *       the maximum step and replica count).</li>
 *   <li>Scale in only when p99 over the whole horizon stays below the scale-in utilisation for
 *       the stabilisation window and the cooldown has passed.</li>
 *   <li>Storage grows when the p99 at the end of the horizon exceeds its target utilisation.</li>
 * </ul>
 * Pure Java: the job, backtests and what-if runs share it.
 */
public final class ThresholdPolicy {

    static final double CPU_GRAIN = 0.25;
    static final long MEMORY_GRAIN = 256L << 20;
    static final long STORAGE_GRAIN = 1L << 30;

    private final ShadowOptions o;

    public ThresholdPolicy(ShadowOptions options) {
        this.o = options;
    }

    /** The allocation assumed before the platform reports one: what a reactive autoscaler at the target utilisation would hold now. */
    public AllocationState assumedAllocation(ShadowHorizon h) {
        AllocationState a = new AllocationState();
        a.reported = false;
        a.cpuPerReplica = o.defaultCpuPerReplica;
        a.replicas = clampReplicas((int) Math.ceil(h.getLastCpu() / o.targetCpuUtilization / o.defaultCpuPerReplica));
        a.memoryPerReplicaBytes = Math.max(o.defaultMemoryPerReplicaBytes,
                roundUp((long) (h.getLastMemory() / o.targetMemoryUtilization / a.replicas), MEMORY_GRAIN));
        a.storageBytes = Math.max(STORAGE_GRAIN, roundUp((long) (h.getLastStorage() / o.targetStorageUtilization), STORAGE_GRAIN));
        a.maxCpuPerReplica = Math.max(o.maxCpuPerReplica, a.cpuPerReplica);
        a.maxMemoryPerReplicaBytes = Math.max(o.maxMemoryPerReplicaBytes, a.memoryPerReplicaBytes);
        return a;
    }

    /**
     * @return the command to issue, or null; updates the policy memory in {@code a} (and the
     *     allocation itself when the command will be applied, i.e. not a dry run)
     */
    public ScalingCommand decide(ShadowHorizon horizon, AllocationState a) {
        List<ResourceShadow> steps = horizon.getSteps();
        if (steps.isEmpty()) {
            return null;
        }
        long decidedAt = horizon.getGeneratedAt().toEpochMilli();
        boolean fallback = steps.get(0).getFallback();
        String modelNote = " Forecast: " + steps.get(0).getModelId() + (fallback ? " (fallback)." : ".");

        double capCpu = a.cpuCapacity();
        double capMem = a.memoryCapacity();
        int crossing = -1;
        double peakCpu = 0, peakMem = 0;
        int peakCpuStep = 0;
        for (int i = 0; i < steps.size(); i++) {
            double needCpu = quantile(steps.get(i), true) / o.targetCpuUtilization;
            double needMem = quantile(steps.get(i), false) / o.targetMemoryUtilization;
            if (needCpu > peakCpu) {
                peakCpu = needCpu;
                peakCpuStep = i;
            }
            peakMem = Math.max(peakMem, needMem);
            if (crossing < 0 && (needCpu > capCpu * 1.0001 || needMem > capMem * 1.0001)) {
                crossing = i;
            }
        }
        ResourceShadow last = steps.get(steps.size() - 1);
        long toStorage = a.storageBytes;
        if (last.getStorageP99() / o.targetStorageUtilization > a.storageBytes) {
            toStorage = roundUp((long) Math.ceil(last.getStorageP99() / o.targetStorageUtilization), STORAGE_GRAIN);
        }

        if (crossing >= 0) {
            a.lowSince = Long.MIN_VALUE;
            ResourceShadow cross = steps.get(crossing);
            double perCpu = Math.max(a.cpuPerReplica, roundUp(peakCpu / a.replicas, CPU_GRAIN));
            long perMem = Math.max(a.memoryPerReplicaBytes, roundUp((long) Math.ceil(peakMem / a.replicas), MEMORY_GRAIN));
            ScalingAction action;
            int toReplicas = a.replicas;
            long lead;
            if (perCpu <= a.maxCpuPerReplica && perMem <= a.maxMemoryPerReplicaBytes) {
                action = ScalingAction.RESIZE_IN_PLACE;
                lead = o.leadTimeInPlaceMs;
            } else {
                action = ScalingAction.SCALE_OUT;
                lead = o.leadTimeScaleOutMs;
                perCpu = a.cpuPerReplica;
                perMem = a.memoryPerReplicaBytes;
                int wanted = (int) Math.ceil(Math.max(peakCpu / perCpu, peakMem / perMem));
                int maxStep = Math.max(1, (int) Math.floor(a.replicas * o.maxStepFraction));
                toReplicas = clampReplicas(Math.min(wanted, a.replicas + maxStep));
                if (toReplicas <= a.replicas) {
                    return null; // already at max replicas: nothing the policy may do
                }
            }
            long crossingAt = cross.getTimestamp().toEpochMilli();
            long effectiveAt = Math.max(decidedAt, crossingAt - lead);
            String which = peakCpu / Math.max(capCpu, 1e-9) >= peakMem / Math.max(capMem, 1e-9) ? "CPU" : "Memory";
            String reason;
            if ("CPU".equals(which)) {
                reason = String.format(Locale.ROOT,
                        "CPU p%d forecast reaches %s at %s (peak %s at %s); at %s target utilisation that needs %s, allocation has %s (%s).",
                        o.provisionQuantile, ScalingFormat.cores(quantile(cross, true)), ScalingFormat.time(crossingAt),
                        ScalingFormat.cores(quantile(steps.get(peakCpuStep), true)),
                        ScalingFormat.time(steps.get(peakCpuStep).getTimestamp().toEpochMilli()),
                        ScalingFormat.pct(o.targetCpuUtilization), ScalingFormat.cores(peakCpu), ScalingFormat.cores(capCpu), a);
            } else {
                reason = String.format(Locale.ROOT,
                        "Memory p%d forecast reaches %s at %s; at %s target utilisation that needs %s, allocation has %s (%s).",
                        o.provisionQuantile, ScalingFormat.bytes(quantile(cross, false)), ScalingFormat.time(crossingAt),
                        ScalingFormat.pct(o.targetMemoryUtilization), ScalingFormat.bytes(peakMem), ScalingFormat.bytes(capMem), a);
            }
            reason += action == ScalingAction.RESIZE_IN_PLACE
                    ? String.format(Locale.ROOT, " Resize in place to %d × %s / %s", toReplicas, ScalingFormat.cores(perCpu), ScalingFormat.bytes(perMem))
                    : String.format(Locale.ROOT, " In-place resize would exceed the instance limit (%s / %s per replica): scale out to %d replicas",
                            ScalingFormat.cores(a.maxCpuPerReplica), ScalingFormat.bytes(a.maxMemoryPerReplicaBytes), toReplicas);
            reason += String.format(Locale.ROOT, ", effective %s (%d min lead).", ScalingFormat.time(effectiveAt), lead / 60_000);
            if (toStorage > a.storageBytes) {
                reason += " Storage p99 " + ScalingFormat.bytes(last.getStorageP99()) + " at the horizon: grow to " + ScalingFormat.bytes(toStorage) + ".";
            }
            return issue(horizon, a, action, toReplicas, perCpu, perMem, toStorage, decidedAt, effectiveAt, reason + modelNote, fallback);
        }

        // scale in: the upper band stays low over the whole horizon for the stabilisation window
        double max99Cpu = 0, max99Mem = 0;
        for (ResourceShadow s : steps) {
            max99Cpu = Math.max(max99Cpu, s.getCpuP99());
            max99Mem = Math.max(max99Mem, s.getMemoryP99());
        }
        boolean low = max99Cpu < o.scaleInUtilization * capCpu && max99Mem < o.scaleInUtilization * capMem;
        if (!low) {
            a.lowSince = Long.MIN_VALUE;
        } else {
            if (a.lowSince == Long.MIN_VALUE) {
                a.lowSince = decidedAt;
            }
            boolean stable = decidedAt - a.lowSince >= o.scaleInStabilizationMs;
            boolean cooled = a.lastCommandAt == Long.MIN_VALUE || decidedAt - a.lastCommandAt >= o.cooldownMs;
            if (stable && cooled) {
                double needCpu = max99Cpu / o.targetCpuUtilization;
                double needMem = max99Mem / o.targetMemoryUtilization;
                int wanted = clampReplicas((int) Math.ceil(Math.max(needCpu / a.cpuPerReplica, needMem / a.memoryPerReplicaBytes)));
                int maxStep = Math.max(1, (int) Math.floor(a.replicas * o.maxStepFraction / 2));
                int toReplicas = Math.max(wanted, a.replicas - maxStep);
                double perCpu = a.cpuPerReplica;
                long perMem = a.memoryPerReplicaBytes;
                ScalingAction action = ScalingAction.SCALE_IN;
                if (toReplicas >= a.replicas) {
                    // at the replica floor: shrink each replica instead, if that saves a quarter or more
                    toReplicas = a.replicas;
                    perCpu = Math.max(CPU_GRAIN, roundUp(needCpu / a.replicas, CPU_GRAIN));
                    perMem = Math.max(MEMORY_GRAIN, roundUp((long) Math.ceil(needMem / a.replicas), MEMORY_GRAIN));
                    if (perCpu > 0.75 * a.cpuPerReplica) {
                        return toStorage > a.storageBytes ? storageOnly(horizon, a, toStorage, decidedAt, modelNote, fallback) : null;
                    }
                    perMem = Math.min(perMem, a.memoryPerReplicaBytes);
                    action = ScalingAction.RESIZE_IN_PLACE;
                }
                String reason = String.format(Locale.ROOT,
                        "CPU p99 stays at or below %s and memory p99 at or below %s over the next %d min, under %s of the allocation (%s) for %d min.",
                        ScalingFormat.cores(max99Cpu), ScalingFormat.bytes(max99Mem), steps.size() * horizonStepMinutes(steps),
                        ScalingFormat.pct(o.scaleInUtilization), a, (decidedAt - a.lowSince) / 60_000)
                        + String.format(Locale.ROOT, " Scale in to %d × %s / %s.", toReplicas, ScalingFormat.cores(perCpu), ScalingFormat.bytes(perMem));
                a.lowSince = Long.MIN_VALUE;
                return issue(horizon, a, action, toReplicas, perCpu, perMem, toStorage, decidedAt, decidedAt, reason + modelNote, fallback);
            }
        }
        if (toStorage > a.storageBytes) {
            return storageOnly(horizon, a, toStorage, decidedAt, modelNote, fallback);
        }
        return null;
    }

    private ScalingCommand storageOnly(ShadowHorizon h, AllocationState a, long toStorage, long decidedAt, String modelNote, boolean fallback) {
        ResourceShadow last = h.getSteps().get(h.getSteps().size() - 1);
        String reason = "Storage p99 forecast " + ScalingFormat.bytes(last.getStorageP99()) + " at " + ScalingFormat.time(last.getTimestamp().toEpochMilli())
                + " exceeds " + ScalingFormat.pct(o.targetStorageUtilization) + " of " + ScalingFormat.bytes(a.storageBytes)
                + ": grow storage to " + ScalingFormat.bytes(toStorage) + " now." + modelNote;
        return issue(h, a, ScalingAction.RESIZE_IN_PLACE, a.replicas, a.cpuPerReplica, a.memoryPerReplicaBytes, toStorage, decidedAt, decidedAt, reason, fallback);
    }

    private ScalingCommand issue(ShadowHorizon h, AllocationState a, ScalingAction action, int toReplicas, double toCpu, long toMem,
                                 long toStorage, long decidedAt, long effectiveAt, String reason, boolean fallback) {
        boolean dryRun = o.isDryRun(h.getTenantId());
        ScalingCommand c = ScalingCommand.newBuilder()
                .setCommandId(commandId(h.getTenantId(), h.getWorkloadId(), action, decidedAt, toReplicas, toCpu, toMem, toStorage, o.policyName))
                .setTenantId(h.getTenantId())
                .setWorkloadId(h.getWorkloadId())
                .setAction(action)
                .setFromReplicas(a.replicas).setToReplicas(toReplicas)
                .setFromCpuPerReplica(a.cpuPerReplica).setToCpuPerReplica(toCpu)
                .setFromMemoryPerReplicaBytes(a.memoryPerReplicaBytes).setToMemoryPerReplicaBytes(toMem)
                .setFromStorageBytes(a.storageBytes).setToStorageBytes(toStorage)
                .setDecidedAt(Instant.ofEpochMilli(decidedAt))
                .setEffectiveAt(Instant.ofEpochMilli(effectiveAt))
                .setExpiresAt(Instant.ofEpochMilli(effectiveAt + o.commandTtlMs))
                .setDryRun(dryRun)
                .setPolicy(o.policyName)
                .setFallbackForecast(fallback)
                .setReason(dryRun ? "[dry run] " + reason : reason)
                .build();
        a.lastCommandAt = decidedAt;
        if (!dryRun) { // assume applied until the platform reports otherwise
            a.replicas = toReplicas;
            a.cpuPerReplica = toCpu;
            a.memoryPerReplicaBytes = toMem;
            a.storageBytes = toStorage;
        }
        return c;
    }

    /** Same decision ⇒ same id, so a replay after a failure produces the same ids. */
    public static String commandId(String tenant, String workload, ScalingAction action, long decidedAt, int replicas,
                                   double cpu, long memory, long storage, String policy) {
        String key = String.join("|", tenant, workload, action.name(), Long.toString(decidedAt), Integer.toString(replicas),
                Double.toString(cpu), Long.toString(memory), Long.toString(storage), policy);
        return UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString();
    }

    private double quantile(ResourceShadow s, boolean cpu) {
        switch (o.provisionQuantile) {
            case 50: return cpu ? s.getCpuP50() : s.getMemoryP50();
            case 99: return cpu ? s.getCpuP99() : s.getMemoryP99();
            default: return cpu ? s.getCpuP90() : s.getMemoryP90();
        }
    }

    private static long horizonStepMinutes(List<ResourceShadow> steps) {
        return steps.get(0).getStepMs() / 60_000;
    }

    private int clampReplicas(int r) {
        return Math.max(o.minReplicas, Math.min(o.maxReplicas, r));
    }

    static double roundUp(double v, double grain) {
        return Math.ceil(v / grain - 1e-9) * grain;
    }

    static long roundUp(long v, long grain) {
        return ((v + grain - 1) / grain) * grain;
    }
}
