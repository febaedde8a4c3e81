package io.shadowscale.udf.logic.events;

import java.time.Instant;
import java.time.ZoneId;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The local calendar day of an instant in a zone, as {@code ZonedDateTime.ofInstant(..).toLocalDate()}
 * gives it, from the zone's UTC offset remembered until its next transition: the profiler asks
 * this for every holiday and step of every closed bucket, and a zoned date-time per question
 * (with its search of the zone's transitions) made a workload with two holidays and a campaign
 * cost 1.3 µs of covariates per bucket instead of 0.3 ({@code ProfileBench.covariatesWithEvents}).
 * The behavioural tags' weekly rule asks it for every hour of the week.
 */
public final class LocalDays {

    private static final long DAY_MS = 86_400_000L;

    /** The zone's offset holds on {@code [fromMs, untilMs)}; never changed once built (shared between threads). */
    private record Offset(long fromMs, long untilMs, long offsetMs) {}

    private static final ConcurrentHashMap<ZoneId, Offset> OFFSETS = new ConcurrentHashMap<>();

    private LocalDays() {}

    /** Days since 1970-01-01 of the local date of {@code epochMs} in {@code zone}. */
    public static long epochDay(long epochMs, ZoneId zone) {
        Offset o = OFFSETS.get(zone);
        if (o == null || epochMs < o.fromMs || epochMs >= o.untilMs) {
            o = offsetAt(epochMs, zone);
            OFFSETS.put(zone, o);
        }
        return Math.floorDiv(epochMs + o.offsetMs, DAY_MS);
    }

    /** Days since 1970-01-01 of an instant read as a UTC date (how holidays name their days). */
    static long utcEpochDay(Instant t) {
        return Math.floorDiv(t.getEpochSecond(), 86_400L);
    }

    private static Offset offsetAt(long epochMs, ZoneId zone) {
        ZoneRules rules = zone.getRules();
        Instant at = Instant.ofEpochMilli(epochMs);
        long offsetMs = rules.getOffset(at).getTotalSeconds() * 1000L;
        if (rules.isFixedOffset()) {
            return new Offset(Long.MIN_VALUE, Long.MAX_VALUE, offsetMs);
        }
        // from the instant asked (not the previous transition, whose bounds would need care): the
        // buckets' times only move forward, so later questions land in [epochMs, next transition)
        ZoneOffsetTransition next = rules.nextTransition(at);
        long until = next == null ? Long.MAX_VALUE : next.getInstant().toEpochMilli();
        return new Offset(epochMs, until, offsetMs);
    }
}
