package io.shadowscale.udf.logic.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;

class CovariateBuilderTest {
    static final long STEP = 300_000;

    static long t(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }

    @Test
    void calendarFeaturesAreLocalHourAndDayAtEachStepsMidpoint() {
        // Saturday 2026-11-28 05:55Z = 00:55 in New York (EST, UTC-5)
        Covariates c = CovariateBuilder.build(t("2026-11-28T05:55:00Z"), STEP, 12, ZoneId.of("America/New_York"), List.of());
        double hour = 0 + 57.5 / 60; // midpoint of the first step, local
        assertThat(c.get(0, Covariates.HOUR_SIN)).isCloseTo(Math.sin(2 * Math.PI * hour / 24), offset(1e-9));
        assertThat(c.get(0, Covariates.HOUR_COS)).isCloseTo(Math.cos(2 * Math.PI * hour / 24), offset(1e-9));
        assertThat(c.get(0, Covariates.WEEKEND)).isEqualTo(1);
        double dow = 5 + hour / 24; // Saturday = 5
        assertThat(c.get(0, Covariates.DOW_SIN)).isCloseTo(Math.sin(2 * Math.PI * dow / 7), offset(1e-9));
        assertThat(c.matrix).hasSize(12 * Covariates.COUNT);
        assertThat(c.eventIds).isEmpty();
    }

    @Test
    void aHolidayCoversItsLocalDateOnly() {
        var thanksgiving = Events.holiday("h", "2026-11-26", "US").build();
        // origin 2026-11-27 04:30Z = 23:30 on the 26th in New York: 5 steps still on the holiday, then the 27th
        Covariates ny = CovariateBuilder.build(t("2026-11-27T04:30:00Z"), STEP, 12, ZoneId.of("America/New_York"), List.of(thanksgiving));
        for (int s = 0; s < 12; s++) {
            assertThat(ny.get(s, Covariates.HOLIDAY)).as("step %d", s).isEqualTo(s < 6 ? 1.0 : 0.0);
        }
        assertThat(ny.eventIds).containsExactly("h");
        // in UTC that instant is already the 27th: not a holiday
        Covariates utc = CovariateBuilder.build(t("2026-11-27T04:30:00Z"), STEP, 12, ZoneOffset.UTC, List.of(thanksgiving));
        assertThat(utc.get(0, Covariates.HOLIDAY)).isZero();
        assertThat(utc.eventIds).isEmpty();
    }

    @Test
    void campaignIntensityIsTheExpectedExtraLoadWhileItRuns() {
        var sale = Events.campaign("sale", "2026-11-27T18:20:00Z", "2026-11-27T22:00:00Z", 2.5).build();
        var launch = Events.campaign("launch", "2026-11-27T18:00:00Z", "2026-11-27T19:00:00Z", null).build();
        Covariates c = CovariateBuilder.build(t("2026-11-27T18:00:00Z"), STEP, 12, ZoneOffset.UTC, List.of(sale, launch));
        assertThat(c.get(0, Covariates.CAMPAIGN_INTENSITY)).isCloseTo(CovariateBuilder.DEFAULT_UPLIFT - 1, offset(1e-9));
        assertThat(c.get(3, Covariates.CAMPAIGN_INTENSITY)).as("18:15-18:20, before the sale").isCloseTo(0.5, offset(1e-9));
        assertThat(c.get(4, Covariates.CAMPAIGN_INTENSITY)).isCloseTo(1.5 + 0.5, offset(1e-9));
        assertThat(c.eventIds).containsExactlyInAnyOrder("sale", "launch");
        // each campaign apart: the launch ran in the bucket just closed (17:55-18:00 is before it)
        var byId = new java.util.HashMap<String, Covariates.Campaign>();
        c.campaigns.forEach(k -> byId.put(k.eventId(), k));
        assertThat(byId.get("sale").now()).isZero();
        assertThat(byId.get("sale").ahead()[3]).isZero();
        assertThat(byId.get("sale").ahead()[4]).isCloseTo(1.5, offset(1e-9));
        assertThat(byId.get("launch").now()).isZero();
        assertThat(byId.get("launch").ahead()[0]).isCloseTo(0.5, offset(1e-9));
        Covariates later = CovariateBuilder.build(t("2026-11-27T18:30:00Z"), STEP, 12, ZoneOffset.UTC, List.of(sale, launch));
        assertThat(later.campaigns).allSatisfy(k -> assertThat(k.now()).isPositive());
    }

    @Test
    void trendVolumeUsesOnlyPointsUpToTheOrigin() {
        long h = 3_600_000L;
        long o = t("2026-11-27T12:00:00Z");
        var trend = Events.trend("black friday", o - 3 * h, 100, o - 2 * h, 100, o - h, 100, o, 400, o + h, 5000).build();
        Covariates c = CovariateBuilder.build(o, STEP, 12, ZoneOffset.UTC, List.of(trend));
        // latest at origin 400 over the mean of 100,100,100,400 = 175; the later 5000 is not seen
        for (int s = 0; s < 12; s++) {
            assertThat(c.get(s, Covariates.TREND_VOLUME)).isCloseTo(400 / 175.0, offset(1e-9));
        }
        Covariates before = CovariateBuilder.build(o - 4 * h, STEP, 12, ZoneOffset.UTC, List.of(trend));
        assertThat(before.get(0, Covariates.TREND_VOLUME)).isZero();
        assertThat(before.eventIds).isEmpty();
    }

    @Test
    void cancelledEventsSetNothing() {
        var sale = Events.campaign("sale", "2026-11-27T18:00:00Z", "2026-11-27T22:00:00Z", 2.0).setCancelled(true).build();
        Covariates c = CovariateBuilder.build(t("2026-11-27T18:00:00Z"), STEP, 12, ZoneOffset.UTC, List.of(sale));
        assertThat(c.get(0, Covariates.CAMPAIGN_INTENSITY)).isZero();
    }

    /** The calendar columns are shared per zone and origin: interleaved zones, origins and horizons each get their own. */
    @Test
    void sharedCalendarsAreKeptApartByZoneOriginAndSteps() {
        ZoneId ny = ZoneId.of("America/New_York"), tokyo = ZoneId.of("Asia/Tokyo");
        long o1 = t("2026-11-28T05:55:00Z"), o2 = o1 + 7 * STEP;
        Covariates a = CovariateBuilder.build(o1, STEP, 12, ny, List.of());
        Covariates b = CovariateBuilder.build(o1, STEP, 12, tokyo, List.of());
        Covariates c = CovariateBuilder.build(o2, STEP, 12, ny, List.of());
        Covariates d = CovariateBuilder.build(o2, STEP, 6, ny, List.of());
        Covariates e = CovariateBuilder.build(o1, 2 * STEP, 12, ny, List.of());
        Covariates again = CovariateBuilder.build(o1, STEP, 12, ny, List.of());
        check(a, o1, STEP, ny);
        check(b, o1, STEP, tokyo);
        check(c, o2, STEP, ny);
        check(d, o2, STEP, ny);
        check(e, o1, 2 * STEP, ny);
        check(again, o1, STEP, ny);
        assertThat(b.get(0, Covariates.WEEKEND)).isEqualTo(1.0); // Saturday 14:55 in Tokyo
    }

    /** Each step's hour and day-of-week angles, computed here from scratch. */
    private static void check(Covariates c, long origin, long step, ZoneId zone) {
        for (int s = 0; s < c.steps; s++) {
            var local = java.time.ZonedDateTime.ofInstant(Instant.ofEpochMilli(origin + s * step + step / 2), zone);
            double hour = local.getHour() + local.getMinute() / 60.0 + local.getSecond() / 3600.0;
            double dow = local.getDayOfWeek().getValue() - 1 + hour / 24;
            assertThat(c.get(s, Covariates.HOUR_COS)).as("step %d", s).isCloseTo(Math.cos(2 * Math.PI * hour / 24), offset(1e-12));
            assertThat(c.get(s, Covariates.DOW_SIN)).as("step %d", s).isCloseTo(Math.sin(2 * Math.PI * dow / 7), offset(1e-12));
        }
    }
}
