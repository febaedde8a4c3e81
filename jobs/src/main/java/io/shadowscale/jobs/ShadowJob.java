package io.shadowscale.jobs;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;
import org.apache.iceberg.flink.CatalogLoader;

import io.shadowscale.jobs.iceberg.CatalogSettings;
import io.shadowscale.jobs.iceberg.IcebergSinks;
import io.shadowscale.jobs.iceberg.IcebergTables;
import io.shadowscale.jobs.kafka.KafkaClientProperties;
import io.shadowscale.jobs.kafka.KafkaIO;
import io.shadowscale.jobs.kafka.Topics;
import io.shadowscale.jobs.kafka.ExternalEventSource;
import io.shadowscale.schema.AllocationUpdate;
import io.shadowscale.schema.ExternalEvent;
import io.shadowscale.schema.ModelRelease;
import io.shadowscale.udf.Keys;
import io.shadowscale.udf.ShadowOptions;
import io.shadowscale.udf.model.RawTelemetry;

/**
 * The shadowscale job with its production sources and sinks: telemetry, allocations, external
 * events and the orchestrator's control (kill switch, dry-run tenants) from Kafka; shadows, scaling commands, anomalies and dead letters to Kafka (exactly-once); rollups,
 * shadows, commands and anomalies to Iceberg tables (committed on checkpoints).
 *
 * <p>Run it on a Flink cluster with the shaded JAR ({@code jobs/target/shadowscale-jobs-*-job.jar}):
 * <pre>
 *   flink run shadowscale-jobs-job.jar --bootstrap kafka:9092 --warehouse s3a://bucket/warehouse
 * </pre>
 * or locally with {@code bin/shadowscale demo}, which starts a broker, produces data and runs it.
 * Options: {@code --bootstrap}, {@code --warehouse} (required), {@code --topic-prefix},
 * {@code --group-id}, {@code --bounded} (stop at the offsets that were latest at start),
 * {@code --checkpoint-interval-ms}, and the tunables of {@link ShadowOptions}.
 * {@code --kafka-properties FILE}: settings for every Kafka client (SASL/SSL), read where
 * {@code main} runs (the JobManager for a REST submission). {@code --catalog-type rest
 * --catalog-uri URL [--s3-endpoint URL] [--catalog-properties FILE]}: an Iceberg REST catalog on
 * object storage instead of the Hadoop catalog ({@link CatalogSettings}).
 */
public final class ShadowJob {

    /** Where the job reads and writes. */
    public static final class Settings {
        public String bootstrap;
        public String warehouse;
        public Topics topics = Topics.defaults();
        public String groupId = "shadowscale";
        public boolean bounded;
        public long checkpointIntervalMs = 10_000;
        public ShadowOptions options = ShadowOptions.defaults();
        /** Settings for every Kafka client of the job (security etc.): {@code --kafka-properties FILE}. */
        public Properties kafkaProperties = KafkaClientProperties.none();
        /** The Iceberg catalog; null means a Hadoop catalog on {@link #warehouse}. */
        public CatalogSettings catalog;

        public static Settings fromArgs(String[] args) {
            ParameterTool p = ParameterTool.fromArgs(args);
            Settings s = new Settings();
            s.bootstrap = required(p, "bootstrap", "the Kafka bootstrap servers, e.g. --bootstrap localhost:9092");
            s.catalog = CatalogSettings.fromArgs(p);
            s.warehouse = s.catalog.warehouse;
            String kafkaProperties = p.get("kafka-properties");
            if (kafkaProperties != null && !kafkaProperties.isBlank()) {
                s.kafkaProperties = KafkaClientProperties.load(Path.of(kafkaProperties.strip()));
            }
            s.topics = new Topics(p.get("topic-prefix", ""));
            s.groupId = p.get("group-id", s.groupId);
            s.bounded = p.getBoolean("bounded", false);
            s.checkpointIntervalMs = p.getLong("checkpoint-interval-ms", s.checkpointIntervalMs);
            s.options = ShadowOptions.fromParameters(p);
            return s;
        }

        public CatalogLoader catalogLoader() {
            return (catalog != null ? catalog : CatalogSettings.hadoop(warehouse)).loader();
        }

        private static String required(ParameterTool p, String key, String hint) {
            String v = p.get(key);
            if (v == null || v.isBlank()) {
                throw new IllegalArgumentException("missing --" + key + ": " + hint);
            }
            return v;
        }
    }

    private ShadowJob() {}

    public static void main(String[] args) throws Exception {
        Settings s = Settings.fromArgs(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(jobConfiguration(s));
        build(env, s);
        env.execute("shadowscale");
    }

    /** Configuration every run of the job needs (cluster settings stay in flink-conf/config.yaml). */
    public static Configuration jobConfiguration(Settings s) {
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(s.checkpointIntervalMs));
        conf.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        // Generic types stay enabled: Iceberg's sink ships its write results through Kryo. Our own
        // records are Avro or POJOs, which TypeInfoTest checks.
        conf.set(PipelineOptions.AUTO_WATERMARK_INTERVAL, Duration.ofMillis(200));
        // Chained operators hand records on without a defensive copy: every function emits fresh
        // objects and never changes an input or an emitted record afterwards. The copies (Avro
        // deepCopy of each shadow step into each chained sink) were ~8% of the job's CPU (bench, JFR).
        conf.set(PipelineOptions.OBJECT_REUSE, true);
        return conf;
    }

    /** Adds the sources, pipeline and sinks to {@code env}. */
    public static ShadowPipeline.Outputs build(StreamExecutionEnvironment env, Settings s) {
        KafkaIO.ReadMode mode = s.bounded ? KafkaIO.ReadMode.untilLatest() : KafkaIO.ReadMode.continuous();
        if (s.bounded) {
            // pausing a finished split fails ("No current assignment for partition"): no alignment
            s.options.maxPartitionDriftMs = 0;
        }
        ShadowPipeline.Sources sources = new ShadowPipeline.Sources() {
            @Override
            public DataStream<RawTelemetry> telemetry(StreamExecutionEnvironment e, WatermarkStrategy<RawTelemetry> watermarks) {
                return e.fromSource(KafkaIO.telemetrySource(s.bootstrap, s.topics.telemetry, s.groupId, mode, s.options.maxFutureSkewMs, s.options.maxAheadOfPartitionMs,
                                s.kafkaProperties),
                        watermarks, "Kafka: " + s.topics.telemetry).uid("source-telemetry");
            }

            @Override
            public DataStream<AllocationUpdate> allocations(StreamExecutionEnvironment e) {
                return e.fromSource(KafkaIO.allocationSource(s.bootstrap, s.topics.allocations, s.groupId, mode, s.kafkaProperties),
                        WatermarkStrategy.noWatermarks(), "Kafka: " + s.topics.allocations).uid("source-allocations");
            }

            @Override
            public DataStream<io.shadowscale.schema.ScalingControl> scalingControl(StreamExecutionEnvironment e) {
                // watermarks (none that hold back) are assigned in ShadowPipeline
                return e.fromSource(KafkaIO.controlSource(s.bootstrap, s.topics.scalingControl, s.groupId, mode, s.kafkaProperties),
                        WatermarkStrategy.noWatermarks(), "Kafka: " + s.topics.scalingControl).uid("source-scaling-control");
            }

            @Override
            public DataStream<ExternalEvent> externalEvents(StreamExecutionEnvironment e) {
                // timestamps and (non-blocking) watermarks are assigned in ShadowPipeline
                return e.fromSource(ExternalEventSource.create(s.bootstrap, s.topics.externalEvents, s.groupId, mode, s.kafkaProperties),
                        WatermarkStrategy.noWatermarks(), "Kafka: " + s.topics.externalEvents).uid("source-external-events");
            }

            @Override
            public DataStream<ModelRelease> modelReleases(StreamExecutionEnvironment e) {
                return e.fromSource(ExternalEventSource.controlTopic(ModelRelease.class, s.bootstrap, s.topics.modelReleases, s.groupId, mode, s.kafkaProperties),
                        WatermarkStrategy.noWatermarks(), "Kafka: " + s.topics.modelReleases).uid("source-model-releases");
            }
        };
        ShadowPipeline.Outputs out = ShadowPipeline.build(env, sources, s.options);
        attachSinks(out, s);
        return out;
    }

    static void attachSinks(ShadowPipeline.Outputs out, Settings s) {
        String tx = s.groupId + "-" + s.topics.telemetry + "-";
        out.shadows.sinkTo(KafkaIO.avroSink(s.bootstrap, s.topics.shadows, r -> Keys.workload(r.getTenantId(), r.getWorkloadId()), tx + "shadows", s.kafkaProperties))
                .uid("kafka-shadows").name("Kafka: " + s.topics.shadows);
        out.commands.sinkTo(KafkaIO.avroSink(s.bootstrap, s.topics.commands, r -> Keys.workload(r.getTenantId(), r.getWorkloadId()), tx + "commands", s.kafkaProperties))
                .uid("kafka-commands").name("Kafka: " + s.topics.commands);
        out.anomalies.sinkTo(KafkaIO.avroSink(s.bootstrap, s.topics.anomalies, r -> Keys.workload(r.getTenantId(), r.getWorkloadId()), tx + "anomalies", s.kafkaProperties))
                .uid("kafka-anomalies").name("Kafka: " + s.topics.anomalies);
        out.modelAlerts.sinkTo(KafkaIO.avroSink(s.bootstrap, s.topics.modelAlerts, r -> r.getModelId() + ":" + r.getVersion(), tx + "model-alerts", s.kafkaProperties))
                .uid("kafka-model-alerts").name("Kafka: " + s.topics.modelAlerts);
        out.deadLetters.sinkTo(KafkaIO.deadLetterSink(s.bootstrap, s.topics.deadLetters, tx + "dlq", s.kafkaProperties))
                .uid("kafka-dlq").name("Kafka: " + s.topics.deadLetters);

        CatalogLoader catalog = s.catalogLoader();
        IcebergTables.ensureTables(catalog);
        IcebergSinks.append(out.rollups, IcebergTables.TELEMETRY_ROLLUPS, catalog);
        IcebergSinks.append(out.shadows, IcebergTables.RESOURCE_SHADOWS, catalog);
        IcebergSinks.append(out.commands, IcebergTables.SCALING_COMMANDS, catalog);
        IcebergSinks.append(out.anomalies, IcebergTables.ANOMALIES, catalog);
        IcebergSinks.append(out.profiles, IcebergTables.PROFILES, catalog);
        IcebergSinks.append(out.poolShadows, IcebergTables.POOL_SHADOWS, catalog);
        IcebergSinks.append(out.strategyOutcomes, IcebergTables.STRATEGY_OUTCOMES, catalog);
    }

    /** Runs the job to completion in this JVM (local Flink) — the embedded default. */
    public static JobExecutionResult runLocal(Settings s, int parallelism) throws Exception {
        Configuration conf = jobConfiguration(s);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
        build(env, s);
        return env.execute("shadowscale");
    }
}
