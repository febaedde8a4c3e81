package io.shadowscale.udf;

import static io.shadowscale.udf.TestData.BUCKET;
import static io.shadowscale.udf.TestData.MIN;
import static io.shadowscale.udf.TestData.T0;
import static io.shadowscale.udf.TestData.horizon;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

import io.shadowscale.schema.AllocationUpdate;
import io.shadowscale.schema.ScalingAction;
import io.shadowscale.schema.ScalingCommand;
import io.shadowscale.schema.ScalingControl;
import io.shadowscale.schema.ScalingTrigger;
import io.shadowscale.schema.ShadowHorizon;
import io.shadowscale.udf.model.OrchestratorInput;

class ScalingOrchestratorTest {

    final ShadowOptions options = io.shadowscale.udf.logic.ThresholdPolicyTest.skeletonOptions();

    KeyedBroadcastOperatorTestHarness<String, OrchestratorInput, ScalingControl, ScalingCommand> harness() throws Exception {
        var h = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(new ScalingOrchestrator(options),
                new Keys.OfOrchestratorInput(), Types.STRING, Descriptors.SCALING_CONTROL);
        h.processBroadcastWatermark(Long.MAX_VALUE);
        return h;
    }

    static double[] flat(double v) {
        double[] d = new double[12];
        Arrays.fill(d, v);
        return d;
    }

    static AllocationUpdate allocation(String tenant, String workload, long at, int replicas, double cpu, double maxCpu, String applied) {
        return AllocationUpdate.newBuilder().setTenantId(tenant).setWorkloadId(workload).setReportedAt(Instant.ofEpochMilli(at))
                .setReplicas(replicas).setCpuPerReplica(cpu).setMemoryPerReplicaBytes(8L << 30).setStorageBytes(100L << 30)
                .setMaxCpuPerReplica(maxCpu).setAppliedCommandId(applied).build();
    }

    static ScalingControl control(long at, boolean kill, String... dryRunTenants) {
        return ScalingControl.newBuilder().setControlId("c" + at).setIssuedAt(Instant.ofEpochMilli(at)).setKillSwitch(kill)
                .setDryRunTenants(List.of(dryRunTenants)).setReason(kill ? "incident 42" : "").build();
    }

    static void shadow(KeyedBroadcastOperatorTestHarness<String, OrchestratorInput, ScalingControl, ScalingCommand> h, ShadowHorizon s) throws Exception {
        h.processElement(OrchestratorInput.of(TestData.compact(s)), s.getGeneratedAt().toEpochMilli());
    }

    static void report(KeyedBroadcastOperatorTestHarness<String, OrchestratorInput, ScalingControl, ScalingCommand> h, AllocationUpdate u) throws Exception {
        h.processElement(OrchestratorInput.of(u), u.getReportedAt().toEpochMilli());
    }

    static List<ScalingCommand> out(KeyedBroadcastOperatorTestHarness<String, OrchestratorInput, ScalingControl, ScalingCommand> h) {
        List<ScalingCommand> l = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof org.apache.flink.streaming.runtime.streamrecord.StreamRecord<?> r) l.add((ScalingCommand) r.getValue());
        }
        return l;
    }

    @Test
    void scalesOutAtTheLimitAndInPlaceBelowIt() throws Exception {
        try (var h = harness()) {
            report(h, allocation("t", "out", T0, 2, 2.0, 2.0, null));
            report(h, allocation("t", "in", T0, 2, 2.0, 8.0, null));
            // 3.5 cores p50 -> p90 3.85 / 0.7 = 5.5 > 4 cores
            shadow(h, horizon("t", "out", T0 + BUCKET, 3.0, flat(3.5)));
            shadow(h, horizon("t", "in", T0 + BUCKET, 3.0, flat(3.5)));
            List<ScalingCommand> out = out(h);
            assertThat(out).hasSize(2);
            assertThat(out.get(0).getAction()).isEqualTo(ScalingAction.SCALE_OUT);
            assertThat(out.get(0).getToReplicas()).isEqualTo(3);
            assertThat(out.get(0).getLimitApplied()).isEqualTo("instance-limit");
            assertThat(out.get(1).getAction()).isEqualTo(ScalingAction.RESIZE_IN_PLACE);
            assertThat(out.get(1).getToReplicas()).isEqualTo(2);
            assertThat(out.get(1).getToCpuPerReplica()).isEqualTo(2.75);
            // the same forecast again: the allocation is assumed grown, no new command
            shadow(h, horizon("t", "out", T0 + 2 * BUCKET, 3.0, flat(3.5)));
            assertThat(out(h)).hasSize(2);
        }
    }

    @Test
    void commandIsEffectiveAtTheCrossingMinusItsLeadTime() throws Exception {
        try (var h = harness()) {
            report(h, allocation("t", "w", T0, 2, 2.0, 8.0, null));
            report(h, allocation("t", "x", T0, 2, 2.0, 2.0, null));
            double[] cpu = flat(1.0);
            for (int i = 6; i < 12; i++) cpu[i] = 5.0;
            shadow(h, horizon("t", "w", T0, 1.0, cpu));
            shadow(h, horizon("t", "x", T0, 1.0, cpu));
            List<ScalingCommand> out = out(h);
            long crossing = T0 + 6 * BUCKET;
            assertThat(out.get(0).getEffectiveAt().toEpochMilli()).isEqualTo(crossing - options.leadTimeInPlaceMs);
            assertThat(out.get(1).getAction()).isEqualTo(ScalingAction.SCALE_OUT);
            assertThat(out.get(1).getEffectiveAt().toEpochMilli()).isEqualTo(crossing - options.leadTimeScaleOutMs);
            assertThat(out.get(0).getTriggeredBy()).isEqualTo(ScalingTrigger.FORECAST);
        }
    }

    @Test
    void safetyNetActsAtOnceWhenUseAlreadyExceedsTheAllocation() throws Exception {
        try (var h = harness()) {
            report(h, allocation("t", "w", T0, 1, 2.0, 8.0, null));
            // the forecast sees nothing (1 core), but the last bucket used 3 cores of 2
            shadow(h, horizon("t", "w", T0 + BUCKET, 3.0, flat(1.0)));
            ScalingCommand c = out(h).get(0);
            assertThat(c.getTriggeredBy()).isEqualTo(ScalingTrigger.SAFETY_NET);
            assertThat(c.getEffectiveAt().toEpochMilli()).isEqualTo(T0 + BUCKET);
            assertThat(c.getToCpuPerReplica()).isEqualTo(4.5); // 3 / 0.7 = 4.29 -> 4.5
            assertThat(c.getSummary()).startsWith("Resize 1 × 2.00 cores → 1 × 4.50 cores now: CPU use already exceeds the allocation");
        }
    }

    @Test
    void scalesInOnlyAfterStabilisationAndCooldown() throws Exception {
        options.cooldownMs = 40 * MIN; // longer than the stabilisation window, so the cooldown decides
        try (var h = harness()) {
            report(h, allocation("t", "w", T0, 2, 2.0, 2.0, null));
            shadow(h, horizon("t", "w", T0, 3.0, flat(3.5))); // scale out to 3 at T0
            assertThat(out(h)).hasSize(1);
            long t = T0 + BUCKET;
            while (out(h).size() == 1 && t < T0 + 3 * 3600_000L) {
                shadow(h, horizon("t", "w", t, 0.5, flat(0.5)));
                t += BUCKET;
            }
            ScalingCommand in = out(h).get(1);
            assertThat(in.getAction()).isEqualTo(ScalingAction.SCALE_IN);
            assertThat(in.getTriggeredBy()).isEqualTo(ScalingTrigger.SCALE_IN);
            assertThat(in.getDecidedAt().toEpochMilli() - T0).isGreaterThanOrEqualTo(options.cooldownMs);
            assertThat(in.getDecidedAt().toEpochMilli() - (T0 + BUCKET)).isGreaterThanOrEqualTo(options.scaleInStabilizationMs);
            assertThat(in.getToReplicas()).isEqualTo(2); // at most half of 3, rounded down, per step
            assertThat(in.getCostAfterPerHour()).isLessThan(in.getCostBeforePerHour());
        }
    }

    @Test
    void boundsAndMaximumStepCapScaleOut() throws Exception {
        options.maxReplicas = 5;
        options.maxStepFraction = 0.5;
        try (var h = harness()) {
            report(h, allocation("t", "w", T0, 4, 2.0, 2.0, null));
            shadow(h, horizon("t", "w", T0, 5, flat(20.0))); // needs 31 cores = 16 replicas
            ScalingCommand c = out(h).get(0);
            assertThat(c.getToReplicas()).isEqualTo(5);
            assertThat(c.getLimitApplied()).isEqualTo("max-replicas");
            shadow(h, horizon("t", "w", T0 + BUCKET, 5, flat(20.0)));
            assertThat(out(h)).as("nothing more within the bounds").hasSize(1);
        }
    }

    @Test
    void dryRunTenantsAreNotAssumedApplied() throws Exception {
        options.dryRunTenants.add("careful");
        try (var h = harness()) {
            report(h, allocation("careful", "w", T0, 2, 2.0, 8.0, null));
            shadow(h, horizon("careful", "w", T0, 2, flat(4.0)));
            shadow(h, horizon("careful", "w", T0 + BUCKET, 2, flat(4.0)));
            List<ScalingCommand> out = out(h);
            assertThat(out).hasSize(2).allMatch(ScalingCommand::getDryRun);
            assertThat(out.get(0).getDryRunReason()).isEqualTo("dry-run-tenant");
            assertThat(out.get(1).getFromCpuPerReplica()).isEqualTo(2.0);
        }
    }

    @Test
    void killSwitchOnTheControlTopicTurnsEveryCommandIntoADryRunUntilReleased() throws Exception {
        try (var h = harness()) {
            report(h, allocation("t", "w", T0, 2, 2.0, 8.0, null));
            h.processBroadcastElement(control(T0, true), T0);
            h.processBroadcastElement(control(T0 - MIN, false), T0); // older: ignored
            shadow(h, horizon("t", "w", T0, 2, flat(4.0)));
            ScalingCommand killed = out(h).get(0);
            assertThat(killed.getDryRun()).isTrue();
            assertThat(killed.getDryRunReason()).isEqualTo("kill-switch");
            assertThat(killed.getReason()).startsWith("[kill switch: incident 42]");
            h.processBroadcastElement(control(T0 + MIN, false, "other"), T0 + MIN);
            shadow(h, horizon("t", "w", T0 + BUCKET, 2, flat(4.0)));
            ScalingCommand live = out(h).get(1);
            assertThat(live.getDryRun()).isFalse();
            assertThat(live.getFromCpuPerReplica()).as("the killed command was not assumed applied").isEqualTo(2.0);
            assertThat(h.getBroadcastState(Descriptors.SCALING_CONTROL).get(ScalingOrchestrator.CURRENT).getControlId()).isEqualTo("c" + (T0 + MIN));
        }
    }

    @Test
    void ownCommandHoldsUntilTheAcknowledgementArrives() throws Exception {
        try (var h = harness()) {
            report(h, allocation("t", "w", T0, 2, 2.0, 8.0, null));
            shadow(h, horizon("t", "w", T0, 2, flat(4.0)));
            String id = out(h).get(0).getCommandId();
            // a report written before the platform applied the command: ignored, no repeat
            report(h, allocation("t", "w", T0 + MIN, 2, 2.0, 8.0, null));
            shadow(h, horizon("t", "w", T0 + BUCKET, 2, flat(4.0)));
            assertThat(out(h)).hasSize(1);
            // the platform applied it with less than asked: its report wins, the policy tops up
            report(h, allocation("t", "w", T0 + 2 * MIN, 2, 2.5, 8.0, id));
            shadow(h, horizon("t", "w", T0 + 2 * BUCKET, 2, flat(4.0)));
            assertThat(out(h)).hasSize(2);
            assertThat(out(h).get(1).getFromCpuPerReplica()).isEqualTo(2.5);
        }
    }

    @Test
    void replayFromASnapshotYieldsTheSameCommandIds() throws Exception {
        OperatorSubtaskState snapshot;
        List<String> first = new ArrayList<>();
        try (var h = harness()) {
            report(h, allocation("t", "w", T0, 2, 2.0, 8.0, null));
            snapshot = h.snapshot(1, T0);
            shadow(h, horizon("t", "w", T0 + BUCKET, 2, flat(4.0)));
            shadow(h, horizon("t", "w", T0 + 2 * BUCKET, 2, flat(9.0)));
            out(h).forEach(c -> first.add(c.getCommandId()));
        }
        assertThat(first).hasSize(2).doesNotHaveDuplicates();
        var restored = new KeyedBroadcastOperatorTestHarness<>(
                new org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator<>(new ScalingOrchestrator(options),
                        List.of(Descriptors.SCALING_CONTROL)), new Keys.OfOrchestratorInput(), Types.STRING, 1, 1, 0);
        restored.setup();
        restored.initializeState(snapshot);
        restored.open();
        shadow(restored, horizon("t", "w", T0 + BUCKET, 2, flat(4.0)));
        shadow(restored, horizon("t", "w", T0 + 2 * BUCKET, 2, flat(9.0)));
        assertThat(out(restored).stream().map(ScalingCommand::getCommandId)).containsExactlyElementsOf(first);
        restored.close();
    }

    static int keyedEntries(KeyedBroadcastOperatorTestHarness<String, OrchestratorInput, ScalingControl, ScalingCommand> h) {
        var backend = ((org.apache.flink.streaming.api.operators.AbstractStreamOperator<?>) h.getOperator()).getKeyedStateBackend();
        return ((org.apache.flink.runtime.state.heap.HeapKeyedStateBackend<?>) backend).numKeyValueStateEntries();
    }

    @Test
    void forgetsIdleWorkloads() throws Exception {
        try (var h = harness()) {
            shadow(h, horizon("t", "w", T0, 1.0, flat(1.0)));
            assertThat(out(h)).isEmpty();
            assertThat(keyedEntries(h)).as("the allocation, the idle expiry inside it").isEqualTo(1);
            shadow(h, horizon("t", "w", T0 + BUCKET, 1.0, flat(6.0)));
            assertThat(out(h)).hasSize(1);
            h.processWatermark(T0 + BUCKET + options.idleStateTimeoutMs);
            assertThat(keyedEntries(h)).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void keepsTheAllocationOfAnActiveWorkloadPastTheFirstExpiry() throws Exception {
        options.idleStateTimeoutMs = 3 * BUCKET;
        try (var h = harness()) {
            report(h, allocation("t", "w", T0, 2, 2.0, 8.0, null));
            for (int b = 1; b <= 10; b++) {
                shadow(h, horizon("t", "w", T0 + b * BUCKET, 1.0, flat(2.0))); // inside the 2 × 2 cores: no command
                h.processWatermark(T0 + b * BUCKET);
                assertThat(keyedEntries(h)).as("bucket %d: the reported allocation is kept while shadows arrive", b).isEqualTo(1);
                assertThat(h.numEventTimeTimers()).isEqualTo(1);
            }
            assertThat(out(h)).isEmpty();
            // still the reported allocation (2 × 2 cores), not one assumed from the shadow's 1 core in use (1 replica)
            shadow(h, horizon("t", "w", T0 + 11 * BUCKET, 1.0, flat(6.0)));
            assertThat(out(h)).hasSize(1);
            assertThat(out(h).get(0).getFromReplicas()).isEqualTo(2);
            assertThat(out(h).get(0).getFromCpuPerReplica()).isEqualTo(2.0);
            h.processWatermark(T0 + 11 * BUCKET + options.idleStateTimeoutMs - 1);
            assertThat(keyedEntries(h)).isEqualTo(1);
            h.processWatermark(T0 + 11 * BUCKET + options.idleStateTimeoutMs);
            assertThat(keyedEntries(h)).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void anIdleExpiryKeptByEarlierVersionsStillHoldsTheStateAndGoesWithIt() throws Exception {
        options.idleStateTimeoutMs = 3 * BUCKET;
        try (var h = harness()) {
            shadow(h, horizon("t", "w", T0, 1.0, flat(1.0)));
            // as restored from a savepoint of a version that recorded activity there, not in the allocation
            var backend = ((org.apache.flink.streaming.api.operators.AbstractStreamOperator<?>) h.getOperator()).getKeyedStateBackend();
            backend.setCurrentKey("t/w");
            backend.getPartitionedState(org.apache.flink.runtime.state.VoidNamespace.INSTANCE,
                    org.apache.flink.runtime.state.VoidNamespaceSerializer.INSTANCE, ScalingOrchestrator.IDLE_TIMER)
                    .update(T0 + 5 * BUCKET + options.idleStateTimeoutMs);
            h.processWatermark(T0 + options.idleStateTimeoutMs);
            assertThat(keyedEntries(h)).as("the recorded expiry is later: kept").isEqualTo(2);
            assertThat(h.numEventTimeTimers()).isEqualTo(1);
            h.processWatermark(T0 + 5 * BUCKET + options.idleStateTimeoutMs);
            assertThat(keyedEntries(h)).as("the allocation and the old expiry go together").isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }
}
