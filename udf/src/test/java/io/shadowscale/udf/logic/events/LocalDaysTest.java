package io.shadowscale.udf.logic.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class LocalDaysTest {

    /** Zones with DST both ways, a half-hour DST, a fixed offset and UTC. */
    private static final String[] ZONES = {"Europe/Berlin", "America/New_York", "Australia/Sydney", "Australia/Lord_Howe",
            "Asia/Kolkata", "UTC", "Pacific/Chatham"};

    private static long expected(long epochMs, ZoneId zone) {
        return ZonedDateTime.ofInstant(Instant.ofEpochMilli(epochMs), zone).toLocalDate().toEpochDay();
    }

    @Test
    void localDayMatchesZonedDateTimeThroughAYearOfTransitions() {
        long from = Instant.parse("2025-12-31T00:00:00Z").toEpochMilli(), to = Instant.parse("2027-01-02T00:00:00Z").toEpochMilli();
        for (String z : ZONES) {
            ZoneId zone = ZoneId.of(z);
            // every 7 minutes forward, as buckets arrive: crosses every transition and local midnight
            for (long t = from; t < to; t += 7 * 60_000L) {
                assertThat(LocalDays.epochDay(t, zone)).as("%s at %s", z, Instant.ofEpochMilli(t)).isEqualTo(expected(t, zone));
            }
        }
    }

    @Test
    void localDayMatchesWhenTimesJumpBackAndForth() {
        SplittableRandom rnd = new SplittableRandom(7);
        long from = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli(), span = 3 * 365 * 86_400_000L;
        for (int i = 0; i < 200_000; i++) {
            ZoneId zone = ZoneId.of(ZONES[rnd.nextInt(ZONES.length)]);
            long t = from + rnd.nextLong(span);
            assertThat(LocalDays.epochDay(t, zone)).as("%s at %s", zone, Instant.ofEpochMilli(t)).isEqualTo(expected(t, zone));
        }
        // the milliseconds around a transition
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        long spring = Instant.parse("2026-03-29T01:00:00Z").toEpochMilli();
        for (long t = spring - 2; t <= spring + 2; t++) {
            assertThat(LocalDays.epochDay(t, berlin)).isEqualTo(expected(t, berlin));
        }
        long midnightJump = Instant.parse("2026-03-28T22:59:59.999Z").toEpochMilli(); // 23:59:59.999 local, then midnight
        assertThat(LocalDays.epochDay(midnightJump, berlin)).isEqualTo(expected(midnightJump, berlin));
        assertThat(LocalDays.epochDay(midnightJump + 1, berlin)).isEqualTo(expected(midnightJump + 1, berlin)).isEqualTo(expected(midnightJump, berlin) + 1);
    }

    @Test
    void utcDayOfAnInstantIsItsUtcDate() {
        for (String s : new String[] {"1969-12-31T23:59:59.999Z", "1970-01-01T00:00:00Z", "2026-11-29T00:00:00Z", "2026-11-29T23:59:59Z"}) {
            Instant t = Instant.parse(s);
            assertThat(LocalDays.utcEpochDay(t)).as(s).isEqualTo(java.time.LocalDate.ofInstant(t, java.time.ZoneOffset.UTC).toEpochDay());
        }
    }
}
