package io.shadowscale.jobs.events;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.shadowscale.schema.ExternalEvent;
import io.shadowscale.schema.WireFormat;

/**
 * Publishes imported events to the {@code external-events} topic in one Kafka transaction: a
 * file lands whole or not at all (the job reads with {@code read_committed}). Keyed by event id,
 * so the revisions of one event stay in order in one partition.
 */
public final class EventPublisher {

    private EventPublisher() {}

    /** @throws IllegalStateException naming the bootstrap address and topic when publishing fails (nothing is committed) */
    public static void publish(String bootstrap, String topic, List<ExternalEvent> events) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "shadowscale-events-import");
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "shadowscale-events-import-" + UUID.randomUUID());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
        KafkaProducer<String, byte[]> producer;
        try {
            producer = new KafkaProducer<>(p);
        } catch (KafkaException e) {
            throw new IllegalStateException("could not create a Kafka producer for bootstrap '" + bootstrap + "': " + e.getMessage(), e);
        }
        try {
            producer.initTransactions();
            producer.beginTransaction();
            for (ExternalEvent e : events) {
                producer.send(new ProducerRecord<>(topic, null, System.currentTimeMillis(), e.getEventId(), WireFormat.encode(e)));
            }
            producer.commitTransaction();
        } catch (KafkaException e) {
            try {
                producer.abortTransaction();
            } catch (KafkaException ignored) {
                // the transaction times out on the broker: still nothing visible to read_committed readers
            }
            throw new IllegalStateException("publishing " + events.size() + " events to topic '" + topic + "' at Kafka bootstrap '"
                    + bootstrap + "' failed, nothing was published: " + e.getMessage(), e);
        } finally {
            producer.close(Duration.ofSeconds(30));
        }
    }
}
