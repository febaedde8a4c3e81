package io.shadowscale.jobs.kafka;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How far a consumer group (the job's Kafka source, which commits offsets on checkpoints) has
 * got through a topic: for progress bars while a job runs.
 */
public final class ConsumerProgress implements AutoCloseable {
    private final Admin admin;
    private final String groupId;
    private final String topic;

    public ConsumerProgress(String bootstrap, String groupId, String topic) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        this.admin = Admin.create(p);
        this.groupId = groupId;
        this.topic = topic;
    }

    /** Records of {@code topic} the group has committed past; 0 when it has not committed yet. */
    public long committed() {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets =
                    admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
            long sum = 0;
            for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
                if (e.getKey().topic().equals(topic) && e.getValue() != null) {
                    sum += e.getValue().offset();
                }
            }
            return sum;
        } catch (Exception e) {
            return 0; // progress only: never fail the run over it
        }
    }

    @Override
    public void close() {
        admin.close();
    }
}
