package io.shadowscale.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.shadowscale.jobs.demo.DemoScenario;
import io.shadowscale.jobs.demo.TelemetryProducer;
import io.shadowscale.jobs.embedded.EmbeddedKafka;
import io.shadowscale.jobs.iceberg.IcebergTables;
import io.shadowscale.jobs.kafka.DeadLetterReader;
import io.shadowscale.jobs.kafka.TopicAdmin;
import io.shadowscale.jobs.kafka.Topics;
import io.shadowscale.schema.TelemetryEvent;

/**
 * The whole job at parallelism 2 on a MiniCluster with a real in-process Kafka broker: generated
 * telemetry plus malformed records in, Iceberg tables and Kafka topics read back.
 */
class ShadowJobIntegrationTest {

    @RegisterExtension
    static final MiniClusterExtension MINI = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    static final long BUCKET = 300_000;

    @TempDir
    static Path dir;
    static EmbeddedKafka kafka;
    static DemoScenario scenario;
    static List<DemoScenario.MalformedSample> malformed;
    static Topics topics = Topics.defaults();
    static CatalogLoader catalog;

    @BeforeAll
    static void runTheJob() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        String bootstrap = kafka.bootstrapServers();
        TopicAdmin.ensureTopics(bootstrap, topics.all(2));
        scenario = new DemoScenario(2, 2, Instant.parse("2025-03-04T00:00:00Z"), 7);
        TelemetryProducer.produce(bootstrap, topics.telemetry, scenario.events(), scenario.eventCount(), n -> { });
        malformed = scenario.malformedSamples();
        TelemetryProducer.produceRaw(bootstrap, topics.telemetry, malformed.stream().map(DemoScenario.MalformedSample::payload).collect(Collectors.toList()));

        ShadowJob.Settings s = new ShadowJob.Settings();
        s.bootstrap = bootstrap;
        s.warehouse = dir.resolve("warehouse").toString();
        s.bounded = true;
        s.checkpointIntervalMs = 2_000;
        Configuration conf = ShadowJob.jobConfiguration(s);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        ShadowJob.build(env, s);
        env.execute("shadowscale-it");
        catalog = IcebergTables.catalogLoader(s.warehouse);
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    static List<Record> read(String table) throws Exception {
        Catalog c = catalog.loadCatalog();
        Table t = c.loadTable(org.apache.iceberg.catalog.TableIdentifier.of(IcebergTables.NAMESPACE, table));
        List<Record> out = new ArrayList<>();
        try (CloseableIterable<Record> it = IcebergGenerics.read(t).build()) {
            it.forEach(out::add);
        }
        return out;
    }

    static long millis(Object ts) {
        return ((OffsetDateTime) ts).toInstant().toEpochMilli();
    }

    @Test
    void everyBucketOfEveryWorkloadIsRolledUpOnceWithTheRightValues() throws Exception {
        List<Record> rollups = read("telemetry_rollups");
        int workloads = scenario.workloads().size();
        assertThat(rollups).hasSize(workloads * 2 * 288);
        Set<String> keys = rollups.stream().map(r -> r.getField("tenant_id") + "/" + r.getField("workload_id") + "@" + millis(r.getField("bucket_start")))
                .collect(Collectors.toSet());
        assertThat(keys).as("no duplicates").hasSize(rollups.size());
        assertThat(rollups).allSatisfy(r -> assertThat(r.getField("samples")).isEqualTo(5));

        // recompute two buckets from the generated events
        Map<String, double[]> expected = new HashMap<>();
        scenario.stream().forEach(e -> {
            long b = Math.floorDiv(e.getEventTime().toEpochMilli(), BUCKET) * BUCKET;
            double[] acc = expected.computeIfAbsent(e.getTenantId() + "/" + e.getWorkloadId() + "@" + b, k -> new double[3]);
            acc[0] += e.getCpuCores();
            acc[1] = Math.max(acc[1], e.getCpuCores());
            acc[2] += e.getRequests();
        });
        for (Record r : List.of(rollups.get(0), rollups.get(rollups.size() / 2))) {
            double[] acc = expected.get(r.getField("tenant_id") + "/" + r.getField("workload_id") + "@" + millis(r.getField("bucket_start")));
            assertThat((Double) r.getField("cpu_avg")).isCloseTo(acc[0] / 5, org.assertj.core.data.Offset.offset(1e-9));
            assertThat((Double) r.getField("cpu_max")).isEqualTo(acc[1]);
            assertThat(((Number) r.getField("requests")).doubleValue()).isEqualTo(acc[2]);
        }
    }

    @Test
    void twelveShadowStepsPerBucketOnIcebergAndKafka() throws Exception {
        List<Record> shadows = read("resource_shadows");
        assertThat(shadows).hasSize(scenario.workloads().size() * 2 * 288 * 12);
        assertThat(shadows).allSatisfy(r -> {
            assertThat((Integer) r.getField("step")).isBetween(1, 12);
            assertThat((Double) r.getField("cpu_p50")).isLessThanOrEqualTo((Double) r.getField("cpu_p90"));
            assertThat((Double) r.getField("cpu_p90")).isLessThanOrEqualTo((Double) r.getField("cpu_p99"));
            if (Boolean.TRUE.equals(r.getField("fallback"))) {
                assertThat((String) r.getField("fallback_reason")).isNotBlank();
            } else {
                assertThat(r.getField("model_id")).isEqualTo("shadow-mlp");
            }
        });
        long byModel = shadows.stream().filter(r -> Boolean.FALSE.equals(r.getField("fallback"))).count();
        assertThat(byModel).as("the ONNX model forecasts once a workload has an hour of history").isGreaterThan(shadows.size() * 9L / 10);
        assertThat(TopicAdmin.countRecords(kafka.bootstrapServers(), topics.shadows, true))
                .as("exactly once on Kafka too").isEqualTo(shadows.size());
    }

    @Test
    void commandsAreIssuedOnceEachWithAReason() throws Exception {
        List<Record> commands = read("scaling_commands");
        assertThat(commands).isNotEmpty();
        assertThat(commands.stream().map(r -> r.getField("command_id")).distinct().count()).isEqualTo(commands.size());
        assertThat(commands).allSatisfy(r -> {
            assertThat((String) r.getField("reason")).isNotBlank();
            assertThat(millis(r.getField("effective_at"))).isGreaterThanOrEqualTo(millis(r.getField("decided_at")));
        });
        assertThat(commands.stream().map(r -> r.getField("action")).collect(Collectors.toSet())).contains("RESIZE_IN_PLACE");
        assertThat(TopicAdmin.countRecords(kafka.bootstrapServers(), topics.commands, true)).isEqualTo(commands.size());
    }

    @Test
    void injectedAnomaliesAreFlaggedWithTheirTypeAndNormalDaysStayQuiet() throws Exception {
        List<Record> anomalies = read("anomalies");
        assertThat(TopicAdmin.countRecords(kafka.bootstrapServers(), topics.anomalies, true)).isEqualTo(anomalies.size());
        assertThat(scenario.injectedAnomalies()).isNotEmpty();
        for (DemoScenario.InjectedAnomaly a : scenario.injectedAnomalies()) {
            boolean flagged = anomalies.stream().anyMatch(r -> overlaps(r, a) && a.kind().toString().equals(String.valueOf(r.getField("type"))));
            assertThat(flagged).as("%s flagged as %s", a, a.kind()).isTrue();
        }
        List<Record> outside = anomalies.stream().filter(r -> scenario.injectedAnomalies().stream().noneMatch(a -> overlaps(r, a)))
                .collect(Collectors.toList());
        int workloadDays = scenario.workloads().size() * scenario.days();
        assertThat(outside.size()).as("alarms outside the injected anomalies over %d workload-days: %s", workloadDays, outside)
                .isLessThanOrEqualTo(workloadDays / 2);
    }

    static boolean overlaps(Record r, DemoScenario.InjectedAnomaly a) {
        return a.tenantId().equals(r.getField("tenant_id")) && a.workloadId().equals(r.getField("workload_id"))
                && millis(r.getField("start_time")) < a.end().toEpochMilli() + 2 * BUCKET
                && millis(r.getField("end_time")) > a.start().toEpochMilli();
    }

    @Test
    void malformedRecordsAreOnTheDeadLetterTopicWithReasonsAndOriginalBytes() {
        List<DeadLetterReader.Entry> dead = DeadLetterReader.readAll(kafka.bootstrapServers(), topics.deadLetters, 1000);
        assertThat(dead).hasSize(malformed.size());
        for (DemoScenario.MalformedSample m : malformed) {
            DeadLetterReader.Entry e = dead.stream().filter(d -> java.util.Arrays.equals(d.payload(), m.payload())).findFirst()
                    .orElseThrow(() -> new AssertionError("not on the dead-letter topic: " + m));
            assertThat(e.reason().toLowerCase(Locale.ROOT)).as(m.description()).contains(m.expectedReasonKeyword().toLowerCase(Locale.ROOT));
            assertThat(e.stage()).isIn("decode", "validate");
            assertThat(e.source()).startsWith(topics.telemetry + "/");
        }
    }

    @Test
    void validEventsWereNotRejected() throws Exception {
        Set<Long> produced = new HashSet<>();
        for (TelemetryEvent e : (Iterable<TelemetryEvent>) scenario::events) {
            produced.add(e.getEventTime().toEpochMilli());
        }
        long samples = read("telemetry_rollups").stream().mapToLong(r -> ((Number) r.getField("samples")).longValue()).sum();
        assertThat(samples).isEqualTo(scenario.eventCount());
        assertThat(produced).isNotEmpty();
    }
}
