package io.shadowscale.udf.logic.ab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.shadowscale.schema.ShadowHorizon;
import io.shadowscale.schema.StrategyOutcome;
import io.shadowscale.udf.ShadowOptions;
import io.shadowscale.udf.TestData;

class ShadowArmsTest {

    static final long BUCKET = TestData.BUCKET;

    static StrategyCatalog catalog() throws Exception {
        return StrategyCatalog.parse("""
                strategy.default.quantile = 50
                strategy.tight.quantile = 50
                strategy.tight.target-cpu-utilization = 0.95
                ab.arms = default=1
                """, "test");
    }

    /** Load 4 cores for an hour, then a step to 8 that the forecast sees coming. */
    static List<ShadowHorizon> horizons(long t0) {
        List<ShadowHorizon> out = new ArrayList<>();
        for (int b = 1; b <= 36; b++) {
            long origin = t0 + b * BUCKET;
            double now = b <= 12 ? 4 : 8;
            double ahead = b < 9 ? 4 : 8;
            double[] p50 = new double[12];
            java.util.Arrays.fill(p50, ahead);
            out.add(TestData.horizon("acme", "web", origin, now, p50));
        }
        return out;
    }

    @Test
    void everyStrategyIsScoredPerHourOnTheSameUse() throws Exception {
        ShadowArms arms = new ShadowArms(catalog(), ShadowOptions.defaults());
        ArmState[] s = arms.newState();
        long t0 = java.time.Instant.parse("2026-11-27T10:00:00Z").toEpochMilli();
        List<StrategyOutcome> out = new ArrayList<>();
        for (ShadowHorizon h : horizons(t0)) {
            out.addAll(arms.observe(s, h));
        }
        out.addAll(arms.flush(s, "acme", "web"));
        assertThat(out).extracting(StrategyOutcome::getStrategy).containsOnly("default", "tight");
        assertThat(out).hasSize(6); // 3 hours × 2 strategies
        assertThat(out).allSatisfy(o -> assertThat(o.getMinutes()).isEqualTo(60.0));
        assertThat(out).filteredOn(StrategyOutcome::getLive).extracting(StrategyOutcome::getStrategy).containsOnly("default");
        double costDefault = out.stream().filter(o -> o.getStrategy().equals("default")).mapToDouble(StrategyOutcome::getCost).sum();
        double costTight = out.stream().filter(o -> o.getStrategy().equals("tight")).mapToDouble(StrategyOutcome::getCost).sum();
        assertThat(costTight).as("95% target buys less capacity than 70%").isLessThan(costDefault);
        assertThat(out).allSatisfy(o -> assertThat(o.getCost()).isPositive());
        // both scale up ahead of the step the forecast saw: no minutes short at the default's 70% target
        assertThat(out.stream().filter(o -> o.getStrategy().equals("default")).mapToDouble(StrategyOutcome::getUnderprovisionedMinutes).sum()).isZero();
        assertThat(out.stream().mapToInt(StrategyOutcome::getActions).sum()).isPositive();
    }

    @Test
    void capacityBelowUseCountsAsUnderProvisioned() {
        ArmState a = new ArmState();
        a.cores = 2;
        a.memoryBytes = 1e12;
        a.hourStart = 0;
        var price = io.shadowscale.udf.logic.scaling.PricingCatalog.bundled().lookup(null, null);
        // 5 minutes at 3 cores of use on 2 cores: 5 minutes short, priced at 2 cores
        ShadowArmsTestAccess.account(a, 0, BUCKET, 3, 1, price);
        assertThat(a.underprovisionedMinutes).isEqualTo(5.0);
        assertThat(a.coreHours).isEqualTo(2 * 5 / 60.0, org.assertj.core.api.Assertions.offset(1e-12));
        // a change in flight arrives mid-bucket: only the minutes before it are short
        a.pendingAt = BUCKET + 120_000;
        a.pendingCores = 4;
        a.pendingMemoryBytes = 1e12;
        ShadowArmsTestAccess.account(a, BUCKET, 2 * BUCKET, 3, 1, price);
        assertThat(a.underprovisionedMinutes).isEqualTo(7.0);
        assertThat(a.cores).isEqualTo(4);
    }
}
