package io.shadowscale.udf.logic.profile;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the rolling windows out of a {@link ProfileState}: series in time order and the summary
 * maps written to the {@code profiles} table. Plain Java, no Flink.
 */
public final class ProfileWindows {

    private ProfileWindows() {}

    /**
     * The last {@code buckets} buckets of {@code metric}, oldest first, ending with the last bucket
     * folded in; NaN where a bucket is missing. At most one day (the ring's length).
     */
    public static double[] recentSeries(ProfileState s, ProfileMetric metric, int buckets) {
        int n = Math.min(buckets, s.slots);
        double[] out = new double[n];
        Arrays.fill(out, Double.NaN);
        if (s.lastBucketStart == Long.MIN_VALUE) {
            return out;
        }
        int last = s.lastBucket();
        for (int i = 0; i < n; i++) {
            int bucket = last - (n - 1 - i);
            int slot = Math.floorMod(bucket, s.slots);
            if (s.recentBucket[slot] == bucket) {
                out[i] = s.recent[metric.ordinal() * s.slots + slot];
            }
        }
        return out;
    }

    /** Hourly means of {@code metric} over the last 168 hours, oldest first; NaN where missing. */
    public static double[] hourlyMeans(ProfileState s, ProfileMetric metric) {
        double[] out = new double[ProfileState.HOURS];
        Arrays.fill(out, Double.NaN);
        if (s.lastBucketStart == Long.MIN_VALUE) {
            return out;
        }
        int last = s.lastHour();
        for (int i = 0; i < ProfileState.HOURS; i++) {
            int hour = last - (ProfileState.HOURS - 1 - i);
            int h = Math.floorMod(hour, ProfileState.HOURS);
            if (s.hourOf[h] != hour) {
                continue;
            }
            int count = metric == ProfileMetric.SESSION_DURATION_MS ? s.hourSessions[h] : s.hourCount[h];
            if (count > 0) {
                out[i] = s.hourSum[metric.ordinal() * ProfileState.HOURS + h] / count;
            }
        }
        return out;
    }

    /** Summary of the last hour (from buckets). */
    public static Map<String, Double> summary1h(ProfileState s) {
        return fromBuckets(s, (int) Math.max(1, ProfileState.HOUR_MS / s.bucketMs));
    }

    /** Summary of the last 24 hours (from buckets). */
    public static Map<String, Double> summary24h(ProfileState s) {
        return fromBuckets(s, s.slots);
    }

    private static Map<String, Double> fromBuckets(ProfileState s, int buckets) {
        Map<String, Double> m = new LinkedHashMap<>();
        double[] cpu = recentSeries(s, ProfileMetric.CPU, buckets);
        m.put("cpu_mean", mean(cpu));
        m.put("cpu_p95", quantile(cpu, 0.95));
        m.put("cpu_max", max(recentSeries(s, ProfileMetric.CPU_PEAK, buckets)));
        double[] memory = recentSeries(s, ProfileMetric.MEMORY, buckets);
        m.put("memory_mean", mean(memory));
        m.put("memory_max", max(memory));
        m.put("network_in_mean", mean(recentSeries(s, ProfileMetric.NETWORK_IN, buckets)));
        m.put("network_out_mean", mean(recentSeries(s, ProfileMetric.NETWORK_OUT, buckets)));
        m.put("storage_max", max(recentSeries(s, ProfileMetric.STORAGE, buckets)));
        m.put("requests_per_sec", mean(recentSeries(s, ProfileMetric.REQUESTS_PER_SEC, buckets)));
        m.put("db_queries_per_sec", mean(recentSeries(s, ProfileMetric.DB_QUERIES_PER_SEC, buckets)));
        m.put("sessions_mean", mean(recentSeries(s, ProfileMetric.SESSIONS, buckets)));
        m.put("session_duration_ms_mean", mean(recentSeries(s, ProfileMetric.SESSION_DURATION_MS, buckets)));
        m.put("coverage", present(cpu) / (double) buckets);
        return zeroNaN(m);
    }

    /** Summary of the last 7 days, from the hourly aggregates (cpu_p95 is the p95 of hourly means). */
    public static Map<String, Double> summary7d(ProfileState s) {
        Map<String, Double> m = new LinkedHashMap<>();
        double[] cpu = hourlyMeans(s, ProfileMetric.CPU);
        m.put("cpu_mean", weightedMean(s, ProfileMetric.CPU));
        m.put("cpu_p95", quantile(cpu, 0.95));
        m.put("cpu_max", hourlyMax(s, ProfileMetric.CPU_PEAK));
        m.put("memory_mean", weightedMean(s, ProfileMetric.MEMORY));
        m.put("memory_max", hourlyMax(s, ProfileMetric.MEMORY));
        m.put("network_in_mean", weightedMean(s, ProfileMetric.NETWORK_IN));
        m.put("network_out_mean", weightedMean(s, ProfileMetric.NETWORK_OUT));
        m.put("storage_max", hourlyMax(s, ProfileMetric.STORAGE));
        m.put("requests_per_sec", weightedMean(s, ProfileMetric.REQUESTS_PER_SEC));
        m.put("db_queries_per_sec", weightedMean(s, ProfileMetric.DB_QUERIES_PER_SEC));
        m.put("sessions_mean", weightedMean(s, ProfileMetric.SESSIONS));
        m.put("session_duration_ms_mean", weightedMean(s, ProfileMetric.SESSION_DURATION_MS));
        long buckets = 0;
        for (int i = 0; i < ProfileState.HOURS; i++) {
            buckets += inWeek(s, i) ? s.hourCount[i] : 0;
        }
        m.put("coverage", buckets / (double) (ProfileState.HOURS * Math.max(1, ProfileState.HOUR_MS / s.bucketMs)));
        return zeroNaN(m);
    }

    /** Share of samples per data kind over the last 7 days. */
    public static Map<String, Double> dataKindShares(ProfileState s) {
        Map<String, Double> m = new LinkedHashMap<>();
        double total = 0;
        double[] perKind = new double[s.kinds.length];
        for (int k = 0; k < s.kinds.length; k++) {
            for (int h = 0; h < ProfileState.HOURS; h++) {
                if (inWeek(s, h)) {
                    perKind[k] += s.kindHour[k * ProfileState.HOURS + h];
                }
            }
            total += perKind[k];
        }
        for (int k = 0; k < s.kinds.length; k++) {
            if (perKind[k] > 0) {
                m.put(s.kinds[k], perKind[k] / total);
            }
        }
        return m;
    }

    private static boolean inWeek(ProfileState s, int slot) {
        int hour = s.hourOf[slot];
        return hour >= 0 && s.lastBucketStart != Long.MIN_VALUE && hour > s.lastHour() - ProfileState.HOURS;
    }

    private static double weightedMean(ProfileState s, ProfileMetric metric) {
        double sum = 0;
        long n = 0;
        for (int h = 0; h < ProfileState.HOURS; h++) {
            if (!inWeek(s, h)) {
                continue;
            }
            sum += s.hourSum[metric.ordinal() * ProfileState.HOURS + h];
            n += metric == ProfileMetric.SESSION_DURATION_MS ? s.hourSessions[h] : s.hourCount[h];
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    private static double hourlyMax(ProfileState s, ProfileMetric metric) {
        double max = Double.NaN;
        for (int h = 0; h < ProfileState.HOURS; h++) {
            float v = s.hourMax[metric.ordinal() * ProfileState.HOURS + h];
            if (inWeek(s, h) && v != Float.NEGATIVE_INFINITY) {
                max = Double.isNaN(max) ? v : Math.max(max, v);
            }
        }
        return max;
    }

    private static Map<String, Double> zeroNaN(Map<String, Double> m) {
        m.replaceAll((k, v) -> Double.isNaN(v) ? 0.0 : v);
        return m;
    }

    // --- small statistics over arrays with NaN for missing values

    public static int present(double[] x) {
        int n = 0;
        for (double v : x) {
            if (!Double.isNaN(v)) {
                n++;
            }
        }
        return n;
    }

    public static double mean(double[] x) {
        double sum = 0;
        int n = 0;
        for (double v : x) {
            if (!Double.isNaN(v)) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    public static double max(double[] x) {
        double m = Double.NaN;
        for (double v : x) {
            if (!Double.isNaN(v)) {
                m = Double.isNaN(m) ? v : Math.max(m, v);
            }
        }
        return m;
    }

    /** Linear-interpolated quantile of the present values; NaN when there are none. */
    public static double quantile(double[] x, double q) {
        double[] v = new double[x.length];
        int n = 0;
        for (double d : x) {
            if (!Double.isNaN(d)) {
                v[n++] = d;
            }
        }
        return quantileInPlace(v, n, q);
    }

    /**
     * {@link #quantile} of {@code v[0..n)}, none of them NaN, sorting them in place: for a caller
     * with a scratch array (a stream per call was most of the hourly tag evaluation).
     */
    static double quantileInPlace(double[] v, int n, double q) {
        if (n == 0) {
            return Double.NaN;
        }
        Arrays.sort(v, 0, n); // the order a sorted DoubleStream gives (-0.0 before 0.0)
        return quantileOfSorted(v, n, q);
    }

    /** {@link #quantile} of {@code v[0..n)}, sorted as {@link Arrays#sort(double[])} sorts, none NaN; n > 0. */
    static double quantileOfSorted(double[] v, int n, double q) {
        double pos = q * (n - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(n - 1, lo + 1);
        return v[lo] + (pos - lo) * (v[hi] - v[lo]);
    }
}
