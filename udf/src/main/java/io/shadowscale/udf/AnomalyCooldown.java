package io.shadowscale.udf;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import io.shadowscale.schema.Anomaly;

/**
 * De-duplicates repeated anomalies: keyed by workload and anomaly type, an anomaly that starts
 * within {@link ShadowOptions#anomalyCooldownMs} of the end of the last one emitted is the same
 * incident and is dropped (counted). The state is one timestamp per key, cleared by an event-time
 * timer once the cool-down has passed.
 */
public class AnomalyCooldown extends KeyedProcessFunction<String, Anomaly, Anomaly> {

    public static final ValueStateDescriptor<Long> LAST_END = new ValueStateDescriptor<>("last-anomaly-end", Types.LONG);

    private final long cooldownMs;
    private transient ValueState<Long> lastEnd;
    private transient Counter suppressed;

    public AnomalyCooldown(long cooldownMs) {
        this.cooldownMs = cooldownMs;
    }

    /** tenant/workload/type */
    public static final class ByWorkloadAndType implements KeySelector<Anomaly, String> {
        @Override
        public String getKey(Anomaly a) {
            return Keys.workload(a.getTenantId(), a.getWorkloadId()) + "/" + a.getType();
        }
    }

    @Override
    public void open(OpenContext ctx) {
        lastEnd = getRuntimeContext().getState(LAST_END);
        suppressed = getRuntimeContext().getMetricGroup().counter("anomaliesSuppressed");
    }

    @Override
    public void processElement(Anomaly a, Context ctx, Collector<Anomaly> out) throws Exception {
        long start = a.getStartTime().toEpochMilli();
        long end = a.getEndTime().toEpochMilli();
        Long last = lastEnd.value();
        if (last != null && start < last + cooldownMs) {
            suppressed.inc();
            if (end > last) { // the incident goes on: extend the cool-down from its new end
                ctx.timerService().deleteEventTimeTimer(last + cooldownMs);
                lastEnd.update(end);
                ctx.timerService().registerEventTimeTimer(end + cooldownMs);
            }
            return;
        }
        if (last != null) {
            ctx.timerService().deleteEventTimeTimer(last + cooldownMs);
        }
        lastEnd.update(end);
        ctx.timerService().registerEventTimeTimer(end + cooldownMs);
        out.collect(a);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Anomaly> out) throws Exception {
        Long last = lastEnd.value();
        if (last != null && timestamp >= last + cooldownMs) {
            lastEnd.clear();
        }
    }
}
