package io.shadowscale.udf;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

import io.shadowscale.schema.AllocationUpdate;
import io.shadowscale.schema.ScalingCommand;
import io.shadowscale.schema.ShadowHorizon;
import io.shadowscale.udf.logic.AllocationState;
import io.shadowscale.udf.logic.ThresholdPolicy;

/**
 * Turns each shadow into a scaling command when the policy says so. Keyed state holds the
 * workload's allocation: reported by the platform on the allocations topic, otherwise assumed
 * from the first shadow and then advanced by this function's own (non-dry-run) commands.
 * State is cleared after {@link ShadowOptions#idleStateTimeoutMs} of event time without shadows.
 */
public class ScalingOrchestrator extends KeyedCoProcessFunction<String, ShadowHorizon, AllocationUpdate, ScalingCommand> {

    public static final ValueStateDescriptor<AllocationState> ALLOCATION =
            new ValueStateDescriptor<>("allocation", TypeInformation.of(AllocationState.class));
    public static final ValueStateDescriptor<Long> IDLE_TIMER = IdleTimer.descriptor();

    private final ShadowOptions options;
    private transient ThresholdPolicy policy;
    private transient ValueState<AllocationState> allocation;
    private transient IdleTimer idleTimer;
    private transient Counter commands;

    public ScalingOrchestrator(ShadowOptions options) {
        this.options = options;
    }

    @Override
    public void open(OpenContext ctx) {
        policy = new ThresholdPolicy(options);
        allocation = getRuntimeContext().getState(ALLOCATION);
        idleTimer = new IdleTimer(getRuntimeContext().getState(IDLE_TIMER));
        commands = getRuntimeContext().getMetricGroup().counter("scalingCommands");
    }

    @Override
    public void processElement1(ShadowHorizon h, Context ctx, Collector<ScalingCommand> out) throws Exception {
        AllocationState a = allocation.value();
        if (a == null) {
            a = policy.assumedAllocation(h);
        }
        ScalingCommand c = policy.decide(h, a);
        allocation.update(a);
        if (c != null) {
            commands.inc();
            out.collect(c);
        }
        touch(ctx, h.getGeneratedAt().toEpochMilli());
    }

    @Override
    public void processElement2(AllocationUpdate u, Context ctx, Collector<ScalingCommand> out) throws Exception {
        AllocationState a = allocation.value();
        if (a == null) {
            a = new AllocationState();
        }
        a.apply(u, options.maxCpuPerReplica, options.maxMemoryPerReplicaBytes);
        allocation.update(a);
        touch(ctx, u.getReportedAt().toEpochMilli());
    }

    private void touch(Context ctx, long eventTime) throws Exception {
        idleTimer.extendTo(ctx.timerService(), eventTime + options.idleStateTimeoutMs);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ScalingCommand> out) {
        allocation.clear();
        idleTimer.clear();
    }
}
