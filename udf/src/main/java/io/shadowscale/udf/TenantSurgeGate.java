package io.shadowscale.udf;

import java.util.Iterator;
import java.util.Map;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import io.shadowscale.schema.ScalingCommand;
import io.shadowscale.udf.logic.scaling.SurgeBudget;

/**
 * Keyed by tenant, after the orchestrator: pools the scale-ups of a tenant's workloads during
 * unexplained surges against one budget ({@link SurgeBudget}). Other commands pass untouched and
 * leave no state; a tenant's grants are dropped when its last surge ends.
 */
public class TenantSurgeGate extends KeyedProcessFunction<String, ScalingCommand, ScalingCommand> {

    static final MapStateDescriptor<String, SurgeBudget.Grant> GRANTS =
            new MapStateDescriptor<>("surge-grants", Types.STRING, TypeInformation.of(SurgeBudget.Grant.class));

    private final double budgetPerHour;
    private transient SurgeBudget budget;
    private transient MapState<String, SurgeBudget.Grant> grants;
    private transient IdleTimer releaseTimer;
    private transient Counter held;

    public TenantSurgeGate(double budgetPerHour) {
        this.budgetPerHour = budgetPerHour;
    }

    /** Commands by tenant. */
    public static final class ByTenant implements KeySelector<ScalingCommand, String> {
        @Override public String getKey(ScalingCommand c) { return c.getTenantId(); }
    }

    @Override
    public void open(OpenContext ctx) {
        budget = new SurgeBudget(budgetPerHour);
        grants = getRuntimeContext().getMapState(GRANTS);
        releaseTimer = new IdleTimer(getRuntimeContext().getState(IdleTimer.descriptor()));
        held = getRuntimeContext().getMetricGroup().counter("scalingCommandsHeldBySurgeBudget");
    }

    @Override
    public void processElement(ScalingCommand c, Context ctx, Collector<ScalingCommand> out) throws Exception {
        if (SurgeBudget.underSurge(c)) {
            long decidedAt = c.getDecidedAt().toEpochMilli();
            String workload = c.getWorkloadId();
            double othersExtra = 0;
            for (Iterator<Map.Entry<String, SurgeBudget.Grant>> it = grants.iterator(); it.hasNext(); ) {
                Map.Entry<String, SurgeBudget.Grant> e = it.next();
                if (!e.getValue().activeAt(decidedAt)) {
                    it.remove(); // that surge is over: its budget is released
                } else if (!e.getKey().equals(workload)) {
                    othersExtra += e.getValue().extraPerHour;
                }
            }
            SurgeBudget.Grant own = grants.get(workload);
            SurgeBudget.Grant after = budget.admit(c, own, othersExtra);
            if (SurgeBudget.LIMIT.equals(c.getDryRunReason())) {
                held.inc();
            }
            if (after != null && after != own) {
                grants.put(workload, after);
                releaseTimer.extendTo(ctx.timerService(), after.until);
            }
        }
        out.collect(c);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ScalingCommand> out) throws Exception {
        long latest = Long.MIN_VALUE;
        for (Iterator<SurgeBudget.Grant> it = grants.values().iterator(); it.hasNext(); ) {
            SurgeBudget.Grant g = it.next();
            if (g.activeAt(timestamp)) {
                latest = Math.max(latest, g.until);
            } else {
                it.remove();
            }
        }
        releaseTimer.clear();
        if (latest != Long.MIN_VALUE) {
            releaseTimer.extendTo(ctx.timerService(), latest);
        } else {
            grants.clear();
        }
    }
}
