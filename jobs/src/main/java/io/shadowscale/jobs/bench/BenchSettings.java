package io.shadowscale.jobs.bench;

import java.util.List;

/** What the benchmark runs; the CLI fills it ({@code shadowscale bench --help}). */
public final class BenchSettings {
    public int tenants = 1000;
    public int workloadsPerTenant = 10;
    /** Telemetry events per run; 0 means {@link #DEFAULT_TICKS} samples of every workload. */
    public long events;
    /** Each throughput run is made at each of these parallelisms; the first is the headline. */
    public List<Integer> parallelisms = List.of(1, 2);
    /** Pass-through and pipeline runs alternate this many times per parallelism; the medians are reported. */
    public int repeat = 1;
    /** Samples of every workload before the throughput window opens (the model needs an hour of buckets). */
    public long warmupTicks = 65;
    /** Samples per workload of the paced latency run after its warm-up; 0 skips it. */
    public long latencyTicks = 30;
    /** Events per second of the paced latency run; 0: half the pipeline's throughput measured at the first parallelism. */
    public double latencyRate;
    /** 0: no checkpoints in the throughput runs. */
    public long checkpointIntervalMs;
    /** Workloads of the state-size run (state per workload does not depend on their number); 0 skips it. */
    public int stateWorkloads = 100;
    /** Days of 5-minute samples the state-size run folds in before its savepoint. */
    public int stateDays = 7;
    /** "onnx" or "fallback", as the job's --forecaster. */
    public String forecaster = "onnx";
    /** As the job's --scoring-pipelined. */
    public boolean scoringPipelined = true;
    /** Record a JFR profile of the first pipeline run (ONNX share of CPU; hot methods). */
    public boolean profile = true;
    /** Where to keep that recording; null: a temporary file, deleted. */
    public java.nio.file.Path profileFile;
    public long seed = 42;
    /** Every workload sends a sample this often (telemetry's intervalMs); a 5-minute bucket holds bucket/interval of them. */
    public long sampleIntervalMs = 60_000;
    /** false: the job without local pre-aggregation before the bucketer (every sample crosses the keyBy), for comparison. */
    public boolean preAggregate = true;

    /** Default samples per workload at one-minute samples: 3 hours; scaled to the same event time for other intervals. */
    public static final long DEFAULT_TICKS = 180;

    public int workloads() {
        return tenants * workloadsPerTenant;
    }

    public long eventsPerRun() {
        return events > 0 ? events : DEFAULT_TICKS * 60_000 / sampleIntervalMs * workloads();
    }

    public long ticks() {
        return Math.max(1, eventsPerRun() / workloads());
    }

    /** Warm-up, capped at half the run so short runs still measure something. */
    public long effectiveWarmupTicks() {
        return Math.min(warmupTicks, ticks() / 2);
    }
}
