package io.shadowscale.jobs.ab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.shadowscale.schema.StrategyOutcome;

class AbReportTest {

    static StrategyOutcome o(String strategy, int workload, int hour, double cost, double under) {
        return StrategyOutcome.newBuilder().setStrategy(strategy).setTenantId("t").setWorkloadId("w" + workload)
                .setHourStart(Instant.ofEpochSecond(3600L * hour)).setLiveArm("default").setLive(strategy.equals("default"))
                .setCost(cost).setUnderprovisionedMinutes(under).setActions(1).setCoreHours(1).setMinutes(60).build();
    }

    @Test
    void aStrategyCheaperOnEveryWorkloadWinsAndOneThatOnlyDiffersByNoiseDoesNot() {
        List<StrategyOutcome> rows = new ArrayList<>();
        java.util.SplittableRandom r = new java.util.SplittableRandom(1);
        for (int w = 0; w < 40; w++) {
            for (int h = 0; h < 2; h++) {
                double base = 1 + w; // workloads differ a lot; pairing removes that
                rows.add(o("default", w, h, base, 3));
                rows.add(o("frugal", w, h, base - 0.1, 3)); // 0.1 cheaper on every workload-hour
                rows.add(o("noisy", w, h, base + (r.nextDouble() - 0.5), 3 + (r.nextDouble() - 0.5)));
            }
        }
        AbReport.Result res = AbReport.of(rows, "default");
        AbReport.Row frugal = res.rows().stream().filter(x -> x.strategy().equals("frugal")).findFirst().orElseThrow();
        assertThat(frugal.workloads()).isEqualTo(40);
        assertThat(frugal.costDifference().difference()).isCloseTo(-8.0, offset(1e-9));
        assertThat(frugal.costDifference().low()).isCloseTo(-8.0, offset(1e-9)); // constant difference: zero width
        assertThat(frugal.costDifference().excludesZero()).isTrue();
        assertThat(frugal.underprovisionedDifference().difference()).isZero();
        AbReport.Row noisy = res.rows().stream().filter(x -> x.strategy().equals("noisy")).findFirst().orElseThrow();
        assertThat(noisy.costDifference().low()).isLessThan(0);
        assertThat(noisy.costDifference().high()).isGreaterThan(0);
        assertThat(res.winner()).isEqualTo("frugal");
        assertThat(res.recommendation()).startsWith("Switch to frugal");
        assertThat(res.rows().stream().filter(x -> x.strategy().equals("default")).findFirst().orElseThrow().costDifference()).isNull();
    }

    @Test
    void withoutASignificantDifferenceNoWinnerIsNamed() {
        List<StrategyOutcome> rows = new ArrayList<>();
        java.util.SplittableRandom r = new java.util.SplittableRandom(2);
        for (int w = 0; w < 30; w++) {
            rows.add(o("default", w, 0, 5, 2));
            rows.add(o("other", w, 0, 5 + (r.nextDouble() - 0.5), 2 + (r.nextDouble() - 0.5)));
        }
        AbReport.Result res = AbReport.of(rows, "default");
        assertThat(res.winner()).isNull();
        assertThat(res.recommendation()).contains("keep default");
    }

    @Test
    void theDefaultMustBeInTheTable() {
        assertThatThrownBy(() -> AbReport.of(List.of(o("x", 1, 0, 1, 0)), "default"))
                .hasMessageContaining("no outcomes of the default strategy 'default' (strategies in the table: x)");
    }
}
