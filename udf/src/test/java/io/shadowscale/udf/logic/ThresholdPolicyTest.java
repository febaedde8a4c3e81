package io.shadowscale.udf.logic;

import static io.shadowscale.udf.TestData.BUCKET;
import static io.shadowscale.udf.TestData.MIN;
import static io.shadowscale.udf.TestData.T0;
import static io.shadowscale.udf.TestData.horizon;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import io.shadowscale.schema.ScalingAction;
import io.shadowscale.schema.ScalingCommand;
import io.shadowscale.schema.ShadowHorizon;
import io.shadowscale.udf.ShadowOptions;

public class ThresholdPolicyTest {

    final ShadowOptions o = skeletonOptions();

    /** The mechanics are tested with the walking skeleton's settings (p90 up, p99 under 35% for 30 min down), not the tuned defaults. */
    public static ShadowOptions skeletonOptions() {
        ShadowOptions o = ShadowOptions.defaults();
        o.provisionQuantile = 90;
        o.scaleInQuantile = 99;
        o.scaleInUtilization = 0.35;
        o.scaleInStabilizationMs = java.time.Duration.ofMinutes(30).toMillis();
        o.minShrinkRatio = 0.75;
        return o;
    }

    AllocationState alloc(int replicas, double cpuPer) {
        AllocationState a = new AllocationState();
        a.reported = true;
        a.replicas = replicas;
        a.cpuPerReplica = cpuPer;
        a.memoryPerReplicaBytes = 8L << 30;
        a.storageBytes = 100L << 30;
        a.maxCpuPerReplica = 8;
        a.maxMemoryPerReplicaBytes = 32L << 30;
        return a;
    }

    static double[] flat(double v, int n) {
        double[] d = new double[n];
        Arrays.fill(d, v);
        return d;
    }

    @Test
    void resizesInPlaceAheadOfTheCrossing() {
        // 2 × 2 cores = 4; at 70% the p90 may reach 2.8. Step 6 (index 5) jumps to p90 = 4.4.
        double[] cpu = flat(2.0, 12);
        for (int i = 5; i < 12; i++) cpu[i] = 4.0;
        AllocationState a = alloc(2, 2.0);
        ScalingCommand c = new ThresholdPolicy(o).decide(horizon("t", "w", T0, 2.0, cpu), a);

        assertThat(c).isNotNull();
        assertThat(c.getAction()).isEqualTo(ScalingAction.RESIZE_IN_PLACE);
        assertThat(c.getFromReplicas()).isEqualTo(2);
        assertThat(c.getToReplicas()).isEqualTo(2);
        // need 4.4 / 0.7 = 6.29 cores over 2 replicas = 3.14 -> 3.25 per replica
        assertThat(c.getToCpuPerReplica()).isEqualTo(3.25);
        long crossing = T0 + 5 * BUCKET;
        assertThat(c.getEffectiveAt().toEpochMilli()).isEqualTo(crossing - o.leadTimeInPlaceMs);
        assertThat(c.getExpiresAt().toEpochMilli()).isEqualTo(crossing - o.leadTimeInPlaceMs + o.commandTtlMs);
        assertThat(c.getReason()).contains("CPU p90 forecast reaches 4.40 cores").contains("Resize in place to 2 × 3.25 cores");
        assertThat(c.getDryRun()).isFalse();
        assertThat(a.cpuPerReplica).as("assumed applied").isEqualTo(3.25);
    }

    @Test
    void scalesOutWhenTheInstanceLimitWouldBeExceeded() {
        AllocationState a = alloc(2, 6.0);
        a.maxCpuPerReplica = 6.0;
        ScalingCommand c = new ThresholdPolicy(o).decide(horizon("t", "w", T0, 8, flat(10.0, 12)), a);
        assertThat(c.getAction()).isEqualTo(ScalingAction.SCALE_OUT);
        // need 11 / 0.7 = 15.7 cores at 6 per replica = 3 replicas
        assertThat(c.getToReplicas()).isEqualTo(3);
        assertThat(c.getToCpuPerReplica()).isEqualTo(6.0);
        assertThat(c.getEffectiveAt().toEpochMilli()).isEqualTo(T0); // crossing at step 1: cannot be earlier than now
        assertThat(c.getReason()).contains("scale out to 3 replicas");
    }

    @Test
    void scaleOutIsBoundedByTheMaximumStep() {
        o.maxStepFraction = 0.5;
        AllocationState a = alloc(4, 8.0);
        ScalingCommand c = new ThresholdPolicy(o).decide(horizon("t", "w", T0, 30, flat(60.0, 12)), a);
        assertThat(c.getAction()).isEqualTo(ScalingAction.SCALE_OUT);
        assertThat(c.getToReplicas()).isEqualTo(6);
    }

    @Test
    void nothingWhenTheForecastFits() {
        AllocationState a = alloc(2, 2.0);
        assertThat(new ThresholdPolicy(o).decide(horizon("t", "w", T0, 2, flat(2.0, 12)), a)).isNull();
    }

    @Test
    void scalesInOnlyAfterTheStabilisationWindow() {
        AllocationState a = alloc(4, 4.0); // 16 cores, 32 GiB memory
        ThresholdPolicy p = new ThresholdPolicy(o);
        long t = T0;
        ScalingCommand c = null;
        int decisions = 0;
        while (c == null && decisions < 20) {
            c = p.decide(horizon("t", "w", t, 1.0, flat(1.0, 12)), a);
            decisions++;
            t += BUCKET;
        }
        assertThat(c).isNotNull();
        assertThat(c.getDecidedAt().toEpochMilli() - T0).isGreaterThanOrEqualTo(o.scaleInStabilizationMs);
        assertThat(c.getAction()).isEqualTo(ScalingAction.SCALE_IN);
        assertThat(c.getToReplicas()).isEqualTo(2); // at most half of the replicas per step
        assertThat(c.getReason()).contains("Scale in to 2");
    }

    @Test
    void aBriefPeakResetsTheScaleInWindow() {
        AllocationState a = alloc(4, 4.0);
        ThresholdPolicy p = new ThresholdPolicy(o);
        for (int i = 0; i < 5; i++) {
            assertThat(p.decide(horizon("t", "w", T0 + i * BUCKET, 1, flat(1.0, 12)), a)).isNull();
        }
        double[] peak = flat(1.0, 12);
        peak[11] = 6.0; // p99 7.2 > 35% of 16
        assertThat(p.decide(horizon("t", "w", T0 + 5 * BUCKET, 1, peak), a)).isNull();
        assertThat(a.lowSince).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void dryRunTenantsGetCommandsButTheAllocationStays() {
        o.dryRunTenants.add("careful");
        AllocationState a = alloc(2, 2.0);
        ScalingCommand c = new ThresholdPolicy(o).decide(horizon("careful", "w", T0, 2, flat(4.0, 12)), a);
        assertThat(c.getDryRun()).isTrue();
        assertThat(c.getReason()).startsWith("[dry run]");
        assertThat(a.cpuPerReplica).isEqualTo(2.0);
    }

    @Test
    void sameDecisionSameId() {
        ShadowHorizon h = horizon("t", "w", T0, 2, flat(4.0, 12));
        ScalingCommand c1 = new ThresholdPolicy(o).decide(h, alloc(2, 2.0));
        ScalingCommand c2 = new ThresholdPolicy(o).decide(h, alloc(2, 2.0));
        ScalingCommand other = new ThresholdPolicy(o).decide(horizon("t", "w", T0 + MIN, 2, flat(4.0, 12)), alloc(2, 2.0));
        assertThat(c1.getCommandId()).isEqualTo(c2.getCommandId());
        assertThat(other.getCommandId()).isNotEqualTo(c1.getCommandId());
    }

    @Test
    void assumesTheReactiveAllocationBeforeAnyReport() {
        AllocationState a = new ThresholdPolicy(o).assumedAllocation(horizon("t", "w", T0, 5.6, flat(5.6, 12)));
        assertThat(a.reported).isFalse();
        assertThat(a.replicas).isEqualTo(4); // 5.6 / 0.7 = 8 cores at 2 per replica
        assertThat(a.cpuPerReplica).isEqualTo(2.0);
    }

    @Test
    void growsStorageAheadOfExhaustion() {
        AllocationState a = alloc(2, 2.0);
        a.storageBytes = 12L << 30; // p99 10 GiB / 0.75 = 13.3 GiB needed
        ScalingCommand c = new ThresholdPolicy(o).decide(horizon("t", "w", T0, 2, flat(2.0, 12)), a);
        assertThat(c).isNotNull();
        assertThat(c.getToStorageBytes()).isEqualTo(14L << 30);
        assertThat(c.getReason()).contains("grow storage");
    }

    @Test
    void anActiveAnomalyBlocksScaleInUntilItHasCooledDown() {
        AllocationState a = alloc(4, 4.0);
        a.onAnomaly(false, T0 + 3_600_000L, 0.5); // safe mode for an hour
        ThresholdPolicy p = new ThresholdPolicy(o);
        long t = T0;
        ScalingCommand c = null;
        while (c == null && t < T0 + 3 * 3_600_000L) {
            c = p.decide(horizon("t", "w", t, 1.0, flat(1.0, 12)), a);
            t += BUCKET;
        }
        assertThat(c).isNotNull();
        assertThat(c.getAction()).isEqualTo(ScalingAction.SCALE_IN);
        // the stabilisation window only starts once safe mode is over
        assertThat(c.getDecidedAt().toEpochMilli()).isGreaterThanOrEqualTo(T0 + 3_600_000L + o.scaleInStabilizationMs);
    }

    @Test
    void anUnexplainedSurgeCapsScaleUpsAtTheBudget() {
        AllocationState a = alloc(2, 4.0); // 8 cores
        a.onAnomaly(true, T0 + 3_600_000L, 0.5); // at most 12 cores until it cools down
        ScalingCommand c = new ThresholdPolicy(o).decide(horizon("t", "w", T0, 7.0, flat(20.0, 12)), a);
        assertThat(c).isNotNull();
        assertThat(c.getToReplicas() * c.getToCpuPerReplica()).isEqualTo(12.0);
        assertThat(c.getLimitApplied()).isEqualTo("unexplained-surge-budget");
        assertThat(c.getReason()).contains("scale-up budget while an unexplained surge is active");
        // the tenant's surge budget downstream needs to know the surge and when it ends
        assertThat(c.getFactors()).containsEntry(io.shadowscale.udf.logic.scaling.SurgeBudget.SURGE_UNTIL_FACTOR, (double) (T0 + 3_600_000L));
        assertThat(io.shadowscale.udf.logic.scaling.SurgeBudget.underSurge(c)).isTrue();
        // once the cap is reached, nothing more until the surge has cooled down
        assertThat(new ThresholdPolicy(o).decide(horizon("t", "w", T0 + BUCKET, 11.0, flat(20.0, 12)), a)).isNull();
        ScalingCommand later = new ThresholdPolicy(o).decide(horizon("t", "w", T0 + 2 * 3_600_000L, 11.0, flat(20.0, 12)), a);
        assertThat(later.getToReplicas() * later.getToCpuPerReplica()).isGreaterThan(12.0);
        assertThat(io.shadowscale.udf.logic.scaling.SurgeBudget.underSurge(later)).isFalse();
    }
}
