package io.shadowscale.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.shadowscale.jobs.cluster.FlinkRest;
import io.shadowscale.jobs.cluster.LocalCluster;
import io.shadowscale.jobs.demo.DemoScenario;
import io.shadowscale.jobs.iceberg.IcebergTables;
import io.shadowscale.jobs.kafka.KafkaClientProperties;
import io.shadowscale.jobs.kafka.Topics;
import io.shadowscale.jobs.produce.TelemetrySender;
import io.shadowscale.schema.Anomaly;
import io.shadowscale.schema.ResourceShadow;
import io.shadowscale.schema.ScalingCommand;
import io.shadowscale.schema.TelemetryEvent;
import io.shadowscale.schema.WireFormat;

/**
 * Exactly-once on a real cluster: the shaded job JAR on a standalone Flink session cluster
 * (JobManager and TaskManager JVMs) with a Kafka broker process, started and driven through
 * {@code shadowscale cluster start|submit|query|stop} as separate JVMs.
 *
 * <ol>
 *   <li>cluster start, submit (parallelism 2, a checkpoint every 2 s), telemetry produced at a
 *       steady rate;</li>
 *   <li>after two completed checkpoints, while telemetry still arrives, the TaskManager is killed
 *       with SIGKILL; {@code cluster start} starts a new one; the job restores from its last
 *       checkpoint;</li>
 *   <li>once it checkpoints again: stop with a savepoint, the JobManager process is stopped and a
 *       new one started, the job resubmitted from the savepoint;</li>
 *   <li>the rest of the telemetry (the producer is held at 40 % and 75 % until the failures are
 *       through, so both hit the stream midway), then the tables and topics are read back.</li>
 * </ol>
 * Every input bucket must have exactly one row in {@code telemetry_rollups} whose sample count
 * adds up to the events produced, one set of 12 shadow steps in {@code resource_shadows}, and the
 * Kafka output topics read with {@code read_committed} hold each record once.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class ExactlyOnceUnderFailureTest {

    static final Path HOME = Path.of(System.getProperty("shadowscale.home")).toAbsolutePath();
    static final Path TEST_DIR = Path.of(System.getProperty("shadowscale.test.dir")).toAbsolutePath();
    static final Path CLUSTER_DIR = TEST_DIR.resolve("cluster");
    static final Duration WAIT = Duration.ofMinutes(4);
    static final double RATE = 250; // records per second
    static final Instant START = Instant.parse("2025-03-04T00:00:00Z");
    static final int DAYS = 2;

    static LocalCluster cluster;
    static CliProcess cli;
    static Thread cleanup;

    @BeforeAll
    static void prepare() throws Exception {
        assertThat(Path.of(System.getProperty("shadowscale.job.jar"))).as("the shaded job JAR (built in jobs' package phase)").isRegularFile();
        cluster = new LocalCluster(options());
        // a previous run that was killed may have left its processes: stop exactly those
        cluster.stop();
        deleteRecursively(TEST_DIR);
        Files.createDirectories(TEST_DIR);
        cli = new CliProcess(HOME, TEST_DIR.resolve("cli"));
        // processes started here must not outlive the test JVM, however it ends
        cleanup = new Thread(() -> cluster.stop(), "stop-e2e-cluster");
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.stop();
            assertThat(processesOf(CLUSTER_DIR)).as("processes left behind").isEmpty();
        }
        if (cleanup != null) {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
    }

    static LocalCluster.Options options() {
        LocalCluster.Options o = LocalCluster.Options.forProject(HOME);
        o.dir = CLUSTER_DIR;
        o.clusterClasspathFile = Path.of(System.getProperty("shadowscale.cluster.classpath"));
        o.brokerClasspath = CliProcess.testClasspath();
        return o;
    }

    @Test
    void noLossNoDuplicatesAfterTaskManagerKillAndJobManagerRestart() throws Exception {
        long t0 = System.nanoTime();
        int restPort = LocalCluster.freePort();
        int rpcPort = LocalCluster.freePort();
        int kafkaPort = LocalCluster.freePort();
        String dir = CLUSTER_DIR.toString();

        // ---- 1. cluster start, submit
        CliProcess.Result start = cli.run(300, "cluster", "start", "--dir", dir, "--rest-port", "" + restPort,
                "--rpc-port", "" + rpcPort, "--kafka-port", "" + kafkaPort);
        assertThat(start.exit()).as(start.all()).isZero();
        LocalCluster.Status status = cluster.status();
        assertThat(status.alive(LocalCluster.Role.JOBMANAGER)).isPresent();
        assertThat(status.aliveTaskManagers()).hasSize(1);
        String bootstrap = status.bootstrap();
        FlinkRest rest = new FlinkRest(status.restUrl());
        assertThat(rest.overview().slotsTotal()).isEqualTo(2);

        String warehouse = TEST_DIR.resolve("warehouse").toString();
        String jobId = submit(warehouse, null);
        log(t0, "job %s running", jobId);

        // ---- the telemetry: 2 days of 4 workloads, then one event 10 min past the end per
        // workload, which moves the watermark past the last real bucket so that every bucket closes
        DemoScenario scenario = new DemoScenario(2, DAYS, START, 11);
        long events = scenario.eventCount();
        List<TelemetryEvent> tail = tailEvents(scenario);
        Gate gate = new Gate(Stream.concat(scenario.stream(), tail.stream()).iterator(), events * 40 / 100);
        AtomicLong produced = new AtomicLong();
        CompletableFuture<Long> producer = CompletableFuture.supplyAsync(() -> {
            try (TelemetrySender sender = new TelemetrySender(bootstrap, Topics.defaults().telemetry, KafkaClientProperties.none())) {
                return sender.send(gate, RATE, produced::set);
            }
        });

        // ---- 2. kill -9 the TaskManager mid-stream, after two completed checkpoints
        await("two checkpoints and 20 % of the telemetry", () -> rest.checkpoints(jobId).completed() >= 2
                && gate.taken() >= events * 20 / 100, producer);
        LocalCluster.Proc tm = cluster.status().aliveTaskManagers().get(0);
        long checkpointsBefore = rest.checkpoints(jobId).completed();
        cluster.kill(tm);
        log(t0, "killed %s after %d checkpoints, %d of %d events produced", tm.describe(), checkpointsBefore, gate.taken(), events);
        assertThat(producer).as("the producer is still running").isNotDone();
        gate.allow(events * 75 / 100);

        CliProcess.Result restart = cli.run(300, "cluster", "start", "--dir", dir);
        assertThat(restart.exit()).as(restart.all()).isZero();
        assertThat(restart.stdout()).contains("TaskManager 2 started");
        assertThat(cluster.status().alive(LocalCluster.Role.TASKMANAGER)).isPresent();
        await("the job restored from a checkpoint and checkpointing again", () -> {
            FlinkRest.CheckpointStats cp = rest.checkpoints(jobId);
            return cp.latestRestoredId() > 0 && cp.latestCompletedId() > cp.latestRestoredId() && rest.allTasksRunning(jobId);
        }, producer);
        log(t0, "recovered from checkpoint %d", rest.checkpoints(jobId).latestRestoredId());

        // ---- 3. stop with a savepoint, restart the JobManager, resubmit from the savepoint
        String savepoint = rest.stopWithSavepointAndWait(jobId, null, WAIT);
        log(t0, "savepoint %s (%d of %d events produced)", savepoint, gate.taken(), events);
        LocalCluster.Proc jm = cluster.status().alive(LocalCluster.Role.JOBMANAGER).orElseThrow();
        cluster.stop(jm, Duration.ofSeconds(60));
        CliProcess.Result jmRestart = cli.run(300, "cluster", "start", "--dir", dir);
        assertThat(jmRestart.exit()).as(jmRestart.all()).isZero();
        assertThat(jmRestart.stdout()).contains("JobManager up");
        String jobId2 = submit(warehouse, savepoint);
        assertThat(jobId2).isNotEqualTo(jobId);
        await("the resubmitted job checkpointing", () -> rest.checkpoints(jobId2).completed() >= 1, producer);
        assertThat(rest.checkpoints(jobId2).latestRestoredId()).as("restored from the savepoint").isGreaterThanOrEqualTo(0);
        assertThat(producer).as("the producer is still running").isNotDone();
        gate.allow(Long.MAX_VALUE);

        // ---- 4. the rest of the telemetry; every bucket closed and committed
        assertThat(producer.get(5, TimeUnit.MINUTES)).isEqualTo(events + tail.size());
        long expectedBuckets = scenario.workloads().size() * (long) DAYS * 288;
        await("every bucket in telemetry_rollups", () -> read(warehouse, "telemetry_rollups").size() >= expectedBuckets, null);
        long committed = rest.checkpoints(jobId2).latestCompletedId();
        await("one more checkpoint", () -> rest.checkpoints(jobId2).latestCompletedId() > committed + 1, null);
        log(t0, "all buckets committed");

        // ---- exactly once in Iceberg
        List<Record> rollups = read(warehouse, "telemetry_rollups");
        Map<String, Long> perBucket = rollups.stream().collect(Collectors.groupingBy(
                r -> r.getField("tenant_id") + "/" + r.getField("workload_id") + "@" + millis(r.getField("bucket_start")), Collectors.counting()));
        assertThat(perBucket.values()).as("one row per bucket").allMatch(n -> n == 1);
        assertThat(perBucket).hasSize((int) expectedBuckets);
        assertThat(rollups).allSatisfy(r -> assertThat(millis(r.getField("bucket_start"))).isLessThan(scenario.end().toEpochMilli()));
        long samples = rollups.stream().mapToLong(r -> ((Number) r.getField("samples")).longValue()).sum();
        assertThat(samples).as("every event counted once").isEqualTo(events);

        List<Record> shadows = read(warehouse, "resource_shadows");
        Map<String, Long> stepsPerForecast = shadows.stream().collect(Collectors.groupingBy(
                r -> r.getField("tenant_id") + "/" + r.getField("workload_id") + "@" + millis(r.getField("generated_at")), Collectors.counting()));
        assertThat(stepsPerForecast.values()).as("one set of 12 steps per forecast").allMatch(n -> n == 12);
        assertThat(stepsPerForecast).as("one forecast per bucket").hasSize((int) expectedBuckets);

        List<Record> commands = read(warehouse, "scaling_commands");
        List<Record> anomalies = read(warehouse, "anomalies");
        assertThat(commands).isNotEmpty();
        assertThat(distinct(commands, r -> r.getField("command_id"))).isEqualTo(commands.size());
        assertThat(distinct(anomalies, r -> r.getField("anomaly_id"))).isEqualTo(anomalies.size());

        // ---- exactly once on Kafka (read_committed)
        Topics topics = Topics.defaults();
        List<ResourceShadow> kafkaShadows = readCommitted(bootstrap, topics.shadows, ResourceShadow.class);
        assertThat(kafkaShadows).hasSize(shadows.size());
        assertThat(distinct(kafkaShadows, s -> s.getTenantId() + "/" + s.getWorkloadId() + "@" + s.getGeneratedAt() + "#" + s.getStep()))
                .as("no duplicate shadow on Kafka").isEqualTo(kafkaShadows.size());
        List<ScalingCommand> kafkaCommands = readCommitted(bootstrap, topics.commands, ScalingCommand.class);
        assertThat(kafkaCommands).hasSize(commands.size());
        assertThat(distinct(kafkaCommands, ScalingCommand::getCommandId)).isEqualTo(kafkaCommands.size());
        List<Anomaly> kafkaAnomalies = readCommitted(bootstrap, topics.anomalies, Anomaly.class);
        assertThat(kafkaAnomalies).hasSize(anomalies.size());
        assertThat(distinct(kafkaAnomalies, Anomaly::getAnomalyId)).isEqualTo(kafkaAnomalies.size());

        // ---- the same through the query command, then stop leaves nothing behind
        CliProcess.Result q = cli.run(300, "query", "--warehouse", warehouse, "--format", "csv",
                "SELECT count(*) AS n FROM telemetry_rollups");
        assertThat(q.exit()).as(q.all()).isZero();
        assertThat(q.stdout().strip().lines().reduce((a, b) -> b).orElse("").strip()).isEqualTo(String.valueOf(expectedBuckets));

        CliProcess.Result stop = cli.run(180, "cluster", "stop", "--dir", dir);
        assertThat(stop.exit()).as(stop.all()).isZero();
        assertThat(stop.stdout()).contains("Stopped JobManager", "Stopped Kafka broker", "Stopped TaskManager");
        assertThat(processesOf(CLUSTER_DIR)).as("processes left behind by cluster stop").isEmpty();
        assertThat(cli.run(60, "cluster", "status", "--dir", dir).exit()).isEqualTo(3);
        log(t0, "done: %d buckets, %d shadow steps, %d commands, %d anomalies", expectedBuckets, shadows.size(), commands.size(), anomalies.size());
    }

    /** {@code shadowscale submit} to the test cluster; returns the job id once its tasks run. */
    private String submit(String warehouse, String savepoint) throws Exception {
        List<String> args = new ArrayList<>(List.of("submit", "--cluster-dir", CLUSTER_DIR.toString(), "--jar", System.getProperty("shadowscale.job.jar"),
                "--warehouse", warehouse, "--parallelism", "2", "--checkpoint-interval-ms", "2000", "--wait-seconds", "180"));
        if (savepoint != null) {
            args.add("--from-savepoint");
            args.add(savepoint);
        }
        CliProcess.Result r = cli.run(420, args.toArray(String[]::new));
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.stdout()).contains("State:   RUNNING");
        Matcher m = Pattern.compile("Job id:\\s+([0-9a-f]{32})").matcher(r.stdout());
        assertThat(m.find()).as(r.stdout()).isTrue();
        return m.group(1);
    }

    /** For each workload, its last sample moved 10 minutes past the end of the scenario. */
    static List<TelemetryEvent> tailEvents(DemoScenario scenario) {
        Map<String, TelemetryEvent> last = new HashMap<>();
        scenario.stream().forEach(e -> last.put(e.getTenantId() + "/" + e.getWorkloadId(), e));
        Instant t = scenario.end().plus(Duration.ofMinutes(10));
        return last.values().stream().map(e -> TelemetryEvent.newBuilder(e).setEventTime(t).build()).collect(Collectors.toList());
    }

    /** Hands out events up to a limit the test raises; the producer waits at the limit. */
    static final class Gate implements Iterator<TelemetryEvent> {
        private final Iterator<TelemetryEvent> in;
        private long allowed;
        private long taken;

        Gate(Iterator<TelemetryEvent> in, long allowed) {
            this.in = in;
            this.allowed = allowed;
        }

        synchronized void allow(long n) {
            allowed = n;
            notifyAll();
        }

        synchronized long taken() {
            return taken;
        }

        @Override
        public synchronized boolean hasNext() {
            while (taken >= allowed && in.hasNext()) {
                try {
                    wait(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return in.hasNext();
        }

        @Override
        public synchronized TelemetryEvent next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            taken++;
            return in.next();
        }
    }

    static void await(String what, BooleanSupplier condition, CompletableFuture<?> producer) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            if (producer != null && producer.isCompletedExceptionally()) {
                producer.join(); // throws the producer's failure
            }
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                last = e; // e.g. the REST endpoint while the JobManager restarts
            }
            sleep(1000);
        }
        throw new AssertionError("waited " + WAIT.toMinutes() + " min for " + what + "; logs in " + CLUSTER_DIR.resolve("log"), last);
    }

    static List<Record> read(String warehouse, String table) {
        Catalog c = IcebergTables.catalogLoader(warehouse).loadCatalog();
        Table t = c.loadTable(TableIdentifier.of(IcebergTables.NAMESPACE, table));
        List<Record> out = new ArrayList<>();
        try (CloseableIterable<Record> it = IcebergGenerics.read(t).build()) {
            it.forEach(out::add);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }

    /** Every committed record of {@code topic} up to its last stable offsets, decoded. */
    static <T extends org.apache.avro.specific.SpecificRecord> List<T> readCommitted(String bootstrap, String topic, Class<T> type) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<T> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).collect(Collectors.toList());
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(parts, Duration.ofSeconds(30)));
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (!end.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    Long stop = end.get(new TopicPartition(r.topic(), r.partition()));
                    if (stop != null && r.offset() < stop) {
                        out.add(WireFormat.decode(type, r.value()));
                    }
                }
                end.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
            }
            assertThat(end).as("read to the end offsets of " + topic).isEmpty();
        } catch (WireFormat.MalformedRecordException e) {
            throw new AssertionError("undecodable record on " + topic, e);
        }
        return out;
    }

    static <T> long distinct(List<T> items, Function<T, Object> key) {
        return items.stream().map(key).distinct().count();
    }

    static long millis(Object ts) {
        return ((OffsetDateTime) ts).toInstant().toEpochMilli();
    }

    /** Processes whose command line carries the cluster folder's marker. */
    static List<Long> processesOf(Path clusterDir) {
        String marker = "-Dshadowscale.cluster.dir=" + clusterDir.toAbsolutePath().normalize() + " ";
        return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive).filter(h -> {
            try {
                return new String(Files.readAllBytes(Path.of("/proc", String.valueOf(h.pid()), "cmdline"))).replace('\0', ' ').contains(marker);
            } catch (Exception e) {
                return false;
            }
        }).map(ProcessHandle::pid).collect(Collectors.toList());
    }

    static void log(long t0, String fmt, Object... args) {
        System.out.printf("[%5.0f s] %s%n", (System.nanoTime() - t0) / 1e9, String.format(fmt, args));
        System.out.flush();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    static void deleteRecursively(Path p) throws java.io.IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path x : walk.sorted(java.util.Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(x);
            }
        }
    }
}
