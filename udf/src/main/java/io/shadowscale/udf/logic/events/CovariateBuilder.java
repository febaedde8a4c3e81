package io.shadowscale.udf.logic.events;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import io.shadowscale.schema.ExternalEvent;
import io.shadowscale.schema.TrendPoint;

/**
 * Turns the external events that affect a workload into per-step features for its forecast
 * horizon ({@link Covariates}). One builder, no Flink: the profiler calls it for the live
 * forecast, and backtests and the training export call it with the same events to get the same
 * features.
 *
 * <p>Each step is judged at its midpoint, in the workload's time zone:
 * <ul>
 *   <li>{@code hour_sin/hour_cos}, {@code dow_sin/dow_cos}: local hour of day and day of week
 *       (Monday 0) on the unit circle, so 23:00 is next to 00:00 and Sunday next to Monday;</li>
 *   <li>{@code weekend}: 1 on a local Saturday or Sunday;</li>
 *   <li>{@code holiday}: 1 when the local date is a day of a {@code HOLIDAY} event. Holidays are
 *       calendar dates: their start and end are midnights UTC that name the first day and the day
 *       after the last, as the importer writes them;</li>
 *   <li>{@code campaign_intensity}: sum over the {@code CAMPAIGN} events running at that instant
 *       of their expected uplift − 1 ({@link #DEFAULT_UPLIFT} when the calendar gives none), i.e.
 *       the expected extra load as a share of normal (each campaign's share is also kept apart in
 *       {@link Covariates#campaigns}, with its value in the bucket just closed);</li>
 *   <li>{@code trend_volume} (past-only): for {@code TREND} events, the latest mention count at or
 *       before the origin divided by the mean of the series up to the origin (1 = usual volume);
 *       the largest over the workload's trends, 0 without any. Later points are not used even if
 *       present, so the feature never sees the future it is to help forecast.</li>
 * </ul>
 */
public final class CovariateBuilder {

    /** Uplift assumed for a campaign whose calendar entry does not say. */
    public static final double DEFAULT_UPLIFT = 1.5;

    private CovariateBuilder() {}

    /**
     * @param originMs start of the first step (the end of the last closed bucket)
     * @param events   the events that affect the workload (already matched to its subscription)
     */
    public static Covariates build(long originMs, long stepMs, int steps, ZoneId zone, Collection<ExternalEvent> events) {
        return build(originMs, stepMs, steps, zone, events, true);
    }

    /** The ids of the events that touch the steps (what {@link #build} puts in {@code eventIds}), without the calendar columns. */
    public static List<String> touching(long originMs, long stepMs, int steps, ZoneId zone, Collection<ExternalEvent> events) {
        return build(originMs, stepMs, steps, zone, events, false).eventIds;
    }

    private static Covariates build(long originMs, long stepMs, int steps, ZoneId zone, Collection<ExternalEvent> events, boolean withCalendar) {
        int f = Covariates.COUNT;
        double[] m = new double[steps * f];
        List<String> touching = new ArrayList<>();
        List<Covariates.Campaign> campaigns = new ArrayList<>();
        double trend = 0;
        for (ExternalEvent e : events) {
            if (e.getCancelled()) {
                continue;
            }
            boolean touched = false;
            switch (e.getKind()) {
                case HOLIDAY -> {
                    // calendar days as epoch-day numbers: the same comparisons as LocalDates
                    long first = LocalDays.utcEpochDay(e.getStartTime());
                    long end = LocalDays.utcEpochDay(e.getEndTime());
                    if (end <= first) {
                        end = first + 1;
                    }
                    for (int s = 0; s < steps; s++) {
                        long local = LocalDays.epochDay(mid(originMs, stepMs, s), zone);
                        if (local >= first && local < end) {
                            m[s * f + Covariates.HOLIDAY] = 1;
                            touched = true;
                        }
                    }
                }
                case CAMPAIGN -> {
                    double uplift = e.getExpectedUplift() != null ? e.getExpectedUplift() : DEFAULT_UPLIFT;
                    double intensity = Math.max(0, uplift - 1);
                    long start = e.getStartTime().toEpochMilli(), end = e.getEndTime().toEpochMilli();
                    double[] ahead = new double[steps];
                    for (int s = 0; s < steps; s++) {
                        long t = mid(originMs, stepMs, s);
                        if (t >= start && t < end) {
                            m[s * f + Covariates.CAMPAIGN_INTENSITY] += intensity;
                            ahead[s] = intensity;
                            touched = true;
                        }
                    }
                    // the bucket that just closed (step -1): what the recent history already contains
                    long before = mid(originMs, stepMs, -1);
                    double now = before >= start && before < end ? intensity : 0;
                    if (touched || now > 0) {
                        campaigns.add(new Covariates.Campaign(e.getEventId(), e.getName(), now, ahead));
                    }
                }
                case TREND -> {
                    double v = trendVolume(e, originMs);
                    if (!Double.isNaN(v)) {
                        trend = Math.max(trend, v);
                        touched = true;
                    }
                }
                default -> { }
            }
            if (touched) {
                touching.add(e.getEventId());
            }
        }
        double[] calendar = withCalendar ? calendar(originMs, stepMs, steps, zone) : null;
        for (int s = 0; s < steps; s++) {
            if (calendar != null) System.arraycopy(calendar, s * CALENDAR_COLUMNS, m, s * f + Covariates.HOUR_SIN, CALENDAR_COLUMNS);
            m[s * f + Covariates.TREND_VOLUME] = trend;
        }
        return new Covariates(originMs, stepMs, steps, m, List.copyOf(touching), List.copyOf(campaigns));
    }

    /** Hour sin/cos, day-of-week sin/cos and weekend: adjacent columns of a step's covariates, in this order. */
    private static final int CALENDAR_COLUMNS = 5;

    static {
        if (Covariates.HOUR_COS != Covariates.HOUR_SIN + 1 || Covariates.DOW_SIN != Covariates.HOUR_SIN + 2
                || Covariates.DOW_COS != Covariates.HOUR_SIN + 3 || Covariates.WEEKEND != Covariates.HOUR_SIN + 4) {
            throw new IllegalStateException("the calendar covariates are no longer adjacent columns");
        }
    }

    /** The calendar columns of one origin, steps and zone; never changed once built (shared between threads). */
    private record Calendar(long originMs, long stepMs, int steps, double[] columns) {}

    /**
     * The latest calendar per zone: every workload of a zone closes a bucket at the same origin, so
     * all but the first of them copy the columns instead of computing 12 zoned date-times and 48
     * sines (2% of the job's CPU in the bench profile).
     */
    private static final java.util.concurrent.ConcurrentHashMap<ZoneId, Calendar> CALENDARS = new java.util.concurrent.ConcurrentHashMap<>();

    private static double[] calendar(long originMs, long stepMs, int steps, ZoneId zone) {
        Calendar c = CALENDARS.get(zone);
        if (c != null && c.originMs == originMs && c.stepMs == stepMs && c.steps == steps) {
            return c.columns;
        }
        double[] columns = new double[steps * CALENDAR_COLUMNS];
        for (int s = 0; s < steps; s++) {
            ZonedDateTime local = ZonedDateTime.ofInstant(Instant.ofEpochMilli(mid(originMs, stepMs, s)), zone);
            double hour = local.getHour() + local.getMinute() / 60.0 + local.getSecond() / 3600.0;
            double dow = local.getDayOfWeek().getValue() - 1 + hour / 24;
            int at = s * CALENDAR_COLUMNS - Covariates.HOUR_SIN;
            columns[at + Covariates.HOUR_SIN] = Math.sin(2 * Math.PI * hour / 24);
            columns[at + Covariates.HOUR_COS] = Math.cos(2 * Math.PI * hour / 24);
            columns[at + Covariates.DOW_SIN] = Math.sin(2 * Math.PI * dow / 7);
            columns[at + Covariates.DOW_COS] = Math.cos(2 * Math.PI * dow / 7);
            DayOfWeek d = local.getDayOfWeek();
            columns[at + Covariates.WEEKEND] = d == DayOfWeek.SATURDAY || d == DayOfWeek.SUNDAY ? 1 : 0;
        }
        CALENDARS.put(zone, new Calendar(originMs, stepMs, steps, columns));
        return columns;
    }

    /** Latest count at or before {@code originMs} over the mean of the counts up to it; NaN without such points. */
    static double trendVolume(ExternalEvent e, long originMs) {
        double sum = 0;
        int n = 0;
        long latestTime = Long.MIN_VALUE;
        double latest = Double.NaN;
        for (TrendPoint p : e.getTrendPoints()) {
            long t = p.getTime().toEpochMilli();
            if (t > originMs) {
                continue;
            }
            sum += p.getCount();
            n++;
            if (t >= latestTime) {
                latestTime = t;
                latest = p.getCount();
            }
        }
        if (n == 0) {
            return Double.NaN;
        }
        double mean = sum / n;
        return mean > 0 ? latest / mean : 0;
    }

    private static long mid(long originMs, long stepMs, int s) {
        return originMs + s * stepMs + stepMs / 2;
    }
}
