package io.shadowscale.udf.logic.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The tag rules on real VM traces (Bitbrains GWA-T-12 Rnd, July 2013, 60 VMs; skipped when
 * {@code ../shared/data/bitbrains-rnd} is absent). Each VM's month is folded into a profile and
 * its tags read after each of its first four weeks (at the end of its data if it stops earlier).
 */
class BehaviourTagsBitbrainsTest {

    static Map<String, String> group;
    /** VM -> tags after weeks 1..4. */
    static Map<String, List<SortedSet<String>>> weekly = new HashMap<>();
    /** VM -> end of the last bucket folded in at each evaluation. */
    static Map<String, List<Long>> evaluatedAt = new HashMap<>();
    /** VM -> raw 5-minute samples of July. */
    static Map<String, List<BitbrainsTrace.Sample>> samples = new HashMap<>();

    @BeforeAll
    static void profileJuly() {
        Path root = BitbrainsTrace.root();
        group = BitbrainsTrace.vms(root);
        for (String vm : group.keySet()) {
            List<BitbrainsTrace.Sample> xs = BitbrainsTrace.read(root, "2013-7", vm);
            samples.put(vm, xs);
            ProfileState s = ProfileState.create(BitbrainsTrace.BUCKET_MS);
            long firstDay = xs.get(0).bucketStart() / 86_400_000L;
            List<SortedSet<String>> weeks = new java.util.ArrayList<>();
            List<Long> ends = new java.util.ArrayList<>();
            for (BitbrainsTrace.Sample x : xs) {
                if (x.bucketStart() / 86_400_000L - firstDay >= 7L * (weeks.size() + 1) && weeks.size() < 4) {
                    weeks.add(BehaviourTags.evaluate(s, ZoneOffset.UTC).tags);
                    ends.add(s.lastBucketStart + BitbrainsTrace.BUCKET_MS);
                }
                s.add(x.bucketStart(), BitbrainsTrace.values(x), null, null);
            }
            if (weeks.size() < 4) { // data that ends before day 28: its end is "week 4"
                weeks.add(BehaviourTags.evaluate(s, ZoneOffset.UTC).tags);
                ends.add(s.lastBucketStart + BitbrainsTrace.BUCKET_MS);
            }
            weekly.put(vm, weeks);
            evaluatedAt.put(vm, ends);
        }
    }

    static List<String> tagged(String tag, int week) {
        return weekly.entrySet().stream().filter(e -> e.getValue().size() >= week && e.getValue().get(week - 1).contains(tag))
                .map(Map.Entry::getKey).sorted().collect(Collectors.toList());
    }

    @Test
    void sixtyVmsWereProfiledForFourWeeks() {
        assertThat(group).hasSize(60);
        assertThat(weekly.values()).allSatisfy(w -> assertThat(w).hasSize(4));
    }

    @Test
    void noApplicationTagsWithoutApplicationMetrics() {
        // the traces have CPU, memory, disk and network only: requests and sessions are zero
        for (int week = 1; week <= 4; week++) {
            assertThat(tagged(BehaviourTags.HIGH_VOLUME_TRANSACTIONS, week)).isEmpty();
            assertThat(tagged(BehaviourTags.INTERACTIVE, week)).isEmpty();
        }
    }

    @Test
    void idleVmsUseUnderATenthOfACoreInTheRawTrace() {
        assertThat(tagged(BehaviourTags.IDLE, 4)).hasSizeGreaterThanOrEqualTo(15);
        for (int week = 1; week <= 4; week++) {
            for (String vm : tagged(BehaviourTags.IDLE, week)) {
                assertIdleInRawTrace(vm, evaluatedAt.get(vm).get(week - 1));
            }
        }
    }

    static void assertIdleInRawTrace(String vm, long end) {
        // recomputed from the raw samples, not from the profile's rings
        double[] cpu = samples.get(vm).stream().filter(x -> x.bucketStart() < end && x.bucketStart() >= end - 86_400_000L)
                .mapToDouble(BitbrainsTrace.Sample::cpuCores).toArray();
        assertThat(ProfileWindows.quantile(cpu, 0.95)).as(vm + " until " + java.time.Instant.ofEpochMilli(end))
                .isLessThan(BehaviourTags.IDLE_CPU_CORES);
    }

    @Test
    void nightlyJobVmsAreBatchProcessingAndDiurnalEveryWeek() {
        // VMs 332 and 338 run a job in the same hours every night all month
        for (int week = 1; week <= 4; week++) {
            assertThat(tagged(BehaviourTags.BATCH, week)).contains("332", "338");
            assertThat(tagged(BehaviourTags.DIURNAL, week)).contains("332", "338");
        }
    }

    @Test
    void diurnalVmsRepeatTheirDayInTheRawTrace() {
        List<String> diurnal = tagged(BehaviourTags.DIURNAL, 4);
        assertThat(diurnal).hasSizeGreaterThanOrEqualTo(3);
        for (String vm : diurnal) {
            long end = evaluatedAt.get(vm).get(3);
            // hourly means of the raw samples of the last 7 days, correlated with the day before
            double[] hourly = new double[168];
            int[] n = new int[168];
            for (BitbrainsTrace.Sample x : samples.get(vm)) {
                long back = end - x.bucketStart();
                if (back > 0 && back <= 168 * 3_600_000L) {
                    int i = 167 - (int) ((back - 1) / 3_600_000L);
                    hourly[i] += x.cpuCores();
                    n[i]++;
                }
            }
            for (int i = 0; i < 168; i++) {
                hourly[i] = n[i] == 0 ? Double.NaN : hourly[i] / n[i];
            }
            assertThat(BehaviourTags.autocorrelation(hourly, 24)).as(vm).isGreaterThan(0.45);
        }
    }

    @Test
    void aVmBusierAtWeekendsIsWeekly() {
        // VM 332 runs about twice the load on Saturdays and Sundays
        assertThat(tagged(BehaviourTags.WEEKLY, 4)).contains("332");
        assertThat(tagged(BehaviourTags.WEEKLY, 4).size()).isLessThan(20);
    }

    @Test
    void manyShortJobsADayAreBurstyOneNightlyJobIsNot() {
        // VMs 60, 62 and 66 sit near zero and start short jobs many times a day; 332 and 338 run one long job a night
        assertThat(tagged(BehaviourTags.BURSTY, 4)).contains("60", "62", "66");
        for (int week = 1; week <= 4; week++) {
            assertThat(tagged(BehaviourTags.BURSTY, week)).doesNotContain("332", "338");
        }
    }
}
