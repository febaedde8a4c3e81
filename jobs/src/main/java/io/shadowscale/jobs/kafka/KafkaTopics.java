package io.shadowscale.jobs.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the job's topics on any Kafka cluster, with the client settings of
 * {@code --kafka-properties} (so it works against a secured cluster too). Topics that exist are
 * left as they are. Used by {@code submit} and {@code produce}; the demo uses {@link TopicAdmin}.
 */
public final class KafkaTopics {

    private KafkaTopics() {
    }

    /**
     * Creates the missing topics with {@code partitions} each, replication min(3, brokers),
     * {@code retention.ms=-1} (historical event times, STACK.md trap 5).
     *
     * @return the topics created
     * @throws IllegalStateException naming the bootstrap address when no broker answers
     */
    public static List<String> ensure(String bootstrap, Properties client, Map<String, Integer> partitionsByTopic, Duration timeout) {
        Properties p = KafkaClientProperties.merged(new Properties(), client);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(timeout.toMillis()));
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(Math.min(timeout.toMillis(), 30_000)));
        List<String> created = new ArrayList<>();
        try (Admin admin = Admin.create(p)) {
            int brokers = admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).size();
            short replication = (short) Math.max(1, Math.min(3, brokers));
            List<NewTopic> topics = new ArrayList<>();
            new TreeMap<>(partitionsByTopic).forEach((t, n) -> topics.add(new NewTopic(t, n, replication)
                    .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1", TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime"))));
            var result = admin.createTopics(topics).values();
            for (var e : result.entrySet()) {
                try {
                    e.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    created.add(e.getKey());
                } catch (ExecutionException ex) {
                    if (!(ex.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("could not create topic " + e.getKey() + " at " + bootstrap + ": "
                                + ex.getCause().getMessage(), ex.getCause());
                    }
                }
            }
            return created;
        } catch (TimeoutException | ExecutionException e) {
            throw new IllegalStateException("no Kafka broker answered at " + bootstrap + " within " + timeout.toSeconds()
                    + " s — is it running? pass --bootstrap HOST:PORT", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics at " + bootstrap, e);
        } catch (KafkaException e) {
            Throwable root = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("cannot use Kafka bootstrap address '" + bootstrap + "': " + root.getMessage(), e);
        }
    }
}
