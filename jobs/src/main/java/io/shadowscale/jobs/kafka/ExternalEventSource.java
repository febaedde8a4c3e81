package io.shadowscale.jobs.kafka;

import java.util.Properties;

import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

import io.shadowscale.schema.ExternalEvent;

/**
 * The {@code external-events} topic as a Flink source, configured like {@link KafkaIO}'s sources
 * (committed offsets, else the earliest: on a first start the whole calendar is read;
 * {@code read_committed}, since the importers publish a file in one transaction). Undecodable
 * records are logged and skipped, as for allocations: an event is control data, not telemetry.
 */
public final class ExternalEventSource {

    private ExternalEventSource() {}

    /** {@code client}: settings for every Kafka client (security etc.), applied first. */
    public static KafkaSource<ExternalEvent> create(String bootstrap, String topic, String groupId, KafkaIO.ReadMode mode,
                                                    Properties client) {
        return controlTopic(ExternalEvent.class, bootstrap, topic, groupId, mode, client);
    }

    /** A control topic read the same way (also {@code model-releases}). */
    public static <T extends org.apache.avro.specific.SpecificRecord> KafkaSource<T> controlTopic(Class<T> type, String bootstrap, String topic,
                                                                                              String groupId, KafkaIO.ReadMode mode, Properties client) {
        var b = KafkaSource.<T>builder()
                .setProperties(client)
                .setBootstrapServers(bootstrap)
                .setTopics(topic)
                .setGroupId(groupId)
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setProperty("isolation.level", "read_committed")
                .setProperty("partition.discovery.interval.ms", mode.bounded ? "-1" : "60000")
                .setProperty("client.id.prefix", groupId + "-" + topic)
                .setDeserializer(new KafkaIO.AvroDeserializer<>(type));
        if (mode.bounded) {
            b.setBounded(OffsetsInitializer.latest());
        }
        return b.build();
    }
}
