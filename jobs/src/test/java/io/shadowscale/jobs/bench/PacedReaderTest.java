package io.shadowscale.jobs.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.core.io.InputStatus;
import org.junit.jupiter.api.Test;

class PacedReaderTest {

    /** Emits 0, 1, 2, … one per call, {@code count} in all. */
    private static final class Counting implements SourceReader<Long, SourceSplit> {
        private final long count;
        private long next;

        Counting(long count) {
            this.count = count;
        }

        @Override public void start() {}
        @Override public InputStatus pollNext(ReaderOutput<Long> output) {
            if (next >= count) {
                return InputStatus.END_OF_INPUT;
            }
            output.collect(next++);
            return InputStatus.MORE_AVAILABLE;
        }
        @Override public List<SourceSplit> snapshotState(long checkpointId) { return List.of(); }
        @Override public CompletableFuture<Void> isAvailable() { return CompletableFuture.completedFuture(null); }
        @Override public void addSplits(List<SourceSplit> splits) {}
        @Override public void notifyNoMoreSplits() {}
        @Override public void close() {}
    }

    private static final class Collecting implements ReaderOutput<Long> {
        final List<Long> records = new ArrayList<>();
        final List<Long> atNanos = new ArrayList<>();
        @Override public void collect(Long record) { records.add(record); atNanos.add(System.nanoTime()); }
        @Override public void collect(Long record, long timestamp) { collect(record); }
        @Override public void emitWatermark(Watermark watermark) {}
        @Override public void markIdle() {}
        @Override public void markActive() {}
        @Override public SourceOutput<Long> createOutputForSplit(String splitId) { return this; }
        @Override public void releaseOutputForSplit(String splitId) {}
    }

    /** Polls as the source task does: again at once after MORE_AVAILABLE, after the availability future otherwise. */
    private static InputStatus drain(SourceReader<Long, SourceSplit> reader, Collecting out, long maxWaitMs) throws Exception {
        while (true) {
            InputStatus s = reader.pollNext(out);
            if (s == InputStatus.END_OF_INPUT) {
                return s;
            }
            if (s == InputStatus.NOTHING_AVAILABLE) {
                try {
                    reader.isAvailable().get(maxWaitMs, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    return s;
                }
            }
        }
    }

    @Test
    void freeRecordsGoAtOnceThenEachNoEarlierThanItsDueTime() throws Exception {
        double perSecond = 2_000;
        TelemetrySource.PacedReader<Long, SourceSplit> reader = new TelemetrySource.PacedReader<>(new Counting(1_400), 1_000, perSecond, 0);
        Collecting out = new Collecting();
        long t0 = System.nanoTime();
        assertThat(drain(reader, out, 5_000)).isEqualTo(InputStatus.END_OF_INPUT);
        reader.close();
        assertThat(out.records).hasSize(1_400);
        for (int i = 0; i < out.records.size(); i++) {
            assertThat(out.records.get(i)).isEqualTo((long) i);
        }
        // record 1000 + k is due k / perSecond after pacing began, which was after record 999 left;
        // none may leave before that
        long pacedFrom = out.atNanos.get(999);
        for (int k = 1; k < 400; k++) {
            long due = pacedFrom + (long) (k * 1e9 / perSecond);
            assertThat(out.atNanos.get(1_000 + k)).as("record %d", 1_000 + k).isGreaterThanOrEqualTo(due);
        }
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo((long) (399 * 1e9 / perSecond));
    }

    @Test
    void pausesAfterItsShareWithoutFinishing() throws Exception {
        TelemetrySource.PacedReader<Long, SourceSplit> reader = new TelemetrySource.PacedReader<>(new Counting(100), 0, 0, 30);
        Collecting out = new Collecting();
        assertThat(drain(reader, out, 200)).isEqualTo(InputStatus.NOTHING_AVAILABLE);
        assertThat(out.records).hasSize(30);
        assertThat(reader.isAvailable()).isNotDone();
        reader.close();
    }

    @Test
    void unpacedReaderPassesEverythingThrough() throws Exception {
        TelemetrySource.PacedReader<Long, SourceSplit> reader = new TelemetrySource.PacedReader<>(new Counting(500), 0, 0, 0);
        Collecting out = new Collecting();
        assertThat(drain(reader, out, 1_000)).isEqualTo(InputStatus.END_OF_INPUT);
        assertThat(out.records).hasSize(500);
        reader.close();
    }
}
