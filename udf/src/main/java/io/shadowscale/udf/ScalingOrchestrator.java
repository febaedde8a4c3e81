package io.shadowscale.udf;

import java.util.HashSet;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

import io.shadowscale.schema.AllocationUpdate;
import io.shadowscale.schema.ScalingCommand;
import io.shadowscale.schema.ScalingControl;
import io.shadowscale.schema.ShadowHorizon;
import io.shadowscale.udf.logic.AllocationState;
import io.shadowscale.udf.logic.ThresholdPolicy;
import io.shadowscale.udf.logic.scaling.Guard;
import io.shadowscale.udf.model.CompactHorizon;
import io.shadowscale.udf.model.OrchestratorInput;

/**
 * Turns each shadow into a scaling command when the policy says so. Keyed state holds the
 * workload's allocation: reported by the platform on the allocations topic, otherwise assumed
 * from the first shadow, and advanced by this function's own (non-dry-run) commands until the
 * platform acknowledges them ({@code appliedCommandId}) or they expire. The control topic is
 * broadcast in: the latest {@link ScalingControl} (by issue time) is in force for every workload —
 * with the kill switch on, decisions are still made and published, as dry runs, and the
 * allocation is not advanced. State is cleared after {@link ShadowOptions#idleStateTimeoutMs} of
 * event time without shadows or reports.
 */
public class ScalingOrchestrator extends KeyedBroadcastProcessFunction<String, OrchestratorInput, ScalingControl, ScalingCommand> {

    public static final ValueStateDescriptor<AllocationState> ALLOCATION =
            new ValueStateDescriptor<>("allocation", TypeInformation.of(AllocationState.class));
    /**
     * The idle expiry, which earlier versions kept beside the allocation and wrote on every shadow.
     * It now lives in {@link AllocationState#idleExpiry} (one state read and write less per
     * bucket); this is only read when a timer fires and cleared with the allocation, so savepoints
     * of those versions leave nothing behind.
     */
    public static final ValueStateDescriptor<Long> IDLE_TIMER = IdleTimer.descriptor();
    static final String CURRENT = "current";

    private final ShadowOptions options;
    private transient ThresholdPolicy policy;
    /** With live A/B arms: each strategy's policy, and which workload runs which. */
    private transient java.util.Map<String, ThresholdPolicy> armPolicies;
    private transient io.shadowscale.udf.logic.ab.ArmAssignment arms;
    private transient ValueState<AllocationState> allocation;
    private transient ValueState<Long> legacyIdleExpiry;
    private transient Counter commands;
    private transient Counter suppressed;

    public ScalingOrchestrator(ShadowOptions options) {
        this.options = options;
    }

    @Override
    public void open(OpenContext ctx) {
        policy = new ThresholdPolicy(options);
        if (options.liveArms) {
            io.shadowscale.udf.logic.ab.StrategyCatalog catalog = options.strategyCatalog();
            arms = catalog.assignment();
            armPolicies = new java.util.HashMap<>();
            catalog.all(options).forEach((name, o) -> armPolicies.put(name, new ThresholdPolicy(o)));
        }
        allocation = getRuntimeContext().getState(ALLOCATION);
        legacyIdleExpiry = getRuntimeContext().getState(IDLE_TIMER);
        commands = getRuntimeContext().getMetricGroup().counter("scalingCommands");
        suppressed = getRuntimeContext().getMetricGroup().counter("scalingCommandsKillSwitch");
    }

    @Override
    public void processElement(OrchestratorInput in, ReadOnlyContext ctx, Collector<ScalingCommand> out) throws Exception {
        if (in.horizon != null) {
            onHorizon(in.horizon, ctx, out);
        } else if (in.allocation != null) {
            onAllocation(in.allocation, ctx);
        } else if (in.anomaly != null) {
            AllocationState a = allocation.value();
            if (a != null) { // nothing to protect before the first shadow
                a.onAnomaly(in.anomaly.getType() == io.shadowscale.schema.AnomalyType.UNEXPLAINED_SURGE,
                        in.anomaly.getEndTime().toEpochMilli() + options.anomalyCooldownMs, options.unexplainedSurgeBudget);
                allocation.update(a);
            }
        }
    }

    private void onHorizon(CompactHorizon compact, ReadOnlyContext ctx, Collector<ScalingCommand> out) throws Exception {
        ShadowHorizon h = compact.toHorizon(); // what the policy reads (it is shared with the backtests and what-if runs)
        // live A/B arm: the strategy of the workload's arm decides, and its name is the command's policy
        ThresholdPolicy policy = arms == null ? this.policy : armPolicies.get(arms.armOf(h.getTenantId(), h.getWorkloadId()));
        AllocationState a = allocation.value();
        boolean created = a == null;
        if (created) {
            a = policy.assumedAllocation(h);
        }
        ScalingCommand c = policy.decide(h, a, guard(ctx.getBroadcastState(Descriptors.SCALING_CONTROL)));
        active(ctx, a, created, h.getGeneratedAt().toEpochMilli());
        allocation.update(a);
        if (c != null) {
            commands.inc();
            if ("kill-switch".equals(c.getDryRunReason())) suppressed.inc();
            out.collect(c);
        }
    }

    private void onAllocation(AllocationUpdate u, ReadOnlyContext ctx) throws Exception {
        AllocationState a = allocation.value();
        boolean created = a == null;
        if (created) {
            a = new AllocationState();
        }
        a.apply(u, options.maxCpuPerReplica, options.maxMemoryPerReplicaBytes);
        active(ctx, a, created, u.getReportedAt().toEpochMilli());
        allocation.update(a);
    }

    static Guard guard(ReadOnlyBroadcastState<String, ScalingControl> state) throws Exception {
        ScalingControl c = state.get(CURRENT);
        if (c == null) {
            return Guard.NONE;
        }
        return new Guard(c.getKillSwitch(), new HashSet<>(c.getDryRunTenants()), c.getReason());
    }

    @Override
    public void processBroadcastElement(ScalingControl c, Context ctx, Collector<ScalingCommand> out) throws Exception {
        BroadcastState<String, ScalingControl> state = ctx.getBroadcastState(Descriptors.SCALING_CONTROL);
        ScalingControl current = state.get(CURRENT);
        // the latest issued control wins, whatever order the partitions deliver them in
        if (current == null || c.getIssuedAt().isAfter(current.getIssuedAt())
                || c.getIssuedAt().equals(current.getIssuedAt()) && c.getControlId().compareTo(current.getControlId()) > 0) {
            state.put(CURRENT, c);
        }
    }

    /**
     * Records activity at {@code eventTime} in the state's idle expiry; the key's one timer is armed
     * when its state is created and moved on in {@link #onTimer} (moving it on every shadow cost a
     * timer-queue delete and insert).
     */
    private void active(ReadOnlyContext ctx, AllocationState a, boolean created, long eventTime) {
        a.idleExpiry = Math.max(a.idleExpiry, eventTime + options.idleStateTimeoutMs);
        if (created) {
            ctx.timerService().registerEventTimeTimer(a.idleExpiry);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ScalingCommand> out) throws Exception {
        AllocationState a = allocation.value();
        long expiry = a == null ? Long.MIN_VALUE : a.idleExpiry;
        Long legacy = legacyIdleExpiry.value(); // kept by earlier versions, restored from their savepoints
        if (legacy != null) expiry = Math.max(expiry, legacy);
        if (a != null && expiry > timestamp) {
            ctx.timerService().registerEventTimeTimer(expiry); // shadows or reports came since it was armed
            return;
        }
        allocation.clear();
        legacyIdleExpiry.clear();
    }
}
