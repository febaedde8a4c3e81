package io.shadowscale.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateHandle;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

import io.shadowscale.schema.ExternalEvent;
import io.shadowscale.schema.TelemetryRollup;
import io.shadowscale.udf.BehavioralProfiler;
import io.shadowscale.udf.Descriptors;
import io.shadowscale.udf.Keys;
import io.shadowscale.udf.ShadowOptions;
import io.shadowscale.udf.logic.profile.ProfileState;
import io.shadowscale.udf.model.EnrichedRollup;

/**
 * Measures the profiler's state per workload with 7 days of 5-minute history, on the heap
 * (HashMap) and RocksDB state backends: the bytes of a checkpoint of 20 workloads divided by 20,
 * and the heap object size of one profile. RocksDB's checkpoint holds the SST files as written:
 * until compaction they keep superseded versions of each workload's value (it is rewritten on
 * every bucket), so it is larger than the live value. Prints the figures (the README quotes them) and
 * checks they stay compact.
 */
class ProfileStateSizeTest {

    static final int WORKLOADS = 20;
    static final long BUCKET = 300_000L;
    static final long T0 = Instant.parse("2026-11-16T00:00:00Z").toEpochMilli();

    static long checkpointBytesPerWorkload(StateBackend backend) throws Exception {
        ShadowOptions options = ShadowOptions.defaults();
        KeyedBroadcastOperatorTestHarness<String, TelemetryRollup, ExternalEvent, EnrichedRollup> h =
                ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(new BehavioralProfiler(options), new Keys.OfRollup(),
                        Types.STRING, Descriptors.EXTERNAL_EVENTS);
        h.close();
        h = new KeyedBroadcastOperatorTestHarness<>(
                new org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator<>(new BehavioralProfiler(options),
                        java.util.List.of(Descriptors.EXTERNAL_EVENTS)),
                new Keys.OfRollup(), Types.STRING, 1, 1, 0);
        h.setStateBackend(backend);
        h.setup();
        h.open();
        h.processBroadcastWatermark(Long.MAX_VALUE);
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(1);
        for (long t = T0; t < T0 + 7 * 86_400_000L; t += BUCKET) {
            for (int w = 0; w < WORKLOADS; w++) {
                double cpu = 1 + rnd.nextDouble();
                h.processElement(TelemetryRollup.newBuilder().setTenantId("tenant-" + w).setWorkloadId("api")
                        .setBucketStart(Instant.ofEpochMilli(t)).setBucketMs(BUCKET).setSamples(5)
                        .setCpuAvg(cpu).setCpuMax(cpu * 1.2).setMemoryAvg(4e9).setMemoryMax(4.2e9)
                        .setNetworkInBytesPerSec(1e5 * cpu).setNetworkOutBytesPerSec(2e5 * cpu).setStorageMax(1e11)
                        .setDbQueries(3000).setRequests(1000).setActiveSessionsAvg(40).setSessionDurationMsAvg(45_000)
                        .setDataKinds(Map.of("transactions", 5L)).setRegion("eu-west-1").build(), t + BUCKET - 1);
            }
            h.processWatermark(t + BUCKET - 1);
            h.getOutput().clear(); // only the state is measured
        }
        OperatorSubtaskState snapshot = h.snapshot(1, 1);
        long bytes = 0;
        for (KeyedStateHandle k : snapshot.getManagedKeyedState()) {
            bytes += k.getStateSize();
        }
        h.close();
        return bytes / WORKLOADS;
    }

    @Test
    void stateBytesPerWorkloadWithSevenDaysOfHistory() throws Exception {
        ProfileState one = ProfileState.create(BUCKET);
        long heapObject = one.heapBytes() + 40; // + the one data-kind name
        long heapCheckpoint = checkpointBytesPerWorkload(new HashMapStateBackend());
        long rocksCheckpoint = checkpointBytesPerWorkload(new EmbeddedRocksDBStateBackend());
        System.out.printf("profile state per workload, 7 days of 5-minute history: heap object %,d B; "
                + "full checkpoint heap (HashMap) backend %,d B; RocksDB backend %,d B%n", heapObject, heapCheckpoint, rocksCheckpoint);
        assertThat(heapObject).isBetween(20_000L, 40_000L);
        assertThat(heapCheckpoint).isBetween(20_000L, 45_000L);
        assertThat(rocksCheckpoint).isBetween(20_000L, 200_000L);
    }
}
