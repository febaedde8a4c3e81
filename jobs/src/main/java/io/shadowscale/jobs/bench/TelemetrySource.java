package io.shadowscale.jobs.bench;

import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource.NumberSequenceSplit;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimitedSourceReader;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiter;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.connector.datagen.source.GeneratingIteratorSourceReader;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import io.shadowscale.udf.model.RawTelemetry;

/**
 * A FLIP-27 source of {@code count} generated telemetry records: the number-sequence splits of
 * {@link NumberSequenceSource} and datagen's generating reader, like {@code DataGeneratorSource},
 * but without its per-record rate-limiter hand-off (which returns to the mailbox after every
 * record and would make the ceiling the generator's, not Flink's). With {@code pauseAfterTicks > 0}
 * each reader stops after that many samples of each of its workloads and waits, without
 * finishing, until the job is cancelled: the state phase takes its savepoint then.
 */
final class TelemetrySource implements Source<RawTelemetry, NumberSequenceSplit, Collection<NumberSequenceSplit>>,
        ResultTypeQueryable<RawTelemetry> {
    private static final long serialVersionUID = 1L;

    private final NumberSequenceSource numbers;
    private final TelemetryGenerator generator;
    private final int workloads;
    private final long pauseAfterTicks;

    TelemetrySource(TelemetryGenerator generator, int workloads, long count, long pauseAfterTicks) {
        this.numbers = new NumberSequenceSource(0, count - 1);
        this.generator = generator;
        this.workloads = workloads;
        this.pauseAfterTicks = pauseAfterTicks;
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.BOUNDED;
    }

    @Override
    public SourceReader<RawTelemetry, NumberSequenceSplit> createReader(SourceReaderContext ctx) {
        SourceReader<RawTelemetry, NumberSequenceSplit> reader = new GeneratingIteratorSourceReader<>(ctx, generator);
        if (pauseAfterTicks <= 0) {
            return reader;
        }
        long mine = TelemetryGenerator.owned(workloads, ctx.getIndexOfSubtask(), ctx.currentParallelism()).length;
        return new RateLimitedSourceReader<>(reader, new PauseAfter(pauseAfterTicks * mine));
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

    /** Lets {@code limit} records through, then none. */
    private static final class PauseAfter implements RateLimiter {
        private final long limit;
        private long granted;
        private final CompletableFuture<Void> never = new CompletableFuture<>();

        PauseAfter(long limit) {
            this.limit = limit;
        }

        @Override
        public CompletionStage<Void> acquire() {
            return granted++ < limit ? CompletableFuture.completedFuture(null) : never;
        }
    }
}
