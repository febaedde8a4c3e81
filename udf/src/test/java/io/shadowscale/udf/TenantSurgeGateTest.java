package io.shadowscale.udf;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import io.shadowscale.schema.ScalingAction;
import io.shadowscale.schema.ScalingCommand;
import io.shadowscale.udf.logic.scaling.SurgeBudget;

class TenantSurgeGateTest {

    static final long T0 = Instant.parse("2026-11-27T12:00:00Z").toEpochMilli();
    static final long MIN = 60_000L;
    static final double BUDGET = 2.0;

    /** A scale-out of one workload at T0 + minute, from a cost of $1/h to {@code costAfter}; a surge until {@code surgeUntil} (null: none). */
    static ScalingCommand command(String tenant, String workload, int minute, double costAfter, Long surgeUntil) {
        Map<String, Double> factors = new HashMap<>();
        if (surgeUntil != null) factors.put(SurgeBudget.SURGE_UNTIL_FACTOR, (double) surgeUntil);
        Instant at = Instant.ofEpochMilli(T0 + minute * MIN);
        return ScalingCommand.newBuilder()
                .setCommandId(tenant + "/" + workload + "@" + minute).setTenantId(tenant).setWorkloadId(workload)
                .setAction(ScalingAction.SCALE_OUT)
                .setFromReplicas(2).setToReplicas(4).setFromCpuPerReplica(1).setToCpuPerReplica(1)
                .setFromMemoryPerReplicaBytes(1L << 30).setToMemoryPerReplicaBytes(1L << 30)
                .setFromStorageBytes(0).setToStorageBytes(0)
                .setDecidedAt(at).setEffectiveAt(at).setExpiresAt(at.plusSeconds(900))
                .setDryRun(false).setPolicy("shadowscale-v1").setFallbackForecast(false)
                .setReason("Scale out.").setSummary("Scale out 2 → 4 replicas")
                .setFactors(factors).setCostBeforePerHour(1.0).setCostAfterPerHour(costAfter)
                .build();
    }

    static KeyedOneInputStreamOperatorTestHarness<String, ScalingCommand, ScalingCommand> harness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new TenantSurgeGate(BUDGET)),
                new TenantSurgeGate.ByTenant(), Types.STRING);
    }

    static void send(KeyedOneInputStreamOperatorTestHarness<String, ScalingCommand, ScalingCommand> h, ScalingCommand c) throws Exception {
        h.processElement(new StreamRecord<>(c, c.getDecidedAt().toEpochMilli()));
    }

    static ScalingCommand last(KeyedOneInputStreamOperatorTestHarness<String, ScalingCommand, ScalingCommand> h) {
        List<ScalingCommand> out = h.extractOutputValues();
        return out.get(out.size() - 1);
    }

    @Test
    void workloadsOfOneTenantShareTheBudgetOthersAreUnaffectedAndTheBudgetIsReleased() throws Exception {
        long surgeEnd = T0 + 60 * MIN;
        try (var h = harness()) {
            h.open();
            send(h, command("a", "w1", 0, 2.5, surgeEnd));         // +1.5 of 2.0
            assertThat(last(h).getDryRun()).isFalse();
            send(h, command("a", "w2", 5, 2.0, surgeEnd));         // +1.0 more: 2.5 > 2.0 → held
            ScalingCommand held = last(h);
            assertThat(held.getDryRun()).isTrue();
            assertThat(held.getDryRunReason()).isEqualTo(SurgeBudget.LIMIT);
            assertThat(held.getLimitApplied()).isEqualTo(SurgeBudget.LIMIT);
            assertThat(held.getReason()).contains("$2.50/h", "$2.00/h");
            send(h, command("a", "w2", 6, 1.5, surgeEnd));         // +0.5: 2.0 fits exactly
            assertThat(last(h).getDryRun()).isFalse();
            send(h, command("b", "w1", 6, 3.0, surgeEnd));         // another tenant: its own budget
            assertThat(last(h).getDryRun()).isFalse();
            // w1 grows further from its pre-surge cost ($1/h): +2.5 alone is over the budget
            send(h, command("a", "w1", 10, 3.5, surgeEnd));
            assertThat(last(h).getDryRun()).isTrue();
            // no surge: untouched, however much it costs
            ScalingCommand normal = command("a", "w3", 11, 9.0, null);
            send(h, normal);
            assertThat(last(h)).isEqualTo(normal);
            // after the surges end the budget is back
            send(h, command("a", "w2", 61, 2.0, surgeEnd + 60 * MIN));
            assertThat(last(h).getDryRun()).isFalse();
        }
    }

    @Test
    void grantsSurviveRestoreAndAreDroppedWhenTheSurgesEnd() throws Exception {
        long surgeEnd = T0 + 60 * MIN;
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            send(h, command("a", "w1", 0, 2.5, surgeEnd));
            snapshot = h.snapshot(1, T0 + MIN);
        }
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            send(h, command("a", "w2", 5, 2.0, surgeEnd));
            assertThat(last(h).getDryRun()).as("w1's grant restored").isTrue();
            assertThat(h.numKeyedStateEntries()).isPositive();
            h.processWatermark(surgeEnd);
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void commandsNotToBeAppliedSpendNothing() throws Exception {
        try (var h = harness()) {
            h.open();
            ScalingCommand dry = command("a", "w1", 0, 2.9, T0 + 60 * MIN);
            dry.setDryRun(true);
            dry.setDryRunReason("kill-switch");
            send(h, dry);
            assertThat(last(h).getDryRunReason()).isEqualTo("kill-switch");
            send(h, command("a", "w2", 1, 2.9, T0 + 60 * MIN));
            assertThat(last(h).getDryRun()).isFalse();
        }
    }
}
