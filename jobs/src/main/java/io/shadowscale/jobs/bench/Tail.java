package io.shadowscale.jobs.bench;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.accumulators.LongMaximum;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The end of an output of the benchmarked graph: counts what arrives and notes when the last
 * record did (the end of the throughput window), then drops it (a discarding sink follows).
 */
final class Tail<T> extends ProcessFunction<T, T> {
    /** Prefix of the accumulators of last-arrival times; each tail has its own (names are unique per task). */
    static final String LAST_OUTPUT_MS = "lastOutputMs.";

    private final String counter;
    private transient LongCounter count;
    private transient LongMaximum last;
    private transient long lastMs;

    Tail(String counter) {
        this.counter = counter;
    }

    @Override
    public void open(OpenContext ctx) {
        count = new LongCounter();
        last = new LongMaximum();
        getRuntimeContext().addAccumulator(counter, count);
        getRuntimeContext().addAccumulator(LAST_OUTPUT_MS + counter, last);
    }

    @Override
    public void processElement(T value, Context ctx, Collector<T> out) {
        count.add(1);
        lastMs = System.currentTimeMillis();
    }

    @Override
    public void close() {
        if (lastMs > 0) {
            last.add(lastMs);
        }
    }
}
