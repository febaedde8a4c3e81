package io.shadowscale.udf.logic.scaling;

import static io.shadowscale.udf.TestData.BUCKET;
import static io.shadowscale.udf.TestData.T0;
import static io.shadowscale.udf.TestData.horizon;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.shadowscale.schema.CapacityClass;
import io.shadowscale.schema.DriverKind;
import io.shadowscale.schema.ForecastDriver;
import io.shadowscale.schema.ScalingCommand;
import io.shadowscale.schema.ShadowHorizon;
import io.shadowscale.udf.ShadowOptions;
import io.shadowscale.udf.logic.AllocationState;
import io.shadowscale.udf.logic.ThresholdPolicy;

class ScalingLogicTest {

    static double[] flat(double v) {
        double[] d = new double[12];
        Arrays.fill(d, v);
        return d;
    }

    static AllocationState alloc(int replicas, double cpu) {
        AllocationState a = new AllocationState();
        a.replicas = replicas;
        a.cpuPerReplica = cpu;
        a.memoryPerReplicaBytes = 4L << 30;
        a.storageBytes = 100L << 30;
        a.maxCpuPerReplica = 8;
        a.maxMemoryPerReplicaBytes = 32L << 30;
        return a;
    }

    @Test
    void bundledCatalogueLoadsAndFallsBackToTheDefaultRow() {
        PricingCatalog c = PricingCatalog.bundled();
        assertThat(c.size()).isGreaterThan(3);
        assertThat(c.lookup("eu-west-1", "general").key()).isEqualTo("eu-west-1/*");
        assertThat(c.lookup(null, "compute").key()).isEqualTo("*/compute");
        assertThat(c.lookup("mars-1", null).key()).isEqualTo("*/*");
        PricingCatalog.Price p = c.lookup(null, null);
        assertThat(p.vcpuHourSpot()).isLessThan(p.vcpuHourOnDemand());
        // 2 cores and 4 GiB, half on spot
        assertThat(p.computePerHour(2, 4.0 * (1L << 30), 0.5))
                .isCloseTo(2 * (p.vcpuHourSpot() + p.vcpuHourOnDemand()) / 2 + 4 * (p.gibHourSpot() + p.gibHourOnDemand()) / 2, within(1e-12));
        assertThat(p.storagePerHour(730.0 * (1L << 30))).isCloseTo(p.storageGibMonth(), within(1e-12));
    }

    @Test
    void catalogueMistakesNameTheLine() {
        String header = String.join(",", PricingCatalog.COLUMNS);
        assertThatThrownBy(() -> PricingCatalog.parse(header + "\n*,*,0.04,x,0.004,0.001,0.08,0.09\n", "p.csv"))
                .hasMessageContaining("p.csv line 2: vcpu_hour_spot is not a number");
        assertThatThrownBy(() -> PricingCatalog.parse(header + "\neu,*,0.04,0.01,0.004,0.001,0.08,0.09\n", "p.csv"))
                .hasMessageContaining("needs a default row");
        assertThatThrownBy(() -> PricingCatalog.parse("region,cost\n", "p.csv")).hasMessageContaining("expected header");
    }

    @Test
    void saturationProbabilityFollowsTheQuantiles() {
        assertThat(ResourceSimulator.exceedance(10, 10, 12, 15)).isCloseTo(0.5, within(1e-6));
        assertThat(ResourceSimulator.exceedance(12, 10, 12, 15)).isCloseTo(0.10, within(1e-6));
        assertThat(ResourceSimulator.exceedance(15, 10, 12, 15)).isCloseTo(0.01, within(1e-6));
        assertThat(ResourceSimulator.exceedance(20, 10, 12, 15)).isLessThan(0.001);
        assertThat(ResourceSimulator.exceedance(5, 10, 12, 15)).isGreaterThan(0.9);
        assertThat(ResourceSimulator.exceedance(0, 10, 12, 15)).isEqualTo(1);
        assertThat(ResourceSimulator.exceedance(1, 0, 0, 0)).isZero();
    }

    @Test
    void simulatorReportsUtilisationHeadroomRiskAndCost() {
        ShadowHorizon h = horizon("t", "w", T0, 2, flat(2.0)); // CPU p50 2, p90 2.2, p99 2.4
        AllocationState a = alloc(2, 1.25); // 2.5 cores
        PricingCatalog.Price p = PricingCatalog.bundled().lookup(null, null);
        ResourceSimulator.Result r = ResourceSimulator.simulate(h.getSteps(), a, p, 0);
        ResourceSimulator.Step s = r.steps().get(0);
        assertThat(s.cpuUtilP50()).isCloseTo(0.8, within(1e-9));
        assertThat(s.cpuHeadroomCores()).isCloseTo(0.3, within(1e-9));
        assertThat(s.saturationProbability()).isBetween(0.001, 0.01); // 2.5 cores is above p99
        assertThat(r.firstSaturatedStep()).isEqualTo(-1);
        assertThat(r.costPerHour()).isCloseTo(p.computePerHour(2.5, 8.0 * (1L << 30), 0) + p.storagePerHour(100.0 * (1L << 30)), within(1e-12));
        a.replicas = 1; // 1.25 cores, below p50: saturated from the first step
        assertThat(ResourceSimulator.simulate(h.getSteps(), a, p, 0).firstSaturatedStep()).isZero();
    }

    @Test
    void spotForBatchWorkloadsAndForThePredictableReplicas() {
        List<io.shadowscale.schema.ResourceShadow> steps = horizon("t", "w", T0, 5, flat(5.0)).getSteps();
        CapacityClasses.Choice batch = CapacityClasses.choose(steps, List.of("batch-processing"), 1, 2.0);
        assertThat(batch.capacityClass()).isEqualTo(CapacityClass.SPOT);
        assertThat(batch.spotShare()).isEqualTo(1.0);
        // lowest p50 5 cores over 4 × 2-core replicas: 2 replicas are always needed
        CapacityClasses.Choice mixed = CapacityClasses.choose(steps, List.of("diurnal"), 4, 2.0);
        assertThat(mixed.capacityClass()).isEqualTo(CapacityClass.MIXED);
        assertThat(mixed.spotShare()).isEqualTo(0.5);
        // a single replica or an unpredictable floor stays on-demand
        assertThat(CapacityClasses.choose(steps, List.of(), 1, 8.0).capacityClass()).isEqualTo(CapacityClass.ON_DEMAND);
        assertThat(CapacityClasses.choose(steps, List.of(), 3, 8.0).spotShare()).isZero();
    }

    static ForecastDriver driver(String name, DriverKind kind, String resource, double effect, long at) {
        return ForecastDriver.newBuilder().setName(name).setKind(kind).setEventId(kind == DriverKind.CAMPAIGN ? "ev-1" : null)
                .setResource(resource).setPeakStep(3).setPeakAt(Instant.ofEpochMilli(at)).setRelativeEffect(effect).setAbsoluteEffect(effect).build();
    }

    @Test
    void explanationNamesTheTopDriversOfTheDecidingResourceFirst() {
        long at = T0 + 14 * 3600_000L + 5 * 60_000L;
        List<ForecastDriver> drivers = List.of(
                driver("daily seasonality", DriverKind.SEASONALITY, "memory", 0.5, at),
                driver("campaign spring-sale", DriverKind.CAMPAIGN, "cpu", 0.31, at),
                driver("level", DriverKind.LEVEL, "cpu", -0.04, at),
                driver("holiday x", DriverKind.HOLIDAY, "cpu", 0.0, at));
        List<ForecastDriver> top = Explanations.top(drivers, "cpu", 3);
        assertThat(top).extracting(ForecastDriver::getName).containsExactly("campaign spring-sale", "level", "daily seasonality");
        assertThat(Explanations.driver(top.get(0))).isEqualTo("campaign spring-sale: +31% CPU at 14:05Z");
        assertThat(Explanations.driver(top.get(1))).isEqualTo("level: −4% CPU at 14:05Z");
        assertThat(Explanations.costDelta(0.123)).isEqualTo("+$0.12/h");
        assertThat(Explanations.costDelta(-0.05)).isEqualTo("−$0.05/h");
    }

    @Test
    void everyCommandCarriesFactorsCostAndASummary() {
        long at = T0 + 6 * BUCKET;
        ShadowHorizon h = ShadowHorizon.newBuilder(horizon("t", "w", T0, 2.0, flat(4.0)))
                .setDrivers(List.of(driver("campaign spring-sale", DriverKind.CAMPAIGN, "cpu", 0.31, at))).build();
        ScalingCommand c = new ThresholdPolicy(io.shadowscale.udf.logic.ThresholdPolicyTest.skeletonOptions()).decide(h, alloc(2, 2.0));
        assertThat(c.getDrivers()).isEqualTo("campaign spring-sale: +31% CPU at 00:30Z");
        assertThat(c.getReason()).contains("Drivers: campaign spring-sale: +31% CPU at 00:30Z.");
        assertThat(c.getSummary()).isEqualTo("Resize 2 × 2.00 cores → 2 × 3.25 cores at 03-04 00:00Z, ahead of CPU p90 ÷ 70% target"
                + " (campaign spring-sale: +31% CPU at 00:30Z); " + Explanations.costDelta(c.getCostAfterPerHour() - c.getCostBeforePerHour()));
        assertThat(c.getQuantile()).isEqualTo(90);
        assertThat(c.getTargetUtilization()).isEqualTo(0.7);
        assertThat(c.getRequiredCapacity()).isCloseTo(4.4 / 0.7, within(1e-9));
        assertThat(c.getLimitApplied()).isEqualTo("none");
        assertThat(c.getCostAfterPerHour()).isGreaterThan(c.getCostBeforePerHour());
        // the lowest p50 (4 cores) covers one of the two 3.25-core replicas all hour: that one on spot
        assertThat(c.getCapacityClass()).isEqualTo(CapacityClass.MIXED);
        assertThat(c.getSpotShare()).isEqualTo(0.5);
        assertThat(c.getFactors()).containsKeys("quantile", "target_utilization", "required", "cost_delta_per_hour", "saturation_probability_before",
                "driver:campaign spring-sale:cpu");
        assertThat(c.getFactors().get("saturation_probability_after")).isLessThan(c.getFactors().get("saturation_probability_before"));
        assertThat(c.getPricing()).isEqualTo("*/*");

        // the tuned defaults provision for the median
        ScalingCommand median = new ThresholdPolicy(ShadowOptions.defaults()).decide(h, alloc(2, 2.0));
        assertThat(median.getQuantile()).isEqualTo(50);
        assertThat(median.getRequiredCapacity()).isCloseTo(4.0 / 0.7, within(1e-9));
        assertThat(median.getSummary()).contains("CPU p50 ÷ 70% target");

        // without drivers: still a complete explanation
        ScalingCommand plain = new ThresholdPolicy(io.shadowscale.udf.logic.ThresholdPolicyTest.skeletonOptions()).decide(horizon("t", "w", T0, 2.0, flat(4.0)), alloc(2, 2.0));
        assertThat(plain.getDrivers()).isEmpty();
        assertThat(plain.getSummary()).endsWith("target; " + Explanations.costDelta(plain.getCostAfterPerHour() - plain.getCostBeforePerHour()));
    }
}
