package io.shadowscale.udf.logic.forecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.shadowscale.schema.DriverKind;
import io.shadowscale.schema.ForecastDriver;
import io.shadowscale.udf.logic.Forecast;
import io.shadowscale.udf.model.Resource;

class EventEffectTest {

    static final long BUCKET = 300_000L;
    static final int STEPS = 12;
    final EventEffect effect = new EventEffect(new double[] {1.0, 0.5, 1.0, 1.0, 0.0});

    /** Flat forecast: p50 = 10, p90 = 12, p99 = 15 for every resource and step. */
    static Forecast flat() {
        double[][] p50 = new double[STEPS][Resource.COUNT], p90 = new double[STEPS][Resource.COUNT], p99 = new double[STEPS][Resource.COUNT];
        for (int s = 0; s < STEPS; s++) {
            java.util.Arrays.fill(p50[s], 10);
            java.util.Arrays.fill(p90[s], 12);
            java.util.Arrays.fill(p99[s], 15);
        }
        return new Forecast(0, BUCKET, p50, p90, p99, 0);
    }

    static double[] aheadFrom(int firstStep, double intensity) {
        double[] a = new double[STEPS];
        for (int s = firstStep; s < STEPS; s++) {
            a[s] = intensity;
        }
        return a;
    }

    @Test
    void aCampaignStartingInTheHorizonRaisesTheStepsItCovers() {
        Forecast f = flat();
        var sale = new EventEffect.Campaigns(new String[] {"sale"}, new String[] {"spring-sale"}, new double[] {0}, aheadFrom(4, 1.5), STEPS);
        List<ForecastDriver> drivers = effect.apply(f, sale);
        assertThat(f.p50[3][Resource.CPU.ordinal()]).isEqualTo(10);
        assertThat(f.p50[4][Resource.CPU.ordinal()]).isCloseTo(25, offset(1e-9)); // 10 × (1 + 1.0 × 1.5)
        assertThat(f.p50[4][Resource.MEMORY.ordinal()]).isCloseTo(17.5, offset(1e-9)); // 10 × (1 + 0.5 × 1.5)
        assertThat(f.p50[4][Resource.STORAGE.ordinal()]).isEqualTo(10);
        // bands move with it and widen by a share of the move: 12 × 2.5 + 0.2 × 15
        assertThat(f.p90[4][Resource.CPU.ordinal()]).isCloseTo(33, offset(1e-9));
        assertThat(f.p99[4][Resource.CPU.ordinal()]).isCloseTo(15 * 2.5 + 0.4 * 15, offset(1e-9));

        ForecastDriver top = drivers.get(0);
        assertThat(top.getKind()).isEqualTo(DriverKind.CAMPAIGN);
        assertThat(top.getName()).isEqualTo("campaign spring-sale");
        assertThat(top.getEventId()).isEqualTo("sale");
        assertThat(top.getRelativeEffect()).isCloseTo(1.5, offset(1e-9));
        assertThat(top.getPeakStep()).isEqualTo(5);
        assertThat(top.getPeakAt().toEpochMilli()).isEqualTo(5 * BUCKET);
        assertThat(drivers).extracting(ForecastDriver::getResource).doesNotContain("storage");
        assertThat(drivers).filteredOn(d -> d.getResource().equals("memory")).singleElement()
                .satisfies(d -> assertThat(d.getRelativeEffect()).isCloseTo(0.75, offset(1e-9)));
    }

    @Test
    void aRunningCampaignIsNotCountedTwiceAndItsEndLowersTheForecast() {
        Forecast f = flat();
        double[] ahead = new double[STEPS];
        java.util.Arrays.fill(ahead, 0, 6, 1.0); // running now, ends after step 6
        var running = new EventEffect.Campaigns(new String[] {"c"}, new String[] {"c"}, new double[] {1.0}, ahead, STEPS);
        List<ForecastDriver> drivers = effect.apply(f, running);
        assertThat(f.p50[0][Resource.CPU.ordinal()]).isEqualTo(10); // history already holds it
        assertThat(f.p50[6][Resource.CPU.ordinal()]).isCloseTo(5, offset(1e-9)); // 10 × 1 / 2
        assertThat(drivers.get(0).getRelativeEffect()).isCloseTo(-0.5, offset(1e-9));
        assertThat(drivers.get(0).getPeakStep()).isEqualTo(7);
    }

    @Test
    void eachCampaignIsMeasuredWithoutItAlone() {
        Forecast f = flat();
        double[] ahead = new double[2 * STEPS];
        System.arraycopy(aheadFrom(0, 1.0), 0, ahead, 0, STEPS);
        System.arraycopy(aheadFrom(0, 0.5), 0, ahead, STEPS, STEPS);
        var two = new EventEffect.Campaigns(new String[] {"big", "small"}, new String[] {"big", "small"}, new double[2], ahead, STEPS);
        List<ForecastDriver> drivers = effect.apply(f, two);
        assertThat(f.p50[0][Resource.CPU.ordinal()]).isCloseTo(25, offset(1e-9));
        var cpu = drivers.stream().filter(d -> d.getResource().equals("cpu")).toList();
        // without "big": 10 × 1.5 = 15 → +66.7%; without "small": 10 × 2 = 20 → +25%
        assertThat(cpu).extracting(ForecastDriver::getEventId).containsExactly("big", "small");
        assertThat(cpu.get(0).getRelativeEffect()).isCloseTo(25 / 15.0 - 1, offset(1e-9));
        assertThat(cpu.get(0).getAbsoluteEffect()).isCloseTo(10, offset(1e-9));
        assertThat(cpu.get(1).getRelativeEffect()).isCloseTo(0.25, offset(1e-9));
    }

    @Test
    void noCampaignsLeavesTheForecastAlone() {
        Forecast f = flat();
        assertThat(effect.apply(f, EventEffect.Campaigns.NONE)).isEmpty();
        assertThat(f.p90[5][0]).isEqualTo(12);
    }

    @Test
    void historyDriversCompareTheLevelWithTheDayAndTheForecastWithTheLevel() {
        Forecast f = flat();
        f.p50[8][Resource.CPU.ordinal()] = 16; // the daily pattern rises to 16 at step 9
        double[] recent = {8, 10, Double.NaN, Double.NaN, 1};
        double[] day = {4, 10, 1, 1, 1};
        List<ForecastDriver> d = EventEffect.historyDrivers(f, recent, day, f.p50);
        assertThat(d).filteredOn(x -> x.getKind() == DriverKind.LEVEL).singleElement()
                .satisfies(x -> assertThat(x.getRelativeEffect()).isCloseTo(1.0, offset(1e-9)));
        assertThat(d).filteredOn(x -> x.getKind() == DriverKind.SEASONALITY && x.getResource().equals("cpu")).singleElement()
                .satisfies(x -> {
                    assertThat(x.getRelativeEffect()).isCloseTo(1.0, offset(1e-9));
                    assertThat(x.getPeakStep()).isEqualTo(9);
                });
        // memory is at its usual level and the forecast stays there: nothing to say
        assertThat(d).noneMatch(x -> x.getResource().equals("memory"));
    }

    @Test
    void elasticityNeedsOneValuePerResource() {
        assertThatThrownBy(() -> new EventEffect(new double[] {1, 1})).hasMessageContaining("5 values");
    }
}
