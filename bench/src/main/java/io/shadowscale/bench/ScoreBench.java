package io.shadowscale.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.shadowscale.udf.logic.FallbackForecaster;
import io.shadowscale.udf.logic.Forecast;
import io.shadowscale.udf.logic.ForecasterState;
import io.shadowscale.udf.logic.forecast.ModelFeatures;
import io.shadowscale.udf.logic.forecast.OnnxQuantileModel;
import io.shadowscale.udf.model.Resource;

/**
 * ONNX scoring of {@code batch} feature rows in one run of the bundled model
 * ({@link OnnxQuantileModel#score}, as it is): one workload is 5 rows (one per resource), a batched
 * scorer sends many workloads per run. Per-row cost is the time divided by {@code batch}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ScoreBench {

    @Param({"1", "5", "32", "128", "512"})
    public int batch;

    private OnnxQuantileModel model;
    private FallbackForecaster fallback;
    private ForecasterState state;
    private float[] features;
    private final OnnxQuantileModel.Buffers buffers = new OnnxQuantileModel.Buffers();
    private long next;
    private SplittableRandom rnd;

    @Setup(Level.Trial)
    public void setup() {
        model = OnnxQuantileModel.bundled("shadow-mlp-v3", 1);
        fallback = new FallbackForecaster(Fixtures.BUCKET_MS, ModelFeatures.HORIZON);
        state = Fixtures.history(fallback, 1);
        next = state.lastBucketStart + Fixtures.BUCKET_MS;
        rnd = new SplittableRandom(3);
        features = new float[batch * ModelFeatures.SIZE];
        for (int r = 0; r < batch; r++) {
            buildFeatures(r % Resource.COUNT, r * ModelFeatures.SIZE);
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        model.close();
    }

    private double buildFeatures(int resource, int offset) {
        long origin = state.lastBucketStart;
        int season = state.season;
        return ModelFeatures.build(lag -> {
            long bucket = origin - lag * Fixtures.BUCKET_MS;
            int slot = (int) Math.floorMod(Math.floorDiv(bucket, Fixtures.BUCKET_MS), (long) season);
            return state.ring[resource * season + slot];
        }, origin, resource == 0 ? 0 : resource == 1 ? 1 : resource == 4 ? 3 : 2, features, offset);
    }

    /** One ONNX Runtime run over {@code batch} rows. */
    @Benchmark
    public float[] score() {
        return model.score(features, batch, buffers);
    }
}
