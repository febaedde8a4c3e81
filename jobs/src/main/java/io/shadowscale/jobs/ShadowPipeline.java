package io.shadowscale.jobs;

import java.time.Duration;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import io.shadowscale.schema.AllocationUpdate;
import io.shadowscale.schema.ExternalEvent;
import io.shadowscale.schema.ModelAlert;
import io.shadowscale.schema.ModelRelease;
import io.shadowscale.schema.WorkloadProfile;
import io.shadowscale.schema.Anomaly;
import io.shadowscale.schema.PoolShadow;
import io.shadowscale.schema.ResourceShadow;
import io.shadowscale.schema.ScalingCommand;
import io.shadowscale.schema.ScalingControl;
import io.shadowscale.schema.ShadowHorizon;
import io.shadowscale.schema.TelemetryEvent;
import io.shadowscale.schema.TelemetryRollup;
import io.shadowscale.udf.AnomalyCooldown;
import io.shadowscale.udf.AnomalyDetector;
import io.shadowscale.udf.BehavioralProfiler;
import io.shadowscale.udf.SideInputWatermarks;
import io.shadowscale.udf.Descriptors;
import io.shadowscale.udf.Keys;
import io.shadowscale.udf.PoolShadowAggregator;
import io.shadowscale.udf.ScalingOrchestrator;
import io.shadowscale.udf.ForecastScorer;
import io.shadowscale.udf.ShadowOptions;
import io.shadowscale.udf.ShadowSteps;
import io.shadowscale.udf.TelemetryBucketer;
import io.shadowscale.udf.TelemetryCombiner;
import io.shadowscale.udf.TenantSurgeGate;
import io.shadowscale.udf.TelemetryValidator;
import io.shadowscale.udf.ValidTelemetryWatermarks;
import io.shadowscale.udf.model.BucketPartial;
import io.shadowscale.udf.model.DeadLetter;
import io.shadowscale.udf.model.EnrichedRollup;
import io.shadowscale.udf.model.CompactHorizon;
import io.shadowscale.udf.model.OrchestratorInput;
import io.shadowscale.udf.model.RawTelemetry;
import io.shadowscale.udf.model.Residual;

/**
 * The job graph, built from injected sources; the caller attaches sinks to the returned streams.
 *
 * <pre>
 *  telemetry (RawTelemetry, per-partition watermarks over valid records only)
 *     │
 *  validate ──────────────── rejects ─────────────────────────┐
 *     │ TelemetryEvent                                         │
 *  pre-aggregate (chained: partial buckets, sent at watermark/barrier)
 *     │ BucketPartial                                          │
 *  keyBy(tenant/workload) → bucket (5 min, event time) ─ late ─┤→ dead letters
 *     │ TelemetryRollup ──────────────────────────────────────────→ rollups
 *  keyBy → profile ◄── broadcast ── external events (no watermark hold-back)
 *     │ EnrichedRollup (+ covariates) ── profiles ────────────────→ profiles
 *  keyBy → score (ONNX, batched) ◄── broadcast ── model releases
 *     │    ├─ residuals ─→ novelty → CEP patterns ────────────────→ anomalies
 *     │    └─ refused releases ───────────────────────────────────→ model alerts
 *     │ ShadowHorizon ──── steps ─────────────────────────────────→ shadows
 *     │ CompactHorizon (what the pool, the orchestrator and the shadow arms read)
 *  keyBy → relay ── every strategy simulated on actual use (shadow arms) → strategy outcomes
 *     ├─ keyBy(region) → pool sums (members not peaking together) ─→ pool shadows
 *  union(allocations, anomalies) keyBy → orchestrate ◄── broadcast ── control ──→ commands
 * </pre>
 *
 * Every stateful operator has a uid, so savepoints survive changes to the graph around it.
 */
public final class ShadowPipeline {

    private ShadowPipeline() {}

    /** What feeds the job. {@code allocations} may be null when no platform reports allocations. */
    public interface Sources {
        DataStream<RawTelemetry> telemetry(StreamExecutionEnvironment env, WatermarkStrategy<RawTelemetry> watermarks);

        DataStream<AllocationUpdate> allocations(StreamExecutionEnvironment env);

        /** Operator control of the orchestrator (kill switch, dry-run tenants); null when there is none. Watermarks are the pipeline's. */
        default DataStream<ScalingControl> scalingControl(StreamExecutionEnvironment env) {
            return null;
        }

        /** Campaigns, holidays and trends; null when there are none. Timestamps and watermarks are the pipeline's. */
        default DataStream<ExternalEvent> externalEvents(StreamExecutionEnvironment env) {
            return null;
        }

        /** Model releases to swap in while running; null when there are none. Watermarks are the pipeline's. */
        default DataStream<ModelRelease> modelReleases(StreamExecutionEnvironment env) {
            return null;
        }
    }

    /** The job's outputs, for the caller to sink (production: Kafka and Iceberg; tests: collect). */
    public static final class Outputs {
        public final DataStream<TelemetryRollup> rollups;
        public final DataStream<ResourceShadow> shadows;
        public final DataStream<ScalingCommand> commands;
        public final DataStream<Anomaly> anomalies;
        public final DataStream<DeadLetter> deadLetters;
        /** Workload profiles (hourly and on change), for the profiles table. */
        public DataStream<WorkloadProfile> profiles;
        /** Closed buckets with the covariates of their horizon, as the forecaster gets them. */
        public DataStream<EnrichedRollup> enriched;
        /** Summed shadows of the workloads that share a region, for the pool_shadows table. */
        public DataStream<PoolShadow> poolShadows;
        /** Every strategy simulated on every workload, per hour, for the strategy_outcomes table. */
        public DataStream<io.shadowscale.schema.StrategyOutcome> strategyOutcomes;
        /** Model releases the scorer refused (sha256 mismatch, load failure). */
        public DataStream<ModelAlert> modelAlerts;

        Outputs(DataStream<TelemetryRollup> rollups, DataStream<ResourceShadow> shadows, DataStream<ScalingCommand> commands,
                DataStream<Anomaly> anomalies, DataStream<DeadLetter> deadLetters) {
            this.rollups = rollups;
            this.shadows = shadows;
            this.commands = commands;
            this.anomalies = anomalies;
            this.deadLetters = deadLetters;
        }
    }

    public static Outputs build(StreamExecutionEnvironment env, Sources sources, ShadowOptions options) {
        options.validate();
        DataStream<RawTelemetry> raw = sources.telemetry(env, ValidTelemetryWatermarks.strategy(options));

        SingleOutputStreamOperator<TelemetryEvent> valid = raw
                .process(new TelemetryValidator())
                .uid("validate-telemetry").name("Validate telemetry");

        // one partial per workload and bucket crosses the keyBy instead of every sample (no state: see TelemetryCombiner)
        SingleOutputStreamOperator<TelemetryRollup> rollups = valid
                .transform("Pre-aggregate buckets", TypeInformation.of(BucketPartial.class), new TelemetryCombiner(options))
                .uid("pre-aggregate-telemetry")
                .keyBy(new Keys.OfPartial())
                .process(new TelemetryBucketer(options))
                .uid("bucket-telemetry").name("Bucket telemetry (" + options.bucketMs / 60_000 + " min)");

        DataStream<ExternalEvent> events = sources.externalEvents(env);
        if (events == null) {
            events = nothing(env, ExternalEvent.class, "No external events");
        }
        // MAX watermark on this input: the profiler's event time is the telemetry's alone, so a
        // quiet or finished events topic never holds it back (see SideInputWatermarks)
        BroadcastStream<ExternalEvent> calendar = events
                .assignTimestampsAndWatermarks(SideInputWatermarks.<ExternalEvent>strategy((e, ts) -> e.getStartTime().toEpochMilli())).name("External event timestamps")
                .broadcast(Descriptors.EXTERNAL_EVENTS);
        SingleOutputStreamOperator<EnrichedRollup> enriched = rollups
                .keyBy(new Keys.OfRollup())
                .connect(calendar)
                .process(new BehavioralProfiler(options))
                .uid("profile-workload").name("Profile workload + external events");

        DataStream<ModelRelease> releases = sources.modelReleases(env);
        if (releases == null) {
            releases = nothing(env, ModelRelease.class, "No model releases");
        }
        // like the external events: a release applies when it arrives, and a quiet topic must not
        // hold back the scorer's event time
        DataStream<ModelRelease> broadcastReleases = releases
                .assignTimestampsAndWatermarks(SideInputWatermarks.<ModelRelease>strategy((r, ts) -> r.getReleasedAt().toEpochMilli())).name("Model release timestamps")
                .broadcast();
        SingleOutputStreamOperator<ShadowHorizon> horizons = enriched
                .keyBy(new Keys.OfEnriched())
                .connect(broadcastReleases)
                .transform("Forecast resource shadow (batched ONNX scoring)", TypeInformation.of(ShadowHorizon.class), new ForecastScorer(options))
                .uid("score-forecast");

        DataStream<ResourceShadow> shadows = horizons
                .flatMap(new ShadowSteps())
                .uid("shadow-steps").name("Shadow steps");

        DataStream<AllocationUpdate> allocations = sources.allocations(env);
        if (allocations == null) {
            allocations = nothing(env, AllocationUpdate.class, "No allocations")
                    .assignTimestampsAndWatermarks(WatermarkStrategy.noWatermarks())
                    .name("No allocations");
        }
        DataStream<ScalingControl> control = sources.scalingControl(env);
        if (control == null) {
            control = nothing(env, ScalingControl.class, "No scaling control");
        }
        // shadows and allocation reports share one keyed input, so the control can be broadcast alongside
        DataStream<Residual> residuals = horizons.getSideOutput(Descriptors.RESIDUALS);
        // the forecaster is keyed by workload already: its residuals and shadows stay on their
        // subtask (chained, not serialised) for the CEP patterns and the shadow arms
        DataStream<Anomaly> anomalies = AnomalyDetector.detect(
                        DataStreamUtils.reinterpretAsKeyedStream(residuals, new Keys.OfResidual(), Types.STRING), options)
                .keyBy(new AnomalyCooldown.ByWorkloadAndType())
                .process(new AnomalyCooldown(options.anomalyCooldownMs))
                .uid("anomaly-cooldown").name("De-duplicate anomalies");

        // what the pool, the orchestrator and the shadow arms read of each horizon, built once and
        // chained to the forecaster: it crosses their keyBy's instead of the Avro ShadowHorizon (see CompactHorizon)
        SingleOutputStreamOperator<CompactHorizon> compactHere = horizons
                .map(CompactHorizon::of).returns(CompactHorizon.class).uid("compact-shadows").name("Compact shadows");
        // one edge out of the forecaster's task (the thread that bounds the job); the arms chain to
        // the relay, and the edges to the orchestrator and the pool leave from its task
        SingleOutputStreamOperator<CompactHorizon> compact = compactHere
                .keyBy(new Keys.OfCompact())
                .map(c -> c).returns(CompactHorizon.class).uid("relay-shadows").name("Relay compact shadows");
        DataStream<OrchestratorInput> orchestratorInput = compact
                .map(OrchestratorInput::of).returns(OrchestratorInput.class).uid("orchestrator-shadows").name("Shadows to orchestrator")
                .union(allocations.assignTimestampsAndWatermarks(
                        WatermarkStrategy.<AllocationUpdate>forBoundedOutOfOrderness(Duration.ofMillis(options.outOfOrdernessMs))
                                .withTimestampAssigner((a, ts) -> a.getReportedAt().toEpochMilli())
                                .withIdleness(Duration.ofMillis(options.idlenessMs))).name("Allocation watermarks")
                        .map(OrchestratorInput::of).returns(OrchestratorInput.class).uid("orchestrator-allocations").name("Allocations to orchestrator"))
                // anomalies put workloads in safe mode and cap scale-ups during unexplained surges
                .union(anomalies.map(OrchestratorInput::of).returns(OrchestratorInput.class).uid("orchestrator-anomalies").name("Anomalies to orchestrator"));
        BroadcastStream<ScalingControl> controls = control
                .assignTimestampsAndWatermarks(SideInputWatermarks.<ScalingControl>strategy((c, ts) -> c.getIssuedAt().toEpochMilli())).name("Scaling control timestamps")
                .broadcast(Descriptors.SCALING_CONTROL);
        DataStream<ScalingCommand> commands = orchestratorInput
                .keyBy(new Keys.OfOrchestratorInput())
                .connect(controls)
                .process(new ScalingOrchestrator(options))
                .uid("orchestrate-scaling").name("Orchestrate scaling")
                // one budget per tenant for scale-ups during unexplained surges
                .keyBy(new TenantSurgeGate.ByTenant())
                .process(new TenantSurgeGate(options.tenantSurgeBudgetPerHour))
                .uid("tenant-surge-budget").name("Tenant surge budget");



        DataStream<DeadLetter> deadLetters = valid.getSideOutput(Descriptors.DEAD_LETTERS)
                .union(rollups.getSideOutput(Descriptors.DEAD_LETTERS));

        Outputs out = new Outputs(rollups, shadows, commands, anomalies, deadLetters);
        out.profiles = enriched.getSideOutput(Descriptors.PROFILES);
        out.poolShadows = compact
                .keyBy(new PoolShadowAggregator.OfPool())
                .process(new PoolShadowAggregator(options))
                .uid("pool-shadows").name("Pool shadows (by region)");
        // its own task: off the forecaster's thread, which bounds the throughput (see StrategyEvaluator)
        out.strategyOutcomes = DataStreamUtils.reinterpretAsKeyedStream(compact, new Keys.OfCompact(), Types.STRING)
                .process(new io.shadowscale.udf.StrategyEvaluator(options))
                .uid("strategy-outcomes").name("Shadow arms: every strategy on every workload");
        out.enriched = enriched;
        out.modelAlerts = horizons.getSideOutput(Descriptors.MODEL_ALERTS);
        return out;
    }

    /**
     * A bounded stream without elements. {@code fromData} cannot make one (no elements fails, an
     * empty collection fails at run time), so one number is read and dropped.
     */
    static <T> DataStream<T> nothing(StreamExecutionEnvironment env, Class<T> type, String name) {
        return env.fromSequence(0, 0).name(name).flatMap(new DropAll<T>()).returns(TypeInformation.of(type)).name(name);
    }

    private static final class DropAll<T> implements org.apache.flink.api.common.functions.FlatMapFunction<Long, T> {
        @Override
        public void flatMap(Long value, org.apache.flink.util.Collector<T> out) {
            // emits nothing
        }
    }
}
