package io.shadowscale.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.shadowscale.schema.TelemetryEvent;
import io.shadowscale.schema.TelemetryRollup;
import io.shadowscale.udf.logic.BucketAccumulator;

/** The bucketer's work: one sample folded into its bucket, and a closed bucket turned into a rollup. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BucketBench {
    private TelemetryEvent[] events;
    private BucketAccumulator acc;
    private BucketAccumulator full;
    private int i;

    @Setup
    public void setup() {
        events = new TelemetryEvent[5];
        for (int k = 0; k < 5; k++) {
            events[k] = Fixtures.event(k, Fixtures.T0 + k * 60_000L);
        }
        acc = BucketAccumulator.start(Fixtures.T0);
        full = BucketAccumulator.start(Fixtures.T0);
        for (TelemetryEvent e : events) {
            full.add(e);
        }
    }

    @Benchmark
    public BucketAccumulator add() {
        acc.add(events[i++ % 5]);
        return acc;
    }

    @Benchmark
    public TelemetryRollup toRollup() {
        return full.toRollup("tenant-00042", "transactions-03", Fixtures.BUCKET_MS);
    }
}
