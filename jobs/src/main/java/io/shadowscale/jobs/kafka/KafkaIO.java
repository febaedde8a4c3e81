package io.shadowscale.jobs.kafka;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

import io.shadowscale.schema.AllocationUpdate;
import io.shadowscale.schema.WireFormat;
import io.shadowscale.udf.model.DeadLetter;
import io.shadowscale.udf.model.RawTelemetry;
import io.shadowscale.udf.logic.TelemetryIntake;
import org.apache.avro.specific.SpecificRecord;

/**
 * Kafka sources and sinks of the job. Values are Avro single-object encoded ({@link WireFormat});
 * keys are "tenant/workload"; outputs are written exactly-once (transactions committed on
 * checkpoints), so consumers read them with {@code isolation.level=read_committed}.
 *
 * <p>Dead letters keep the original bytes as the value and carry the reason in headers:
 * {@code shadowscale.reason}, {@code shadowscale.stage}, {@code shadowscale.source}
 * ("topic/partition@offset").
 */
public final class KafkaIO {

    public static final String HEADER_REASON = "shadowscale.reason";
    public static final String HEADER_STAGE = "shadowscale.stage";
    public static final String HEADER_SOURCE = "shadowscale.source";

    /** Under the broker's default transaction.max.timeout.ms (15 min): STACK.md trap 11. */
    static final String TRANSACTION_TIMEOUT_MS = "600000";

    private KafkaIO() {}

    /** Where to start and whether to stop at the offsets that were latest when the job started. */
    public static final class ReadMode {
        final boolean bounded;

        private ReadMode(boolean bounded) {
            this.bounded = bounded;
        }

        public static ReadMode continuous() {
            return new ReadMode(false);
        }

        /** Read what is on the topic now, then finish (the demo, tests, backfills). */
        public static ReadMode untilLatest() {
            return new ReadMode(true);
        }
    }

    public static KafkaSource<RawTelemetry> telemetrySource(String bootstrap, String topic, String groupId, ReadMode mode,
                                                            long maxFutureSkewMs, long maxAheadOfPartitionMs) {
        return telemetrySource(bootstrap, topic, groupId, mode, maxFutureSkewMs, maxAheadOfPartitionMs, KafkaClientProperties.none());
    }

    /** {@code client}: settings for every Kafka client, e.g. security ({@link KafkaClientProperties}). */
    public static KafkaSource<RawTelemetry> telemetrySource(String bootstrap, String topic, String groupId, ReadMode mode,
                                                            long maxFutureSkewMs, long maxAheadOfPartitionMs, Properties client) {
        return base(KafkaSource.<RawTelemetry>builder(), bootstrap, topic, groupId, mode, client)
                .setDeserializer(new TelemetryDeserializer(maxFutureSkewMs, maxAheadOfPartitionMs))
                .build();
    }

    public static KafkaSource<AllocationUpdate> allocationSource(String bootstrap, String topic, String groupId, ReadMode mode) {
        return allocationSource(bootstrap, topic, groupId, mode, KafkaClientProperties.none());
    }

    public static KafkaSource<AllocationUpdate> allocationSource(String bootstrap, String topic, String groupId, ReadMode mode,
                                                                 Properties client) {
        return base(KafkaSource.<AllocationUpdate>builder(), bootstrap, topic, groupId, mode, client)
                .setDeserializer(new AvroDeserializer<>(AllocationUpdate.class))
                .build();
    }

    /** The control topic ({@code ScalingControl}); undecodable records are logged and skipped, as for allocations. */
    public static KafkaSource<io.shadowscale.schema.ScalingControl> controlSource(String bootstrap, String topic, String groupId, ReadMode mode,
                                                                                 Properties client) {
        return base(KafkaSource.<io.shadowscale.schema.ScalingControl>builder(), bootstrap, topic, groupId, mode, client)
                .setDeserializer(new AvroDeserializer<>(io.shadowscale.schema.ScalingControl.class))
                .build();
    }

    private static <T> KafkaSourceBuilder<T> base(KafkaSourceBuilder<T> b, String bootstrap, String topic, String groupId, ReadMode mode,
                                                  Properties client) {
        // the client's settings first: the ones below are what the job relies on
        b.setProperties(client)
                .setBootstrapServers(bootstrap)
                .setTopics(topic)
                .setGroupId(groupId)
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setProperty("isolation.level", "read_committed")
                .setProperty("partition.discovery.interval.ms", mode.bounded ? "-1" : "60000")
                .setProperty("client.id.prefix", groupId + "-" + topic);
        if (mode.bounded) {
            b.setBounded(OffsetsInitializer.latest());
        }
        return b;
    }

    /** Exactly-once sink of Avro records keyed by {@code key}. */
    public static <T extends SpecificRecord> KafkaSink<T> avroSink(String bootstrap, String topic, KeySelector<T, String> key,
                                                                   String transactionalIdPrefix) {
        return avroSink(bootstrap, topic, key, transactionalIdPrefix, KafkaClientProperties.none());
    }

    /** {@code client}: settings for every Kafka client, e.g. security ({@link KafkaClientProperties}). */
    public static <T extends SpecificRecord> KafkaSink<T> avroSink(String bootstrap, String topic, KeySelector<T, String> key,
                                                                   String transactionalIdPrefix, Properties client) {
        return sink(bootstrap, transactionalIdPrefix, new AvroSerializer<>(topic, key), client);
    }

    public static KafkaSink<DeadLetter> deadLetterSink(String bootstrap, String topic, String transactionalIdPrefix) {
        return deadLetterSink(bootstrap, topic, transactionalIdPrefix, KafkaClientProperties.none());
    }

    public static KafkaSink<DeadLetter> deadLetterSink(String bootstrap, String topic, String transactionalIdPrefix, Properties client) {
        return sink(bootstrap, transactionalIdPrefix, new DeadLetterSerializer(topic), client);
    }

    private static <T> KafkaSink<T> sink(String bootstrap, String transactionalIdPrefix, KafkaRecordSerializationSchema<T> schema,
                                         Properties client) {
        Properties p = KafkaClientProperties.merged(new Properties(), client);
        p.setProperty("transaction.timeout.ms", TRANSACTION_TIMEOUT_MS);
        p.setProperty("compression.type", "lz4");
        p.setProperty("linger.ms", "20");
        return KafkaSink.<T>builder()
                .setBootstrapServers(bootstrap)
                .setRecordSerializer(schema)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(transactionalIdPrefix)
                .setKafkaProducerConfig(p)
                .build();
    }

    /** Decodes and checks telemetry without ever throwing: rejects carry their reason downstream. */
    static final class TelemetryDeserializer implements KafkaRecordDeserializationSchema<RawTelemetry> {
        private final long maxFutureSkewMs;
        private final long maxAheadOfPartitionMs;
        private transient TelemetryIntake intake;

        TelemetryDeserializer(long maxFutureSkewMs, long maxAheadOfPartitionMs) {
            this.maxFutureSkewMs = maxFutureSkewMs;
            this.maxAheadOfPartitionMs = maxAheadOfPartitionMs;
        }

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawTelemetry> out) {
            if (intake == null) {
                intake = new TelemetryIntake(maxFutureSkewMs, maxAheadOfPartitionMs);
            }
            RawTelemetry raw = intake.read(record.value(), record.partition(), System.currentTimeMillis());
            raw.topic = record.topic();
            raw.offset = record.offset();
            raw.recordTimestamp = record.timestamp();
            out.collect(raw);
        }

        @Override
        public TypeInformation<RawTelemetry> getProducedType() {
            return TypeInformation.of(RawTelemetry.class);
        }
    }

    /** Decodes control records (allocations); undecodable ones are logged and skipped. */
    static final class AvroDeserializer<T extends SpecificRecord> implements KafkaRecordDeserializationSchema<T> {
        private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AvroDeserializer.class);
        private final Class<T> type;

        AvroDeserializer(Class<T> type) {
            this.type = type;
        }

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<T> out) {
            try {
                out.collect(WireFormat.decode(type, record.value()));
            } catch (WireFormat.MalformedRecordException e) {
                LOG.warn("Skipping {} at {}/{}@{}: {}", type.getSimpleName(), record.topic(), record.partition(), record.offset(), e.getMessage());
            }
        }

        @Override
        public TypeInformation<T> getProducedType() {
            return TypeInformation.of(type);
        }
    }

    static final class AvroSerializer<T extends SpecificRecord> implements KafkaRecordSerializationSchema<T> {
        private final String topic;
        private final KeySelector<T, String> key;

        AvroSerializer(String topic, KeySelector<T, String> key) {
            this.topic = topic;
            this.key = key;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
            try {
                return new ProducerRecord<>(topic, null, timestamp, key.getKey(element).getBytes(StandardCharsets.UTF_8),
                        WireFormat.encode(element));
            } catch (Exception e) {
                throw new IllegalStateException("cannot key " + element, e);
            }
        }
    }

    static final class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {
        private final String topic;

        DeadLetterSerializer(String topic) {
            this.topic = topic;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(DeadLetter d, KafkaSinkContext context, Long timestamp) {
            List<Header> headers = new ArrayList<>(3);
            headers.add(new RecordHeader(HEADER_REASON, d.reason.getBytes(StandardCharsets.UTF_8)));
            headers.add(new RecordHeader(HEADER_STAGE, d.stage.getBytes(StandardCharsets.UTF_8)));
            if (d.sourceTopic != null) {
                headers.add(new RecordHeader(HEADER_SOURCE,
                        (d.sourceTopic + "/" + d.sourcePartition + "@" + d.sourceOffset).getBytes(StandardCharsets.UTF_8)));
            }
            byte[] key = d.key == null ? null : d.key.getBytes(StandardCharsets.UTF_8);
            return new ProducerRecord<>(topic, null, timestamp, key, d.payload, headers);
        }
    }
}
