package io.shadowscale.udf.logic;

import static io.shadowscale.udf.TestData.BUCKET;
import static io.shadowscale.udf.TestData.T0;
import static io.shadowscale.udf.TestData.horizon;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.shadowscale.schema.ScalingCommand;
import io.shadowscale.schema.ShadowHorizon;
import io.shadowscale.udf.ShadowOptions;

/**
 * {@link ThresholdPolicy#decisionsOnly} (what the shadow arms simulate) decides exactly what the
 * explaining policy decides, and leaves the allocation state the same, over long random runs that
 * reach every trigger: scale-ups in place and out, the safety net, scale-in after stabilisation,
 * storage growth, safe mode and the surge cap, with and without dry run.
 */
class ThresholdPolicyDecisionsOnlyTest {

    @Test
    void decidesWhatTheExplainingPolicyDecides() {
        SplittableRandom rnd = new SplittableRandom(20261128);
        int commands = 0, safetyNets = 0, scaleIns = 0, storage = 0, capped = 0;
        for (int run = 0; run < 40; run++) {
            ShadowOptions o = ThresholdPolicyTest.skeletonOptions();
            o.dryRun = run % 7 == 3;
            ThresholdPolicy explained = new ThresholdPolicy(o), quiet = ThresholdPolicy.decisionsOnly(o);
            AllocationState a = new AllocationState();
            a.reported = true;
            a.replicas = 1 + rnd.nextInt(4);
            a.cpuPerReplica = 1 + rnd.nextInt(4);
            a.memoryPerReplicaBytes = 8L << 30;
            a.storageBytes = (8L + rnd.nextInt(8)) << 30;
            a.maxCpuPerReplica = 8;
            a.maxMemoryPerReplicaBytes = 32L << 30;
            AllocationState b = a.copy();
            double level = 0.5 + rnd.nextDouble() * 6;
            long t = T0;
            for (int k = 0; k < 300; k++, t += BUCKET) {
                // a random walk of the level with jumps, a ramp or a spike on some horizons
                level = Math.max(0.05, level * Math.exp(rnd.nextGaussian() * 0.15) + (rnd.nextInt(25) == 0 ? rnd.nextDouble() * 8 : 0));
                if (rnd.nextInt(30) == 0) level *= 0.2;
                double[] cpu = new double[12];
                double ramp = rnd.nextInt(4) == 0 ? rnd.nextDouble() * 0.3 : 0;
                for (int i = 0; i < 12; i++) cpu[i] = level * (1 + ramp * i);
                double lastCpu = rnd.nextInt(12) == 0 ? level * 4 : level; // sometimes above the allocation already
                ShadowHorizon h = horizon("t", "w" + run, t, lastCpu, cpu);
                if (rnd.nextInt(60) == 0) {
                    boolean surge = rnd.nextBoolean();
                    a.onAnomaly(surge, t + 3_600_000L, 0.5);
                    b.onAnomaly(surge, t + 3_600_000L, 0.5);
                }
                ScalingCommand c1 = explained.decide(h, a);
                ScalingCommand c2 = quiet.decide(h, b);
                assertThat(c2 == null).as("run %d step %d", run, k).isEqualTo(c1 == null);
                if (c1 != null) {
                    commands++;
                    switch (c1.getTriggeredBy()) {
                        case SAFETY_NET -> safetyNets++;
                        case SCALE_IN -> scaleIns++;
                        case STORAGE -> storage++;
                        default -> { }
                    }
                    if ("unexplained-surge-budget".equals(c1.getLimitApplied())) capped++;
                    assertThat(c2.getAction()).isEqualTo(c1.getAction());
                    assertThat(c2.getTriggeredBy()).isEqualTo(c1.getTriggeredBy());
                    assertThat(c2.getResource()).isEqualTo(c1.getResource());
                    assertThat(c2.getLimitApplied()).isEqualTo(c1.getLimitApplied());
                    assertThat(c2.getFromReplicas()).isEqualTo(c1.getFromReplicas());
                    assertThat(c2.getToReplicas()).isEqualTo(c1.getToReplicas());
                    assertThat(c2.getFromCpuPerReplica()).isEqualTo(c1.getFromCpuPerReplica());
                    assertThat(c2.getToCpuPerReplica()).isEqualTo(c1.getToCpuPerReplica());
                    assertThat(c2.getToMemoryPerReplicaBytes()).isEqualTo(c1.getToMemoryPerReplicaBytes());
                    assertThat(c2.getToStorageBytes()).isEqualTo(c1.getToStorageBytes());
                    assertThat(c2.getDecidedAt()).isEqualTo(c1.getDecidedAt());
                    assertThat(c2.getEffectiveAt()).isEqualTo(c1.getEffectiveAt());
                    assertThat(c2.getExpiresAt()).isEqualTo(c1.getExpiresAt());
                    assertThat(c2.getDryRun()).isEqualTo(c1.getDryRun());
                    assertThat(c2.getDryRunReason()).isEqualTo(c1.getDryRunReason());
                    assertThat(c2.getRequiredCapacity()).isEqualTo(c1.getRequiredCapacity());
                    assertThat(c2.getCapacityClass()).isEqualTo(c1.getCapacityClass());
                    assertThat(c2.getSpotShare()).isEqualTo(c1.getSpotShare());
                    assertThat(c2.getReason()).isEmpty();
                    assertThat(c1.getReason()).isNotEmpty();
                }
                assertThat(b.replicas).isEqualTo(a.replicas);
                assertThat(b.cpuPerReplica).isEqualTo(a.cpuPerReplica);
                assertThat(b.memoryPerReplicaBytes).isEqualTo(a.memoryPerReplicaBytes);
                assertThat(b.storageBytes).isEqualTo(a.storageBytes);
                assertThat(b.lastCommandAt).isEqualTo(a.lastCommandAt);
                assertThat(b.lowSince).isEqualTo(a.lowSince);
                assertThat(b.pendingUntil).isEqualTo(a.pendingUntil);
            }
        }
        // the runs reach every kind of decision
        assertThat(commands).isGreaterThan(200);
        assertThat(safetyNets).isPositive();
        assertThat(scaleIns).isPositive();
        assertThat(storage).isPositive();
        assertThat(capped).isPositive();
    }
}
