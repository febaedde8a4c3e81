package io.shadowscale.udf.logic;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import io.shadowscale.schema.ForecastDriver;
import io.shadowscale.schema.ResourceShadow;
import io.shadowscale.schema.ScalingAction;
import io.shadowscale.schema.ScalingCommand;
import io.shadowscale.schema.ScalingTrigger;
import io.shadowscale.schema.ShadowHorizon;
import io.shadowscale.udf.ShadowOptions;
import io.shadowscale.udf.logic.scaling.SurgeBudget;
import io.shadowscale.udf.logic.scaling.CapacityClasses;
import io.shadowscale.udf.logic.scaling.Explanations;
import io.shadowscale.udf.logic.scaling.Guard;
import io.shadowscale.udf.logic.scaling.PricingCatalog;
import io.shadowscale.udf.logic.scaling.ResourceSimulator;

/**
 * Decides from one shadow (all steps of a forecast) and the current allocation whether to
 * scale, ahead of the predicted crossing.
 *
 * <ul>
 *   <li>Required capacity per step = chosen quantile ÷ target utilisation (CPU and memory).</li>
 *   <li>Reactive safety net first: when the actual use of the bucket just closed already
 *       exceeds the allocation, scale at once (no lead time, no cooldown), sized for the larger of
 *       that use and the forecast.</li>
 *   <li>Scale up when a step's requirement exceeds the allocation: sized for the peak over the
 *       horizon, effective at the first crossing minus the provisioning lead time. In-place
 *       resize when the per-replica size fits the instance limits, else scale out (bounded by
 *       the maximum step and replica count).</li>
 *   <li>Scale in only when the upper quantile (p99) over the whole horizon stays below the
 *       scale-in utilisation for the stabilisation window and the cooldown has passed.</li>
 *   <li>Storage grows when the p99 at the end of the horizon exceeds its target utilisation.</li>
 * </ul>
 * Every command carries its cost before and after (the pricing catalogue, with the recommended
 * capacity class), the factors behind it and a one-line summary. Pure Java: the job, backtests and
 * what-if runs share it.
 */
public final class ThresholdPolicy {

    public static final double CPU_GRAIN = 0.25;
    static final long MEMORY_GRAIN = 256L << 20;
    static final long STORAGE_GRAIN = 1L << 30;
    /** How many of the forecast's drivers an explanation names. */
    static final int TOP_DRIVERS = 3;

    private final ShadowOptions o;
    private final PricingCatalog catalog;
    /** False for {@link #decisionsOnly}: no texts, cost simulation, factors or id on the commands. */
    private final boolean explain;

    public ThresholdPolicy(ShadowOptions options) {
        this(options, true);
    }

    private ThresholdPolicy(ShadowOptions options, boolean explain) {
        this.o = options;
        this.catalog = options.pricingCatalog();
        this.explain = explain;
    }

    /**
     * The same decisions — action, sizes, timing, dry run, capacity class and spot share, and the
     * same updates of the allocation state — without what only a published command needs: reason,
     * summary, drivers, factors, costs and command id stay empty. For simulations of the policy
     * that read only the decision (the shadow arms run every strategy on every bucket, where
     * formatting the explanations was a tenth of the forecaster task's CPU).
     */
    public static ThresholdPolicy decisionsOnly(ShadowOptions options) {
        return new ThresholdPolicy(options, false);
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

    public ScalingCommand decide(ShadowHorizon horizon, AllocationState a) {
        return decide(horizon, a, Guard.NONE);
    }

    /** What a decision is made of, before it becomes a command. */
    private static final class Plan {
        ScalingTrigger trigger;
        ScalingAction action;
        String resource;
        int toReplicas;
        double toCpu;
        long toMemory;
        long toStorage;
        long effectiveAt;
        long leadMs;
        String limit = "none";
        double required;
        double peakForecast;
        String text;
    }

    /**
     * @return the command to issue, or null; updates the policy memory in {@code a} (and the
     *     allocation itself when the command will be applied, i.e. not a dry run)
     */
    public ScalingCommand decide(ShadowHorizon horizon, AllocationState a, Guard guard) {
        List<ResourceShadow> steps = horizon.getSteps();
        if (steps.isEmpty()) {
            return null;
        }
        long decidedAt = horizon.getGeneratedAt().toEpochMilli();
        double capCpu = a.cpuCapacity();
        double capMem = a.memoryCapacity();
        int crossing = -1;
        double peakCpu = 0, peakMem = 0;
        int peakCpuStep = 0, peakMemStep = 0;
        for (int i = 0; i < steps.size(); i++) {
            double needCpu = quantile(steps.get(i), true) / o.targetCpuUtilization;
            double needMem = quantile(steps.get(i), false) / o.targetMemoryUtilization;
            if (needCpu > peakCpu) {
                peakCpu = needCpu;
                peakCpuStep = i;
            }
            if (needMem > peakMem) {
                peakMem = needMem;
                peakMemStep = i;
            }
            if (crossing < 0 && (needCpu > capCpu * 1.0001 || needMem > capMem * 1.0001)) {
                crossing = i;
            }
        }
        ResourceShadow last = steps.get(steps.size() - 1);
        long toStorage = a.storageBytes;
        if (last.getStorageP99() / o.targetStorageUtilization > a.storageBytes) {
            toStorage = roundUp((long) Math.ceil(last.getStorageP99() / o.targetStorageUtilization), STORAGE_GRAIN);
        }

        Plan plan = null;
        boolean overCpu = horizon.getLastCpu() > capCpu * 1.0001;
        boolean overMem = horizon.getLastMemory() > capMem * 1.0001;
        if (overCpu || overMem) {
            // actual use is already above the allocation: the forecast missed it, act now
            double needCpu = Math.max(peakCpu, horizon.getLastCpu() / o.targetCpuUtilization);
            double needMem = Math.max(peakMem, horizon.getLastMemory() / o.targetMemoryUtilization);
            plan = scaleUp(a, needCpu, needMem);
            if (plan != null) {
                a.lowSince = Long.MIN_VALUE;
                plan.trigger = ScalingTrigger.SAFETY_NET;
                plan.resource = overCpu ? "cpu" : "memory";
                plan.effectiveAt = decidedAt;
                plan.leadMs = 0;
                plan.required = overCpu ? needCpu : needMem;
                plan.peakForecast = overCpu ? horizon.getLastCpu() : horizon.getLastMemory();
                if (explain) {
                    plan.text = overCpu
                            ? ScalingFormat.fill("Safety net: CPU use %s in the last bucket exceeds the allocation of %s (%s); at %s target utilisation that needs %s.",
                                    ScalingFormat.cores(horizon.getLastCpu()), ScalingFormat.cores(capCpu), a, ScalingFormat.pct(o.targetCpuUtilization), ScalingFormat.cores(needCpu))
                            : ScalingFormat.fill("Safety net: memory use %s in the last bucket exceeds the allocation of %s (%s); at %s target utilisation that needs %s.",
                                    ScalingFormat.bytes(horizon.getLastMemory()), ScalingFormat.bytes(capMem), a, ScalingFormat.pct(o.targetMemoryUtilization), ScalingFormat.bytes(needMem));
                }
                if (explain) {
                    plan.text += describeAction(plan, a) + " Effective now.";
                }
            }
        } else if (crossing >= 0) {
            plan = scaleUp(a, peakCpu, peakMem);
            if (plan != null) {
                a.lowSince = Long.MIN_VALUE;
                ResourceShadow cross = steps.get(crossing);
                long crossingAt = cross.getTimestamp().toEpochMilli();
                plan.trigger = ScalingTrigger.FORECAST;
                plan.effectiveAt = Math.max(decidedAt, crossingAt - plan.leadMs);
                boolean cpu = peakCpu / Math.max(capCpu, 1e-9) >= peakMem / Math.max(capMem, 1e-9);
                plan.resource = cpu ? "cpu" : "memory";
                if (cpu) {
                    plan.required = peakCpu;
                    plan.peakForecast = quantile(steps.get(peakCpuStep), true);
                    if (explain) {
                        plan.text = ScalingFormat.fill(
                                "CPU p%d forecast reaches %s at %s (peak %s at %s); at %s target utilisation that needs %s, allocation has %s (%s).",
                                o.provisionQuantile, ScalingFormat.cores(quantile(cross, true)), ScalingFormat.time(crossingAt),
                                ScalingFormat.cores(plan.peakForecast), ScalingFormat.time(steps.get(peakCpuStep).getTimestamp().toEpochMilli()),
                                ScalingFormat.pct(o.targetCpuUtilization), ScalingFormat.cores(peakCpu), ScalingFormat.cores(capCpu), a);
                    }
                } else {
                    plan.required = peakMem;
                    plan.peakForecast = quantile(steps.get(peakMemStep), false);
                    if (explain) {
                        plan.text = ScalingFormat.fill(
                                "Memory p%d forecast reaches %s at %s; at %s target utilisation that needs %s, allocation has %s (%s).",
                                o.provisionQuantile, ScalingFormat.bytes(quantile(cross, false)), ScalingFormat.time(crossingAt),
                                ScalingFormat.pct(o.targetMemoryUtilization), ScalingFormat.bytes(peakMem), ScalingFormat.bytes(capMem), a);
                    }
                }
                if (explain) {
                    plan.text += describeAction(plan, a)
                            + ScalingFormat.fill(", effective %s (%d min lead).", ScalingFormat.time(plan.effectiveAt), plan.leadMs / 60_000);
                }
            }
        } else if (decidedAt < a.safeModeUntil) {
            a.lowSince = Long.MIN_VALUE; // safe mode: an anomaly is active, no scale-in
        } else {
            plan = scaleIn(steps, a, decidedAt);
        }
        if (plan != null && plan.action != ScalingAction.SCALE_IN && decidedAt < a.surgeCapUntil) {
            plan = capForSurge(plan, a);
        }
        if (plan == null && toStorage > a.storageBytes) {
            plan = new Plan();
            plan.trigger = ScalingTrigger.STORAGE;
            plan.action = ScalingAction.RESIZE_IN_PLACE;
            plan.resource = "storage";
            plan.toReplicas = a.replicas;
            plan.toCpu = a.cpuPerReplica;
            plan.toMemory = a.memoryPerReplicaBytes;
            plan.effectiveAt = decidedAt;
            plan.required = last.getStorageP99() / o.targetStorageUtilization;
            plan.peakForecast = last.getStorageP99();
            if (explain) {
                plan.text = "Storage p99 forecast " + ScalingFormat.bytes(last.getStorageP99()) + " at " + ScalingFormat.time(last.getTimestamp().toEpochMilli())
                        + " exceeds " + ScalingFormat.pct(o.targetStorageUtilization) + " of " + ScalingFormat.bytes(a.storageBytes)
                        + ": grow storage to " + ScalingFormat.bytes(toStorage) + " now.";
            }
        }
        if (plan == null) {
            return null;
        }
        plan.toStorage = toStorage;
        if (plan.trigger != ScalingTrigger.STORAGE && toStorage > a.storageBytes) {
            if (explain) {
                plan.text += " Storage p99 " + ScalingFormat.bytes(last.getStorageP99()) + " at the horizon: grow to " + ScalingFormat.bytes(toStorage) + ".";
            }
        }
        return issue(horizon, a, plan, decidedAt, guard);
    }

    /**
     * During an unexplained surge scale-ups stop at the budget set when it began: the capacity
     * then plus {@link ShadowOptions#unexplainedSurgeBudget} of it. Null when nothing is left.
     */
    private Plan capForSurge(Plan p, AllocationState a) {
        double cap = a.surgeCapCores;
        if (p.toReplicas * p.toCpu <= cap + 1e-9) {
            return p;
        }
        if (p.action == ScalingAction.SCALE_OUT) {
            p.toReplicas = Math.max(a.replicas, (int) Math.floor(cap / p.toCpu + 1e-9));
        } else {
            p.toCpu = Math.max(a.cpuPerReplica, Math.floor(cap / p.toReplicas / CPU_GRAIN + 1e-9) * CPU_GRAIN);
        }
        if (p.toReplicas * p.toCpu <= a.cpuCapacity() + 1e-9 && p.toMemory <= a.memoryPerReplicaBytes) {
            return null;
        }
        p.limit = "unexplained-surge-budget";
        if (explain) {
            p.text += ScalingFormat.fill(" Capped at %s by the scale-up budget while an unexplained surge is active.", ScalingFormat.cores(cap));
        }
        return p;
    }

    /** In place when the per-replica size fits the instance, else scale out; null when the bounds allow nothing. */
    private Plan scaleUp(AllocationState a, double needCpu, double needMem) {
        Plan p = new Plan();
        double perCpu = Math.max(a.cpuPerReplica, roundUp(needCpu / a.replicas, CPU_GRAIN));
        long perMem = Math.max(a.memoryPerReplicaBytes, roundUp((long) Math.ceil(needMem / a.replicas), MEMORY_GRAIN));
        p.toReplicas = a.replicas;
        if (perCpu <= a.maxCpuPerReplica + 1e-9 && perMem <= a.maxMemoryPerReplicaBytes) {
            p.action = ScalingAction.RESIZE_IN_PLACE;
            p.leadMs = o.leadTimeInPlaceMs;
            p.toCpu = perCpu;
            p.toMemory = perMem;
            return p;
        }
        p.action = ScalingAction.SCALE_OUT;
        p.leadMs = o.leadTimeScaleOutMs;
        p.limit = "instance-limit";
        p.toCpu = a.cpuPerReplica;
        p.toMemory = a.memoryPerReplicaBytes;
        int wanted = (int) Math.ceil(Math.max(needCpu / p.toCpu, needMem / p.toMemory) - 1e-9);
        int maxStep = Math.max(1, (int) Math.floor(a.replicas * o.maxStepFraction));
        int to = Math.min(wanted, a.replicas + maxStep);
        if (to < wanted) p.limit = "max-step";
        if (to > o.maxReplicas) p.limit = "max-replicas";
        p.toReplicas = clampReplicas(to);
        if (p.toReplicas > a.replicas) {
            return p;
        }
        // at the replica ceiling: grow each replica as far as the instance allows
        double cpu = Math.min(a.maxCpuPerReplica, perCpu);
        long mem = Math.min(a.maxMemoryPerReplicaBytes, perMem);
        if (cpu <= a.cpuPerReplica + 1e-9 && mem <= a.memoryPerReplicaBytes) {
            return null;
        }
        p.action = ScalingAction.RESIZE_IN_PLACE;
        p.leadMs = o.leadTimeInPlaceMs;
        p.limit = "max-replicas";
        p.toReplicas = a.replicas;
        p.toCpu = Math.max(cpu, a.cpuPerReplica);
        p.toMemory = Math.max(mem, a.memoryPerReplicaBytes);
        return p;
    }

    private String describeAction(Plan p, AllocationState a) {
        if (p.action == ScalingAction.SCALE_OUT) {
            String s = ScalingFormat.fill(" In-place resize would exceed the instance limit (%s / %s per replica): scale out to %d replicas",
                    ScalingFormat.cores(a.maxCpuPerReplica), ScalingFormat.bytes(a.maxMemoryPerReplicaBytes), p.toReplicas);
            if (!"instance-limit".equals(p.limit)) s += " (capped by " + p.limit + ")";
            return s;
        }
        String s = ScalingFormat.fill(" Resize in place to %d × %s / %s", p.toReplicas, ScalingFormat.cores(p.toCpu), ScalingFormat.bytes(p.toMemory));
        if ("max-replicas".equals(p.limit)) s += " (at the replica maximum)";
        return s;
    }

    /** Scale in: the upper band stays low over the whole horizon for the stabilisation window. */
    private Plan scaleIn(List<ResourceShadow> steps, AllocationState a, long decidedAt) {
        double capCpu = a.cpuCapacity(), capMem = a.memoryCapacity();
        double max99Cpu = 0, max99Mem = 0, maxNeedCpu = 0, maxNeedMem = 0;
        for (ResourceShadow s : steps) {
            max99Cpu = Math.max(max99Cpu, o.scaleInQuantile == 90 ? s.getCpuP90() : s.getCpuP99());
            max99Mem = Math.max(max99Mem, o.scaleInQuantile == 90 ? s.getMemoryP90() : s.getMemoryP99());
            maxNeedCpu = Math.max(maxNeedCpu, quantile(s, true) / o.targetCpuUtilization);
            maxNeedMem = Math.max(maxNeedMem, quantile(s, false) / o.targetMemoryUtilization);
        }
        boolean low = max99Cpu < o.scaleInUtilization * capCpu && max99Mem < o.scaleInUtilization * capMem;
        if (!low) {
            a.lowSince = Long.MIN_VALUE;
            return null;
        }
        if (a.lowSince == Long.MIN_VALUE) {
            a.lowSince = decidedAt;
        }
        boolean stable = decidedAt - a.lowSince >= o.scaleInStabilizationMs;
        boolean cooled = a.lastCommandAt == Long.MIN_VALUE || decidedAt - a.lastCommandAt >= o.cooldownMs;
        if (!stable || !cooled) {
            return null;
        }
        // down to what scale-up would provision (quantile ÷ target), never below the p99 itself
        double needCpu = Math.max(maxNeedCpu, max99Cpu);
        double needMem = Math.max(maxNeedMem, max99Mem);
        Plan p = new Plan();
        p.trigger = ScalingTrigger.SCALE_IN;
        p.resource = needCpu / Math.max(capCpu, 1e-9) >= needMem / Math.max(capMem, 1e-9) ? "cpu" : "memory";
        p.required = "cpu".equals(p.resource) ? needCpu : needMem;
        p.peakForecast = "cpu".equals(p.resource) ? max99Cpu : max99Mem;
        p.effectiveAt = decidedAt;
        int wanted = clampReplicas((int) Math.ceil(Math.max(needCpu / a.cpuPerReplica, needMem / a.memoryPerReplicaBytes)));
        int maxStep = Math.max(1, (int) Math.floor(a.replicas * o.maxStepFraction / 2));
        p.toReplicas = Math.max(wanted, a.replicas - maxStep);
        if (p.toReplicas > wanted) p.limit = "max-step";
        if (wanted == o.minReplicas && p.toReplicas == o.minReplicas) p.limit = "min-replicas";
        p.toCpu = a.cpuPerReplica;
        p.toMemory = a.memoryPerReplicaBytes;
        p.action = ScalingAction.SCALE_IN;
        if (p.toReplicas >= a.replicas) {
            // at the replica floor: shrink each replica instead, if that saves enough to be worth a restart
            p.toReplicas = a.replicas;
            p.toCpu = Math.max(CPU_GRAIN, roundUp(needCpu / a.replicas, CPU_GRAIN));
            long perMem = Math.max(MEMORY_GRAIN, roundUp((long) Math.ceil(needMem / a.replicas), MEMORY_GRAIN));
            if (p.toCpu > o.minShrinkRatio * a.cpuPerReplica) {
                return null;
            }
            p.toMemory = Math.min(perMem, a.memoryPerReplicaBytes);
            p.action = ScalingAction.RESIZE_IN_PLACE;
            p.limit = "min-replicas";
        }
        if (explain) {
            p.text = ScalingFormat.fill(
                    "CPU p%d stays at or below %s and memory p%d at or below %s over the next %d min, under %s of the allocation (%s) for %d min.",
                    o.scaleInQuantile, ScalingFormat.cores(max99Cpu), o.scaleInQuantile, ScalingFormat.bytes(max99Mem), steps.size() * horizonStepMinutes(steps),
                    ScalingFormat.pct(o.scaleInUtilization), a, (decidedAt - a.lowSince) / 60_000)
                    + ScalingFormat.fill(" Scale in to %d × %s / %s.", p.toReplicas, ScalingFormat.cores(p.toCpu), ScalingFormat.bytes(p.toMemory));
        }
        a.lowSince = Long.MIN_VALUE;
        return p;
    }

    private ScalingCommand issue(ShadowHorizon h, AllocationState a, Plan p, long decidedAt, Guard guard) {
        List<ResourceShadow> steps = h.getSteps();
        boolean fallback = steps.get(0).getFallback();
        String dryRunReason = guard.killSwitch() ? "kill-switch"
                : o.dryRun ? "dry-run"
                : o.dryRunTenants.contains(h.getTenantId()) || guard.dryRunTenants().contains(h.getTenantId()) ? "dry-run-tenant"
                : null;
        boolean dryRun = dryRunReason != null;
        if (!explain) {
            return decisionOnly(h, a, p, decidedAt, fallback, dryRunReason);
        }

        // cost and risk before and after, from the simulator with the recommended capacity classes
        PricingCatalog.Price price = catalog.lookup(a.region, a.nodePool);
        AllocationState after = a.copy();
        after.replicas = p.toReplicas;
        after.cpuPerReplica = p.toCpu;
        after.memoryPerReplicaBytes = p.toMemory;
        after.storageBytes = p.toStorage;
        CapacityClasses.Choice before = CapacityClasses.choose(steps, h.getTags(), a.replicas, a.cpuPerReplica);
        CapacityClasses.Choice choice = CapacityClasses.choose(steps, h.getTags(), after.replicas, after.cpuPerReplica);
        ResourceSimulator.Result simBefore = ResourceSimulator.simulate(steps, a, price, before.spotShare());
        ResourceSimulator.Result simAfter = ResourceSimulator.simulate(steps, after, price, choice.spotShare());
        double costBefore = simBefore.costPerHour(), costAfter = simAfter.costPerHour();

        List<ForecastDriver> top = Explanations.top(h.getDrivers(), p.resource, TOP_DRIVERS);
        Map<String, Double> factors = new LinkedHashMap<>();
        factors.put("quantile", (double) o.provisionQuantile);
        factors.put("target_utilization", "memory".equals(p.resource) ? o.targetMemoryUtilization
                : "storage".equals(p.resource) ? o.targetStorageUtilization : o.targetCpuUtilization);
        factors.put("peak_forecast", p.peakForecast);
        factors.put("required", p.required);
        factors.put("allocated_before", allocated(a, p.resource));
        factors.put("allocated_after", allocated(after, p.resource));
        factors.put("saturation_probability_before", simBefore.maxSaturationProbability());
        factors.put("saturation_probability_after", simAfter.maxSaturationProbability());
        factors.put("lead_time_min", p.leadMs / 60_000.0);
        factors.put("last_cpu", h.getLastCpu());
        factors.put("cost_before_per_hour", costBefore);
        factors.put("cost_after_per_hour", costAfter);
        factors.put("cost_delta_per_hour", costAfter - costBefore);
        factors.put("spot_share", choice.spotShare());
        if (p.action != ScalingAction.SCALE_IN && decidedAt < a.surgeCapUntil) {
            // the tenant's surge budget (TenantSurgeGate) pools what this workload adds during the surge
            factors.put(SurgeBudget.SURGE_UNTIL_FACTOR, (double) a.surgeCapUntil);
        }
        Explanations.driverFactors(top, factors);
        String drivers = Explanations.drivers(top);

        String reason = p.text;
        if (!drivers.isEmpty()) reason += " Drivers: " + drivers + ".";
        reason += ScalingFormat.fill(" Cost %s → %s (%s), %s: %s.", Explanations.money(costBefore), Explanations.money(costAfter),
                Explanations.costDelta(costAfter - costBefore), choice.capacityClass().name().toLowerCase(Locale.ROOT).replace('_', '-'), choice.why());
        reason += " Forecast: " + steps.get(0).getModelId() + (fallback ? " (fallback)." : ".");
        String summary = summary(p, a, drivers, costAfter - costBefore);
        if (dryRun) {
            String prefix = "kill-switch".equals(dryRunReason)
                    ? "[kill switch" + (guard.reason().isBlank() ? "" : ": " + guard.reason()) + "] " : "[dry run] ";
            reason = prefix + reason;
            summary = prefix + summary;
        }

        long expiresAt = p.effectiveAt + o.commandTtlMs;
        ScalingCommand c = ScalingCommand.newBuilder()
                .setCommandId(commandId(h.getTenantId(), h.getWorkloadId(), p.action, decidedAt, p.toReplicas, p.toCpu, p.toMemory, p.toStorage, o.policyName))
                .setTenantId(h.getTenantId())
                .setWorkloadId(h.getWorkloadId())
                .setAction(p.action)
                .setFromReplicas(a.replicas).setToReplicas(p.toReplicas)
                .setFromCpuPerReplica(a.cpuPerReplica).setToCpuPerReplica(p.toCpu)
                .setFromMemoryPerReplicaBytes(a.memoryPerReplicaBytes).setToMemoryPerReplicaBytes(p.toMemory)
                .setFromStorageBytes(a.storageBytes).setToStorageBytes(p.toStorage)
                .setDecidedAt(Instant.ofEpochMilli(decidedAt))
                .setEffectiveAt(Instant.ofEpochMilli(p.effectiveAt))
                .setExpiresAt(Instant.ofEpochMilli(expiresAt))
                .setDryRun(dryRun)
                .setPolicy(o.policyName)
                .setFallbackForecast(fallback)
                .setReason(reason)
                .setSummary(summary)
                .setTriggeredBy(p.trigger)
                .setResource(p.resource)
                .setQuantile(p.trigger == ScalingTrigger.SAFETY_NET ? 0 : p.trigger == ScalingTrigger.SCALE_IN ? o.scaleInQuantile
                        : p.trigger == ScalingTrigger.STORAGE ? 99 : o.provisionQuantile)
                .setTargetUtilization(factors.get("target_utilization"))
                .setRequiredCapacity(p.required)
                .setLimitApplied(p.limit)
                .setDrivers(drivers)
                .setFactors(factors)
                .setCapacityClass(choice.capacityClass())
                .setSpotShare(choice.spotShare())
                .setCostBeforePerHour(costBefore)
                .setCostAfterPerHour(costAfter)
                .setPricing(price.key())
                .setDryRunReason(dryRunReason)
                .build();
        a.lastCommandAt = decidedAt;
        if (!dryRun) { // assume applied until the platform reports otherwise
            a.replicas = p.toReplicas;
            a.cpuPerReplica = p.toCpu;
            a.memoryPerReplicaBytes = p.toMemory;
            a.storageBytes = p.toStorage;
            a.pendingCommandId = c.getCommandId();
            a.pendingUntil = expiresAt;
        }
        return c;
    }

    /** {@link #issue} for {@link #decisionsOnly}: the decision's fields (setters, not a builder) and the same state updates. */
    private ScalingCommand decisionOnly(ShadowHorizon h, AllocationState a, Plan p, long decidedAt, boolean fallback, String dryRunReason) {
        boolean dryRun = dryRunReason != null;
        CapacityClasses.Choice choice = CapacityClasses.choose(h.getSteps(), h.getTags(), p.toReplicas, p.toCpu);
        long expiresAt = p.effectiveAt + o.commandTtlMs;
        ScalingCommand c = new ScalingCommand();
        c.setCommandId("");
        c.setTenantId(h.getTenantId());
        c.setWorkloadId(h.getWorkloadId());
        c.setAction(p.action);
        c.setFromReplicas(a.replicas);
        c.setToReplicas(p.toReplicas);
        c.setFromCpuPerReplica(a.cpuPerReplica);
        c.setToCpuPerReplica(p.toCpu);
        c.setFromMemoryPerReplicaBytes(a.memoryPerReplicaBytes);
        c.setToMemoryPerReplicaBytes(p.toMemory);
        c.setFromStorageBytes(a.storageBytes);
        c.setToStorageBytes(p.toStorage);
        c.setDecidedAt(Instant.ofEpochMilli(decidedAt));
        c.setEffectiveAt(Instant.ofEpochMilli(p.effectiveAt));
        c.setExpiresAt(Instant.ofEpochMilli(expiresAt));
        c.setDryRun(dryRun);
        c.setPolicy(o.policyName);
        c.setFallbackForecast(fallback);
        c.setReason("");
        c.setSummary("");
        c.setTriggeredBy(p.trigger);
        c.setResource(p.resource);
        c.setRequiredCapacity(p.required);
        c.setLimitApplied(p.limit);
        c.setDrivers("");
        c.setFactors(Map.of());
        c.setCapacityClass(choice.capacityClass());
        c.setSpotShare(choice.spotShare());
        c.setDryRunReason(dryRunReason);
        a.lastCommandAt = decidedAt;
        if (!dryRun) { // as issue(), without an id to acknowledge: nothing applies a simulated command
            a.replicas = p.toReplicas;
            a.cpuPerReplica = p.toCpu;
            a.memoryPerReplicaBytes = p.toMemory;
            a.storageBytes = p.toStorage;
            a.pendingUntil = expiresAt;
        }
        return c;
    }

    private static double allocated(AllocationState a, String resource) {
        switch (resource) {
            case "memory": return a.memoryCapacity();
            case "storage": return a.storageBytes;
            default: return a.cpuCapacity();
        }
    }

    /** One line: what, when, why (the first driver when there is one), and the cost delta. */
    private String summary(Plan p, AllocationState a, String drivers, double costDelta) {
        String what;
        if (p.action == ScalingAction.RESIZE_IN_PLACE && p.trigger == ScalingTrigger.STORAGE) {
            what = "Grow storage " + ScalingFormat.bytes(a.storageBytes) + " → " + ScalingFormat.bytes(p.toStorage);
        } else if (p.action == ScalingAction.RESIZE_IN_PLACE) {
            what = ScalingFormat.fill("Resize %d × %s → %d × %s", a.replicas, ScalingFormat.cores(a.cpuPerReplica), p.toReplicas, ScalingFormat.cores(p.toCpu));
        } else {
            what = ScalingFormat.fill("%s %d → %d replicas", p.action == ScalingAction.SCALE_OUT ? "Scale out" : "Scale in", a.replicas, p.toReplicas);
        }
        String label = Explanations.resourceLabel(p.resource);
        String why;
        switch (p.trigger) {
            case SAFETY_NET:
                why = "now: " + label + " use already exceeds the allocation";
                break;
            case SCALE_IN:
                why = ScalingFormat.fill("now: %s p%d stays under %s of the allocation", label, o.scaleInQuantile, ScalingFormat.pct(o.scaleInUtilization));
                break;
            case STORAGE:
                why = "now: storage p99 nears exhaustion";
                break;
            default:
                why = ScalingFormat.fill("at %s, ahead of %s p%d ÷ %s target", ScalingFormat.time(p.effectiveAt), label, o.provisionQuantile,
                        ScalingFormat.pct("memory".equals(p.resource) ? o.targetMemoryUtilization : o.targetCpuUtilization));
        }
        String first = drivers.isEmpty() ? "" : " (" + drivers.split("; ")[0] + ")";
        return what + " " + why + first + "; " + Explanations.costDelta(costDelta);
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
