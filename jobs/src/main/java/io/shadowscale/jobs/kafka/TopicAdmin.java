package io.shadowscale.jobs.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Topic set-up and record counting against any Kafka cluster (embedded or not). */
public final class TopicAdmin {

    private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private TopicAdmin() {
    }

    /** {@link #ensureTopics(String, Map, Duration)} with a 30 s timeout. */
    public static void ensureTopics(String bootstrap, Map<String, Integer> partitionsByTopic) {
        ensureTopics(bootstrap, partitionsByTopic, DEFAULT_TIMEOUT);
    }

    /**
     * Creates the missing topics with the given partition counts, replication factor
     * min(3, brokers), {@code retention.ms=-1} and {@code message.timestamp.type=CreateTime};
     * existing topics are left as they are. Returns once every partition has a leader.
     *
     * @throws IllegalStateException naming the bootstrap address when no broker answers or a
     *     topic cannot be created
     */
    public static void ensureTopics(String bootstrap, Map<String, Integer> partitionsByTopic, Duration timeout) {
        if (partitionsByTopic.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = admin(bootstrap, timeout)) {
            int brokers;
            try {
                brokers = admin.describeCluster(new DescribeClusterOptions().timeoutMs(remainingMs(deadline)))
                        .nodes().get(remainingMs(deadline), TimeUnit.MILLISECONDS).size();
            } catch (TimeoutException | ExecutionException e) {
                throw noBroker(bootstrap, timeout, e);
            }
            if (brokers == 0) {
                throw noBroker(bootstrap, timeout, null);
            }
            short replication = (short) Math.min(3, brokers);

            // historical event times: the broker's time retention must not delete them (STACK.md trap 5)
            Map<String, String> configs = Map.of(
                    TopicConfig.RETENTION_MS_CONFIG, "-1",
                    TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime");
            List<NewTopic> newTopics = new ArrayList<>();
            new TreeMap<>(partitionsByTopic).forEach((topic, partitions) ->
                    newTopics.add(new NewTopic(topic, partitions, replication).configs(configs)));
            CreateTopicsResult result = admin.createTopics(newTopics,
                    new CreateTopicsOptions().timeoutMs(remainingMs(deadline)));
            for (Map.Entry<String, KafkaFuture<Void>> e : result.values().entrySet()) {
                try {
                    e.getValue().get(remainingMs(deadline), TimeUnit.MILLISECONDS);
                    LOG.info("created topic {} ({} partitions, replication {}) at {}",
                            e.getKey(), partitionsByTopic.get(e.getKey()), replication, bootstrap);
                } catch (ExecutionException ex) {
                    if (!(ex.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("could not create topic " + e.getKey() + " at " + bootstrap
                                + ": " + ex.getCause().getMessage(), ex.getCause());
                    }
                } catch (TimeoutException ex) {
                    throw new IllegalStateException("creating topic " + e.getKey() + " at " + bootstrap
                            + " did not finish within " + seconds(timeout), ex);
                }
            }
            awaitLeaders(admin, bootstrap, partitionsByTopic, deadline, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics at " + bootstrap, e);
        }
    }

    // createTopics returns once the controller committed the topics; the brokers learn
    // about them (and elect leaders) a little later
    private static void awaitLeaders(Admin admin, String bootstrap, Map<String, Integer> partitionsByTopic,
                                     long deadline, Duration timeout) throws InterruptedException {
        Set<String> topics = partitionsByTopic.keySet();
        Exception last = null;
        while (remainingMs(deadline) > 1) {
            try {
                Map<String, TopicDescription> d = admin.describeTopics(topics,
                                new DescribeTopicsOptions().timeoutMs(remainingMs(deadline)))
                        .allTopicNames().get(remainingMs(deadline), TimeUnit.MILLISECONDS);
                boolean ready = d.values().stream().allMatch(t -> !t.partitions().isEmpty()
                        && t.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
                if (ready) {
                    d.forEach((name, t) -> {
                        int wanted = partitionsByTopic.get(name);
                        if (t.partitions().size() != wanted) {
                            LOG.warn("topic {} at {} exists with {} partitions ({} requested); left as it is",
                                    name, bootstrap, t.partitions().size(), wanted);
                        }
                    });
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    last = e;
                }
            } catch (TimeoutException e) {
                last = e;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("topics " + new TreeMap<>(partitionsByTopic).keySet() + " at " + bootstrap
                + " have no partition leaders after " + seconds(timeout), last);
    }

    /** {@link #countRecords(String, String, boolean, Duration)} with a 30 s timeout. */
    public static long countRecords(String bootstrap, String topic, boolean readCommitted) {
        return countRecords(bootstrap, topic, readCommitted, DEFAULT_TIMEOUT);
    }

    /**
     * Counts the records of {@code topic} between the beginning and the end offsets taken at
     * the call. With {@code readCommitted} aborted and still-open transactions are not counted
     * (the records are read, since offsets also hold aborted records and transaction markers).
     */
    public static long countRecords(String bootstrap, String topic, boolean readCommitted, Duration timeout) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                (readCommitted ? IsolationLevel.READ_COMMITTED : IsolationLevel.READ_UNCOMMITTED).toString());
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(timeout.toMillis()));
        p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(Math.min(timeout.toMillis(), 30_000)));
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<PartitionInfo> infos;
            try {
                infos = consumer.partitionsFor(topic, timeout);
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                throw noBroker(bootstrap, timeout, e);
            }
            if (infos == null || infos.isEmpty()) {
                throw new IllegalArgumentException("topic " + topic + " does not exist at " + bootstrap);
            }
            List<TopicPartition> partitions = new ArrayList<>();
            infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // read_committed end offsets are the last stable offsets
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, timeout));
            long count = 0;
            while (true) {
                end.entrySet().removeIf(e -> consumer.position(e.getKey(), timeout) >= e.getValue());
                if (end.isEmpty()) {
                    return count;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("counting records of " + topic + " at " + bootstrap
                            + " did not reach the end offsets within " + seconds(timeout) + "; behind: " + end);
                }
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                for (TopicPartition tp : records.partitions()) {
                    Long stop = end.get(tp);
                    // records past the end offsets taken above arrived later: not counted
                    count += records.records(tp).stream()
                            .filter(r -> stop == null ? false : r.offset() < stop)
                            .count();
                }
            }
        } catch (KafkaException e) {
            if (e.getCause() instanceof org.apache.kafka.common.config.ConfigException) {
                throw badBootstrap(bootstrap, e);
            }
            throw e;
        }
    }

    private static Admin admin(String bootstrap, Duration timeout) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(ms));
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(Math.min(ms, 30_000)));
        try {
            return Admin.create(p);
        } catch (KafkaException e) {
            throw badBootstrap(bootstrap, e);
        }
    }

    private static IllegalStateException noBroker(String bootstrap, Duration timeout, Exception cause) {
        return new IllegalStateException("no Kafka broker answered at " + bootstrap + " within "
                + seconds(timeout) + " — is it running? pass --bootstrap HOST:PORT", cause);
    }

    private static IllegalStateException badBootstrap(String bootstrap, Exception cause) {
        Throwable root = cause.getCause() != null ? cause.getCause() : cause;
        return new IllegalStateException("cannot use Kafka bootstrap address '" + bootstrap + "': "
                + root.getMessage() + " — pass --bootstrap HOST:PORT", cause);
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() / 1000.0 + " s";
    }

    private static int remainingMs(long deadline) {
        long ms = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, ms));
    }
}
