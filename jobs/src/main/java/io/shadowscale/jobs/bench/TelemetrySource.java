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
import org.apache.flink.api.connector.source.util.ratelimit.GuavaRateLimiter;
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
        return new RateLimitedSourceReader<>(reader,
                new Limiter(freeTicks * mine, perSecond / ctx.currentParallelism(), pauseAfterTicks * mine));
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

    /** {@code free} records at once, then {@code perSecond} (if > 0); none after {@code pauseAfter} (if > 0). */
    private static final class Limiter implements RateLimiter {
        private final long free;
        private final double perSecond;
        private final long pauseAfter;
        private final CompletableFuture<Void> never = new CompletableFuture<>();
        private GuavaRateLimiter paced;
        private long granted;

        Limiter(long free, double perSecond, long pauseAfter) {
            this.free = free;
            this.perSecond = perSecond;
            this.pauseAfter = pauseAfter;
        }

        @Override
        public CompletionStage<Void> acquire() {
            granted++;
            if (pauseAfter > 0 && granted > pauseAfter) {
                return never;
            }
            if (perSecond <= 0 || granted <= free) {
                return CompletableFuture.completedFuture(null);
            }
            if (paced == null) {
                paced = new GuavaRateLimiter(perSecond);
            }
            return paced.acquire();
        }
    }
}
