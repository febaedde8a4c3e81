package io.shadowscale.jobs.bench;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.accumulators.LongMaximum;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Counts the records a source reader emits, chained right after the source (it forwards every
 * record unchanged), and notes when its reader has passed the warm-up: {@code warmTicks} samples of
 * each of its workloads. Throughput is measured from the latest reader's warm-up mark, so job
 * start-up and the model's cold start (its first hour answers with the fallback) are not in it.
 */
final class Meter<T> extends ProcessFunction<T, T> {
    static final String EVENTS = "events";
    static final String WARM_EVENTS = "warmEvents";
    static final String WARM_START_MS = "warmStartMs";
    static final String SOURCE_END_MS = "sourceEndMs";

    private final int workloads;
    private final long warmTicks;
    private transient long warmAfter;
    private transient long seen;
    private transient long lastMs;
    private transient LongCounter events;
    private transient LongCounter warmEvents;
    private transient LongMaximum warmStart;
    private transient LongMaximum sourceEnd;

    Meter(int workloads, long warmTicks) {
        this.workloads = workloads;
        this.warmTicks = warmTicks;
    }

    @Override
    public void open(OpenContext ctx) {
        var info = getRuntimeContext().getTaskInfo();
        warmAfter = warmTicks * TelemetryGenerator.owned(workloads, info.getIndexOfThisSubtask(), info.getNumberOfParallelSubtasks()).length;
        events = register(EVENTS, new LongCounter());
        warmEvents = register(WARM_EVENTS, new LongCounter());
        warmStart = register(WARM_START_MS, new LongMaximum());
        sourceEnd = register(SOURCE_END_MS, new LongMaximum());
        if (warmAfter == 0) {
            warmStart.add(System.currentTimeMillis());
        }
    }

    private <A extends org.apache.flink.api.common.accumulators.SimpleAccumulator<Long>> A register(String name, A acc) {
        getRuntimeContext().addAccumulator(name, acc);
        return acc;
    }

    @Override
    public void processElement(T value, Context ctx, Collector<T> out) {
        if (++seen == warmAfter) {
            warmStart.add(System.currentTimeMillis());
            warmEvents.add(seen);
        }
        events.add(1);
        out.collect(value);
        if ((seen & 1023) == 0) {
            lastMs = System.currentTimeMillis();
        }
    }

    @Override
    public void close() {
        if (seen > 0) {
            sourceEnd.add(Math.max(lastMs, System.currentTimeMillis()));
        }
    }
}
