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
        /** @param output the run's flat answer ({@link OnnxQuantileModel#at}), null when it failed */
        void complete(Entry e, float[] output, int row, String failure) throws Exception;
    }

    private final OnnxQuantileModel model;
    private float[] features;
    private final List<Entry> entries = new ArrayList<>();
    private int rows;
    private final OnnxQuantileModel.Buffers buffers = new OnnxQuantileModel.Buffers();
    private float[] out;
    private String failure;

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

    /**
     * Runs the model over the waiting rows and keeps the answer (or the failure) for {@link
     * #complete}. Touches only this batch, so the scorer may call it on its scoring thread while it
     * fills another batch.
     */
    public void score() {
        if (entries.isEmpty()) return;
        try {
            out = model.score(features, rows, buffers);
        } catch (RuntimeException e) {
            failure = e.getMessage();
        }
    }

    /** Hands each request the rows {@link #score} got (or the failure); empties the batch. */
    public void complete(Completion completion) throws Exception {
        if (entries.isEmpty()) return;
        float[] o = out;
        String f = failure;
        List<Entry> done = new ArrayList<>(entries);
        entries.clear();
        rows = 0;
        out = null;
        failure = null;
        for (Entry e : done) {
            completion.complete(e, o, e.row, f);
        }
    }

    /** Scores every waiting request in one run and hands each its rows (or the failure); empties the batch. */
    public void run(Completion completion) throws Exception {
        score();
        complete(completion);
    }
}
