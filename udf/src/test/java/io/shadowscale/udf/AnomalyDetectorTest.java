package io.shadowscale.udf;

import static io.shadowscale.udf.TestData.BUCKET;
import static io.shadowscale.udf.TestData.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.shadowscale.schema.Anomaly;
import io.shadowscale.schema.AnomalyType;
import io.shadowscale.schema.Severity;
import io.shadowscale.udf.model.Residual;
import io.shadowscale.udf.model.Resource;

class AnomalyDetectorTest {

    @RegisterExtension
    static final MiniClusterExtension MINI = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    final ShadowOptions o = ShadowOptions.defaults();

    /** A residual of a workload that ran at most {@code cpu} cores and {@code netOut} bytes/s near this time yesterday. */
    static Residual seen(Residual r, double cpu, double netOut) {
        r.yesterdayPeak = new double[Resource.COUNT];
        java.util.Arrays.fill(r.yesterdayPeak, 100);
        r.yesterdayPeak[Resource.CPU.ordinal()] = cpu;
        r.yesterdayPeak[Resource.NETWORK_OUT.ordinal()] = netOut;
        return r;
    }

    static Residual residual(String tenant, String workload, long t, double cpuActual, double cpuP50) {
        return seen(TestData.residual(tenant, workload, t, cpuActual, cpuP50), 2.0, 1.2e6);
    }

    @Test
    void conditions() {
        assertThat(AnomalyDetector.isSpike(residual("t", "w", T0, 4.0, 2.0), o)).isTrue(); // p99 2.4, band 0.4
        assertThat(AnomalyDetector.isSpike(residual("t", "w", T0, 2.5, 2.0), o)).isFalse();
        assertThat(AnomalyDetector.isSpike(residual("t", "w", T0, 0.05, 0.01), o)).as("idle noise").isFalse();
        assertThat(AnomalyDetector.isAboveP90(residual("t", "w", T0, 2.7, 2.0), o)).isTrue();
        assertThat(AnomalyDetector.isAboveP90(residual("t", "w", T0, 2.3, 2.0), o)).as("above p90 but only 15% over the median").isFalse();
        assertThat(AnomalyDetector.isAboveP90(residual("t", "w", T0, 2.1, 2.0), o)).isFalse();
        Residual surge = residual("t", "w", T0, 2.7, 2.0);
        assertThat(AnomalyDetector.isUnexplainedSurge(surge, o)).as("nothing in force").isTrue();
        assertThat(AnomalyDetector.isExplainedSurge(surge, o)).isFalse();
        surge.withActiveEvents(new String[] {"campaign-x"});
        assertThat(AnomalyDetector.isUnexplainedSurge(surge, o)).as("a campaign runs").isFalse();
        assertThat(AnomalyDetector.isExplainedSurge(surge, o)).isTrue();
        assertThat(AnomalyDetector.isUnexplainedSurge(residual("t", "w", T0, 2.3, 2.0), o)).as("not a surge").isFalse();
        assertThat(AnomalyDetector.isDropped(residual("t", "w", T0, 0.2, 2.0), o)).isTrue();
        assertThat(AnomalyDetector.isDropped(residual("t", "w", T0, 0.9, 2.0), o)).isFalse();
        Residual egress = residual("t", "w", T0, 2.0, 2.0);
        egress.actual[Resource.NETWORK_OUT.ordinal()] = 8e6;
        egress.p50[Resource.NETWORK_OUT.ordinal()] = 1e6;
        egress.p90[Resource.NETWORK_OUT.ordinal()] = 1.3e6;
        egress.p99[Resource.NETWORK_OUT.ordinal()] = 1.6e6;
        assertThat(AnomalyDetector.isEgressWithoutLoad(egress, o)).isTrue();
        egress.actual[Resource.CPU.ordinal()] = 3.0; // load came with it
        assertThat(AnomalyDetector.isEgressWithoutLoad(egress, o)).isFalse();
    }

    @Test
    void nothingIsFlaggedThatTheWorkloadDidNearThisTimeYesterdayOrWithoutAYesterday() {
        assertThat(AnomalyDetector.isSpike(seen(TestData.residual("t", "w", T0, 4.0, 2.0), 3.0, 1e6), o))
                .as("4 cores, but 3 near this time yesterday: under 1.5×").isFalse();
        assertThat(AnomalyDetector.isSpike(TestData.residual("t", "w", T0, 4.0, 2.0), o)).as("first day: learning").isFalse();
        assertThat(AnomalyDetector.isAboveP90(seen(TestData.residual("t", "w", T0, 2.7, 2.0), 2.5, 1e6), o))
                .as("2.7 cores after 2.5 yesterday: under 1.3×").isFalse();
        assertThat(AnomalyDetector.isAboveP90(TestData.residual("t", "w", T0, 2.7, 2.0), o)).isFalse();
        assertThat(AnomalyDetector.isDropped(TestData.residual("t", "w", T0, 0.2, 2.0), o)).isFalse();
        Residual unsure = residual("t", "w", T0, 0.2, 2.0);
        unsure.p99[Resource.CPU.ordinal()] = 5.0; // lower band 2 - 3 < 0: the forecast did not know load would go on
        assertThat(AnomalyDetector.isDropped(unsure, o)).isFalse();
        Residual egress = residual("t", "w", T0, 2.0, 2.0);
        egress.actual[Resource.NETWORK_OUT.ordinal()] = 8e6;
        egress.p50[Resource.NETWORK_OUT.ordinal()] = 1e6;
        egress.p90[Resource.NETWORK_OUT.ordinal()] = 1.3e6;
        egress.p99[Resource.NETWORK_OUT.ordinal()] = 1.6e6;
        assertThat(AnomalyDetector.isEgressWithoutLoad(seen(egress, 2.2, 5e6), o)).as("a daily export of 5 MB/s ran yesterday").isFalse();
    }

    /** A residual that set record {@code code} of CPU with novelty {@code score}, after {@code seen} buckets. */
    static Residual record(double cpuActual, double cpuP50, int code, double score, long seen) {
        Residual r = TestData.residual("t", "w", T0, cpuActual, cpuP50);
        r.novelty = new double[Resource.COUNT];
        r.noveltyRecord = new int[Resource.COUNT];
        r.novelty[Resource.CPU.ordinal()] = score;
        r.noveltyRecord[Resource.CPU.ordinal()] = code;
        r.noveltySeen = seen;
        return r;
    }

    @Test
    void recordConditions() {
        long day = o.noveltyWarmupBuckets;
        assertThat(AnomalyDetector.recordType(record(6.0, 2.0, 1, 0.8, day), o)).as("new high of the value").isEqualTo(AnomalyType.SPIKE);
        assertThat(AnomalyDetector.recordType(record(6.0, 2.0, 4, 0.8, day), o)).as("more erratic than ever").isEqualTo(AnomalyType.SPIKE);
        assertThat(AnomalyDetector.recordType(record(6.0, 2.0, 1, 0.8, day - 1), o)).as("still learning its day").isNull();
        assertThat(AnomalyDetector.recordType(record(6.0, 2.0, 1, 0.55, day), o)).as("just past the old range").isNull();
        assertThat(AnomalyDetector.recordType(record(2.3, 2.0, 1, 0.8, day), o)).as("idle noise: 0.3 cores off the median").isNull();
        assertThat(AnomalyDetector.recordType(record(3.0, 2.0, 2, 0.8, day), o)).as("new high of the level").isEqualTo(AnomalyType.UNEXPLAINED_SURGE);
        assertThat(AnomalyDetector.recordType(record(3.0, 2.0, 3, 0.8, day).withActiveEvents(new String[] {"campaign-x"}), o))
                .as("of the residual, during a campaign").isEqualTo(AnomalyType.SUSTAINED_SURGE);
        assertThat(AnomalyDetector.recordType(record(0.5, 2.0, -1, 0.8, day), o)).as("new low").isEqualTo(AnomalyType.DROP);
        assertThat(AnomalyDetector.recordType(record(0.5, 2.0, 0, 0, day), o)).as("no record").isNull();
        Residual egress = record(2.0, 2.0, 0, 0, day);
        egress.actual[Resource.NETWORK_OUT.ordinal()] = 8e6;
        egress.p50[Resource.NETWORK_OUT.ordinal()] = 1e6;
        egress.noveltyRecord[Resource.NETWORK_OUT.ordinal()] = 1;
        egress.novelty[Resource.NETWORK_OUT.ordinal()] = 0.7;
        assertThat(AnomalyDetector.recordType(egress, o)).isEqualTo(AnomalyType.EGRESS_WITHOUT_LOAD);
        egress.actual[Resource.CPU.ordinal()] = 3.0; // above CPU's p90 (2.2): load came with it
        assertThat(AnomalyDetector.recordType(egress, o)).isNull();
        assertThat(AnomalyDetector.recordAnomaly(AnomalyType.DROP, record(0.5, 2.0, -3, 0.8, day)).getExplanation())
                .contains("the forecast has never been this far above it for this long").contains("outage");
    }

    @Test
    void newRecordsRaiseAnomaliesThroughTheNoveltyOperatorAndCep() throws Exception {
        ShadowOptions quick = ShadowOptions.defaults();
        quick.noveltyWarmupBuckets = 100;
        List<Residual> in = new ArrayList<>();
        for (int b = 0; b < 200; b++) {
            long t = T0 + b * BUCKET;
            // no yesterday: only the records can raise anything. w1: CPU 1..3 cores, then 12 at bucket 150
            in.add(TestData.residual("t1", "w1", t, b == 150 ? 12.0 : 1 + (b % 3), 2.0));
            // w2: the same, then at 0 from bucket 150 on
            in.add(TestData.residual("t2", "w2", t, b >= 150 ? 0.0 : 1 + (b % 3), 2.0));
            // w3: the spike at bucket 50, while it still learns
            in.add(TestData.residual("t3", "w3", t, b == 50 ? 12.0 : 1 + (b % 3), 2.0));
        }
        List<Anomaly> found = detectOnMiniCluster(in, quick);
        found.sort(Comparator.comparing(Anomaly::getWorkloadId));
        assertThat(found).extracting(Anomaly::getWorkloadId, Anomaly::getType)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("w1", AnomalyType.SPIKE), org.assertj.core.groups.Tuple.tuple("w2", AnomalyType.DROP));
        assertThat(found.get(0).getStartTime().toEpochMilli()).isEqualTo(T0 + 150 * BUCKET);
        assertThat(found.get(0).getExplanation()).contains("higher than anything this workload ran before");
        assertThat(found.get(1).getStartTime().toEpochMilli()).isEqualTo(T0 + 150 * BUCKET);
    }

    @Test
    void patternsFindEachAnomalyInEventTimeAtParallelismTwo() throws Exception {
        List<Residual> in = new ArrayList<>();
        for (int b = 0; b < 40; b++) {
            long t = T0 + b * BUCKET;
            double normal = 2.0;
            // w1: spike at bucket 5; surge buckets 20..23 while a campaign runs (16..27)
            in.add(residual("t1", "w1", t, b == 5 ? 6.0 : (b >= 20 && b <= 23) ? 2.8 : normal, normal)
                    .withActiveEvents(b >= 16 && b < 28 ? new String[] {"campaign-x"} : null));
            // w3: the same surge with nothing in force (buckets 24..26)
            in.add(residual("t3", "w3", t, (b >= 24 && b <= 26) ? 2.8 : normal, normal));
            // w4: its first day, with a spike and a surge: still learning, nothing flagged
            in.add(TestData.residual("t4", "w4", t, b == 5 ? 6.0 : (b >= 24 && b <= 26) ? 2.8 : normal, normal));
            // w2: drop at 10..13; egress 30..31
            Residual r = residual("t2", "w2", t, (b >= 10 && b <= 13) ? 0.1 : normal, normal);
            if (b == 30 || b == 31) {
                r.actual[Resource.NETWORK_OUT.ordinal()] = 10e6;
                r.p50[Resource.NETWORK_OUT.ordinal()] = 1e6;
                r.p90[Resource.NETWORK_OUT.ordinal()] = 1.2e6;
                r.p99[Resource.NETWORK_OUT.ordinal()] = 1.5e6;
            }
            in.add(r);
        }
        List<Anomaly> found = detectOnMiniCluster(in, o);
        found.sort(Comparator.comparing(Anomaly::getStartTime));
        assertThat(found).extracting(Anomaly::getType).containsExactly(
                AnomalyType.SPIKE, AnomalyType.DROP, AnomalyType.SUSTAINED_SURGE, AnomalyType.UNEXPLAINED_SURGE,
                AnomalyType.EGRESS_WITHOUT_LOAD);
        Anomaly spike = found.get(0);
        assertThat(spike.getWorkloadId()).isEqualTo("w1");
        assertThat(spike.getStartTime().toEpochMilli()).isEqualTo(T0 + 5 * BUCKET);
        assertThat(spike.getActual()).isEqualTo(6.0);
        assertThat(spike.getExpected()).isEqualTo(2.0);
        assertThat(spike.getSeverity()).isEqualTo(Severity.CRITICAL);
        assertThat(spike.getExplanation()).contains("band widths above the forecast median");
        Anomaly drop = found.get(1);
        assertThat(drop.getWorkloadId()).isEqualTo("w2");
        assertThat(drop.getStartTime().toEpochMilli()).isEqualTo(T0 + 10 * BUCKET);
        Anomaly surge = found.get(2);
        assertThat(surge.getStartTime().toEpochMilli()).isEqualTo(T0 + 20 * BUCKET);
        assertThat(surge.getEndTime().toEpochMilli()).isEqualTo(T0 + 23 * BUCKET);
        assertThat(surge.getExplanation()).contains("during campaign-x");
        Anomaly unexplained = found.get(3);
        assertThat(unexplained.getWorkloadId()).isEqualTo("w3");
        assertThat(unexplained.getStartTime().toEpochMilli()).isEqualTo(T0 + 24 * BUCKET);
        assertThat(unexplained.getEndTime().toEpochMilli()).isEqualTo(T0 + 27 * BUCKET);
        assertThat(unexplained.getActual()).isCloseTo(2.8, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(unexplained.getExpected()).isEqualTo(2.0);
        assertThat(unexplained.getExpectedUpper()).isCloseTo(2.2, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(unexplained.getSeverity()).isEqualTo(Severity.WARNING); // (2.8 - 2.0) / (2.4 - 2.0) = 2 band widths
        assertThat(unexplained.getExplanation()).contains("no campaign, holiday or trend");
        assertThat(found.get(4).getResource()).isEqualTo("network_out");
    }

    /**
     * The candidate filters in front of the CEP operators change no match: random streams of 24
     * workloads (runs of surge, drop, egress and spike buckets of random length, broken by normal
     * buckets, missing buckets and campaigns switching on and off; records after a short warm-up)
     * through both forms give the same anomalies.
     */
    @Test
    void candidateFiltersFindTheSameAnomaliesAsEveryResidualThroughEveryPattern() throws Exception {
        ShadowOptions quick = ShadowOptions.defaults();
        quick.noveltyWarmupBuckets = 30;
        java.util.Random rnd = new java.util.Random(7);
        List<Residual> in = new ArrayList<>();
        for (int w = 0; w < 24; w++) {
            double state = 2.0;
            boolean campaign = false;
            for (int b = 0; b < 160; b++) {
                if (rnd.nextDouble() < 0.25) { // a new regime: normal, surge, spike, drop or a slow drift
                    double[] levels = {2.0, 2.0, 2.8, 3.0, 6.0, 0.1, 2.0 + rnd.nextDouble() * 4};
                    state = levels[rnd.nextInt(levels.length)];
                }
                if (rnd.nextDouble() < 0.1) campaign = !campaign;
                if (rnd.nextDouble() < 0.08) continue; // a missing bucket
                Residual r = residual("t" + w % 3, "w" + w, T0 + b * BUCKET, state * (1 + 0.05 * rnd.nextGaussian()), 2.0)
                        .withActiveEvents(campaign ? new String[] {"campaign-" + w} : null);
                if (rnd.nextDouble() < 0.2) {
                    r.actual[Resource.NETWORK_OUT.ordinal()] = 10e6 * (1 + rnd.nextDouble());
                    r.p50[Resource.NETWORK_OUT.ordinal()] = 1e6;
                    r.p90[Resource.NETWORK_OUT.ordinal()] = 1.2e6;
                    r.p99[Resource.NETWORK_OUT.ordinal()] = 1.5e6;
                }
                if (w % 4 == 0) r.yesterdayPeak = null; // no yesterday: only the records can raise anything
                in.add(r);
            }
        }
        // in time order, as the job's residuals arrive: per workload, the stream would step back in
        // time at each new workload, and whether those records were late to the monotonous
        // watermark depended on when the periodic watermark fired (the two runs then differed)
        in.sort(java.util.Comparator.comparingLong(r -> r.bucketStart));
        List<String> filtered = describe(detectOnMiniCluster(in, quick, true));
        List<String> everything = describe(detectOnMiniCluster(in, quick, false));
        assertThat(filtered).isEqualTo(everything);
        // the streams exercise every pattern, so the comparison means something
        assertThat(everything.stream().map(a -> a.split(" ")[0]).distinct().sorted().toList())
                .contains("DROP", "EGRESS_WITHOUT_LOAD", "SPIKE", "SUSTAINED_SURGE", "UNEXPLAINED_SURGE");
        assertThat(everything.stream().filter(a -> a.contains("ever before") || a.contains("ran before")).count()).as("new records").isPositive();
        assertThat(everything.size()).isGreaterThan(50);
    }

    private static List<String> describe(List<Anomaly> found) {
        return found.stream()
                .map(a -> a.getType() + " " + a.getWorkloadId() + " " + a.getResource() + " " + a.getStartTime() + ".." + a.getEndTime()
                        + " " + a.getActual() + " " + a.getSeverity() + " " + a.getAnomalyId() + " " + a.getExplanation())
                .sorted().toList();
    }

    /** Runs the job's anomaly stages over the residuals in event time at parallelism 2. */
    private static List<Anomaly> detectOnMiniCluster(List<Residual> in, ShadowOptions options) throws Exception {
        return detectOnMiniCluster(in, options, true);
    }

    private static List<Anomaly> detectOnMiniCluster(List<Residual> in, ShadowOptions options, boolean candidatesOnly) throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        DataStream<Residual> residuals = env.fromData(in)
                .assignTimestampsAndWatermarks(WatermarkStrategy.<Residual>forMonotonousTimestamps()
                        .withTimestampAssigner((r, ts) -> r.bucketStart + r.bucketMs - 1));
        List<Anomaly> found = new ArrayList<>();
        try (CloseableIterator<Anomaly> it = AnomalyDetector.patterns(AnomalyDetector.scoreNovelty(residuals, options), options, candidatesOnly).executeAndCollect()) {
            it.forEachRemaining(found::add);
        }
        return found;
    }
}
