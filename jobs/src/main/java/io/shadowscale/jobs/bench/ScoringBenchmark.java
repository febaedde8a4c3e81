package io.shadowscale.jobs.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.IntConsumer;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import io.shadowscale.schema.ShadowHorizon;
import io.shadowscale.schema.TelemetryRollup;
import io.shadowscale.udf.ScoringBatch;
import io.shadowscale.udf.logic.forecast.ModelFeatures;
import io.shadowscale.udf.logic.forecast.ModelForecaster;
import io.shadowscale.udf.logic.forecast.OnnxQuantileModel;
import io.shadowscale.udf.logic.forecast.WorkloadForecastState;
import io.shadowscale.udf.logic.forecast.WorkloadScoring;
import io.shadowscale.udf.model.EnrichedRollup;

/**
 * Forecasts per second through the scorer's batching path against raw ONNX Runtime on the same
 * batches, in one run, on one thread (ONNX Runtime with one intra-op thread).
 *
 * <p>A forecast is one workload's next hour: 5 resources × 12 steps × p50/p90/p99, i.e.
 * {@value ModelForecaster#ROWS} model rows. The scorer path is what {@code ForecastScorer} does
 * per bucket outside Flink's state backend: {@link WorkloadScoring#observe} (residual check,
 * fallback update, calibration check, model choice), feature rows into a {@link ScoringBatch},
 * one {@code run} for the batch, then {@link WorkloadScoring#complete} (decode, range checks,
 * calibration, the {@link ShadowHorizon} record). Raw is {@code session.run} on the same feature
 * tensor, passed and copied out as cheaply as ONNX Runtime's Java API allows (a direct input
 * buffer, a flat output) — the floor any scorer pays. In between, the batching alone
 * (feature rows, one run, decode) says how much of the gap is batching and how much the
 * per-workload forecast logic after it. Each size is measured
 * {@code repeats} times, scorer and raw alternating, and the medians are reported.
 *
 * <p>Throughput is forecasts per CPU-second of the benchmark thread (ONNX Runtime with one
 * intra-op thread runs on the calling thread), i.e. per core, so a machine shared with other work
 * still gives the single-core figure; wall-clock throughput is reported next to it.
 */
public final class ScoringBenchmark {

    /** One batch size's medians. */
    public record Row(int batch, double scorerPerSec, double rawPerSec, double scorerWallPerSec, double rawWallPerSec, double batchingPerSec) {
        public double ratio() {
            return scorerPerSec / rawPerSec;
        }

        /** The batching alone (feature rows into the batch, one run, decode) against raw. */
        public double batchingRatio() {
            return batchingPerSec / rawPerSec;
        }

        public double wallRatio() {
            return scorerWallPerSec / rawWallPerSec;
        }
    }

    /** Forecasts per CPU-second and per wall-clock second of one measurement. */
    record Rate(double cpu, double wall) {}

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    private static final long BUCKET = 300_000L;
    private static final long T0 = Instant.parse("2024-03-04T00:00:00Z").toEpochMilli();

    private final OnnxQuantileModel model;
    private final WorkloadScoring logic = new WorkloadScoring(BUCKET, ModelFeatures.HORIZON, null);
    private final List<WorkloadForecastState> states = new ArrayList<>();
    private final long[] next;
    private final Random rnd = new Random(42);
    private double sink;
    /** The system's load average (1 min) when the measurements started and ended: what else ran. */
    private double loadBefore = Double.NaN, loadAfter = Double.NaN;

    public ScoringBenchmark(OnnxQuantileModel model, int workloads) {
        this.model = model;
        this.next = new long[workloads];
        // a day of a diurnal series per workload, so every request is a full model request
        for (int w = 0; w < workloads; w++) {
            WorkloadForecastState s = logic.newState();
            states.add(s);
            for (int b = 0; b < ModelFeatures.DAY; b++) {
                WorkloadScoring.Request q = logic.observe(s, rollup(w, b), null, "warm-up", r -> { });
                logic.complete(q, null, 0, null);
            }
            next[w] = ModelFeatures.DAY;
        }
    }

    private EnrichedRollup rollup(int w, long b) {
        double level = 1 + w % 7;
        double cpu = level * (1 + 0.5 * Math.sin(2 * Math.PI * b / ModelFeatures.DAY)) * (1 + 0.1 * rnd.nextGaussian());
        TelemetryRollup r = TelemetryRollup.newBuilder()
                .setTenantId("bench").setWorkloadId("w" + w)
                .setBucketStart(Instant.ofEpochMilli(T0 + b * BUCKET)).setBucketMs(BUCKET)
                .setSamples(5).setCpuAvg(Math.max(0, cpu)).setCpuMax(Math.max(0, cpu))
                .setMemoryAvg(cpu * (1L << 30) + (4L << 30)).setMemoryMax(cpu * (1L << 30) + (4L << 30))
                .setNetworkInBytesPerSec(1e5 * cpu).setNetworkOutBytesPerSec(2e5 * cpu).setStorageMax(10L << 30)
                .setDbQueries(0).setRequests(0).setActiveSessionsAvg(0).setSessionDurationMsAvg(0)
                .setDataKinds(Map.of())
                .build();
        EnrichedRollup e = new EnrichedRollup();
        e.rollup = r;
        e.originMs = r.getBucketStart().toEpochMilli() + BUCKET;
        e.stepMs = BUCKET;
        e.steps = ModelFeatures.HORIZON;
        e.features = 0;
        e.covariates = new double[0];
        e.eventIds = new String[0];
        e.tags = new String[0];
        return e;
    }

    /** Forecasts per second through the scorer's path: {@code rounds} batches of {@code batch} workloads. */
    Rate scorer(int batch, int rounds) throws Exception {
        EnrichedRollup[][] input = new EnrichedRollup[rounds][batch];
        for (int i = 0; i < rounds; i++) {
            for (int w = 0; w < batch; w++) input[i][w] = rollup(w, next[w]++);
        }
        ScoringBatch b = new ScoringBatch(model, batch);
        ScoringBatch.Completion done = (e, out, row, failure) -> {
            ShadowHorizon h = logic.complete(e.request, out, row, failure);
            if (h.getSteps().get(0).getFallback()) throw new IllegalStateException("fell back: " + h.getSteps().get(0).getFallbackReason());
            sink += h.getSteps().get(11).getCpuP90();
        };
        long cpu = THREADS.getCurrentThreadCpuTime(), start = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            for (int w = 0; w < batch; w++) {
                WorkloadScoring.Request q = logic.observe(states.get(w), input[i][w], model, null, r -> sink += r.p50[0]);
                b.add(logic, q, w, 0, true);
            }
            b.run(done);
        }
        return rate(rounds * batch, cpu, start);
    }

    /**
     * Forecasts per second of the batching alone: each workload's feature rows written into the
     * batch from its state, one run through the scorer's model wrapper, each workload's rows decoded
     * — what batching adds around the run, without the per-workload forecast logic (state update,
     * combination, calibration, drivers, the output record).
     */
    Rate batching(int batch, int rounds) throws Exception {
        float[] features = new float[batch * ModelForecaster.ROWS * ModelFeatures.SIZE];
        double[] scales = new double[batch * ModelForecaster.ROWS];
        OnnxQuantileModel.Buffers buffers = new OnnxQuantileModel.Buffers();
        long cpu = THREADS.getCurrentThreadCpuTime(), start = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            for (int w = 0; w < batch; w++) {
                ModelForecaster.features(states.get(w).forecaster, BUCKET, features, w * ModelForecaster.ROWS * ModelFeatures.SIZE, scales, w * ModelForecaster.ROWS);
            }
            float[] q = model.score(features, batch * ModelForecaster.ROWS, buffers);
            for (int w = 0; w < batch; w++) {
                ModelForecaster.Decoded d = ModelForecaster.decode(q, w * ModelForecaster.ROWS, scales, w * ModelForecaster.ROWS,
                        states.get(w).forecaster.lastBucketStart, BUCKET);
                if (d.forecast == null) throw new IllegalStateException("refused: " + d.refusal);
                sink += d.forecast.p90[11][0];
            }
        }
        return rate(rounds * batch, cpu, start);
    }

    /**
     * Forecasts per second of raw ONNX Runtime on the same batch's feature tensor, the cheapest
     * way its Java API offers: the rows copied into a reused direct buffer, which it reads in
     * place, and the answer copied out as one flat array.
     */
    Rate raw(int batch, int rounds) throws Exception {
        float[] features = new float[batch * ModelForecaster.ROWS * ModelFeatures.SIZE];
        double[] scales = new double[ModelForecaster.ROWS];
        for (int w = 0; w < batch; w++) {
            ModelForecaster.features(states.get(w).forecaster, BUCKET, features, w * ModelForecaster.ROWS * ModelFeatures.SIZE, scales, 0);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession session = model.session();
        long[] shape = {(long) batch * ModelForecaster.ROWS, ModelFeatures.SIZE};
        FloatBuffer in = ByteBuffer.allocateDirect(features.length * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        float[] out = new float[batch * ModelForecaster.ROWS * ModelFeatures.HORIZON * 3];
        long cpu = THREADS.getCurrentThreadCpuTime(), start = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            in.clear();
            in.put(features).flip();
            try (OnnxTensor t = OnnxTensor.createTensor(env, in, shape);
                 OrtSession.Result r = session.run(Map.of(model.inputName(), t))) {
                ((OnnxTensor) r.get(0)).getFloatBuffer().get(out);
                sink += out[0];
            }
        }
        return rate(rounds * batch, cpu, start);
    }

    private static Rate rate(long forecasts, long cpuStart, long wallStart) {
        long wall = System.nanoTime() - wallStart, cpu = THREADS.getCurrentThreadCpuTime() - cpuStart;
        return new Rate(forecasts / (Math.max(cpu, 1) / 1e9), forecasts / (Math.max(wall, 1) / 1e9));
    }

    /**
     * Measures every batch size.
     *
     * @param forecastsPerMeasurement forecasts each measurement scores (at least 4 batches)
     * @param progress called with the number of measurements done
     */
    public List<Row> run(int[] batches, int repeats, int forecastsPerMeasurement, IntConsumer progress) throws Exception {
        // warm-up: JIT and ONNX Runtime's first runs
        for (int b : batches) {
            scorer(b, rounds(b, forecastsPerMeasurement / 4));
            batching(b, rounds(b, forecastsPerMeasurement / 4));
            raw(b, rounds(b, forecastsPerMeasurement / 4));
        }
        List<Row> rows = new ArrayList<>();
        int done = 0;
        loadBefore = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        for (int b : batches) {
            double[] s = new double[repeats], r = new double[repeats], sw = new double[repeats], rw = new double[repeats], bt = new double[repeats];
            int rounds = rounds(b, forecastsPerMeasurement);
            for (int i = 0; i < repeats; i++) {
                Rate x = scorer(b, rounds), z = batching(b, rounds), y = raw(b, rounds);
                bt[i] = z.cpu();
                s[i] = x.cpu();
                sw[i] = x.wall();
                r[i] = y.cpu();
                rw[i] = y.wall();
                progress.accept(++done);
            }
            rows.add(new Row(b, median(s), median(r), median(sw), median(rw), median(bt)));
        }
        loadAfter = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        if (sink == 42.4242) System.out.print(""); // keeps the results alive
        return rows;
    }

    private static int rounds(int batch, int forecasts) {
        return Math.max(4, forecasts / batch);
    }

    static double median(double[] x) {
        double[] c = x.clone();
        Arrays.sort(c);
        return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
    }

    public String table(List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("forecasts per CPU-second of the one scoring thread (wall-clock in brackets)\n");
        sb.append(String.format(Locale.ROOT, "%6s %26s %26s %8s %8s %16s%n", "batch", "ForecastScorer path", "raw ORT session.run", "ratio", "(wall)",
                "batching alone"));
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "%6d %,14.0f (%,9.0f) %,14.0f (%,9.0f) %7.0f%% (%4.0f%%) %,9.0f (%3.0f%%)%n", r.batch(),
                    r.scorerPerSec(), r.scorerWallPerSec(), r.rawPerSec(), r.rawWallPerSec(), 100 * r.ratio(), 100 * r.wallRatio(),
                    r.batchingPerSec(), 100 * r.batchingRatio()));
        }
        sb.append("batching alone: feature rows, one run, decode — the scorer path without the per-workload forecast logic\n");
        sb.append(String.format(Locale.ROOT, "load average %.1f before, %.1f after (%d cores)%n", loadBefore, loadAfter,
                Runtime.getRuntime().availableProcessors()));
        return sb.toString();
    }

    public String json(List<Row> rows, int repeats) {
        StringBuilder sb = new StringBuilder("{\"unit\": \"forecasts per CPU-second (one forecast: a workload's 5 resources x 12 steps x 3 quantiles)\", \"threads\": 1, \"repeats\": ")
                .append(repeats)
                .append(String.format(Locale.ROOT, ", \"load_average_before\": %.2f, \"load_average_after\": %.2f, \"cores\": %d",
                        loadBefore, loadAfter, Runtime.getRuntime().availableProcessors()))
                .append(", \"batches\": [");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            if (i > 0) sb.append(", ");
            sb.append(String.format(Locale.ROOT, "{\"batch\": %d, \"scorer_per_sec\": %.1f, \"raw_ort_per_sec\": %.1f, \"ratio\": %.4f, "
                            + "\"scorer_wall_per_sec\": %.1f, \"raw_ort_wall_per_sec\": %.1f, \"wall_ratio\": %.4f, "
                            + "\"batching_per_sec\": %.1f, \"batching_ratio\": %.4f}",
                    r.batch(), r.scorerPerSec(), r.rawPerSec(), r.ratio(), r.scorerWallPerSec(), r.rawWallPerSec(), r.wallRatio(),
                    r.batchingPerSec(), r.batchingRatio()));
        }
        return sb.append("]}").toString();
    }
}
