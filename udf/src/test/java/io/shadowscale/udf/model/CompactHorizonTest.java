package io.shadowscale.udf.model;

import static io.shadowscale.udf.TestData.BUCKET;
import static io.shadowscale.udf.TestData.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.junit.jupiter.api.Test;

import io.shadowscale.schema.DriverKind;
import io.shadowscale.schema.ForecastDriver;
import io.shadowscale.schema.ResourceShadow;
import io.shadowscale.schema.ScalingCommand;
import io.shadowscale.schema.ShadowHorizon;
import io.shadowscale.udf.ShadowOptions;
import io.shadowscale.udf.TestData;
import io.shadowscale.udf.logic.AllocationState;
import io.shadowscale.udf.logic.ThresholdPolicy;
import io.shadowscale.udf.logic.ThresholdPolicyTest;

class CompactHorizonTest {

    /** A horizon with every field the policy reads set to something distinct per step. */
    static ShadowHorizon horizon(long origin, double lastCpu, double cpuLevel, double storageGrowth, String region) {
        double[] p50 = new double[12];
        for (int i = 0; i < 12; i++) p50[i] = cpuLevel * (1 + 0.05 * i);
        ShadowHorizon h = TestData.horizon("acme", "web-1", origin, lastCpu, p50);
        for (int i = 0; i < 12; i++) {
            ResourceShadow s = h.getSteps().get(i);
            s.setMemoryP50(3e9 + i * 1e8);
            s.setMemoryP90(3.5e9 + i * 1e8);
            s.setMemoryP99(4e9 + i * 1e8);
            s.setStorageP50(50e9 + i * storageGrowth);
            s.setStorageP90(55e9 + i * storageGrowth);
            s.setStorageP99(60e9 + i * storageGrowth);
            s.setNetworkOutP50(1e6 + i);
            s.setNetworkOutP90(2e6 + i);
            s.setNetworkOutP99(3e6 + i);
            s.setModelId("tsmixer-q");
        }
        h.setRegion(region);
        h.setTags(List.of("diurnal", "bursty"));
        List<ForecastDriver> drivers = new ArrayList<>();
        drivers.add(new ForecastDriver("campaign spring-sale", DriverKind.CAMPAIGN, "ev-1", "cpu", 4, Instant.ofEpochMilli(origin + 3 * BUCKET), 0.31, 0.9));
        drivers.add(new ForecastDriver("level", DriverKind.LEVEL, null, "memory", 1, Instant.ofEpochMilli(origin), -0.05, -1e8));
        h.setDrivers(drivers);
        return h;
    }

    @Test
    void survivesTheSerializerWithEverythingItCarries() {
        ShadowHorizon h = horizon(T0, 2.5, 2.0, 1e9, "eu-west");
        CompactHorizon c = CompactHorizon.of(h);
        CompactHorizon back = TestData.compact(h);
        assertThat(back).isEqualTo(c);
        assertThat(back.key).isEqualTo("acme/web-1");
        assertThat(back.tenantId()).isEqualTo("acme");
        assertThat(back.workloadId()).isEqualTo("web-1");
        assertThat(back.drivers[1].getEventId()).isNull();
        assertThat(back.cpu[3 * 11 + 2]).isEqualTo(h.getSteps().get(11).getCpuP99());
        assertThat(CompactHorizonSerializer.INSTANCE.copy(c)).isEqualTo(c);

        ShadowHorizon noRegion = horizon(T0, 2.5, 2.0, 0, null);
        assertThat(TestData.compact(noRegion).region).isNull();
    }

    @Test
    void rebuildsEveryFieldThePolicyReads() {
        ShadowHorizon h = horizon(T0, 2.5, 2.0, 1e9, "eu-west");
        ShadowHorizon back = TestData.compact(h).toHorizon();
        assertThat(back.getTenantId()).isEqualTo(h.getTenantId());
        assertThat(back.getWorkloadId()).isEqualTo(h.getWorkloadId());
        assertThat(back.getGeneratedAt()).isEqualTo(h.getGeneratedAt());
        assertThat(back.getLastCpu()).isEqualTo(h.getLastCpu());
        assertThat(back.getLastMemory()).isEqualTo(h.getLastMemory());
        assertThat(back.getLastStorage()).isEqualTo(h.getLastStorage());
        assertThat(back.getRegion()).isEqualTo(h.getRegion());
        assertThat(back.getTags()).isEqualTo(h.getTags());
        assertThat(back.getDrivers()).isEqualTo(h.getDrivers());
        // every step field but the ones not carried (network in, model version, fallback reason)
        assertThat(back.getSteps()).usingRecursiveFieldByFieldElementComparatorIgnoringFields(
                "networkInP50", "networkInP90", "networkInP99", "modelVersion", "fallbackReason").isEqualTo(h.getSteps());
    }

    /** The orchestrator decides on the rebuilt horizon exactly as on the forecaster's: same commands, same allocation after each. */
    @Test
    void thePolicyDecidesTheSameOnTheRebuiltHorizon() {
        ShadowOptions o = ThresholdPolicyTest.skeletonOptions();
        ThresholdPolicy policy = new ThresholdPolicy(o);
        // a rise (forecast crossing), a safety net, storage growth, then a long quiet spell (scale-in after stabilisation)
        List<ShadowHorizon> sequence = new ArrayList<>();
        sequence.add(horizon(T0, 2.0, 2.0, 0, "eu-west"));
        sequence.add(horizon(T0 + BUCKET, 2.0, 3.5, 0, "eu-west"));
        sequence.add(horizon(T0 + 2 * BUCKET, 9.0, 3.5, 0, "eu-west"));
        sequence.add(horizon(T0 + 3 * BUCKET, 3.0, 3.0, 5e9, "eu-west"));
        for (int b = 4; b < 40; b++) sequence.add(horizon(T0 + b * BUCKET, 0.3, 0.3, 0, "eu-west"));

        AllocationState original = policy.assumedAllocation(sequence.get(0));
        AllocationState rebuilt = policy.assumedAllocation(TestData.compact(sequence.get(0)).toHorizon());
        assertThat(rebuilt).usingRecursiveComparison().isEqualTo(original);
        int commands = 0;
        for (ShadowHorizon h : sequence) {
            ScalingCommand a = policy.decide(h, original);
            ScalingCommand b = policy.decide(TestData.compact(h).toHorizon(), rebuilt);
            assertThat(b).isEqualTo(a);
            assertThat(rebuilt).usingRecursiveComparison().isEqualTo(original);
            if (a != null) commands++;
        }
        assertThat(commands).as("the sequence exercises several decisions").isGreaterThanOrEqualTo(3);
    }

    /** The shadow arms (every strategy's policy, simulated) score the rebuilt horizons as the forecaster's: same outcomes. */
    @Test
    void theShadowArmsScoreTheSameOnTheRebuiltHorizon() {
        ShadowOptions o = ThresholdPolicyTest.skeletonOptions();
        var arms = new io.shadowscale.udf.logic.ab.ShadowArms(o.strategyCatalog(), o);
        var original = arms.newState();
        var rebuilt = arms.newState();
        List<io.shadowscale.schema.StrategyOutcome> a = new ArrayList<>(), b = new ArrayList<>();
        for (int k = 0; k < 60; k++) {
            double cpu = k < 10 ? 2.0 : k < 14 ? 9.0 : k < 20 ? 3.0 : 0.3;
            ShadowHorizon h = horizon(T0 + k * BUCKET, cpu, cpu * 1.2, k == 16 ? 5e9 : 0, "eu-west");
            a.addAll(arms.observe(original, h));
            b.addAll(arms.observe(rebuilt, TestData.compact(h).toHorizon()));
        }
        a.addAll(arms.flush(original, "acme", "web"));
        b.addAll(arms.flush(rebuilt, "acme", "web"));
        assertThat(b).isEqualTo(a);
        assertThat(a.size()).as("outcomes of several hours and strategies").isGreaterThan(arms.names().size());
        assertThat(a.stream().mapToInt(x -> x.getActions()).sum()).as("the strategies acted").isPositive();
    }

    @Test
    void isSerialisedByItsOwnSerializer() {
        // (inside the orchestrator's input too: OrchestratorInputSerializer writes it with this one)
        assertThat(TypeInformation.of(CompactHorizon.class)).isEqualTo(new SingletonTypeInfo<>(CompactHorizon.class, CompactHorizonSerializer.INSTANCE));
    }
}
