package io.shadowscale.udf.logic.profile;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import io.shadowscale.udf.logic.events.LocalDays;

/**
 * Behavioural tags derived from a workload's own statistics — never configured per tenant. Each
 * rule is below with its thresholds; every statistic a rule tests is returned with the tags
 * ({@link Result#statistics}), so a tag can be checked in the {@code profiles} table.
 *
 * <p>Rules on the last 24 hours need at least {@value #MIN_HOURS_24H} hours of buckets in that
 * window; the daily rule needs two days of hourly means, the weekly rule six local days.
 *
 * <dl>
 *   <dt>{@code idle}</dt>
 *   <dd>p95 of CPU over 24 h below {@value #IDLE_CPU_CORES} cores and p95 of requests below
 *       {@value #IDLE_REQUESTS_PER_SEC}/s: the workload runs but does (almost) nothing.</dd>
 *   <dt>{@code batch-processing}</dt>
 *   <dd>Work comes in windows, not with requests. Over 24 h, "active" buckets are those with CPU
 *       at least {@value #BATCH_ACTIVE_OF_PEAK} of the p99; the workload is batch when active buckets
 *       are between {@value #BATCH_MIN_ACTIVE_SHARE} and {@value #BATCH_MAX_ACTIVE_SHARE} of the
 *       buckets, the median CPU of the other buckets is at most {@value #BATCH_QUIET_OF_ACTIVE} of
 *       the mean CPU of the active ones, the p99 is at least 5× the idle threshold, and during the
 *       active buckets it serves fewer than {@value #BATCH_MAX_REQUESTS_PER_CORE_SEC} request per
 *       core-second (request-driven services serve tens to hundreds).</dd>
 *   <dt>{@code high-volume-transactions}</dt>
 *   <dd>Over 24 h, at least {@value #HVT_MIN_REQUESTS_PER_SEC} requests/s with at least
 *       {@value #HVT_MIN_QUERIES_PER_REQUEST} database query per request, and sessions (if any)
 *       shorter than {@value #SESSION_MINUTES_SPLIT} minutes on average.</dd>
 *   <dt>{@code interactive}</dt>
 *   <dd>Over 24 h, at least {@value #INTERACTIVE_MIN_SESSIONS} open user sessions on average
 *       that last {@value #SESSION_MINUTES_SPLIT} minutes or more on average.</dd>
 *   <dt>{@code diurnal}</dt>
 *   <dd>A daily cycle in CPU: over the hourly means of the last 7 days (at least 48 of them),
 *       the autocorrelation at a lag of 24 h is at least {@value #DIURNAL_MIN_AUTOCORRELATION},
 *       and the mean-by-hour-of-day profile varies by at least {@value #DIURNAL_MIN_AMPLITUDE} of
 *       the mean (and by 0.05 cores).</dd>
 *   <dt>{@code weekly}</dt>
 *   <dd>Weekends differ from weekdays: with at least 6 local days of the last week (12 hourly
 *       means each, in the workload's time zone), at least one of them a Saturday or Sunday, the
 *       mean CPU of weekend days differs from that of weekdays by at least
 *       {@value #WEEKLY_MIN_RELATIVE_DIFFERENCE} of the weekday mean and by more than twice the
 *       standard deviation among weekdays.</dd>
 *   <dt>{@code bursty}</dt>
 *   <dd>Short bursts above the recent level: over 24 h, a bucket bursts when its CPU exceeds
 *       {@value #BURST_FACTOR}× the median of the hour before it and by at least
 *       {@value #BURST_MIN_EXCESS_CORES} cores; consecutive bursting buckets are one burst. Bursty
 *       means at least {@value #BURSTY_MIN_PER_DAY} bursts per day (a nightly batch window starts
 *       once a day; a single incident is an anomaly, not a behaviour).</dd>
 * </dl>
 */
public final class BehaviourTags {

    public static final String IDLE = "idle";
    public static final String BATCH = "batch-processing";
    public static final String HIGH_VOLUME_TRANSACTIONS = "high-volume-transactions";
    public static final String INTERACTIVE = "interactive";
    public static final String DIURNAL = "diurnal";
    public static final String WEEKLY = "weekly";
    public static final String BURSTY = "bursty";
    public static final List<String> ALL = List.of(BATCH, HIGH_VOLUME_TRANSACTIONS, INTERACTIVE, DIURNAL, WEEKLY, BURSTY, IDLE);

    public static final int MIN_HOURS_24H = 6;
    public static final double IDLE_CPU_CORES = 0.1;
    public static final double IDLE_REQUESTS_PER_SEC = 1.0;
    public static final double BATCH_ACTIVE_OF_PEAK = 0.5;
    public static final double BATCH_MIN_ACTIVE_SHARE = 0.02;
    public static final double BATCH_MAX_ACTIVE_SHARE = 0.5;
    public static final double BATCH_QUIET_OF_ACTIVE = 0.2;
    public static final double BATCH_MAX_REQUESTS_PER_CORE_SEC = 1.0;
    public static final double HVT_MIN_REQUESTS_PER_SEC = 50;
    public static final double HVT_MIN_QUERIES_PER_REQUEST = 1.0;
    public static final double INTERACTIVE_MIN_SESSIONS = 10;
    public static final double SESSION_MINUTES_SPLIT = 3.0;
    public static final double DIURNAL_MIN_AUTOCORRELATION = 0.5;
    public static final double DIURNAL_MIN_AMPLITUDE = 0.3;
    public static final double WEEKLY_MIN_RELATIVE_DIFFERENCE = 0.25;
    public static final double BURST_FACTOR = 2.0;
    public static final double BURST_MIN_EXCESS_CORES = 0.25;
    public static final double BURSTY_MIN_PER_DAY = 6;

    private BehaviourTags() {}

    /** Tags that hold and the statistics the rules tested (NaN-free: a statistic that could not be computed is left out). */
    public static final class Result {
        public final SortedSet<String> tags;
        public final Map<String, Double> statistics;

        Result(SortedSet<String> tags, Map<String, Double> statistics) {
            this.tags = tags;
            this.statistics = statistics;
        }

        /** Sorted, comma-separated. */
        public String joined() {
            return String.join(",", tags);
        }
    }

    public static Result evaluate(ProfileState s, ZoneId zone) {
        SortedSet<String> tags = new TreeSet<>();
        Map<String, Double> st = new LinkedHashMap<>();
        st.put("history_hours", s.historyMs() / (double) ProfileState.HOUR_MS);

        double[] cpu = ProfileWindows.recentSeries(s, ProfileMetric.CPU, s.slots);
        int minBuckets = (int) (MIN_HOURS_24H * ProfileState.HOUR_MS / s.bucketMs);
        if (ProfileWindows.present(cpu) >= minBuckets) {
            double[] requests = ProfileWindows.recentSeries(s, ProfileMetric.REQUESTS_PER_SEC, s.slots);
            double[] queries = ProfileWindows.recentSeries(s, ProfileMetric.DB_QUERIES_PER_SEC, s.slots);
            double[] sessions = ProfileWindows.recentSeries(s, ProfileMetric.SESSIONS, s.slots);
            double[] duration = ProfileWindows.recentSeries(s, ProfileMetric.SESSION_DURATION_MS, s.slots);
            double cpuP95 = ProfileWindows.quantile(cpu, 0.95);
            double requestsP95 = ProfileWindows.quantile(requests, 0.95);
            double requestRate = ProfileWindows.mean(requests);
            double queryRate = ProfileWindows.mean(queries);
            double sessionsMean = ProfileWindows.mean(sessions);
            double sessionMinutes = ProfileWindows.mean(duration) / 60_000.0; // NaN without ended sessions
            put(st, "cpu_p95_24h", cpuP95);
            put(st, "requests_p95_24h", requestsP95);
            put(st, "requests_per_sec_24h", requestRate);
            put(st, "queries_per_request_24h", requestRate > 0 ? queryRate / requestRate : 0);
            put(st, "sessions_mean_24h", sessionsMean);
            put(st, "session_minutes_24h", sessionMinutes);

            boolean idle = cpuP95 < IDLE_CPU_CORES && requestsP95 < IDLE_REQUESTS_PER_SEC;
            if (idle) {
                tags.add(IDLE);
            }
            if (!idle && batch(cpu, requests, st)) {
                tags.add(BATCH);
            }
            boolean shortSessions = Double.isNaN(sessionMinutes) || sessionMinutes < SESSION_MINUTES_SPLIT;
            if (requestRate >= HVT_MIN_REQUESTS_PER_SEC && queryRate / requestRate >= HVT_MIN_QUERIES_PER_REQUEST && shortSessions) {
                tags.add(HIGH_VOLUME_TRANSACTIONS);
            }
            if (sessionsMean >= INTERACTIVE_MIN_SESSIONS && !shortSessions) {
                tags.add(INTERACTIVE);
            }
            double burstsPerDay = burstsPerDay(cpu, (int) Math.max(2, ProfileState.HOUR_MS / s.bucketMs));
            put(st, "bursts_per_day", burstsPerDay);
            if (burstsPerDay >= BURSTY_MIN_PER_DAY) {
                tags.add(BURSTY);
            }
        }

        double[] hourly = ProfileWindows.hourlyMeans(s, ProfileMetric.CPU);
        if (ProfileWindows.present(hourly) >= 48) {
            double r24 = autocorrelation(hourly, 24);
            double[] byHour = new double[24];
            int[] n = new int[24];
            int firstHour = s.lastHour() - (ProfileState.HOURS - 1);
            for (int i = 0; i < hourly.length; i++) {
                if (!Double.isNaN(hourly[i])) {
                    int hod = Math.floorMod(firstHour + i, 24);
                    byHour[hod] += hourly[i];
                    n[hod]++;
                }
            }
            double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
            for (int h = 0; h < 24; h++) {
                if (n[h] > 0) {
                    lo = Math.min(lo, byHour[h] / n[h]);
                    hi = Math.max(hi, byHour[h] / n[h]);
                }
            }
            double mean = ProfileWindows.mean(hourly);
            double amplitude = mean > 0 ? (hi - lo) / mean : 0;
            put(st, "daily_autocorrelation", r24);
            put(st, "daily_amplitude", amplitude);
            if (r24 >= DIURNAL_MIN_AUTOCORRELATION && amplitude >= DIURNAL_MIN_AMPLITUDE && hi - lo >= 0.05) {
                tags.add(DIURNAL);
            }
            if (weekly(hourly, firstHour, zone, st)) {
                tags.add(WEEKLY);
            }
        }
        return new Result(tags, st);
    }

    private static boolean batch(double[] cpu, double[] requests, Map<String, Double> st) {
        double peak = ProfileWindows.quantile(cpu, 0.99);
        if (!(peak >= 5 * IDLE_CPU_CORES)) {
            return false;
        }
        double threshold = BATCH_ACTIVE_OF_PEAK * peak;
        double[] quiet = new double[cpu.length];
        int quietCount = 0;
        double activeCpu = 0, activeRequests = 0;
        int active = 0, present = 0;
        for (int i = 0; i < cpu.length; i++) {
            if (Double.isNaN(cpu[i])) {
                continue;
            }
            present++;
            if (cpu[i] >= threshold) {
                active++;
                activeCpu += cpu[i];
                activeRequests += Double.isNaN(requests[i]) ? 0 : requests[i];
            } else {
                quiet[quietCount++] = cpu[i];
            }
        }
        double share = active / (double) present;
        double quietMedian = ProfileWindows.quantileInPlace(quiet, quietCount, 0.5);
        double activeMean = activeCpu / Math.max(1, active);
        double quietToActive = Double.isNaN(quietMedian) ? 0 : quietMedian / activeMean;
        double requestsPerCoreSec = activeCpu > 0 ? activeRequests / activeCpu : 0;
        put(st, "active_share_24h", share);
        put(st, "quiet_to_active_24h", quietToActive);
        put(st, "requests_per_core_sec_active", requestsPerCoreSec);
        return share >= BATCH_MIN_ACTIVE_SHARE && share <= BATCH_MAX_ACTIVE_SHARE
                && quietToActive <= BATCH_QUIET_OF_ACTIVE
                && requestsPerCoreSec < BATCH_MAX_REQUESTS_PER_CORE_SEC;
    }

    /** Bursts per day in {@code cpu} (buckets, oldest first), each bucket judged against the median of the {@code window} before it. */
    static double burstsPerDay(double[] cpu, int window) {
        int evaluated = 0, bursts = 0;
        boolean inBurst = false;
        // the known values of cpu[i - window .. i), kept sorted as the window slides (one insertion
        // and one removal per bucket instead of a sort per bucket; the same order Arrays.sort gives)
        double[] prior = new double[window];
        int n = 0;
        for (int j = 0; j < Math.min(window, cpu.length); j++) {
            n = insertSorted(prior, n, cpu[j]);
        }
        for (int i = window; i < cpu.length; i++) {
            if (Double.isNaN(cpu[i])) {
                inBurst = false;
            } else if (n < window / 2) {
                inBurst = false;
            } else {
                double median = n == 0 ? Double.NaN : ProfileWindows.quantileOfSorted(prior, n, 0.5);
                evaluated++;
                boolean burst = cpu[i] > BURST_FACTOR * median && cpu[i] - median >= BURST_MIN_EXCESS_CORES;
                if (burst && !inBurst) {
                    bursts++;
                }
                inBurst = burst;
            }
            n = removeSorted(prior, n, cpu[i - window]);
            n = insertSorted(prior, n, cpu[i]);
        }
        return evaluated == 0 ? 0 : bursts * (cpu.length / (double) evaluated);
    }

    /** Inserts {@code x} (unless NaN) into the sorted {@code v[0..n)}; returns the new count. */
    private static int insertSorted(double[] v, int n, double x) {
        if (Double.isNaN(x)) {
            return n;
        }
        int at = n;
        while (at > 0 && Double.compare(v[at - 1], x) > 0) {
            v[at] = v[at - 1];
            at--;
        }
        v[at] = x;
        return n + 1;
    }

    /** Removes one {@code x} (unless NaN) from the sorted {@code v[0..n)}, where it is; returns the new count. */
    private static int removeSorted(double[] v, int n, double x) {
        if (Double.isNaN(x)) {
            return n;
        }
        int at = 0;
        while (Double.compare(v[at], x) != 0) {
            at++;
        }
        System.arraycopy(v, at + 1, v, at, n - at - 1);
        return n - 1;
    }

    private static boolean weekly(double[] hourly, int firstHour, ZoneId zone, Map<String, Double> st) {
        TreeMap<Long, double[]> days = new TreeMap<>(); // local epoch day -> {sum, hours}
        for (int i = 0; i < hourly.length; i++) {
            if (Double.isNaN(hourly[i])) {
                continue;
            }
            long d = LocalDays.epochDay((firstHour + i) * ProfileState.HOUR_MS, zone);
            double[] acc = days.computeIfAbsent(d, k -> new double[2]);
            acc[0] += hourly[i];
            acc[1]++;
        }
        List<Double> weekdays = new ArrayList<>();
        List<Double> weekends = new ArrayList<>();
        days.forEach((day, acc) -> {
            if (acc[1] >= 12) {
                DayOfWeek d = LocalDate.ofEpochDay(day).getDayOfWeek();
                boolean weekend = d == DayOfWeek.SATURDAY || d == DayOfWeek.SUNDAY;
                (weekend ? weekends : weekdays).add(acc[0] / acc[1]);
            }
        });
        if (weekdays.size() + weekends.size() < 6 || weekends.isEmpty() || weekdays.size() < 3) {
            return false;
        }
        double wd = weekdays.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double we = weekends.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double var = weekdays.stream().mapToDouble(x -> (x - wd) * (x - wd)).sum() / (weekdays.size() - 1);
        double sd = Math.sqrt(var);
        put(st, "weekend_to_weekday", wd > 0 ? we / wd : 0);
        put(st, "weekday_sd_of_mean", wd > 0 ? sd / wd : 0);
        return Math.max(wd, we) >= 0.05 && wd > 0
                && Math.abs(we - wd) >= WEEKLY_MIN_RELATIVE_DIFFERENCE * wd
                && Math.abs(we - wd) > 2 * sd;
    }

    /** Pearson correlation of x[t] and x[t - lag] over the pairs where both are present; 0 with fewer than 24 pairs. */
    static double autocorrelation(double[] x, int lag) {
        int n = 0;
        double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
        for (int t = lag; t < x.length; t++) {
            double a = x[t], b = x[t - lag];
            if (Double.isNaN(a) || Double.isNaN(b)) {
                continue;
            }
            n++;
            sa += a;
            sb += b;
            saa += a * a;
            sbb += b * b;
            sab += a * b;
        }
        if (n < 24) {
            return 0;
        }
        double cov = sab / n - (sa / n) * (sb / n);
        double va = saa / n - (sa / n) * (sa / n);
        double vb = sbb / n - (sb / n) * (sb / n);
        return va <= 0 || vb <= 0 ? 0 : cov / Math.sqrt(va * vb);
    }

    private static void put(Map<String, Double> st, String key, double v) {
        if (!Double.isNaN(v) && !Double.isInfinite(v)) {
            st.put(key, v);
        }
    }
}
