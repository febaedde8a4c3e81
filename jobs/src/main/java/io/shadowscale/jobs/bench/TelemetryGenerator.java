package io.shadowscale.jobs.bench;

import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

import io.shadowscale.udf.logic.TelemetryIntake;
import io.shadowscale.udf.model.RawTelemetry;

/**
 * Generates the benchmark's telemetry inside the job. Each source reader owns the workloads
 * {@code w ≡ subtask (mod parallelism)} and emits their samples tick by tick (all of its
 * workloads' sample k, then k + 1, ...), so every reader moves through event time at the same
 * pace whatever the parallelism: the index the number-sequence split hands in only counts the
 * records. {@link Mode#DECODE} runs the bytes through the same {@link TelemetryIntake} as the
 * Kafka deserializer; {@link Mode#RAW} (the pass-through ceiling) only carries the bytes.
 */
final class TelemetryGenerator implements GeneratorFunction<Long, RawTelemetry> {
    private static final long serialVersionUID = 1L;

    enum Mode { DECODE, RAW }

    private final BenchWorkloads workloads;
    private final Mode mode;
    private final long maxFutureSkewMs;
    private final long maxAheadOfPartitionMs;

    private transient BenchWorkloads.Encoder encoder;
    private transient TelemetryIntake intake;
    private transient int[] mine;
    private transient int subtask;
    private transient long emitted;

    TelemetryGenerator(BenchWorkloads workloads, Mode mode, long maxFutureSkewMs, long maxAheadOfPartitionMs) {
        this.workloads = workloads;
        this.mode = mode;
        this.maxFutureSkewMs = maxFutureSkewMs;
        this.maxAheadOfPartitionMs = maxAheadOfPartitionMs;
    }

    @Override
    public void open(SourceReaderContext ctx) {
        subtask = ctx.getIndexOfSubtask();
        mine = owned(workloads.count(), subtask, ctx.currentParallelism());
        encoder = workloads.encoder();
        intake = new TelemetryIntake(maxFutureSkewMs, maxAheadOfPartitionMs);
    }

    /** Workloads of reader {@code subtask} of {@code parallelism}. */
    static int[] owned(int workloads, int subtask, int parallelism) {
        int n = workloads / parallelism + (subtask < workloads % parallelism ? 1 : 0);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = subtask + i * parallelism;
        }
        return out;
    }

    @Override
    public RawTelemetry map(Long index) {
        long k = emitted++;
        int w = mine[(int) (k % mine.length)];
        long tick = k / mine.length;
        byte[] bytes = encoder.encode(w, tick);
        RawTelemetry raw;
        if (mode == Mode.DECODE) {
            // one "partition" per reader, as a Kafka split would be
            raw = intake.read(bytes, subtask, System.currentTimeMillis());
        } else {
            raw = new RawTelemetry();
            raw.payload = bytes;
            raw.partition = w; // the pass-through keys by workload without decoding (PassThroughKey)
        }
        raw.topic = "bench";
        raw.offset = k;
        return raw;
    }
}
