package io.shadowscale.jobs.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.shadowscale.jobs.bench.BenchRunner;
import io.shadowscale.jobs.bench.BenchSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shadowscale bench}: throughput, latency and state size of the whole job against Flink's own
 * ceiling measured in the same run ({@link BenchRunner}). Progress on stderr; the result on stdout
 * (a table, or one JSON object with {@code --json}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = BenchScoringCommand.class,
        description = {"Benchmarks the full job graph (generated telemetry in the job, no Kafka; outputs discarded) against a",
                "pass-through graph (the same generator → keyBy → discard) in the same run, and measures",
                "bucket-close → shadow latency and state bytes per workload (savepoint after 7 days of history).",
                "Microbenchmarks of the hot paths (JMH): bench/run.sh"})
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--tenants", defaultValue = "1000", description = "Tenants (default: ${DEFAULT-VALUE}).")
    int tenants;

    @Option(names = "--workloads-per-tenant", defaultValue = "10", description = "Workloads per tenant (default: ${DEFAULT-VALUE}).")
    int workloadsPerTenant;

    @Option(names = "--events", defaultValue = "0",
            description = "Telemetry events per run, samples of every workload in turn (default: 3 hours of samples per workload, 180 at one-minute samples).")
    long events;

    @Option(names = "--sample-interval", defaultValue = "60", paramLabel = "SECONDS",
            description = "Seconds between two samples of a workload (telemetry's intervalMs; agents scrape every 10-30 s); the default counts of samples scale to the same event time (default: ${DEFAULT-VALUE}).")
    long sampleIntervalSeconds;

    @Option(names = "--parallelism", split = ",", defaultValue = "1,2",
            description = "Parallelisms to run, e.g. 1,2 (default: ${DEFAULT-VALUE}); the first is the headline.")
    List<Integer> parallelisms = new ArrayList<>();

    @Option(names = "--repeat", defaultValue = "1", description = "Runs of each graph per parallelism, alternating; medians reported; the paced latency run as often, its latencies pooled (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--warmup-samples", defaultValue = "-1",
            description = "Samples per workload before the measured window (default: 65 minutes of samples, 65 at one-minute samples: the model needs an hour of buckets).")
    long warmup;

    @Option(names = "--latency-samples", defaultValue = "-1",
            description = "Samples per workload of the paced latency run after its warm-up; 0 skips it (default: 30 minutes of samples, 30 at one-minute samples).")
    long latencyTicks;

    @Option(names = "--latency-rate", defaultValue = "0",
            description = "Events/s of the paced latency run (default: half the pipeline throughput just measured).")
    double latencyRate;

    @Option(names = "--checkpoint-interval-ms", defaultValue = "0", description = "Checkpoint the throughput runs this often (default: no checkpoints).")
    long checkpointIntervalMs;

    @Option(names = "--state-workloads", defaultValue = "100", description = "Workloads of the state-size run; 0 skips it (default: ${DEFAULT-VALUE}).")
    int stateWorkloads;

    @Option(names = "--state-days", defaultValue = "7", description = "Days of history before the state savepoint (default: ${DEFAULT-VALUE}).")
    int stateDays;

    @Option(names = "--forecaster", defaultValue = "onnx", description = "onnx or fallback, as the job's option (default: ${DEFAULT-VALUE}).")
    String forecaster;

    @Option(names = "--scoring-pipelined", defaultValue = "true", arity = "1", paramLabel = "true|false",
            description = "Run full scoring batches on a scoring thread while the forecaster fills the next, as the job's option (default: ${DEFAULT-VALUE}).")
    boolean scoringPipelined;

    @Option(names = "--no-pre-aggregate", description = "Send every sample to the bucketer on its own (the job without local pre-aggregation), for comparison.")
    boolean noPreAggregate;

    @Option(names = "--no-profile", description = "Do not record a JFR profile of the first pipeline run (no ONNX CPU share then).")
    boolean noProfile;

    @Option(names = "--profile-file", paramLabel = "FILE", description = "Keep the JFR recording of the first pipeline run here (open it with `jfr print` or JMC).")
    Path profileFile;

    @Option(names = "--hot-methods", defaultValue = "0", description = "Print the N most sampled methods of the profile on stderr (default: none).")
    int hotMethods;

    @Option(names = "--json", description = "Print one JSON object on stdout: pipeline_eps, passthrough_eps, ratio, latency_p50_ms, latency_p99_ms, state_bytes_per_workload, ...")
    boolean json;

    @Override
    public Integer call() throws Exception {
        BenchSettings s = settings();
        PrintStream progress = System.err;
        progress.printf(Locale.ROOT, "bench: %,d workloads (%d tenants × %d), %,d events per run (a sample every %d s), parallelism %s, forecaster %s%n",
                s.workloads(), s.tenants, s.workloadsPerTenant, s.ticks() * s.workloads(), s.sampleIntervalMs / 1000, s.parallelisms, s.forecaster);
        BenchRunner runner = new BenchRunner(s, progress);
        BenchRunner.Report report = runner.run();
        Map<String, Object> result = summary(report);
        if (report.latency() != null) {
            result.put("latency_rate_eps", Math.round(runner.pacedRate()));
            result.put("latency_achieved_eps", Math.round(runner.pacedAchieved()));
        }
        if (hotMethods > 0 && report.profile() != null) {
            progress.println("hot methods (self, share of sampled CPU):");
            progress.print(report.profile().table(report.profile().self, hotMethods));
            progress.println("our methods on the stack (total, share of sampled CPU):");
            progress.print(report.profile().table(report.profile().ours, hotMethods));
        }
        if (json) {
            System.out.println(new ObjectMapper().writeValueAsString(result));
        } else {
            System.out.print(text(result));
        }
        return 0;
    }

    BenchSettings settings() {
        if (tenants < 1 || workloadsPerTenant < 1) {
            throw new CliException("--tenants and --workloads-per-tenant must be at least 1");
        }
        if ((long) tenants * workloadsPerTenant > 1_000_000) {
            throw new CliException("at most 1,000,000 workloads, got " + (long) tenants * workloadsPerTenant);
        }
        if (events < 0) {
            throw new CliException("--events must not be negative");
        }
        if (parallelisms.isEmpty() || parallelisms.stream().anyMatch(p -> p < 1 || p > 64)) {
            throw new CliException("--parallelism takes numbers from 1 to 64, e.g. 1,2");
        }
        if (repeat < 1 || repeat > 20) {
            throw new CliException("--repeat must be between 1 and 20");
        }
        if (stateWorkloads < 0 || stateDays < 1 || stateDays > 60) {
            throw new CliException("--state-workloads must not be negative and --state-days must be between 1 and 60");
        }
        if (sampleIntervalSeconds < 1 || sampleIntervalSeconds > 300 || 300 % sampleIntervalSeconds != 0) {
            throw new CliException("--sample-interval must divide the 5-minute bucket (1 to 300 seconds, e.g. 10, 15, 30 or 60), got " + sampleIntervalSeconds);
        }
        if (warmup == -1) {
            warmup = 65 * 60 / sampleIntervalSeconds;
        }
        if (latencyTicks == -1) {
            latencyTicks = 30 * 60 / sampleIntervalSeconds;
        }
        if (warmup < 0 || latencyTicks < 0 || latencyRate < 0) {
            throw new CliException("--warmup-samples, --latency-samples and --latency-rate must not be negative");
        }
        if (!"onnx".equals(forecaster) && !"fallback".equals(forecaster)) {
            throw new CliException("--forecaster must be onnx or fallback");
        }
        BenchSettings s = new BenchSettings();
        s.tenants = tenants;
        s.workloadsPerTenant = workloadsPerTenant;
        s.events = events;
        s.sampleIntervalMs = sampleIntervalSeconds * 1000;
        s.parallelisms = List.copyOf(parallelisms);
        s.repeat = repeat;
        s.warmupTicks = warmup;
        s.checkpointIntervalMs = checkpointIntervalMs;
        s.latencyTicks = latencyTicks;
        s.latencyRate = latencyRate;
        s.stateWorkloads = stateWorkloads;
        s.stateDays = stateDays;
        s.forecaster = forecaster;
        s.scoringPipelined = scoringPipelined;
        s.profile = !noProfile;
        s.preAggregate = !noPreAggregate;
        s.profileFile = profileFile;
        return s;
    }

    /** The figures: headline (first parallelism) first, then per parallelism, state and the targets. */
    static Map<String, Object> summary(BenchRunner.Report r) {
        BenchSettings s = r.settings();
        List<Map<String, Object>> perP = new ArrayList<>();
        for (int p : s.parallelisms) {
            List<BenchRunner.Run> pass = r.runs().stream().filter(x -> x.parallelism() == p && x.graph().equals("pass-through")).toList();
            List<BenchRunner.Run> pipe = r.runs().stream().filter(x -> x.parallelism() == p && x.graph().equals("pipeline")).toList();
            double passEps = median(pass.stream().mapToDouble(BenchRunner.Run::eps).toArray());
            double pipeEps = median(pipe.stream().mapToDouble(BenchRunner.Run::eps).toArray());
            TreeMap<Integer, Integer> latency = new TreeMap<>();
            pipe.forEach(x -> x.latencyMs().forEach((k, v) -> latency.merge(k, v, Integer::sum)));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("parallelism", p);
            m.put("pipeline_eps", round(pipeEps));
            m.put("passthrough_eps", round(passEps));
            m.put("ratio", round3(pipeEps / passEps));
            // the same per CPU-second of this JVM: steadier than wall-clock rates on a shared machine
            double pipeCpu = median(pipe.stream().mapToDouble(BenchRunner.Run::eventsPerCpuSecond).toArray());
            double passCpu = median(pass.stream().mapToDouble(BenchRunner.Run::eventsPerCpuSecond).toArray());
            m.put("pipeline_events_per_cpu_s", round(pipeCpu));
            m.put("passthrough_events_per_cpu_s", round(passCpu));
            m.put("cpu_ratio", round3(pipeCpu / passCpu));
            // a saturated replay: buckets close while the job is busy with the next ones, so this is mostly queueing
            m.put("saturated_latency_p50_ms", BenchRunner.percentile(latency, 0.50));
            m.put("saturated_latency_p99_ms", BenchRunner.percentile(latency, 0.99));
            m.put("saturated_latency_samples", latency.values().stream().mapToLong(Integer::longValue).sum());
            m.put("outputs", pipe.isEmpty() ? Map.of() : pipe.get(0).outputs());
            perP.add(m);
        }
        Map<String, Object> head = perP.get(0);
        Map<String, Object> out = new LinkedHashMap<>();
        for (String k : List.of("pipeline_eps", "passthrough_eps", "ratio", "pipeline_events_per_cpu_s", "passthrough_events_per_cpu_s", "cpu_ratio")) {
            out.put(k, head.get(k));
        }
        if (r.latency() != null) {
            TreeMap<Integer, Integer> paced = r.latency().latencyMs();
            out.put("latency_p50_ms", BenchRunner.percentile(paced, 0.50));
            out.put("latency_p99_ms", BenchRunner.percentile(paced, 0.99));
            out.put("latency_max_ms", paced.isEmpty() ? Double.NaN : (double) paced.lastKey());
            out.put("latency_samples", paced.values().stream().mapToLong(Integer::longValue).sum());
        } else {
            out.put("latency_p50_ms", head.get("saturated_latency_p50_ms"));
            out.put("latency_p99_ms", head.get("saturated_latency_p99_ms"));
        }
        out.put("state_bytes_per_workload", r.state() == null ? null : round(r.state().bytesPerWorkload()));
        out.put("onnx_cpu_share", r.profile() == null ? null : round3(r.profile().onnxShare()));
        out.put("parallelism", head.get("parallelism"));
        out.put("workloads", s.workloads());
        out.put("events_per_run", s.ticks() * s.workloads());
        out.put("sample_interval_s", s.sampleIntervalMs / 1000);
        out.put("pre_aggregate", s.preAggregate);
        out.put("forecaster", s.forecaster);
        out.put("scoring_pipelined", s.scoringPipelined);
        out.put("by_parallelism", perP);
        if (r.state() != null) {
            out.put("state_workloads", r.state().workloads());
            out.put("state_days", r.state().days());
            out.put("state_bytes_by_operator", perWorkload(r.state()));
        }
        Map<String, Object> targets = new LinkedHashMap<>();
        targets.put("ratio_at_least_0.5", (double) head.get("ratio") >= 0.5);
        targets.put("pipeline_eps_at_least_100000", (double) head.get("pipeline_eps") >= 100_000);
        targets.put("latency_p99_under_500_ms", (double) out.get("latency_p99_ms") < 500);
        targets.put("state_under_64_KiB_per_workload", r.state() == null ? null : r.state().bytesPerWorkload() < 64 * 1024);
        out.put("targets", targets);
        return out;
    }

    private static Map<String, Long> perWorkload(BenchRunner.State st) {
        Map<String, Long> m = new LinkedHashMap<>();
        st.operatorBytes().forEach((k, v) -> m.put(k, Math.round(v / (double) st.workloads())));
        return m;
    }

    @SuppressWarnings("unchecked")
    static String text(Map<String, Object> r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%,d workloads, %,d events per run (a sample every %d s), forecaster %s%n", r.get("workloads"), r.get("events_per_run"),
                ((Number) r.get("sample_interval_s")).longValue(), r.get("forecaster")));
        sb.append(String.format(Locale.ROOT, "%-12s %14s %18s %7s %18s %22s %9s %22s%n", "parallelism", "pipeline ev/s", "pass-through ev/s", "ratio",
                "pipeline ev/CPU-s", "pass-through ev/CPU-s", "CPU ratio", "saturated p50/p99 ms"));
        for (Map<String, Object> m : (List<Map<String, Object>>) r.get("by_parallelism")) {
            sb.append(String.format(Locale.ROOT, "%-12d %,14.0f %,18.0f %7.3f %,18.0f %,22.0f %9.3f %11.0f / %-8.0f%n", m.get("parallelism"), m.get("pipeline_eps"),
                    m.get("passthrough_eps"), m.get("ratio"), m.get("pipeline_events_per_cpu_s"), m.get("passthrough_events_per_cpu_s"), m.get("cpu_ratio"),
                    m.get("saturated_latency_p50_ms"), m.get("saturated_latency_p99_ms")));
        }
        sb.append(String.format(Locale.ROOT, "bucket close → shadow latency%s: p50 %.0f ms, p99 %.0f ms%n",
                r.containsKey("latency_rate_eps") ? String.format(Locale.ROOT, " (paced at %,.0f events/s asked, %,.0f reached)",
                        ((Number) r.get("latency_rate_eps")).doubleValue(), ((Number) r.get("latency_achieved_eps")).doubleValue()) : "",
                r.get("latency_p50_ms"), r.get("latency_p99_ms")));
        if (r.get("state_bytes_per_workload") != null) {
            sb.append(String.format(Locale.ROOT, "state: %,.0f bytes per workload after %s days (savepoint of %s workloads); by operator: %s%n",
                    r.get("state_bytes_per_workload"), r.get("state_days"), r.get("state_workloads"), r.get("state_bytes_by_operator")));
        }
        if (r.get("onnx_cpu_share") != null) {
            sb.append(String.format(Locale.ROOT, "ONNX scoring: %.1f%% of sampled CPU in the measured window (JFR)%n", 100 * (double) r.get("onnx_cpu_share")));
        }
        sb.append("targets: ").append(r.get("targets")).append(System.lineSeparator());
        return sb.toString();
    }

    private static double median(double[] x) {
        if (x.length == 0) {
            return Double.NaN;
        }
        double[] c = x.clone();
        java.util.Arrays.sort(c);
        return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
    }

    private static double round(double v) {
        return Double.isFinite(v) ? Math.round(v) : v;
    }

    private static double round3(double v) {
        return Double.isFinite(v) ? Math.round(v * 1000) / 1000.0 : v;
    }
}
