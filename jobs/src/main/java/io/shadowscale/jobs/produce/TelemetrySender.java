package io.shadowscale.jobs.produce;

import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import io.shadowscale.jobs.kafka.KafkaClientProperties;
import io.shadowscale.schema.TelemetryEvent;
import io.shadowscale.schema.WireFormat;

/**
 * Sends telemetry to Kafka the way the job reads it — {@code WireFormat} values keyed by
 * {@code tenant/workload}, record timestamp = event time — at an optional steady rate, with the
 * caller's client settings (security) put under the ones exactly-once reading needs.
 */
public final class TelemetrySender implements AutoCloseable {

    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    /** How often (in records) progress is reported when sending unthrottled. */
    static final int PROGRESS_EVERY = 1_000;

    private final String bootstrap;
    private final String topic;
    private final KafkaProducer<String, byte[]> producer;

    public TelemetrySender(String bootstrap, String topic, Properties client) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        try {
            this.producer = new KafkaProducer<>(config(bootstrap, client));
        } catch (KafkaException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            // the cause names a setting, not its value
            throw new IllegalStateException("could not create a Kafka producer for bootstrap '" + bootstrap + "': " + cause.getMessage(), e);
        }
    }

    /** Producer settings: no loss, no duplicates from retries, order per workload kept; {@code client} adds security settings. */
    public static Properties config(String bootstrap, Properties client) {
        Properties p = KafkaClientProperties.merged(new Properties(), client);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "shadowscale-produce");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        // no loss, no duplicates from retries, order per workload kept
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        // lz4 classes come from Flink's org.lz4:lz4-java (STACK.md trap 3)
        p.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        p.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
        return p;
    }

    /**
     * Sends every event and flushes.
     *
     * @param ratePerSecond records per second; 0 or less for as fast as the broker takes them
     * @param progress      called with the count sent so far, at least once a second and at the end
     * @return the number of records sent and acknowledged
     * @throws IllegalStateException naming the topic and bootstrap address when sending fails
     */
    public long send(Iterator<TelemetryEvent> events, double ratePerSecond, LongConsumer progress) {
        AtomicReference<Exception> failure = new AtomicReference<>();
        long sent = 0;
        long t0 = System.nanoTime();
        long lastReport = t0;
        try {
            while (events.hasNext()) {
                check(failure, sent);
                TelemetryEvent e = events.next();
                if (ratePerSecond > 0) {
                    // steady pace: record n leaves at t0 + n / rate
                    long due = t0 + (long) (sent * 1e9 / ratePerSecond);
                    long wait = due - System.nanoTime();
                    if (wait > 2_000_000) {
                        producer.flush(); // don't hold a throttled record back in a batch
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
                producer.send(new ProducerRecord<>(topic, null, e.getEventTime().toEpochMilli(),
                        e.getTenantId() + "/" + e.getWorkloadId(), WireFormat.encode(e)), (md, ex) -> {
                    if (ex != null) {
                        failure.compareAndSet(null, ex);
                    }
                });
                sent++;
                long now = System.nanoTime();
                if (sent % PROGRESS_EVERY == 0 || now - lastReport > 1_000_000_000L) {
                    progress.accept(sent);
                    lastReport = now;
                }
            }
            producer.flush();
            check(failure, sent);
            progress.accept(sent);
            return sent;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted after " + sent + " records", e);
        } catch (KafkaException e) {
            throw failed(sent, e);
        }
    }

    private void check(AtomicReference<Exception> failure, long sent) {
        Exception e = failure.get();
        if (e != null) {
            throw failed(sent, e);
        }
    }

    private IllegalStateException failed(long sent, Exception e) {
        return new IllegalStateException(String.format(Locale.ROOT, "producing to topic '%s' at Kafka bootstrap '%s' failed after %,d records: %s",
                topic, bootstrap, sent, e.getMessage()), e);
    }

    @Override
    public void close() {
        producer.close(CLOSE_TIMEOUT);
    }
}
