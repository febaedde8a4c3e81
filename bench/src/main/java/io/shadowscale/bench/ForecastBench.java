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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.shadowscale.udf.logic.FallbackForecaster;
import io.shadowscale.udf.logic.Forecast;
import io.shadowscale.udf.logic.ForecasterState;
import io.shadowscale.udf.logic.forecast.ModelFeatures;
import io.shadowscale.udf.model.Resource;

/** Forecasting per closed bucket besides the model run: the model's input features and the fallback forecaster's update. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ForecastBench {

    private static final int BATCH = 1;

    private FallbackForecaster fallback;
    private ForecasterState state;
    private float[] features;
    private long next;
    private SplittableRandom rnd;

    @Setup(Level.Trial)
    public void setup() {
        fallback = new FallbackForecaster(Fixtures.BUCKET_MS, ModelFeatures.HORIZON);
        state = Fixtures.history(fallback, 1);
        next = state.lastBucketStart + Fixtures.BUCKET_MS;
        rnd = new SplittableRandom(3);
        features = new float[BATCH * ModelFeatures.SIZE];
        for (int r = 0; r < BATCH; r++) {
            buildFeatures(r % Resource.COUNT, r * ModelFeatures.SIZE);
        }
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

    /** Features of one series (a workload needs five). */
    @Benchmark
    public double features() {
        return buildFeatures(0, 0);
    }

    /** The fallback forecaster's update and 12-step forecast for one workload (it runs on every bucket). */
    @Benchmark
    public Forecast fallbackObserveAndForecast() {
        Forecast f = fallback.observeAndForecast(state, next, Fixtures.actuals(Fixtures.rollup(next, rnd)));
        next += Fixtures.BUCKET_MS;
        return f;
    }
}
