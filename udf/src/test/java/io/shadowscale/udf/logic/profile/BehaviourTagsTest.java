package io.shadowscale.udf.logic.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.LongFunction;

import org.junit.jupiter.api.Test;

/** Each tag rule on generated workloads that have (and do not have) the behaviour. */
class BehaviourTagsTest {

    static final long BUCKET = 300_000L;
    /** 2024-03-04T00:00Z, a Monday. */
    static final long T0 = Instant.parse("2024-03-04T00:00:00Z").toEpochMilli();

    /** One bucket's metrics: cpu, requests/s, db queries/s, sessions, session minutes (NaN = none ended). */
    record Bucket(double cpu, double requests, double queries, double sessions, double sessionMinutes) {
        double[] values() {
            double[] v = new double[ProfileMetric.COUNT];
            v[ProfileMetric.CPU.ordinal()] = cpu;
            v[ProfileMetric.CPU_PEAK.ordinal()] = cpu * 1.1;
            v[ProfileMetric.MEMORY.ordinal()] = 4e9;
            v[ProfileMetric.NETWORK_IN.ordinal()] = 1e5;
            v[ProfileMetric.NETWORK_OUT.ordinal()] = 2e5;
            v[ProfileMetric.STORAGE.ordinal()] = 1e11;
            v[ProfileMetric.REQUESTS_PER_SEC.ordinal()] = requests;
            v[ProfileMetric.DB_QUERIES_PER_SEC.ordinal()] = queries;
            v[ProfileMetric.SESSIONS.ordinal()] = sessions;
            v[ProfileMetric.SESSION_DURATION_MS.ordinal()] = Double.isNaN(sessionMinutes) ? Double.NaN : sessionMinutes * 60_000;
            return v;
        }
    }

    static BehaviourTags.Result run(int days, LongFunction<Bucket> at) {
        ProfileState s = ProfileState.create(BUCKET);
        for (long t = T0; t < T0 + days * 86_400_000L; t += BUCKET) {
            s.add(t, at.apply(t).values(), Map.of("x", 5L), "eu-west-1");
        }
        return BehaviourTags.evaluate(s, ZoneOffset.UTC);
    }

    static double hour(long t) {
        ZonedDateTime z = Instant.ofEpochMilli(t).atZone(ZoneId.of("UTC"));
        return z.getHour() + z.getMinute() / 60.0;
    }

    static double bump(double h, double centre, double width) {
        double d = Math.abs(h - centre);
        return Math.exp(-0.5 * (d / width) * (d / width));
    }

    static final SplittableRandom RND = new SplittableRandom(7);

    static double noise(double sd) {
        return 1 + sd * RND.nextGaussian();
    }

    @Test
    void transactionApiIsHighVolumeTransactionsAndDiurnal() {
        var r = run(3, t -> {
            double load = 0.1 + bump(hour(t), 11, 2.5) + 0.8 * bump(hour(t), 15, 2.5);
            double rps = 400 * load * noise(0.05);
            return new Bucket(0.5 + rps * 0.01, rps, rps * 3.2, rps / 25, 0.75);
        });
        assertThat(r.tags).contains(BehaviourTags.HIGH_VOLUME_TRANSACTIONS, BehaviourTags.DIURNAL)
                .doesNotContain(BehaviourTags.INTERACTIVE, BehaviourTags.BATCH, BehaviourTags.IDLE, BehaviourTags.BURSTY);
        assertThat(r.statistics.get("queries_per_request_24h")).isCloseTo(3.2, org.assertj.core.data.Offset.offset(0.2));
    }

    @Test
    void longSessionsMakeInteractiveNotTransactions() {
        var r = run(2, t -> {
            double sessions = 2000 * (0.1 + bump(hour(t), 20.5, 2)) * noise(0.03);
            double rps = sessions * 3 / 60;
            return new Bucket(0.3 + sessions * 0.001, rps, rps * 0.6, sessions, 9);
        });
        assertThat(r.tags).contains(BehaviourTags.INTERACTIVE).doesNotContain(BehaviourTags.HIGH_VOLUME_TRANSACTIONS, BehaviourTags.BATCH);
    }

    @Test
    void nightlyWindowWithoutRequestsIsBatchProcessing() {
        var r = run(3, t -> {
            double h = hour(t);
            boolean window = h >= 1 && h < 4.3;
            return new Bucket(window ? 20 * noise(0.05) : 0.25 * noise(0.1), window ? 0.4 : 0.03, window ? 30 : 0.05,
                    window ? 2 : 0, Double.NaN);
        });
        assertThat(r.tags).contains(BehaviourTags.BATCH, BehaviourTags.DIURNAL).doesNotContain(BehaviourTags.BURSTY, BehaviourTags.IDLE);
        assertThat(r.statistics.get("active_share_24h")).isBetween(0.1, 0.16);
    }

    @Test
    void aRequestDrivenServiceWithAQuietNightIsNotBatch() {
        var r = run(2, t -> {
            double h = hour(t);
            boolean busy = h >= 9 && h < 13;
            double rps = busy ? 300 : 5;
            return new Bucket(0.2 + rps * 0.02, rps, rps, 1, 0.5);
        });
        assertThat(r.tags).doesNotContain(BehaviourTags.BATCH);
        assertThat(r.statistics.get("requests_per_core_sec_active")).isGreaterThan(BehaviourTags.BATCH_MAX_REQUESTS_PER_CORE_SEC);
    }

    @Test
    void almostNothingIsIdle() {
        var r = run(1, t -> new Bucket(0.02 * noise(0.2), 0.1, 0.1, 0, Double.NaN));
        assertThat(r.tags).containsExactly(BehaviourTags.IDLE);
    }

    @Test
    void weekendsAtHalfLoadAreWeekly() {
        var r = run(8, t -> {
            var d = Instant.ofEpochMilli(t).atZone(ZoneOffset.UTC).getDayOfWeek();
            boolean weekend = d.getValue() >= 6;
            return new Bucket((weekend ? 2 : 4) * noise(0.05), 0, 0, 0, Double.NaN);
        });
        assertThat(r.tags).contains(BehaviourTags.WEEKLY).doesNotContain(BehaviourTags.DIURNAL);
        assertThat(r.statistics.get("weekend_to_weekday")).isCloseTo(0.5, org.assertj.core.data.Offset.offset(0.05));
    }

    @Test
    void weeklyNeedsSixDaysIncludingAWeekend() {
        var r = run(5, t -> new Bucket(4 * noise(0.05), 0, 0, 0, Double.NaN)); // Mon..Fri only
        assertThat(r.tags).doesNotContain(BehaviourTags.WEEKLY);
        assertThat(r.statistics).doesNotContainKey("weekend_to_weekday");
    }

    @Test
    void frequentShortSpikesAreBursty() {
        var r = run(2, t -> {
            long bucket = t / BUCKET;
            boolean spike = bucket % 29 == 0; // ~10 a day, one bucket each
            return new Bucket(spike ? 4.0 : 1.0 * noise(0.05), 10, 10, 1, 0.5);
        });
        assertThat(r.tags).contains(BehaviourTags.BURSTY);
        assertThat(r.statistics.get("bursts_per_day")).isBetween(8.0, 12.0);
    }

    @Test
    void aSteadyServiceHasNoTag() {
        var r = run(3, t -> new Bucket(2.0 * noise(0.05), 20, 5, 3, 1));
        assertThat(r.tags).isEmpty();
        assertThat(r.statistics).containsKeys("cpu_p95_24h", "daily_autocorrelation", "bursts_per_day");
    }

    @Test
    void noTagsBeforeSixHoursOfHistory() {
        var r = run(0, t -> null);
        assertThat(r.tags).isEmpty();
        ProfileState s = ProfileState.create(BUCKET);
        for (int i = 0; i < 60; i++) { // 5 h
            s.add(T0 + i * BUCKET, new Bucket(0.01, 0, 0, 0, Double.NaN).values(), null, null);
        }
        assertThat(BehaviourTags.evaluate(s, ZoneOffset.UTC).tags).isEmpty();
        for (int i = 80; i < 93; i++) { // after a gap: 73 buckets = just over 6 h
            s.add(T0 + i * BUCKET, new Bucket(0.01, 0, 0, 0, Double.NaN).values(), null, null);
        }
        assertThat(BehaviourTags.evaluate(s, ZoneOffset.UTC).tags).containsExactly(BehaviourTags.IDLE);
    }

    /** The burst count's definition: a fresh median of the known values of the window before each bucket. */
    private static double burstsPerDayReference(double[] cpu, int window) {
        int evaluated = 0, bursts = 0;
        boolean inBurst = false;
        for (int i = window; i < cpu.length; i++) {
            if (Double.isNaN(cpu[i])) {
                inBurst = false;
                continue;
            }
            double[] prior = java.util.Arrays.copyOfRange(cpu, i - window, i);
            if (java.util.Arrays.stream(prior).filter(v -> !Double.isNaN(v)).count() < window / 2) {
                inBurst = false;
                continue;
            }
            double median = ProfileWindows.quantile(prior, 0.5);
            evaluated++;
            boolean burst = cpu[i] > BehaviourTags.BURST_FACTOR * median && cpu[i] - median >= BehaviourTags.BURST_MIN_EXCESS_CORES;
            if (burst && !inBurst) {
                bursts++;
            }
            inBurst = burst;
        }
        return evaluated == 0 ? 0 : bursts * (cpu.length / (double) evaluated);
    }

    @Test
    void slidingBurstMedianCountsAsAFreshMedianPerBucket() {
        SplittableRandom rnd = new SplittableRandom(17);
        double[] odd = {Double.NaN, -0.0, 0.0, 0.5, 4.0};
        for (int trial = 0; trial < 3_000; trial++) {
            double[] cpu = new double[rnd.nextInt(0, 300)];
            double base = rnd.nextDouble() * 2;
            for (int i = 0; i < cpu.length; i++) {
                int k = rnd.nextInt(20);
                // runs of missing buckets, ties, signed zeros and bursts over a noisy base
                cpu[i] = k < 3 ? odd[rnd.nextInt(odd.length)] : k < 5 ? base * 4 + rnd.nextDouble() : base + rnd.nextDouble() * 0.3;
            }
            if (rnd.nextInt(4) == 0 && cpu.length > 40) {
                java.util.Arrays.fill(cpu, 10, 10 + rnd.nextInt(30), Double.NaN);
            }
            int window = rnd.nextInt(2, 16);
            assertThat(BehaviourTags.burstsPerDay(cpu, window)).as("trial %d", trial).isEqualTo(burstsPerDayReference(cpu, window));
        }
    }
}
