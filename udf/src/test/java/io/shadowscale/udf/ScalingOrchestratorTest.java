package io.shadowscale.udf;

import static io.shadowscale.udf.TestData.BUCKET;
import static io.shadowscale.udf.TestData.T0;
import static io.shadowscale.udf.TestData.horizon;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import io.shadowscale.schema.AllocationUpdate;
import io.shadowscale.schema.ScalingAction;
import io.shadowscale.schema.ScalingCommand;
import io.shadowscale.schema.ShadowHorizon;

class ScalingOrchestratorTest {

    final ShadowOptions options = ShadowOptions.defaults();

    KeyedTwoInputStreamOperatorTestHarness<String, ShadowHorizon, AllocationUpdate, ScalingCommand> harness() throws Exception {
        var h = new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new ScalingOrchestrator(options)),
                new Keys.OfHorizon(), new Keys.OfAllocation(), Types.STRING);
        h.open();
        return h;
    }

    static double[] flat(double v) {
        double[] d = new double[12];
        Arrays.fill(d, v);
        return d;
    }

    static AllocationUpdate allocation(String tenant, String workload, long at, int replicas, double cpu) {
        return AllocationUpdate.newBuilder().setTenantId(tenant).setWorkloadId(workload).setReportedAt(Instant.ofEpochMilli(at))
                .setReplicas(replicas).setCpuPerReplica(cpu).setMemoryPerReplicaBytes(8L << 30).setStorageBytes(100L << 30)
                .setMaxCpuPerReplica(cpu).build();
    }

    @Test
    void usesTheReportedAllocation() throws Exception {
        try (var h = harness()) {
            h.processElement2(new StreamRecord<>(allocation("t", "w", T0, 2, 2.0), T0));
            // 3.5 cores p50 -> p90 3.85 / 0.7 = 5.5 > 4; instance limit 2 cores per replica -> scale out
            h.processElement1(new StreamRecord<>(horizon("t", "w", T0 + BUCKET, 3.0, flat(3.5)), T0 + BUCKET));
            List<ScalingCommand> out = h.extractOutputValues();
            assertThat(out).hasSize(1);
            assertThat(out.get(0).getAction()).isEqualTo(ScalingAction.SCALE_OUT);
            assertThat(out.get(0).getFromReplicas()).isEqualTo(2);
            assertThat(out.get(0).getToReplicas()).isEqualTo(3);

            // the same forecast again: the allocation already grew, no new command
            h.processElement1(new StreamRecord<>(horizon("t", "w", T0 + 2 * BUCKET, 3.0, flat(3.5)), T0 + 2 * BUCKET));
            assertThat(h.extractOutputValues()).hasSize(1);
        }
    }

    @Test
    void assumesAnAllocationWithoutAReportAndForgetsIdleWorkloads() throws Exception {
        try (var h = harness()) {
            h.processElement1(new StreamRecord<>(horizon("t", "w", T0, 1.0, flat(1.0)), T0));
            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(h.numKeyedStateEntries()).isEqualTo(2);
            h.processElement1(new StreamRecord<>(horizon("t", "w", T0 + BUCKET, 1.0, flat(6.0)), T0 + BUCKET));
            assertThat(h.extractOutputValues()).hasSize(1);
            h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(T0 + BUCKET + options.idleStateTimeoutMs));
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }
}
