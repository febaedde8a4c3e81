package io.shadowscale.udf;

import java.util.ArrayList;
import java.util.List;

import io.shadowscale.udf.logic.forecast.ModelFeatures;
import io.shadowscale.udf.logic.forecast.ModelForecaster;
import io.shadowscale.udf.logic.forecast.OnnxQuantileModel;
import io.shadowscale.udf.logic.forecast.WorkloadScoring;

/**
 * The requests of many workloads waiting for one model, their feature rows side by side, scored in
 * one ONNX Runtime {@code run}. Plain Java (the benchmark drives it directly); the feature buffer
 * is reused from batch to batch.
 */
public final class ScoringBatch {

    /** A waiting request with what the operator needs to emit its answer. */
    public static final class Entry {
        public final WorkloadScoring.Request request;
        public final Object key;
        public final long timestamp;
        public final boolean hasTimestamp;
        final int row;

        Entry(WorkloadScoring.Request request, Object key, long timestamp, boolean hasTimestamp, int row) {
            this.request = request;
            this.key = key;
            this.timestamp = timestamp;
            this.hasTimestamp = hasTimestamp;
            this.row = row;
        }
    }

    /** Receives each request's answer. */
    public interface Completion {
        void complete(Entry e, float[][][] output, int row, String failure) throws Exception;
    }

    private final OnnxQuantileModel model;
    private float[] features;
    private final List<Entry> entries = new ArrayList<>();
    private int rows;

    public ScoringBatch(OnnxQuantileModel model, int expectedWorkloads) {
        this.model = model;
        this.features = new float[Math.max(1, expectedWorkloads) * ModelForecaster.ROWS * ModelFeatures.SIZE];
    }

    public OnnxQuantileModel model() {
        return model;
    }

    public int size() {
        return entries.size();
    }

    /** Adds a request and writes its feature rows. */
    public void add(WorkloadScoring logic, WorkloadScoring.Request request, Object key, long timestamp, boolean hasTimestamp) {
        int need = (rows + ModelForecaster.ROWS) * ModelFeatures.SIZE;
        if (need > features.length) {
            features = java.util.Arrays.copyOf(features, Math.max(need, features.length * 2));
        }
        logic.features(request, features, rows * ModelFeatures.SIZE);
        entries.add(new Entry(request, key, timestamp, hasTimestamp, rows));
        rows += ModelForecaster.ROWS;
    }

    /** Scores every waiting request in one run and hands each its rows (or the failure); empties the batch. */
    public void run(Completion completion) throws Exception {
        if (entries.isEmpty()) return;
        float[][][] out = null;
        String failure = null;
        try {
            out = model.score(features, rows);
        } catch (RuntimeException e) {
            failure = e.getMessage();
        }
        List<Entry> done = new ArrayList<>(entries);
        entries.clear();
        rows = 0;
        for (Entry e : done) {
            completion.complete(e, out, e.row, failure);
        }
    }
}
