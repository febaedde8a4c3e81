package io.shadowscale.udf;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import io.shadowscale.schema.StrategyOutcome;
import io.shadowscale.udf.logic.ab.ArmState;
import io.shadowscale.udf.logic.ab.ShadowArms;
import io.shadowscale.udf.logic.ab.StrategyCatalog;
import io.shadowscale.udf.model.CompactHorizon;

/**
 * Shadow arms of the A/B test: every strategy of the catalogue simulated on every workload's
 * forecasts and actual use ({@link ShadowArms}), one {@link StrategyOutcome} per strategy,
 * workload and hour for the {@code strategy_outcomes} table. Keyed by workload; state (one
 * {@link ArmState} per strategy) is dropped after {@link ShadowOptions#idleStateTimeoutMs}
 * without forecasts, when the open hour is written out.
 *
 * <p>It reads the {@link CompactHorizon} across its own keyBy ({@link Keys.OfCompact}) rather
 * than chaining to the forecaster: the arms run the scaling policy once per strategy and
 * bucket, and on the forecaster's task they were 15% of the samples of the thread that bounds
 * the job's throughput at parallelism 1; the compact form carries all the policy reads.
 */
public class StrategyEvaluator extends KeyedProcessFunction<String, CompactHorizon, StrategyOutcome> {

    public static final ValueStateDescriptor<ArmState[]> ARMS =
            new ValueStateDescriptor<>("strategy-arms", TypeInformation.of(ArmState[].class));
    public static final ValueStateDescriptor<Long> IDLE_TIMER = IdleTimer.descriptor();

    private final ShadowOptions options;
    private transient ShadowArms arms;
    private transient ValueState<ArmState[]> state;
    private transient IdleTimer idleTimer;

    public StrategyEvaluator(ShadowOptions options) {
        this.options = options;
    }

    @Override
    public void open(OpenContext ctx) {
        arms = new ShadowArms(options.strategyCatalog(), options);
        state = getRuntimeContext().getState(ARMS);
        idleTimer = new IdleTimer(getRuntimeContext().getState(IDLE_TIMER));
    }

    @Override
    public void processElement(CompactHorizon c, Context ctx, Collector<StrategyOutcome> out) throws Exception {
        ArmState[] s = state.value();
        if (s == null || s.length != arms.names().size()) {
            s = arms.newState();
        }
        arms.observe(s, c.toHorizon()).forEach(out::collect);
        state.update(s);
        idleTimer.touch(ctx.timerService(), c.generatedAt + options.idleStateTimeoutMs);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<StrategyOutcome> out) throws Exception {
        if (!idleTimer.expired(ctx.timerService(), timestamp)) {
            return; // forecasts came since the timer was armed: it moved to the latest expiry
        }
        ArmState[] s = state.value();
        if (s != null) {
            String[] key = ctx.getCurrentKey().split("/", 2);
            arms.flush(s, key[0], key[1]).forEach(out::collect);
        }
        state.clear();
        idleTimer.clear();
    }
}
