package io.shadowscale.udf;

import java.io.Serializable;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import org.apache.flink.util.ParameterTool;

/**
 * Every tunable of the job in one place, with its default. Functions take this object (it is
 * serialised into the job graph), the CLI and {@code ShadowJob} fill it from {@code --name value}
 * arguments with {@link #fromParameters(ParameterTool)}.
 */
public class ShadowOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    // --- buckets and watermarks
    /** Length of a profiling/forecast bucket. */
    public long bucketMs = Duration.ofMinutes(5).toMillis();
    /** Forecast steps of {@link #bucketMs} each: 12 × 5 min = the next hour. */
    public int horizonSteps = 12;
    /** How far out of order telemetry may arrive and still land in its bucket. */
    public long outOfOrdernessMs = Duration.ofMinutes(2).toMillis();
    /** A Kafka partition without records for this long stops holding back the watermark. */
    public long idlenessMs = Duration.ofMinutes(1).toMillis();
    /** Telemetry stamped further than this ahead of the wall clock is rejected. */
    public long maxFutureSkewMs = Duration.ofHours(1).toMillis();
    /** Telemetry further than this ahead of the latest event time of its partition is rejected. */
    public long maxAheadOfPartitionMs = Duration.ofHours(6).toMillis();
    /**
     * Local pre-aggregation before the bucketer's keyBy: the most (workload, bucket) partials one
     * subtask holds before it sends them all early; 0 sends every sample on its own (no pre-aggregation).
     */
    public int preAggregateMaxEntries = 100_000;
    /**
     * Watermark alignment: how far in event time one Kafka partition may read ahead of the slowest;
     * 0 turns alignment off (bounded reads must: the Kafka connector 5.0 fails pausing a split
     * that has already reached its end offset).
     */
    public long maxPartitionDriftMs = Duration.ofMinutes(30).toMillis();
    /** Per-workload state is dropped after this much event time without telemetry. */
    public long idleStateTimeoutMs = Duration.ofDays(1).toMillis();

    // --- forecasting
    /** {@code onnx}: the bundled ONNX model, with the fallback for cold starts and broken outputs; {@code fallback}: Java only. */
    public String forecaster = "onnx";
    /** Bundled model (classpath {@code models/<name>.onnx} with its card). */
    public String modelName = "shadow-mlp-v3";
    /** ONNX Runtime intra-op threads per TaskManager session. */
    public int onnxThreads = 1;
    /**
     * How strongly each resource (cpu, memory, network_in, network_out, storage) follows a
     * campaign's announced extra load; see {@code EventEffect}. {@code --campaign-elasticity 0.8,0.3,1,1,0}.
     */
    public double[] campaignElasticity = io.shadowscale.udf.logic.forecast.EventEffect.DEFAULT_ELASTICITY.clone();
    /** ONNX Runtime inter-op threads per TaskManager session (parallel branches of the graph; 1 for an MLP). */
    public int onnxInterOpThreads = 1;
    /**
     * Where the default model is when not bundled: a directory holding {@code <modelName>.onnx} and
     * its card, or a {@code file:}/{@code http(s):} URI of the {@code .onnx} file; null = bundled.
     */
    public String modelUri = null;
    /** The scorer runs the model once this many workloads wait ... */
    public int scoringBatchSize = 256;
    /** ... or once the oldest has waited this long (processing time), whichever comes first. */
    public long scoringBatchTimeoutMs = 100;
    /**
     * A full batch runs on a scoring thread of its own while the task fills the next one (its
     * answers go out when the next batch is full, at the timeout, the watermark or the barrier);
     * false: the task runs it and waits.
     */
    public boolean scoringPipelined = true;

    // --- scaling policy (defaults tuned with `backtest scaling` on the Bitbrains VMs, see README)
    public String policyName = "shadowscale-v1";
    /** Quantile of the shadow the policy provisions for: 50, 90 or 99. */
    public int provisionQuantile = 50;
    public double targetCpuUtilization = 0.70;
    public double targetMemoryUtilization = 0.80;
    public double targetStorageUtilization = 0.75;
    /** Scale in only when the upper quantile ({@link #scaleInQuantile}) over the whole horizon stays below this share of the allocation. */
    public double scaleInUtilization = 0.70;
    /** The upper quantile the scale-in condition reads: 90 or 99. */
    public int scaleInQuantile = 90;
    public long scaleInStabilizationMs = Duration.ofMinutes(15).toMillis();
    public long leadTimeInPlaceMs = Duration.ofMinutes(1).toMillis();
    public long leadTimeScaleOutMs = Duration.ofMinutes(4).toMillis();
    public long cooldownMs = Duration.ofMinutes(10).toMillis();
    /** A command expires this long after it becomes effective. */
    public long commandTtlMs = Duration.ofMinutes(30).toMillis();
    public int minReplicas = 1;
    public int maxReplicas = 100;
    /** Largest change of the replica count in one command, as a share of the current count (at least 1 replica). */
    public double maxStepFraction = 1.0;
    /** Assumed until the platform reports an allocation on the allocations topic. */
    public double defaultCpuPerReplica = 2.0;
    public long defaultMemoryPerReplicaBytes = 4L << 30;
    /** Largest per-replica size an in-place resize may reach (instance limits). */
    public double maxCpuPerReplica = 8.0;
    public long maxMemoryPerReplicaBytes = 32L << 30;
    /** Forecast-only: every command is emitted with dryRun=true. */
    public boolean dryRun = false;
    /** Tenants in forecast-only mode. */
    public Set<String> dryRunTenants = new HashSet<>();
    /** Scale in at the replica floor by shrinking each replica only when it shrinks to this share of its size or less. */
    public double minShrinkRatio = 0.90;
    /** The pricing catalogue's CSV text ({@code --pricing FILE} is read where the job is built); null = the bundled one. */
    public String pricingCsv;
    /** The strategy catalogue's text (A/B arms and shadow arms); null = the bundled {@code flink-conf/strategies.properties}. */
    public String strategiesText;
    /** Run each workload live with the strategy of its A/B arm (the catalogue's {@code ab.arms}); off: every workload runs these options. */
    public boolean liveArms = false;
    /** Where {@link #pricingCsv} came from, for messages. */
    public String pricingSource = "";

    // --- anomalies
    /** Consecutive buckets above p90 that make a sustained surge. */
    public int surgeBuckets = 3;
    /** ... and by at least this share above the median. */
    public double surgeMinRelativeExcess = 0.3;
    /** Consecutive buckets far below p50 that make a drop. */
    public int dropBuckets = 3;
    /** A spike is beyond p99 by this many (p99 - p50) band widths. */
    public double spikeBandWidths = 1.0;
    /** Smallest CPU excess (cores) worth calling an anomaly, so idle noise is not flagged. */
    public double minCpuExcessCores = 0.25;
    /**
     * Buckets of a workload the novelty scorer sees before its new records may raise anomalies: one
     * day of 5-minute buckets, the learning period (before it everything is a record).
     */
    public int noveltyWarmupBuckets = 288;
    /**
     * Novelty score a record needs to raise an anomaly on its own (0.5 = just past the old range, 0.6 =
     * beyond it by a quarter of the range): workloads with routines touch their records now and then.
     */
    public double noveltyMinScore = 0.6;
    /** An anomaly of the same type on the same workload within this long after the last one is the same incident. */
    public long anomalyCooldownMs = Duration.ofMinutes(30).toMillis();
    /** During an unexplained surge, scale-ups stop at the capacity it found plus this share of it. */
    public double unexplainedSurgeBudget = 0.5;
    /**
     * Extra hourly cost (in the pricing catalogue's currency) that the scale-ups of all of one tenant's
     * workloads under unexplained surges may add together; commands beyond it are held.
     */
    public double tenantSurgeBudgetPerHour = 2.0;

    // --- behavioural profiles and external events
    /**
     * Per-tenant additions to the external data sources a workload subscribes to (trend keywords,
     * holiday subdivision, country, time zone), see {@code EventSubscription.parseConfig}; e.g.
     * {@code acme-retail:keywords=black friday|cyber monday;globex-bank:subdivision=ny}.
     */
    public String eventSubscriptions = "";
    /** A workload's profile is written once it has this much history: before, its tags say nothing. */
    public long profileMinHistoryMs = Duration.ofHours(6).toMillis();
    /**
     * A workload's profile (7 days of history) is dropped after this much event time without
     * telemetry, and the state TTL drops it after as much processing time as a backstop.
     */
    public long profileStateTtlMs = Duration.ofDays(7).toMillis();
    /** An external event is dropped this long after its end (holidays are local days: up to 14 h past their UTC end). */
    public long eventRetentionMs = Duration.ofDays(1).toMillis();

    public static ShadowOptions defaults() {
        return new ShadowOptions();
    }

    /** Reads {@code --bucket-minutes 5 --dry-run-tenants a,b ...}; unknown keys are ignored here (the CLI validates). */
    public static ShadowOptions fromParameters(ParameterTool p) {
        return new ShadowOptions().apply(p);
    }

    /** Sets the options {@code p} names, keeping this object's values for the others; validates. */
    public ShadowOptions apply(ParameterTool p) {
        ShadowOptions o = this;
        o.bucketMs = Duration.ofMinutes(p.getLong("bucket-minutes", o.bucketMs / 60_000)).toMillis();
        o.horizonSteps = p.getInt("horizon-steps", o.horizonSteps);
        o.outOfOrdernessMs = p.getLong("out-of-orderness-ms", o.outOfOrdernessMs);
        o.maxAheadOfPartitionMs = p.getLong("max-ahead-ms", o.maxAheadOfPartitionMs);
        o.preAggregateMaxEntries = p.getInt("pre-aggregate-max-entries", o.preAggregateMaxEntries);
        o.provisionQuantile = p.getInt("quantile", o.provisionQuantile);
        o.targetCpuUtilization = p.getDouble("target-cpu-utilization", o.targetCpuUtilization);
        o.targetMemoryUtilization = p.getDouble("target-memory-utilization", o.targetMemoryUtilization);
        o.cooldownMs = Duration.ofMinutes(p.getLong("cooldown-minutes", o.cooldownMs / 60_000)).toMillis();
        o.minReplicas = p.getInt("min-replicas", o.minReplicas);
        o.maxReplicas = p.getInt("max-replicas", o.maxReplicas);
        o.dryRun = p.getBoolean("dry-run", o.dryRun);
        o.forecaster = p.get("forecaster", o.forecaster);
        o.modelName = p.get("model", o.modelName);
        o.onnxThreads = p.getInt("onnx-threads", o.onnxThreads);
        o.onnxInterOpThreads = p.getInt("onnx-inter-op-threads", o.onnxInterOpThreads);
        o.modelUri = p.get("model-uri", o.modelUri);
        o.scoringBatchSize = p.getInt("scoring-batch-size", o.scoringBatchSize);
        o.scoringBatchTimeoutMs = p.getLong("scoring-batch-timeout-ms", o.scoringBatchTimeoutMs);
        o.scoringPipelined = p.getBoolean("scoring-pipelined", o.scoringPipelined);
        o.eventSubscriptions = p.get("event-subscriptions", o.eventSubscriptions);
        String elasticity = p.get("campaign-elasticity", "");
        if (!elasticity.isBlank()) {
            try {
                o.campaignElasticity = Arrays.stream(elasticity.split(",")).mapToDouble(v -> Double.parseDouble(v.strip())).toArray();
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("campaign-elasticity must be 5 numbers (cpu,memory,network_in,network_out,storage), got '" + elasticity + "'");
            }
        }
        o.scaleInUtilization = p.getDouble("scale-in-utilization", o.scaleInUtilization);
        o.scaleInStabilizationMs = Duration.ofMinutes(p.getLong("scale-in-stabilization-minutes", o.scaleInStabilizationMs / 60_000)).toMillis();
        o.leadTimeInPlaceMs = Duration.ofSeconds(p.getLong("lead-time-in-place-seconds", o.leadTimeInPlaceMs / 1000)).toMillis();
        o.leadTimeScaleOutMs = Duration.ofSeconds(p.getLong("lead-time-scale-out-seconds", o.leadTimeScaleOutMs / 1000)).toMillis();
        o.maxStepFraction = p.getDouble("max-step", o.maxStepFraction);
        o.maxCpuPerReplica = p.getDouble("max-cpu-per-replica", o.maxCpuPerReplica);
        o.minShrinkRatio = p.getDouble("min-shrink-ratio", o.minShrinkRatio);
        o.scaleInQuantile = p.getInt("scale-in-quantile", o.scaleInQuantile);
        o.defaultCpuPerReplica = p.getDouble("default-cpu-per-replica", o.defaultCpuPerReplica);
        o.liveArms = p.getBoolean("live-arms", o.liveArms);
        o.unexplainedSurgeBudget = p.getDouble("unexplained-surge-budget", o.unexplainedSurgeBudget);
        o.tenantSurgeBudgetPerHour = p.getDouble("tenant-surge-budget-per-hour", o.tenantSurgeBudgetPerHour);
        o.noveltyMinScore = p.getDouble("novelty-min-score", o.noveltyMinScore);
        o.noveltyWarmupBuckets = p.getInt("novelty-warmup-buckets", o.noveltyWarmupBuckets);
        String strategies = p.get("strategies", "");
        if (!strategies.isBlank()) {
            o.strategiesText = readOptionFile("strategies", strategies);
            o.strategyCatalog(); // checked once where it is given, not on every copy a strategy makes
        }
        String pricing = p.get("pricing", "");
        if (!pricing.isBlank()) {
            o.pricingCsv = readOptionFile("pricing", pricing);
            o.pricingSource = pricing.strip();
        }
        String tenants = p.get("dry-run-tenants", "");
        if (!tenants.isBlank()) {
            o.dryRunTenants = new HashSet<>(Arrays.asList(tenants.split(",")));
        }
        o.validate();
        return o;
    }

    /** The text of the file an option names, read where the job is built (so it ships with the options). */
    private static String readOptionFile(String option, String path) {
        java.nio.file.Path file = java.nio.file.Path.of(path.strip());
        try {
            return java.nio.file.Files.readString(file);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot read --" + option + " " + file + ": " + e.getMessage());
        }
    }

    /** A deep copy (the options are serialisable), e.g. to derive a strategy from the job's options. */
    public ShadowOptions copy() {
        try {
            return org.apache.flink.util.InstantiationUtil.clone(this);
        } catch (java.io.IOException | ClassNotFoundException e) {
            throw new IllegalStateException("options cannot be copied", e);
        }
    }

    /** @throws IllegalArgumentException naming the option and what is allowed */
    public ShadowOptions validate() {
        require(bucketMs >= 60_000, "bucket-minutes must be at least 1");
        require(horizonSteps >= 1 && horizonSteps <= 288, "horizon-steps must be between 1 and 288");
        require(provisionQuantile == 50 || provisionQuantile == 90 || provisionQuantile == 99, "quantile must be 50, 90 or 99");
        require(targetCpuUtilization > 0 && targetCpuUtilization <= 1, "target-cpu-utilization must be in (0, 1]");
        require(targetMemoryUtilization > 0 && targetMemoryUtilization <= 1, "target-memory-utilization must be in (0, 1]");
        require(minReplicas >= 1 && maxReplicas >= minReplicas, "need 1 <= min-replicas <= max-replicas");
        require(outOfOrdernessMs >= 0, "out-of-orderness-ms must not be negative");
        require(preAggregateMaxEntries >= 0, "pre-aggregate-max-entries must not be negative");
        require("onnx".equals(forecaster) || "fallback".equals(forecaster), "forecaster must be onnx or fallback");
        require(onnxThreads >= 1, "onnx-threads must be at least 1");
        require(campaignElasticity != null && campaignElasticity.length == 5 && Arrays.stream(campaignElasticity).allMatch(v -> v >= 0 && v <= 5),
                "campaign-elasticity must be 5 numbers between 0 and 5 (cpu,memory,network_in,network_out,storage)");
        require(onnxInterOpThreads >= 1, "onnx-inter-op-threads must be at least 1");
        require(scoringBatchSize >= 1 && scoringBatchSize <= 4096, "scoring-batch-size must be between 1 and 4096");
        require(scoringBatchTimeoutMs >= 1, "scoring-batch-timeout-ms must be at least 1");
        require(scaleInUtilization > 0 && scaleInUtilization < 1, "scale-in-utilization must be in (0, 1)");
        require(scaleInStabilizationMs >= 0 && cooldownMs >= 0, "scale-in-stabilization-minutes and cooldown-minutes must not be negative");
        require(leadTimeInPlaceMs >= 0 && leadTimeScaleOutMs >= 0, "lead times must not be negative");
        require(maxStepFraction > 0, "max-step must be positive");
        require(scaleInQuantile == 90 || scaleInQuantile == 99, "scale-in-quantile must be 90 or 99");
        require(minShrinkRatio > 0 && minShrinkRatio <= 1, "min-shrink-ratio must be in (0, 1]");
        require(noveltyWarmupBuckets >= 0, "novelty-warmup-buckets must not be negative");
        require(noveltyMinScore >= 0.5 && noveltyMinScore <= 1, "novelty-min-score must be in [0.5, 1]");
        require(unexplainedSurgeBudget >= 0, "unexplained-surge-budget must not be negative");
        require(tenantSurgeBudgetPerHour >= 0, "tenant-surge-budget-per-hour must not be negative");
        // scale-up sizes to quantile ÷ target; if scale-in reads the same band at the same share it
        // fires right after every scale-up, and the policy flaps
        require(scaleInQuantile > provisionQuantile || scaleInUtilization < targetCpuUtilization,
                "scale-in needs a gap below scale-up: a higher scale-in-quantile than quantile, or a scale-in-utilization under target-cpu-utilization");
        pricingCatalog(); // throws naming the file and line
        io.shadowscale.udf.logic.events.EventSubscription.parseConfig(eventSubscriptions); // throws naming the bad part
        return this;
    }

    /** The catalogue commands are priced with. */
    /** The strategies of the A/B test: {@link #strategiesText} or the bundled catalogue. */
    public io.shadowscale.udf.logic.ab.StrategyCatalog strategyCatalog() {
        return strategiesText == null ? io.shadowscale.udf.logic.ab.StrategyCatalog.bundled()
                : io.shadowscale.udf.logic.ab.StrategyCatalog.parse(strategiesText, "--strategies");
    }

    public io.shadowscale.udf.logic.scaling.PricingCatalog pricingCatalog() {
        return pricingCsv == null ? io.shadowscale.udf.logic.scaling.PricingCatalog.bundled()
                : io.shadowscale.udf.logic.scaling.PricingCatalog.parse(pricingCsv, pricingSource);
    }

    public boolean isDryRun(String tenantId) {
        return dryRun || dryRunTenants.contains(tenantId);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
