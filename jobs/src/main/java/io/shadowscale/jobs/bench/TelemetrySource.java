package io.shadowscale.jobs.bench;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource.NumberSequenceSplit;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.connector.datagen.source.GeneratingIteratorSourceReader;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import io.shadowscale.udf.model.RawTelemetry;

/**
 * A FLIP-27 source of {@code count} generated telemetry records: the number-sequence splits of
 * {@link NumberSequenceSource} and datagen's generating reader, like {@code DataGeneratorSource},
 * but without its per-record rate-limiter hand-off (which returns to the mailbox after every
 * record and would make the ceiling the generator's, not Flink's). Optionally each reader
 * emits its first {@code freeTicks} samples per workload at full speed and then paces itself to
 * its share of {@code perSecond} (the latency run), and/or stops after {@code pauseAfterTicks}
 * samples per workload and waits, without finishing, until the job is cancelled (the state run
 * takes its savepoint then).
 */
final class TelemetrySource implements Source<RawTelemetry, NumberSequenceSplit, Collection<NumberSequenceSplit>>,
        ResultTypeQueryable<RawTelemetry> {
    private static final long serialVersionUID = 1L;

    private final NumberSequenceSource numbers;
    private final TelemetryGenerator generator;
    private final int workloads;
    private final long freeTicks;
    private final double perSecond;
    private final long pauseAfterTicks;

    TelemetrySource(TelemetryGenerator generator, int workloads, long count) {
        this(generator, workloads, count, 0, 0, 0);
    }

    TelemetrySource(TelemetryGenerator generator, int workloads, long count, long freeTicks, double perSecond, long pauseAfterTicks) {
        this.numbers = new NumberSequenceSource(0, count - 1);
        this.generator = generator;
        this.workloads = workloads;
        this.freeTicks = freeTicks;
        this.perSecond = perSecond;
        this.pauseAfterTicks = pauseAfterTicks;
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.BOUNDED;
    }

    @Override
    public SourceReader<RawTelemetry, NumberSequenceSplit> createReader(SourceReaderContext ctx) {
        SourceReader<RawTelemetry, NumberSequenceSplit> reader = new GeneratingIteratorSourceReader<>(ctx, generator);
        if (pauseAfterTicks <= 0 && perSecond <= 0) {
            return reader;
        }
        long mine = TelemetryGenerator.owned(workloads, ctx.getIndexOfSubtask(), ctx.currentParallelism()).length;
        return new PacedReader<>(reader, freeTicks * mine, perSecond / ctx.currentParallelism(), pauseAfterTicks * mine);
    }

    @Override
    public SplitEnumerator<NumberSequenceSplit, Collection<NumberSequenceSplit>> createEnumerator(
            SplitEnumeratorContext<NumberSequenceSplit> ctx) {
        return numbers.createEnumerator(ctx);
    }

    @Override
    public SplitEnumerator<NumberSequenceSplit, Collection<NumberSequenceSplit>> restoreEnumerator(
            SplitEnumeratorContext<NumberSequenceSplit> ctx, Collection<NumberSequenceSplit> checkpoint) {
        return numbers.restoreEnumerator(ctx, checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<NumberSequenceSplit> getSplitSerializer() {
        return numbers.getSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<Collection<NumberSequenceSplit>> getEnumeratorCheckpointSerializer() {
        return numbers.getEnumeratorCheckpointSerializer();
    }

    @Override
    public TypeInformation<RawTelemetry> getProducedType() {
        return TypeInformation.of(RawTelemetry.class);
    }

    /**
     * Emits {@code free} records at once, then {@code perSecond} (if > 0), none after
     * {@code pauseAfter} (if > 0). Paced by each record's due time: a record that is due goes out
     * at once, and only a reader ahead of schedule waits, on a timer, for its next record's due
     * time — so a late wake-up lets the records due meanwhile go out together. (Flink's
     * {@code RateLimitedSourceReader} with a {@code GuavaRateLimiter} hands every record to another
     * thread and back: the latency run at 5 s samples asked for 300,000 records/s and got 16,000.)
     */
    static final class PacedReader<E, SplitT extends SourceSplit> implements SourceReader<E, SplitT> {
        private final SourceReader<E, SplitT> reader;
        private final long free;
        private final double perSecond;
        private final long pauseAfter;
        private final CompletableFuture<Void> never = new CompletableFuture<>();
        private ScheduledExecutorService timer;
        private CompletableFuture<Void> waiting;
        private long emitted;
        private long pacedFromNanos;

        PacedReader(SourceReader<E, SplitT> reader, long free, double perSecond, long pauseAfter) {
            this.reader = reader;
            this.free = free;
            this.perSecond = perSecond;
            this.pauseAfter = pauseAfter;
        }

        @Override
        public void start() {
            reader.start();
        }

        @Override
        public InputStatus pollNext(ReaderOutput<E> output) throws Exception {
            if (pauseAfter > 0 && emitted >= pauseAfter) {
                waiting = never;
                return InputStatus.NOTHING_AVAILABLE;
            }
            if (perSecond > 0 && emitted >= free) {
                long now = System.nanoTime();
                if (emitted == free && pacedFromNanos == 0) {
                    pacedFromNanos = now;
                }
                long due = pacedFromNanos + (long) ((emitted - free) * 1e9 / perSecond);
                if (due > now) {
                    if (timer == null) {
                        timer = Executors.newSingleThreadScheduledExecutor(r -> {
                            Thread t = new Thread(r, "bench-source-pacer");
                            t.setDaemon(true);
                            return t;
                        });
                    }
                    CompletableFuture<Void> wake = new CompletableFuture<>();
                    timer.schedule(() -> wake.complete(null), due - now, TimeUnit.NANOSECONDS);
                    waiting = wake;
                    return InputStatus.NOTHING_AVAILABLE;
                }
            }
            InputStatus status = reader.pollNext(output);
            if (status == InputStatus.MORE_AVAILABLE) { // the generating reader's calls that emit a record (one each)
                emitted++;
            }
            return status;
        }

        @Override
        public CompletableFuture<Void> isAvailable() {
            if (waiting != null && !waiting.isDone()) {
                return waiting;
            }
            waiting = null;
            return reader.isAvailable();
        }

        @Override
        public void addSplits(List<SplitT> splits) {
            reader.addSplits(splits);
        }

        @Override
        public void notifyNoMoreSplits() {
            reader.notifyNoMoreSplits();
        }

        @Override
        public List<SplitT> snapshotState(long checkpointId) {
            return reader.snapshotState(checkpointId);
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) throws Exception {
            reader.notifyCheckpointComplete(checkpointId);
        }

        @Override
        public void close() throws Exception {
            if (timer != null) {
                timer.shutdownNow();
            }
            reader.close();
        }
    }
}
