package io.shadowscale.udf.logic.ab;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.shadowscale.schema.ScalingAction;
import io.shadowscale.schema.ScalingCommand;
import io.shadowscale.schema.ShadowHorizon;
import io.shadowscale.schema.StrategyOutcome;
import io.shadowscale.udf.ShadowOptions;
import io.shadowscale.udf.logic.ThresholdPolicy;
import io.shadowscale.udf.logic.scaling.PricingCatalog;

/**
 * Shadow arms: every strategy's policy runs on every workload's forecasts and is scored on its
 * actual use, on a simulated platform — nothing is applied. Each bucket is first accounted at the
 * capacity in force (cost, minutes of CPU or memory use above it), then the policy decides; a
 * command's capacity arrives at its effective time plus the provisioning delay when it grows
 * (in place or new replicas), at once when it shrinks, as in {@code backtest scaling}. All arms
 * start from the allocation the job assumes for the workload, so they differ only by policy.
 * Plain Java: the job's {@code StrategyEvaluator} holds the state.
 */
public final class ShadowArms {

    static final long HOUR_MS = 3_600_000L;

    private final List<String> names;
    private final List<ThresholdPolicy> policies;
    private final List<ShadowOptions> options;
    private final PricingCatalog pricing;
    private final ArmAssignment assignment;

    public ShadowArms(StrategyCatalog catalog, ShadowOptions base) {
        this.names = new ArrayList<>();
        this.policies = new ArrayList<>();
        this.options = new ArrayList<>();
        for (Map.Entry<String, ShadowOptions> e : catalog.all(base).entrySet()) {
            ShadowOptions o = e.getValue();
            o.dryRun = false; // a shadow arm is simulated, never applied: the job's dry run does not concern it
            o.dryRunTenants = new java.util.HashSet<>();
            names.add(e.getKey());
            options.add(o);
            policies.add(ThresholdPolicy.decisionsOnly(o)); // only the decisions are simulated: no texts to format
        }
        this.pricing = base.pricingCatalog();
        this.assignment = catalog.assignment();
    }

    public List<String> names() {
        return names;
    }

    public ArmState[] newState() {
        ArmState[] s = new ArmState[names.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = new ArmState();
        }
        return s;
    }

    /**
     * Accounts the bucket that closed at the horizon's origin (its actual use is on the horizon),
     * lets every strategy decide, and returns the outcomes of hours that ended.
     */
    public List<StrategyOutcome> observe(ArmState[] arms, ShadowHorizon h) {
        List<StrategyOutcome> out = new ArrayList<>();
        if (h.getSteps().isEmpty()) {
            return out;
        }
        long step = h.getSteps().get(0).getStepMs();
        long end = h.getGeneratedAt().toEpochMilli();
        long start = end - step;
        String live = assignment.armOf(h.getTenantId(), h.getWorkloadId());
        PricingCatalog.Price price = pricing.lookup(h.getRegion(), null);
        for (int i = 0; i < arms.length; i++) {
            ArmState a = arms[i];
            ThresholdPolicy policy = policies.get(i);
            if (a.allocation == null) {
                a.allocation = policy.assumedAllocation(h);
                a.cores = a.allocation.cpuCapacity();
                a.memoryBytes = a.allocation.memoryCapacity();
            }
            long hour = Math.floorDiv(start, HOUR_MS) * HOUR_MS;
            if (a.hourStart != Long.MIN_VALUE && hour != a.hourStart) {
                out.add(outcome(names.get(i), live, h, a));
                reset(a);
            }
            a.hourStart = hour;
            account(a, start, end, h.getLastCpu(), h.getLastMemory(), price);

            ScalingCommand c = policy.decide(h, a.allocation);
            if (c != null) {
                a.actions++;
                ShadowOptions o = options.get(i);
                double toCores = c.getToReplicas() * c.getToCpuPerReplica();
                double toMemory = (double) c.getToReplicas() * c.getToMemoryPerReplicaBytes();
                boolean grows = toCores > a.cores + 1e-9 || toMemory > a.memoryBytes + 1;
                long delay = !grows ? 0 : c.getAction() == ScalingAction.SCALE_OUT ? o.leadTimeScaleOutMs : o.leadTimeInPlaceMs;
                a.pendingAt = Math.max(end, c.getEffectiveAt().toEpochMilli()) + delay;
                a.pendingCores = toCores;
                a.pendingMemoryBytes = toMemory;
                a.pendingSpotShare = c.getSpotShare();
                if (a.pendingAt <= end) {
                    applyPending(a);
                }
            }
        }
        return out;
    }

    /** The outcomes of the hours still open (at the end of input or before state is dropped). */
    public List<StrategyOutcome> flush(ArmState[] arms, String tenant, String workload) {
        List<StrategyOutcome> out = new ArrayList<>();
        String live = assignment.armOf(tenant, workload);
        for (int i = 0; i < arms.length; i++) {
            if (arms[i].hourStart != Long.MIN_VALUE && arms[i].minutes > 0) {
                out.add(outcome(names.get(i), live, tenant, workload, arms[i]));
                reset(arms[i]);
            }
        }
        return out;
    }

    static void account(ArmState a, long from, long to, double cpu, double memory, PricingCatalog.Price price) {
        long t = from;
        while (t < to) {
            long next = a.pendingAt != Long.MIN_VALUE && a.pendingAt > t && a.pendingAt < to ? a.pendingAt : to;
            if (a.pendingAt != Long.MIN_VALUE && a.pendingAt <= t) {
                applyPending(a);
                continue;
            }
            double hours = (next - t) / (double) HOUR_MS;
            a.cost += price.computePerHour(a.cores, a.memoryBytes, a.spotShare) * hours;
            a.coreHours += a.cores * hours;
            a.minutes += (next - t) / 60_000.0;
            if (cpu > a.cores + 1e-9 || memory > a.memoryBytes + 1) {
                a.underprovisionedMinutes += (next - t) / 60_000.0;
            }
            t = next;
        }
    }

    private static void applyPending(ArmState a) {
        a.cores = a.pendingCores;
        a.memoryBytes = a.pendingMemoryBytes;
        a.spotShare = a.pendingSpotShare;
        a.pendingAt = Long.MIN_VALUE;
    }

    private static void reset(ArmState a) {
        a.cost = 0;
        a.underprovisionedMinutes = 0;
        a.coreHours = 0;
        a.minutes = 0;
        a.actions = 0;
    }

    private static StrategyOutcome outcome(String name, String live, ShadowHorizon h, ArmState a) {
        return outcome(name, live, h.getTenantId(), h.getWorkloadId(), a);
    }

    private static StrategyOutcome outcome(String name, String live, String tenant, String workload, ArmState a) {
        return StrategyOutcome.newBuilder()
                .setStrategy(name).setTenantId(tenant).setWorkloadId(workload)
                .setHourStart(java.time.Instant.ofEpochMilli(a.hourStart))
                .setLiveArm(live).setLive(name.equals(live))
                .setCost(a.cost).setUnderprovisionedMinutes(a.underprovisionedMinutes).setActions(a.actions)
                .setCoreHours(a.coreHours).setMinutes(a.minutes)
                .build();
    }
}
