package io.shadowscale.jobs.bench;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

import io.shadowscale.jobs.ShadowPipeline;
import io.shadowscale.schema.AllocationUpdate;
import io.shadowscale.udf.ShadowOptions;
import io.shadowscale.udf.ValidTelemetryWatermarks;
import io.shadowscale.udf.model.RawTelemetry;

import jdk.jfr.Recording;

/**
 * Runs the benchmark: per parallelism, the pass-through ceiling (generated telemetry → keyBy →
 * discard) and the full job graph ({@link ShadowPipeline#build} fed by the same generator, every
 * output discarded) on a local cluster in this JVM, one after the other; then a state-size run
 * that folds {@link BenchSettings#stateDays} days of 5-minute samples into the job's state,
 * pauses its source and takes a savepoint. Progress goes to {@code progress}.
 */
public final class BenchRunner {

    private final BenchSettings s;
    private final PrintStream progress;

    public BenchRunner(BenchSettings settings, PrintStream progress) {
        this.s = settings;
        this.progress = progress;
    }

    /** One throughput run. */
    /**
     * One run. {@code cpuMs}: CPU time of this JVM (the local cluster and nothing else runs in it)
     * during the measured window; on a machine shared with other work, events per CPU-second is
     * steadier than events per wall-clock second.
     */
    public record Run(String graph, int parallelism, long events, long measuredEvents, long windowStartMs, long windowEndMs,
                      double eps, double cpuMs, Map<String, Long> outputs, TreeMap<Integer, Integer> latencyMs) {
        public long windowMs() {
            return windowEndMs - windowStartMs;
        }

        /** Events per second of CPU time in the window; NaN when the JVM does not report its CPU time. */
        public double eventsPerCpuSecond() {
            return cpuMs > 0 ? measuredEvents * 1000.0 / cpuMs : Double.NaN;
        }
    }

    /** The state-size run: a savepoint of the job after {@code days} of history. */
    public record State(int workloads, int days, long savepointBytes, Map<String, Long> operatorBytes) {
        public double bytesPerWorkload() {
            return savepointBytes / (double) workloads;
        }
    }

    /** {@code latency}: the paced run at the first parallelism, or null when skipped. */
    public record Report(BenchSettings settings, List<Run> runs, Run latency, State state, JfrProfile profile) {
    }

    public Report run() throws Exception {
        BenchWorkloads workloads = new BenchWorkloads(s.tenants, s.workloadsPerTenant, startFor(s.ticks(), s.sampleIntervalMs), s.sampleIntervalMs, s.seed);
        long events = s.ticks() * workloads.count();
        List<Run> runs = new ArrayList<>();
        JfrProfile profile = null;
        for (int p : s.parallelisms) {
            for (int i = 0; i < s.repeat; i++) {
                runs.add(passThrough(workloads, events, p));
                boolean record = s.profile && profile == null;
                Recording rec = record ? JfrProfile.start() : null;
                Run r = pipeline(workloads, events, p);
                runs.add(r);
                if (rec != null) {
                    profile = finishProfile(rec, r);
                }
            }
        }
        int head = s.parallelisms.get(0);
        double measured = runs.stream().filter(r -> r.parallelism() == head && r.graph().equals("pipeline"))
                .mapToDouble(Run::eps).min().orElse(workloads.count());
        // the paced run sees a handful of bursts: with --repeat it runs as often and its latencies are pooled
        Run latency = null;
        for (int i = 0; s.latencyTicks > 0 && i < s.repeat; i++) {
            Run r = paced(workloads, head, s.latencyRate > 0 ? s.latencyRate : measured / 2);
            pacedAchieved = i == 0 ? r.eps() : Math.min(pacedAchieved, r.eps());
            if (latency != null) {
                latency.latencyMs().forEach((ms, n) -> r.latencyMs().merge(ms, n, Integer::sum));
            }
            latency = r;
        }
        State state = s.stateWorkloads > 0 ? state() : null;
        return new Report(s, runs, latency, state, profile);
    }

    // ---- graphs

    private Run passThrough(BenchWorkloads w, long events, int p) throws Exception {
        StreamExecutionEnvironment env = environment(p, s.checkpointIntervalMs);
        ShadowOptions o = options();
        TelemetryGenerator gen = new TelemetryGenerator(w, TelemetryGenerator.Mode.RAW, o.maxFutureSkewMs, o.maxAheadOfPartitionMs);
        DataStream<RawTelemetry> raw = env.fromSource(new TelemetrySource(gen, w.count(), events), ValidTelemetryWatermarks.strategy(o), "Generated telemetry")
                .process(new Meter<>(w.count(), s.effectiveWarmupTicks()), TypeInformation.of(RawTelemetry.class)).name("Meter");
        tail(raw.keyBy(new PassThroughKey(w)), "passthrough");
        return execute(env, "pass-through", p, events);
    }

    private Run pipeline(BenchWorkloads w, long events, int p) throws Exception {
        StreamExecutionEnvironment env = environment(p, s.checkpointIntervalMs);
        ShadowPipeline.Outputs out = buildPipeline(env, new TelemetrySource(generator(w), w.count(), events), w, s.effectiveWarmupTicks());
        probeLatency(out, w.startMs + s.effectiveWarmupTicks() * w.intervalMs);
        return execute(env, "pipeline", p, events);
    }

    /**
     * The latency run: the warm-up at full speed, then {@link BenchSettings#latencyTicks} samples per
     * workload at {@code rate} events/s (by default half the throughput just measured), so buckets
     * close in bursts (every workload's bucket at once, as in production) with idle time between
     * them, and the latency is the time the job takes to turn a burst into shadows, not the
     * queueing of a saturated replay.
     */
    private Run paced(BenchWorkloads w, int p, double rate) throws Exception {
        long warm = s.warmupTicks;
        long events = (warm + s.latencyTicks) * w.count();
        StreamExecutionEnvironment env = environment(p, s.checkpointIntervalMs);
        ShadowPipeline.Outputs out = buildPipeline(env, new TelemetrySource(generator(w), w.count(), events, warm, rate, 0), w, warm);
        probeLatency(out, w.startMs + warm * w.intervalMs);
        progress.printf("latency: %d samples per workload at full speed, then %d at %,.0f events/s (a bucket closes every %.1f s)%n",
                warm, s.latencyTicks, rate, w.count() * (options().bucketMs / (double) w.intervalMs) / rate);
        Run r = execute(env, "latency", p, events);
        pacedRate = rate;
        return r;
    }

    private double pacedRate;

    /** Events/s of the latency run (after it ran), as asked. */
    public double pacedRate() {
        return pacedRate;
    }

    private double pacedAchieved;

    /** Events/s the latency runs reached after their warm-up (the slowest of them): the rate their latencies were measured at. */
    public double pacedAchieved() {
        return pacedAchieved;
    }

    private TelemetryGenerator generator(BenchWorkloads w) {
        ShadowOptions o = options();
        return new TelemetryGenerator(w, TelemetryGenerator.Mode.DECODE, o.maxFutureSkewMs, o.maxAheadOfPartitionMs);
    }

    private static void probeLatency(ShadowPipeline.Outputs out, long fromBucketEnd) {
        DataStream<Latency.Stamp> closed = out.rollups.map(new Latency.Closed()).name("Stamp: bucket closed");
        DataStream<Latency.Stamp> emitted = out.shadows.filter(r -> r.getStep() == 1).name("First step")
                .map(new Latency.Emitted()).name("Stamp: shadow emitted");
        closed.keyBy(new Latency.ByKey()).connect(emitted.keyBy(new Latency.ByKey()))
                .process(new Latency.Join(fromBucketEnd)).uid("bench-latency").name("Latency: close → shadow")
                .sinkTo(new DiscardingSink<>()).name("Discard");
    }

    private ShadowPipeline.Outputs buildPipeline(StreamExecutionEnvironment env, TelemetrySource source, BenchWorkloads w, long warmTicks) {
        ShadowOptions o = options();
        ShadowPipeline.Sources sources = new ShadowPipeline.Sources() {
            @Override
            public DataStream<RawTelemetry> telemetry(StreamExecutionEnvironment e, WatermarkStrategy<RawTelemetry> watermarks) {
                return e.fromSource(source, watermarks, "Generated telemetry")
                        .uid("source-telemetry")
                        .process(new Meter<>(w.count(), warmTicks), TypeInformation.of(RawTelemetry.class)).name("Meter");
            }

            @Override
            public DataStream<AllocationUpdate> allocations(StreamExecutionEnvironment e) {
                return null;
            }
        };
        ShadowPipeline.Outputs out = ShadowPipeline.build(env, sources, o);
        tail(out.rollups, "rollups");
        tail(out.shadows, "shadows");
        tail(out.commands, "commands");
        tail(out.anomalies, "anomalies");
        tail(out.deadLetters, "deadLetters");
        tail(out.profiles, "profiles");
        return out;
    }

    private static <T> void tail(DataStream<T> stream, String name) {
        stream.process(new Tail<T>(name), stream.getType()).name("Count " + name)
                .sinkTo(new DiscardingSink<>()).name("Discard " + name);
    }

    private ShadowOptions options() {
        ShadowOptions o = ShadowOptions.defaults();
        o.forecaster = s.forecaster;
        o.scoringPipelined = s.scoringPipelined;
        // the generator's readers cannot pause single splits; they move through event time in step anyway
        o.maxPartitionDriftMs = 0;
        if (!s.preAggregate) {
            o.preAggregateMaxEntries = 0;
        }
        return o.validate();
    }

    /** Keys the pass-through by workload like the job does, from the generator's table (nothing decoded). */
    static final class PassThroughKey implements KeySelector<RawTelemetry, String> {
        private final BenchWorkloads workloads;

        PassThroughKey(BenchWorkloads workloads) {
            this.workloads = workloads;
        }

        @Override
        public String getKey(RawTelemetry raw) {
            return workloads.key(raw.partition);
        }
    }

    // ---- running

    private StreamExecutionEnvironment environment(int p, long checkpointIntervalMs) {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.AUTO_WATERMARK_INTERVAL, Duration.ofMillis(200)); // as ShadowJob.jobConfiguration
        conf.set(PipelineOptions.OBJECT_REUSE, true);
        // accumulators reach the client with the heartbeats: often enough for progress lines
        conf.set(HeartbeatManagerOptions.HEARTBEAT_INTERVAL, Duration.ofSeconds(1));
        if (checkpointIntervalMs > 0) {
            conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(checkpointIntervalMs));
            conf.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        }
        return StreamExecutionEnvironment.createLocalEnvironment(p, conf);
    }

    private Run execute(StreamExecutionEnvironment env, String graph, int p, long events) throws Exception {
        progress.printf("%s, parallelism %d: %,d events ...%n", graph, p, events);
        long t0 = System.nanoTime();
        CpuClock cpu = new CpuClock();
        JobClient client = env.executeAsync("shadowscale bench: " + graph);
        CompletableFuture<JobExecutionResult> done = client.getJobExecutionResult();
        while (!done.isDone()) {
            try {
                done.get(5, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                long n = longAcc(accumulators(client), Meter.EVENTS);
                progress.printf("  %,d/%,d events (%.0f s)%n", n, events, (System.nanoTime() - t0) / 1e9);
            }
        }
        cpu.stop();
        Map<String, Object> acc = done.get().getAllAccumulatorResults();
        long total = longAcc(acc, Meter.EVENTS);
        long warmEvents = longAcc(acc, Meter.WARM_EVENTS);
        long warmStart = longAcc(acc, Meter.WARM_START_MS);
        long end = longAcc(acc, Meter.SOURCE_END_MS);
        Map<String, Long> outputs = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : acc.entrySet()) {
            if (e.getKey().startsWith(Tail.LAST_OUTPUT_MS)) {
                end = Math.max(end, (Long) e.getValue());
            } else if (e.getValue() instanceof Long v && !e.getKey().startsWith("warm") && !e.getKey().startsWith("source") && !e.getKey().equals(Meter.EVENTS)) {
                outputs.put(e.getKey(), v);
            }
        }
        long measured = total - warmEvents;
        if (warmStart == Long.MIN_VALUE || end <= warmStart) { // a run too short to have a warm-up mark: the whole job
            measured = total;
            warmStart = end - done.get().getNetRuntime(TimeUnit.MILLISECONDS);
        }
        long window = end - warmStart;
        @SuppressWarnings("unchecked")
        TreeMap<Integer, Integer> latency = (TreeMap<Integer, Integer>) acc.getOrDefault(Latency.HISTOGRAM, new TreeMap<Integer, Integer>());
        double eps = measured * 1000.0 / Math.max(1, window);
        double cpuMs = cpu.between(warmStart, end);
        progress.printf("  %s, parallelism %d: %,.0f events/s (%,d events in %.1f s after warm-up; %.1f CPU-s, %,.0f events per CPU-second)%n",
                graph, p, eps, measured, window / 1000.0, cpuMs / 1000, measured * 1000.0 / cpuMs);
        return new Run(graph, p, total, measured, warmStart, end, eps, cpuMs, outputs, latency);
    }

    private JfrProfile finishProfile(Recording rec, Run run) throws IOException {
        rec.stop();
        Path file = s.profileFile != null ? s.profileFile : Files.createTempFile("shadowscale-bench-", ".jfr");
        try {
            rec.dump(file);
            rec.close();
            return JfrProfile.read(file, run.windowStartMs(), run.windowEndMs());
        } finally {
            if (s.profileFile == null) {
                Files.deleteIfExists(file);
            }
        }
    }

    private static Map<String, Object> accumulators(JobClient client) {
        try {
            return client.getAccumulators().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            return Map.of();
        }
    }

    private static long longAcc(Map<String, Object> acc, String name) {
        Object v = acc.get(name);
        return v instanceof Long l ? l : (name.endsWith("Ms") && !name.equals(Latency.HISTOGRAM) ? Long.MIN_VALUE : 0);
    }

    /** Samples this JVM's CPU time every 100 ms, to read the CPU spent in a window known only afterwards. */
    private static final class CpuClock {
        private final java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        private final List<long[]> samples = java.util.Collections.synchronizedList(new ArrayList<>());
        private final java.util.concurrent.ScheduledExecutorService timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-cpu-clock");
            t.setDaemon(true);
            return t;
        });

        CpuClock() {
            timer.scheduleAtFixedRate(this::sample, 0, 100, TimeUnit.MILLISECONDS);
        }

        private void sample() {
            if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
                samples.add(new long[] {System.currentTimeMillis(), sun.getProcessCpuTime()});
            }
        }

        void stop() {
            sample();
            timer.shutdownNow();
        }

        /** CPU milliseconds between two wall-clock times (linear between samples); NaN without samples. */
        double between(long fromMs, long toMs) {
            return samples.size() < 2 ? Double.NaN : (at(toMs) - at(fromMs)) / 1e6;
        }

        private double at(long ms) {
            synchronized (samples) {
                long[] prev = samples.get(0);
                for (long[] x : samples) {
                    if (x[0] >= ms) {
                        return x[0] == prev[0] ? x[1] : prev[1] + (x[1] - prev[1]) * (ms - prev[0]) / (double) (x[0] - prev[0]);
                    }
                    prev = x;
                }
                return prev[1];
            }
        }
    }

    // ---- state size

    private State state() throws Exception {
        int perTenant = Math.min(s.workloadsPerTenant, s.stateWorkloads);
        int tenants = Math.max(1, s.stateWorkloads / perTenant);
        ShadowOptions o = options();
        long interval = o.bucketMs; // one sample per bucket: state does not depend on samples per bucket
        long ticks = s.stateDays * (86_400_000L / interval);
        BenchWorkloads w = new BenchWorkloads(tenants, perTenant, startFor(ticks + 1, interval), interval, s.seed);
        long target = ticks * w.count();
        StreamExecutionEnvironment env = environment(s.parallelisms.get(0), 0);
        // more records than it will emit: the source pauses after `ticks` and the job is cancelled
        buildPipeline(env, new TelemetrySource(generator(w), w.count(), target * 2, 0, 0, ticks), w, ticks);
        progress.printf("state: %,d workloads × %d days of 5-minute samples (%,d events), then a savepoint ...%n", w.count(), s.stateDays, target);
        Path dir = Files.createTempDirectory("shadowscale-bench-savepoint-");
        JobClient client = env.executeAsync("shadowscale bench: state");
        try {
            long t0 = System.nanoTime();
            long lastPrint = 0;
            while (true) {
                Map<String, Object> acc = accumulators(client);
                long n = longAcc(acc, Meter.EVENTS);
                if (longAcc(acc, Meter.WARM_EVENTS) >= target) {
                    break;
                }
                JobStatus status = client.getJobStatus().get(5, TimeUnit.SECONDS);
                if (status.isGloballyTerminalState()) {
                    client.getJobExecutionResult().get(); // throws the failure
                    throw new IllegalStateException("the state run ended before its savepoint (" + status + ")");
                }
                if (System.nanoTime() - lastPrint > 5e9) {
                    progress.printf("  %,d/%,d events (%.0f s)%n", n, target, (System.nanoTime() - t0) / 1e9);
                    lastPrint = System.nanoTime();
                }
                Thread.sleep(500);
            }
            String path = client.triggerSavepoint(dir.toUri().toString(), SavepointFormatType.NATIVE).get(10, TimeUnit.MINUTES);
            Path savepoint = Path.of(URI.create(path.startsWith("file:") ? path : "file://" + path));
            long bytes;
            try (Stream<Path> files = Files.walk(savepoint)) {
                bytes = files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
            }
            Map<String, Long> perOperator = operatorBytes(savepoint);
            progress.printf("  savepoint %,d bytes: %,.0f bytes per workload%n", bytes, bytes / (double) w.count());
            return new State(w.count(), s.stateDays, bytes, perOperator);
        } finally {
            client.cancel().exceptionally(e -> null).get(1, TimeUnit.MINUTES);
            deleteTree(dir);
        }
    }

    private static Map<String, Long> operatorBytes(Path savepoint) throws IOException {
        Map<String, Long> out = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(savepoint.resolve("_metadata"))) {
            CheckpointMetadata m = Checkpoints.loadCheckpointMetadata(new DataInputStream(in), BenchRunner.class.getClassLoader(), savepoint.toString());
            m.getOperatorStates().stream()
                    .filter(op -> op.getStateSize() > 0)
                    .sorted(Comparator.comparingLong(OperatorState::getStateSize).reversed())
                    .forEach(op -> out.put(op.getOperatorUid().or(op::getOperatorName).orElse(op.getOperatorID().toString()), op.getStateSize()));
        }
        return out;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    /** Midnight UTC a day before the samples would need to start to end now: all event times are in the past. */
    static long startFor(long ticks, long intervalMs) {
        Instant end = Instant.now().minus(Duration.ofDays(1));
        Instant start = end.minusMillis(ticks * intervalMs);
        return LocalDate.ofInstant(start, ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }

    // ---- figures

    /** The {@code q} quantile (0..1) of a histogram of milliseconds; NaN when empty. */
    public static double percentile(TreeMap<Integer, Integer> histogram, double q) {
        long n = histogram.values().stream().mapToLong(Integer::longValue).sum();
        if (n == 0) {
            return Double.NaN;
        }
        long rank = (long) Math.ceil(q * n);
        long seen = 0;
        for (Map.Entry<Integer, Integer> e : histogram.entrySet()) {
            seen += e.getValue();
            if (seen >= rank) {
                return e.getKey();
            }
        }
        return histogram.lastKey();
    }
}
