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
import io.shadowscale.udf.logic.forecast.ModelForecaster;
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
    /** A workload three hours old (the bench's pipeline runs): most of the day's ring still empty. */
    private ForecasterState young;
    private float[] features;
    private final float[] rows = new float[ModelForecaster.ROWS * ModelFeatures.SIZE];
    private final double[] scales = new double[ModelForecaster.ROWS];
    private long next;
    private SplittableRandom rnd;

    @Setup(Level.Trial)
    public void setup() {
        fallback = new FallbackForecaster(Fixtures.BUCKET_MS, ModelFeatures.HORIZON);
        state = Fixtures.history(fallback, 1);
        next = state.lastBucketStart + Fixtures.BUCKET_MS;
        rnd = new SplittableRandom(3);
        young = fallback.newState();
        for (long t = Fixtures.T0; t < Fixtures.T0 + 3 * 3_600_000L; t += Fixtures.BUCKET_MS) {
            fallback.observeAndForecast(young, t, Fixtures.actuals(Fixtures.rollup(t, rnd)));
        }
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

    /** Features of one series with the plain builder (a value per lag through a callback, as training export reads them). */
    @Benchmark
    public double features() {
        return buildFeatures(0, 0);
    }

    /** Features of one series read straight from the forecaster's ring (the job's path). */
    @Benchmark
    public double featuresFromRing() {
        int season = state.season;
        int newest = (int) Math.floorMod(Math.floorDiv(state.lastBucketStart, Fixtures.BUCKET_MS), (long) season);
        return ModelFeatures.build(state.ring, 0, season, newest, state.lastBucketStart, 0, features, 0);
    }

    /** The five rows of one workload, as the scorer writes them into a batch. */
    @Benchmark
    public float[] workloadFeatures() {
        ModelForecaster.features(state, Fixtures.BUCKET_MS, rows, 0, scales, 0);
        return rows;
    }

    /** The five rows of a workload three hours old: the general path (a day with missing buckets). */
    @Benchmark
    public float[] workloadFeaturesYoung() {
        ModelForecaster.features(young, Fixtures.BUCKET_MS, rows, 0, scales, 0);
        return rows;
    }

    /** The fallback forecaster's update and 12-step forecast for one workload. */
    @Benchmark
    public Forecast fallbackObserveAndForecast() {
        Forecast f = fallback.observeAndForecast(state, next, Fixtures.actuals(Fixtures.rollup(next, rnd)));
        next += Fixtures.BUCKET_MS;
        return f;
    }

    /** The fallback's state update alone: what the scorer runs on every bucket the model answers. */
    @Benchmark
    public boolean fallbackObserve() {
        boolean b = fallback.observe(state, next, Fixtures.actuals(Fixtures.rollup(next, rnd)));
        next += Fixtures.BUCKET_MS;
        return b;
    }
}
