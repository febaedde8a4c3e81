package io.shadowscale.jobs.demo;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

import io.shadowscale.jobs.produce.TelemetrySender;
import io.shadowscale.schema.TelemetryEvent;
import io.shadowscale.schema.WireFormat;

/**
 * Writes telemetry to Kafka as the job reads it: {@link WireFormat} values keyed by
 * {@code tenantId/workloadId} (one workload stays in one partition, in order), record timestamp
 * = event time. Idempotent producer with {@code acks=all}, batched for throughput.
 */
public final class TelemetryProducer {

    /** How often (in records) {@code progress} is called. */
    public static final int PROGRESS_EVERY = 2_000;

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private TelemetryProducer() {
    }

    /**
     * Sends every event and flushes.
     *
     * @param total    expected number of events, only for messages (the iterator decides)
     * @param progress called with the number sent so far every {@value #PROGRESS_EVERY} records and at the end
     * @return the number of records sent and acknowledged
     * @throws IllegalStateException naming the bootstrap address and topic when sending fails
     */
    public static long produce(String bootstrap, String topic, Iterator<TelemetryEvent> events, long total,
                               LongConsumer progress) {
        AtomicReference<Exception> failure = new AtomicReference<>();
        long sent = 0;
        KafkaProducer<String, byte[]> producer = open(bootstrap);
        try {
            while (events.hasNext()) {
                checkFailure(failure, bootstrap, topic, sent, total);
                TelemetryEvent e = events.next();
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, null,
                        e.getEventTime().toEpochMilli(), e.getTenantId() + "/" + e.getWorkloadId(), WireFormat.encode(e));
                producer.send(record, (metadata, ex) -> {
                    if (ex != null) {
                        failure.compareAndSet(null, ex);
                    }
                });
                sent++;
                if (sent % PROGRESS_EVERY == 0) {
                    progress.accept(sent);
                }
            }
            producer.flush();
            checkFailure(failure, bootstrap, topic, sent, total);
            progress.accept(sent);
            return sent;
        } catch (KafkaException e) {
            throw failed(bootstrap, topic, sent, total, e);
        } finally {
            producer.close(CLOSE_TIMEOUT);
        }
    }

    /**
     * Sends raw values (e.g. {@link DemoScenario#malformedSamples()} payloads or encoded campaigns)
     * without a key, stamped with the current time, and flushes.
     */
    public static void produceRaw(String bootstrap, String topic, List<byte[]> payloads) {
        AtomicReference<Exception> failure = new AtomicReference<>();
        long sent = 0;
        KafkaProducer<String, byte[]> producer = open(bootstrap);
        try {
            for (byte[] payload : payloads) {
                producer.send(new ProducerRecord<>(topic, payload), (metadata, ex) -> {
                    if (ex != null) {
                        failure.compareAndSet(null, ex);
                    }
                });
                sent++;
            }
            producer.flush();
            checkFailure(failure, bootstrap, topic, sent, payloads.size());
        } catch (KafkaException e) {
            throw failed(bootstrap, topic, sent, payloads.size(), e);
        } finally {
            producer.close(CLOSE_TIMEOUT);
        }
    }

    /** The settings of `shadowscale produce` (idempotent, acks=all, lz4 batches), with room to produce a whole demo at once. */
    static Properties config(String bootstrap) {
        Properties p = TelemetrySender.config(bootstrap, new Properties());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "shadowscale-telemetry-producer");
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(64L * 1024 * 1024));
        // One batch in flight per partition. With five, a retried first batch (its request timed
        // out on a loaded machine) can reach a fresh partition after its successors: the broker,
        // which had no state for the producer there, took the successor's sequence as the start
        // and then refuses sequence 0 until the delivery timeout (a CI run failed this way).
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "60000");
        return p;
    }

    private static KafkaProducer<String, byte[]> open(String bootstrap) {
        try {
            return new KafkaProducer<>(config(bootstrap));
        } catch (KafkaException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("could not create a Kafka producer for bootstrap '" + bootstrap + "': "
                    + cause.getMessage(), e);
        }
    }

    private static void checkFailure(AtomicReference<Exception> failure, String bootstrap, String topic,
                                     long sent, long total) {
        Exception e = failure.get();
        if (e != null) {
            throw failed(bootstrap, topic, sent, total, e);
        }
    }

    private static IllegalStateException failed(String bootstrap, String topic, long sent, long total, Exception e) {
        return new IllegalStateException(String.format(Locale.ROOT,
                "producing to topic '%s' at Kafka bootstrap '%s' failed after %,d of %,d records: %s",
                topic, bootstrap, sent, total, e.getMessage()), e);
    }
}
