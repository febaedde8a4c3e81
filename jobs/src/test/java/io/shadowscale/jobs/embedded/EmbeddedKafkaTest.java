package io.shadowscale.jobs.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.shadowscale.jobs.kafka.TopicAdmin;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EmbeddedKafkaTest {

    private static final long TS_2013 = Instant.parse("2013-06-01T12:00:00Z").toEpochMilli();
    /** The retention checker runs every second from the start, so deletion would show quickly. */
    private static final Map<String, String> FAST_RETENTION_CHECK = Map.of(
            "log.retention.check.interval.ms", "1000",
            "log.initial.task.delay.ms", "0");
    private static final String CLEAN_SHUTDOWN_MARKER = ".kafka_cleanshutdown";

    @TempDir
    Path tmp;

    @Test
    void transactionsAreIsolatedAndHistoricalRecordsOutliveTheRetentionChecker() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(tmp.resolve("kafka"), FAST_RETENTION_CHECK)) {
            String bs = kafka.bootstrapServers();
            assertThat(bs).matches("127\\.0\\.0\\.1:\\d+");

            TopicAdmin.ensureTopics(bs, Map.of("telemetry", 2, "decisions", 1));
            TopicAdmin.ensureTopics(bs, Map.of("telemetry", 2, "decisions", 1)); // existing: left alone

            try (Admin admin = admin(bs)) {
                Map<String, TopicDescription> topics =
                        admin.describeTopics(List.of("telemetry", "decisions")).allTopicNames().get();
                assertThat(topics.get("telemetry").partitions()).hasSize(2);
                assertThat(topics.get("decisions").partitions()).hasSize(1);
                Config cfg = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, "telemetry")))
                        .all().get().values().iterator().next();
                assertThat(cfg.get("retention.ms").value()).isEqualTo("-1");
                // set on the topic itself, so it holds on brokers with a finite default too
                assertThat(cfg.get("retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
                assertThat(cfg.get("message.timestamp.type").value()).isEqualTo("CreateTime");
                // a topic with a finite retention shows the checker really runs
                admin.createTopics(List.of(new NewTopic("retention-control", 1, (short) 1)
                        .configs(Map.of("retention.ms", String.valueOf(Duration.ofDays(1).toMillis()))),
                        // no topic config: the broker's log.retention.ms=-1 applies
                        new NewTopic("broker-default", 1, (short) 1)))
                        .all().get();
            }

            try (KafkaProducer<String, String> tx = producer(bs, "embedded-kafka-test-tx")) {
                tx.initTransactions();
                tx.beginTransaction();
                tx.send(new ProducerRecord<>("telemetry", 0, TS_2013, "host-a", "committed-2013"));
                tx.send(new ProducerRecord<>("telemetry", 1, System.currentTimeMillis(), "host-b", "committed-now"));
                tx.send(new ProducerRecord<>("decisions", "host-a", "committed-decision"));
                tx.commitTransaction();

                tx.beginTransaction();
                tx.send(new ProducerRecord<>("telemetry", 0, TS_2013, "host-a", "aborted-2013"));
                tx.send(new ProducerRecord<>("telemetry", 1, System.currentTimeMillis(), "host-b", "aborted-now"));
                tx.flush();
                tx.abortTransaction();
            }
            try (KafkaProducer<String, String> plain = producer(bs, null)) {
                plain.send(new ProducerRecord<>("retention-control", 0, TS_2013, "host-a", "old")).get();
                plain.send(new ProducerRecord<>("broker-default", 0, TS_2013, "host-a", "old")).get();
            }

            // wait for the checker to delete the 2013 record where retention is finite ...
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (beginningOffset(bs, new TopicPartition("retention-control", 0)) == 0) {
                assertThat(System.nanoTime()).as("retention checker never deleted the control record").isLessThan(deadline);
                Thread.sleep(500);
            }

            // ... and the same timestamp survived on the retention.ms=-1 topic
            List<ConsumerRecord<String, String>> committed = readAll(bs, "telemetry", "read_committed");
            assertThat(committed).extracting(ConsumerRecord::value)
                    .containsExactlyInAnyOrder("committed-2013", "committed-now");
            assertThat(committed).filteredOn(r -> r.value().equals("committed-2013"))
                    .singleElement().extracting(ConsumerRecord::timestamp).isEqualTo(TS_2013);
            assertThat(beginningOffset(bs, new TopicPartition("telemetry", 0))).isZero();
            assertThat(beginningOffset(bs, new TopicPartition("broker-default", 0))).isZero();
            assertThat(TopicAdmin.countRecords(bs, "broker-default", true)).isEqualTo(1);

            List<ConsumerRecord<String, String>> uncommitted = readAll(bs, "telemetry", "read_uncommitted");
            assertThat(uncommitted).extracting(ConsumerRecord::value)
                    .containsExactlyInAnyOrder("committed-2013", "committed-now", "aborted-2013", "aborted-now");

            assertThat(TopicAdmin.countRecords(bs, "telemetry", true)).isEqualTo(2);
            assertThat(TopicAdmin.countRecords(bs, "telemetry", false)).isEqualTo(4);
            assertThat(TopicAdmin.countRecords(bs, "decisions", true)).isEqualTo(1);
            assertThat(TopicAdmin.countRecords(bs, "retention-control", false)).isZero();
            assertThatThrownBy(() -> TopicAdmin.countRecords(bs, "no-such-topic", true, Duration.ofSeconds(5)))
                    .hasMessageContaining("no-such-topic").hasMessageContaining(bs);
        }
    }

    @Test
    void restartOnTheSameDirKeepsTheData() throws Exception {
        Path data = tmp.resolve("kafka");
        String clusterId;
        List<String> written = new ArrayList<>();
        EmbeddedKafka first = EmbeddedKafka.start(data);
        try {
            String bs = first.bootstrapServers();
            TopicAdmin.ensureTopics(bs, Map.of("telemetry", 2));
            try (KafkaProducer<String, String> p = producer(bs, null)) {
                for (int i = 0; i < 10; i++) {
                    String v = "r" + i;
                    p.send(new ProducerRecord<>("telemetry", null, TS_2013 + i, "host-" + (i % 3), v)).get();
                    written.add(v);
                }
            }
            clusterId = clusterId(bs);
            assertThat(data.resolve(CLEAN_SHUTDOWN_MARKER)).doesNotExist();
        } finally {
            first.close();
        }
        first.close(); // idempotent
        assertThat(data.resolve(CLEAN_SHUTDOWN_MARKER)).as("clean shutdown marker").exists();

        try (EmbeddedKafka second = EmbeddedKafka.start(data)) {
            String bs = second.bootstrapServers();
            assertThat(clusterId(bs)).as("not re-formatted").isEqualTo(clusterId);
            TopicAdmin.ensureTopics(bs, Map.of("telemetry", 2));
            assertThat(TopicAdmin.countRecords(bs, "telemetry", true)).isEqualTo(10);
            assertThat(readAll(bs, "telemetry", "read_committed")).extracting(ConsumerRecord::value)
                    .containsExactlyInAnyOrderElementsOf(written);
            try (KafkaProducer<String, String> p = producer(bs, null)) {
                p.send(new ProducerRecord<>("telemetry", "host-x", "after-restart")).get();
            }
            assertThat(TopicAdmin.countRecords(bs, "telemetry", true)).isEqualTo(11);
        }
    }

    @Test
    void ensureTopicsAgainstNoBrokerFailsWithAClearMessage() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        String bs = "127.0.0.1:" + port;
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> TopicAdmin.ensureTopics(bs, Map.of("telemetry", 2), Duration.ofSeconds(3)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no Kafka broker answered at " + bs + " within 3 s")
                .hasMessageContaining("is it running?")
                .hasMessageContaining("--bootstrap HOST:PORT");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));

        assertThatThrownBy(() -> TopicAdmin.countRecords(bs, "telemetry", true, Duration.ofSeconds(3)))
                .hasMessageContaining("no Kafka broker answered at " + bs);
        assertThatThrownBy(() -> TopicAdmin.ensureTopics("no-such-host.invalid:9092", Map.of("t", 1), Duration.ofSeconds(3)))
                .hasMessageContaining("no-such-host.invalid:9092")
                .hasMessageContaining("--bootstrap HOST:PORT");
    }

    @Test
    void mainRunsTheBrokerAsAProcessAndStopsCleanlyOnSigterm() throws Exception {
        Path data = tmp.resolve("kafka-process");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path stderr = tmp.resolve("broker-stderr.txt");
        long started = System.nanoTime();
        Process process = new ProcessBuilder(java, "-Xmx384m", "-cp", System.getProperty("java.class.path"),
                EmbeddedKafka.class.getName(), "--dir", data.toString())
                .redirectError(stderr.toFile())
                .start();
        try {
            // log lines may share stdout: look for the bootstrap line. A plain thread, not the
            // common pool (one thread on a 2-core machine, and earlier tests may hold it).
            BlockingQueue<String> bootstrapLine = new ArrayBlockingQueue<>(1);
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String l;
                    while ((l = r.readLine()) != null) {
                        if (l.startsWith("bootstrap=")) {
                            bootstrapLine.offer(l);
                        }
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
            }, "broker-stdout");
            reader.setDaemon(true);
            reader.start();
            String line = bootstrapLine.poll(150, TimeUnit.SECONDS);
            System.out.println("broker process ready after "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms");
            assertThat(line).as(() -> "bootstrap line; broker stderr:\n" + readQuietly(stderr))
                    .isNotNull().matches("bootstrap=127\\.0\\.0\\.1:\\d+");
            String bs = line.substring("bootstrap=".length());

            TopicAdmin.ensureTopics(bs, Map.of("telemetry", 1));
            try (KafkaProducer<String, String> p = producer(bs, null)) {
                p.send(new ProducerRecord<>("telemetry", null, TS_2013, "host-a", "v")).get();
            }
            assertThat(TopicAdmin.countRecords(bs, "telemetry", true)).isEqualTo(1);
            assertThat(data.resolve(CLEAN_SHUTDOWN_MARKER)).doesNotExist();

            process.destroy(); // SIGTERM
            assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("broker process exited").isTrue();
            assertThat(process.exitValue()).as(() -> "exit code; broker stderr:\n" + readQuietly(stderr))
                    .isEqualTo(143); // 128 + SIGTERM, after the shutdown hook ran
            assertThat(data.resolve(CLEAN_SHUTDOWN_MARKER)).as("clean shutdown marker").exists();
        } finally {
            process.destroyForcibly();
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }

    private static Admin admin(String bs) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bs);
        return Admin.create(p);
    }

    private static String clusterId(String bs) throws Exception {
        try (Admin admin = admin(bs)) {
            return admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
        }
    }

    private static KafkaProducer<String, String> producer(String bs, String transactionalId) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bs);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        if (transactionalId != null) {
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
            p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "60000");
        }
        return new KafkaProducer<>(p);
    }

    private static Properties consumerProps(String bs, String isolation) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bs);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return p;
    }

    private static long beginningOffset(String bs, TopicPartition tp) {
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(consumerProps(bs, "read_uncommitted"))) {
            return c.beginningOffsets(List.of(tp), Duration.ofSeconds(30)).get(tp);
        }
    }

    /** Every record of the topic up to its end offsets, read independently of TopicAdmin. */
    private static List<ConsumerRecord<String, String>> readAll(String bs, String topic, String isolation) {
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(consumerProps(bs, isolation))) {
            List<TopicPartition> tps = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).collect(Collectors.toList());
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = new HashMap<>(c.endOffsets(tps, Duration.ofSeconds(30)));
            List<ConsumerRecord<String, String>> out = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!end.isEmpty()) {
                assertThat(System.nanoTime()).as("reading " + topic + " to its end").isLessThan(deadline);
                c.poll(Duration.ofMillis(200)).forEach(out::add);
                end.entrySet().removeIf(e -> c.position(e.getKey()) >= e.getValue());
            }
            return out;
        }
    }
}
