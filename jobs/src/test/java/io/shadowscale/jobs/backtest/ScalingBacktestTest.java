package io.shadowscale.jobs.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.shadowscale.udf.ShadowOptions;
import io.shadowscale.udf.logic.forecast.ForecastBacktest.Series;
import io.shadowscale.udf.logic.forecast.OnnxQuantileModel;
import io.shadowscale.udf.logic.scaling.PricingCatalog;

/** The scaling backtest on a few real Bitbrains VMs (skipped without the data). */
class ScalingBacktestTest {

    @Test
    void replaysRealVmsThroughEveryPolicy() {
        Path dir = Path.of(System.getProperty("shadowscale.data.dir", "../shared/data"), "bitbrains-rnd");
        assumeTrue(Files.isDirectory(dir.resolve("rnd")), "no Bitbrains traces at " + dir + ": skipped");
        List<Series> series = new ArrayList<>();
        // a quiet VM, a bursty one and a batch one
        for (String id : List.of("101", "266", "41")) series.add(BitbrainsTraces.load(dir, id));
        PricingCatalog.Price price = PricingCatalog.bundled().lookup(null, null);
        long from = java.time.Instant.parse("2013-08-20T00:00:00Z").toEpochMilli();
        ScalingBacktest bt = new ScalingBacktest(ShadowOptions.defaults(), price, from, OnnxQuantileModel.bundled("shadow-mlp-v3", 1));
        Map<String, ScalingBacktest.Totals> totals = bt.run(series, i -> {});

        assertThat(totals).containsOnlyKeys(ScalingBacktest.POLICIES);
        ScalingBacktest.Totals oracle = totals.get("oracle");
        assertThat(oracle.underprovisionedMinutes).isZero();
        for (var e : totals.entrySet()) {
            ScalingBacktest.Totals t = e.getValue();
            assertThat(t.scoredHours).as(e.getKey()).isEqualTo(oracle.scoredHours).isGreaterThan(24);
            assertThat(t.costOnDemand).as(e.getKey() + " holds at least the oracle's capacity on-demand").isGreaterThanOrEqualTo(oracle.costOnDemand * 0.999);
            assertThat(t.cost).as(e.getKey()).isPositive().isLessThanOrEqualTo(t.costOnDemand + 1e-9);
            assertThat(t.actions).as(e.getKey()).isPositive();
        }
        // hpa and vpa never buy spot; the batch VM puts part of shadowscale's capacity on spot
        assertThat(totals.get("hpa").spotCoreHours).isZero();
        assertThat(totals.get("shadowscale").spotCoreHours).isPositive();
        // a reactive policy is short of capacity at some point on these VMs
        assertThat(totals.get("hpa").underprovisionedMinutes).isPositive();

        String json = ScalingBacktest.json(totals, series.size(), price);
        assertThat(json).startsWith("{\"policies\": {\"shadowscale\": {\"cost\": ").contains("\"hpa\": {\"cost\": ")
                .contains("\"underprovisioned_minutes\": ").contains("\"actions\": ").contains("\"oracle\": {");
    }
}
