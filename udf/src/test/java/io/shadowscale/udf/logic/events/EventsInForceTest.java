package io.shadowscale.udf.logic.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.shadowscale.schema.ExternalEvent;

class EventsInForceTest {
    static final long STEP = 300_000;

    static long t(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }

    @Test
    void aCampaignIsInForceWhileItRunsAtTheBucketsMidpoint() {
        ExternalEvent c = Events.campaign("c", "2026-11-27T12:00:00Z", "2026-11-27T14:00:00Z", 2.0, "a").build();
        assertThat(EventsInForce.during(t("2026-11-27T11:55:00Z"), STEP, ZoneOffset.UTC, List.of(c))).isEmpty();
        assertThat(EventsInForce.during(t("2026-11-27T12:00:00Z"), STEP, ZoneOffset.UTC, List.of(c))).containsExactly("c");
        assertThat(EventsInForce.during(t("2026-11-27T13:55:00Z"), STEP, ZoneOffset.UTC, List.of(c))).containsExactly("c");
        assertThat(EventsInForce.during(t("2026-11-27T14:00:00Z"), STEP, ZoneOffset.UTC, List.of(c))).isEmpty();
        ExternalEvent cancelled = ExternalEvent.newBuilder(c).setCancelled(true).build();
        assertThat(EventsInForce.during(t("2026-11-27T13:00:00Z"), STEP, ZoneOffset.UTC, List.of(cancelled))).isEmpty();
    }

    @Test
    void aHolidayIsInForceOnItsLocalDate() {
        ExternalEvent thanksgiving = Events.holiday("h", "2026-11-26", "US").build();
        // 2026-11-27 04:30Z is still the 26th in New York, already the 27th in UTC
        assertThat(EventsInForce.during(t("2026-11-27T04:30:00Z"), STEP, ZoneId.of("America/New_York"), List.of(thanksgiving)))
                .containsExactly("h");
        assertThat(EventsInForce.during(t("2026-11-27T04:30:00Z"), STEP, ZoneOffset.UTC, List.of(thanksgiving))).isEmpty();
    }

    @Test
    void aTrendIsInForceOnlyWhileItsVolumeIsElevated() {
        long h = 3_600_000L;
        long t0 = t("2026-11-27T00:00:00Z");
        // mean of 10, 10, 10 is 10: latest 10 → 1.0, not elevated; then 40 → mean 17.5, 40/17.5 = 2.3
        ExternalEvent trend = Events.trend("sale", t0, 10, t0 + h, 10, t0 + 2 * h, 10, t0 + 3 * h, 40).build();
        assertThat(EventsInForce.during(t0 + 2 * h, STEP, ZoneOffset.UTC, List.of(trend))).isEmpty();
        assertThat(EventsInForce.during(t0 + 3 * h, STEP, ZoneOffset.UTC, List.of(trend))).containsExactly("trend:sale");
        assertThat(EventsInForce.during(t0 - h, STEP, ZoneOffset.UTC, List.of(trend))).as("before its first point").isEmpty();
    }
}
