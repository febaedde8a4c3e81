package io.shadowscale.udf;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import io.shadowscale.schema.ModelAlert;
import io.shadowscale.schema.ModelRelease;
import io.shadowscale.schema.ShadowHorizon;
import io.shadowscale.udf.logic.forecast.CohortPrior;
import io.shadowscale.udf.logic.forecast.CohortPriors;
import io.shadowscale.udf.logic.forecast.ModelFeatures;
import io.shadowscale.udf.logic.forecast.ModelRegistry;
import io.shadowscale.udf.logic.forecast.ModelSource;
import io.shadowscale.udf.logic.forecast.OnnxQuantileModel;
import io.shadowscale.udf.logic.forecast.WorkloadForecastState;
import io.shadowscale.udf.logic.forecast.WorkloadScoring;
import io.shadowscale.udf.model.EnrichedRollup;

/**
 * Forecasts every workload's next hour from its closed buckets (input 1, keyed by workload) with
 * the ONNX model, scoring the requests of many workloads in one ONNX Runtime run, and swaps in
 * models released on input 2 (broadcast {@link ModelRelease}s) without a restart.
 *
 * <p>Per bucket ({@link WorkloadScoring}, plain Java): the residual against the forecast made
 * {@value io.shadowscale.udf.logic.ForecasterState#REFERENCE_LAG} steps earlier (side output
 * {@link Descriptors#RESIDUALS}), the fallback forecaster's update, and a request for the model
 * chosen for the workload by the {@link ModelRegistry} (tenant, cohort or global release, rollout
 * by a stable hash of the key). Requests wait in a batch per model until {@link
 * ShadowOptions#scoringBatchSize} workloads wait or the oldest has waited {@link
 * ShadowOptions#scoringBatchTimeoutMs}; then one run scores them all and each answer is completed
 * under its own key (calibration, fallback on NaN / out-of-range / failure, {@link ShadowHorizon}).
 * A batch is also flushed before a watermark is forwarded (so outputs and residuals are never late
 * and idle-state timers see completed state), before a checkpoint barrier
 * ({@link #prepareSnapshotPreBarrier}: nothing waits in memory when a snapshot is taken, so nothing
 * is lost on failure), at the end of input, and before a second bucket of a workload already
 * waiting (a workload's buckets complete in order).
 *
 * <p>Sessions: one ONNX Runtime environment per JVM and one session per model per TaskManager
 * ({@link ModelSource}), shared by every scorer subtask there. Refused releases (sha256 mismatch,
 * load failure) leave the current model in use and emit a {@link ModelAlert} on
 * {@link Descriptors#MODEL_ALERTS}. Accepted releases live in broadcast state and are loaded again
 * on restore. Cohort priors for cold starts are learned per subtask and kept in operator state.
 * A workload's state is dropped after {@link ShadowOptions#idleStateTimeoutMs} of event time
 * without buckets.
 */
public class ForecastScorer extends AbstractStreamOperator<ShadowHorizon>
        implements TwoInputStreamOperator<EnrichedRollup, ModelRelease, ShadowHorizon>, Triggerable<String, VoidNamespace> {

    private static final long serialVersionUID = 1L;

    public static final ValueStateDescriptor<WorkloadForecastState> STATE =
            new ValueStateDescriptor<>("scorer", TypeInformation.of(WorkloadForecastState.class));
    /**
     * The idle expiry, which earlier versions wrote on every bucket. It now follows from the
     * state's last bucket (one state lookup less per bucket), so it is no longer written, only
     * cleared with the state: savepoints of those versions leave nothing behind.
     */
    public static final ValueStateDescriptor<Long> IDLE_TIMER = new ValueStateDescriptor<>("idle-timer", Types.LONG);
    public static final ListStateDescriptor<CohortPrior> PRIORS =
            new ListStateDescriptor<>("cohort-priors", TypeInformation.of(CohortPrior.class));

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ForecastScorer.class);
    /** Alerts already emitted by this JVM (one per refused release per TaskManager). */
    private static final Set<String> ALERTED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final ShadowOptions options;

    private transient WorkloadScoring logic;
    private transient CohortPriors priors;
    private transient ModelRegistry registry;
    private transient ValueState<WorkloadForecastState> state;
    private transient ValueState<Long> idleAt;
    private transient InternalTimerService<VoidNamespace> timers;
    private transient BroadcastState<String, ModelRelease> releases;
    private transient ListState<CohortPrior> priorState;
    private transient Map<OnnxQuantileModel, ScoringBatch> batches;
    /** Workloads with a request waiting in a batch or in the run on the scoring thread. */
    private transient Set<Object> waiting;
    /** Requests waiting in {@link #batches}. */
    private transient int pending;
    private transient boolean flushArmed;
    /** Runs full batches while the task fills the next ones (started by the first full batch when scoring is pipelined). */
    private transient ExecutorService scoringThread;
    /** The run on the scoring thread and its batches, whose answers {@link #land} emits. */
    private transient Future<?> inFlight;
    private transient List<ScoringBatch> flying;
    /** Each model's other batch (double buffering: one fills while the other is scored). */
    private transient Map<OnnxQuantileModel, ScoringBatch> spares;
    /** Why workloads no release covers get the fallback (when there is no default model). */
    private transient String defaultReason;
    private transient Counter shadows;
    private transient Counter runs;
    private transient Counter scored;
    private transient Counter alerts;

    public ForecastScorer(ShadowOptions options) {
        this.options = options;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        releases = context.getOperatorStateStore().getBroadcastState(Descriptors.MODEL_RELEASES);
        priorState = context.getOperatorStateStore().getListState(PRIORS);
        priors = new CohortPriors();
        for (CohortPrior p : priorState.get()) {
            priors.restore(p);
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        logic = new WorkloadScoring(options.bucketMs, options.horizonSteps, priors, options.campaignElasticity);
        registry = new ModelRegistry(r -> ModelSource.load(r.getUri(), null, r.getSha256(), options.onnxThreads, options.onnxInterOpThreads),
                defaultModel(), defaultReason);
        Map<String, ModelRelease[]> accepted = new HashMap<>();
        for (Map.Entry<String, ModelRelease> e : releases.entries()) {
            String k = e.getKey();
            int bar = k.lastIndexOf('|');
            ModelRelease[] pair = accepted.computeIfAbsent(k.substring(0, bar), x -> new ModelRelease[2]);
            pair[k.endsWith("|latest") ? 1 : 0] = e.getValue();
        }
        registry.restore(accepted, (r, why) -> LOG.warn("Released model {} {} could not be loaded again after a restore: {}", r.getModelId(), r.getVersion(), why));
        state = getPartitionedState(STATE);
        idleAt = getPartitionedState(IDLE_TIMER);
        timers = getInternalTimerService("idle-state", VoidNamespaceSerializer.INSTANCE, this);
        batches = new IdentityHashMap<>();
        spares = new IdentityHashMap<>();
        waiting = new HashSet<>();
        shadows = getMetricGroup().counter("shadowsEmitted");
        runs = getMetricGroup().counter("modelRuns");
        scored = getMetricGroup().counter("modelScoredWorkloads");
        alerts = getMetricGroup().counter("modelAlerts");
    }

    /** The model of workloads no release covers: {@code --model-uri}, else the bundled {@code --model}. */
    private OnnxQuantileModel defaultModel() {
        defaultReason = WorkloadScoring.NO_MODEL;
        if (!"onnx".equals(options.forecaster)) return null;
        if (options.horizonSteps != ModelFeatures.HORIZON || options.bucketMs != 300_000L) {
            defaultReason = "the model forecasts " + ModelFeatures.HORIZON + " five-minute steps; the job runs "
                    + options.horizonSteps + " × " + options.bucketMs / 60_000 + " min";
            return null;
        }
        try {
            return options.modelUri == null
                    ? ModelSource.bundled(options.modelName, options.onnxThreads, options.onnxInterOpThreads)
                    : ModelSource.load(options.modelUri, options.modelName, null, options.onnxThreads, options.onnxInterOpThreads);
        } catch (ModelSource.ModelLoadException e) {
            defaultReason = "model " + options.modelName + " unavailable: " + e.getMessage();
            LOG.warn("Forecasting with the fallback only: {}", defaultReason);
            return null;
        }
    }

    @Override
    public void processElement1(StreamRecord<EnrichedRollup> element) throws Exception {
        Object key = getCurrentKey();
        if (waiting.contains(key)) {
            // this workload's previous bucket must complete first; if it is in flight, landing it is
            // enough (the batches then break where inline scoring breaks them: the same answers)
            land();
            if (waiting.contains(key)) flush();
            setCurrentKey(key);
        }
        EnrichedRollup in = element.getValue();
        WorkloadForecastState s = state.value();
        boolean first = s == null;
        if (first) s = logic.newState();
        ModelRegistry.Choice choice = registry.resolve(in.rollup.getTenantId(), in.tags, (String) key);
        WorkloadScoring.Request request = logic.observe(s, in, choice.model(), choice.reason(),
                r -> output.collect(Descriptors.RESIDUALS, element.hasTimestamp() ? new StreamRecord<>(r, element.getTimestamp()) : new StreamRecord<>(r)));
        if (request == null) return; // a duplicate bucket
        if (first) {
            // the workload's one idle timer; onEventTime moves it on from the state's last bucket
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, idleExpiry(s));
        }
        // the state is written when the request completes (below, or in flush, which runs before
        // the next bucket of this key, the watermark's timers and the checkpoint barrier)
        if (request.model == null) {
            emit(logic.complete(request, null, 0, null), element.hasTimestamp(), element.getTimestamp());
            state.update(s);
            return;
        }
        ScoringBatch batch = batches.computeIfAbsent(request.model, m -> new ScoringBatch(m, options.scoringBatchSize));
        batch.add(logic, request, key, element.getTimestamp(), element.hasTimestamp());
        waiting.add(key);
        pending++;
        if (pending < options.scoringBatchSize) {
            armFlush();
        } else if (!options.scoringPipelined) {
            flush();
        } else {
            dispatch();
        }
    }

    /** The timeout: whatever waits or is in flight when it fires is answered then. */
    private void armFlush() {
        if (flushArmed) return;
        flushArmed = true;
        long now = getProcessingTimeService().getCurrentProcessingTime();
        getProcessingTimeService().registerTimer(now + options.scoringBatchTimeoutMs, t -> {
            flushArmed = false;
            flush();
        });
    }

    /**
     * Hands the full batches to the scoring thread and goes on filling spare ones: the model runs
     * while the task builds the next batch's features and completes the previous batch's answers
     * (a large part of the task's time per bucket is the model run; this shortens the task when
     * the TaskManager has a core to spare, see README, Performance). The previous run lands first,
     * so at most one run is in flight.
     */
    private void dispatch() throws Exception {
        land();
        List<ScoringBatch> go = new ArrayList<>(1);
        for (Map.Entry<OnnxQuantileModel, ScoringBatch> e : batches.entrySet()) {
            ScoringBatch b = e.getValue();
            if (b.size() == 0) continue;
            go.add(b);
            runs.inc();
            scored.inc(b.size());
            ScoringBatch spare = spares.remove(e.getKey());
            e.setValue(spare != null ? spare : new ScoringBatch(e.getKey(), options.scoringBatchSize));
        }
        pending = 0;
        flying = go;
        if (scoringThread == null) {
            String name = "shadowscale-scoring-" + getOperatorName() + "-" + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
            ClassLoader loader = getUserCodeClassloader();
            scoringThread = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                t.setContextClassLoader(loader);
                return t;
            });
        }
        inFlight = scoringThread.submit(() -> {
            for (ScoringBatch b : go) b.score();
        });
        armFlush();
    }

    /** Waits for the run on the scoring thread, if any, and emits its answers under their keys. */
    private void land() throws Exception {
        if (inFlight == null) return;
        try {
            inFlight.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the scoring thread failed: " + e.getCause(), e.getCause());
        } finally {
            inFlight = null;
        }
        List<ScoringBatch> landed = flying;
        flying = null;
        for (ScoringBatch b : landed) {
            b.complete((e, out, row, failure) -> {
                answer(e, out, row, failure);
                waiting.remove(e.key);
            });
            spares.put(b.model(), b);
        }
    }

    /** Scores everything waiting, one run per model, and emits the answers under their keys. */
    void flush() throws Exception {
        land();
        if (pending == 0) return;
        for (ScoringBatch batch : List.copyOf(batches.values())) {
            if (batch.size() == 0) continue;
            runs.inc();
            scored.inc(batch.size());
            batch.run(this::answer);
        }
        waiting.clear();
        pending = 0;
    }

    private void answer(ScoringBatch.Entry e, float[] out, int row, String failure) throws Exception {
        setCurrentKey(e.key);
        ShadowHorizon h = logic.complete(e.request, out, row, failure);
        state.update(e.request.state);
        emit(h, e.hasTimestamp, e.timestamp);
    }

    /** ONNX Runtime runs so far (tests check the batching). */
    long modelRuns() {
        return runs.getCount();
    }

    /** Workloads answered by those runs. */
    long modelScoredWorkloads() {
        return scored.getCount();
    }

    private void emit(ShadowHorizon h, boolean hasTimestamp, long timestamp) {
        output.collect(hasTimestamp ? new StreamRecord<>(h, timestamp) : new StreamRecord<>(h));
        shadows.inc(h.getSteps().size());
    }

    @Override
    public void processElement2(StreamRecord<ModelRelease> element) throws Exception {
        ModelRelease r = element.getValue();
        ModelRegistry.Refusal refusal = registry.accept(r);
        if (refusal == null) {
            LOG.info("Model {} {} ({}, {}%) swapped in for {}", r.getModelId(), r.getVersion(), r.getUri(), r.getRolloutPercent(), ModelRegistry.scopeKey(r));
            String scope = ModelRegistry.scopeKey(r);
            ModelRelease[] pair = registry.releases().get(scope);
            releases.put(scope + "|latest", pair[1]);
            if (pair[0] != null) releases.put(scope + "|previous", pair[0]);
            return;
        }
        LOG.warn("Model release {} {} refused, {} stays: {}", r.getModelId(), r.getVersion(), refusal.keptModelId(), refusal.reason());
        alerts.inc();
        if (!ALERTED.add(r.getModelId() + ":" + r.getVersion() + "@" + r.getReleasedAt().toEpochMilli() + "/" + getOperatorID() + "/" + getRuntimeContext().getTaskInfo().getAttemptNumber())) {
            return;
        }
        ModelAlert alert = ModelAlert.newBuilder()
                .setModelId(r.getModelId()).setVersion(r.getVersion()).setUri(r.getUri() == null ? "" : r.getUri())
                .setKind(refusal.kind()).setReason(refusal.reason()).setScope(refusal.scope())
                .setKeptModelId(refusal.keptModelId()).setKeptModelVersion(refusal.keptModelVersion())
                .setReleasedAt(r.getReleasedAt())
                .setAlertedAt(Instant.ofEpochMilli(getProcessingTimeService().getCurrentProcessingTime()))
                .setHost(host())
                .build();
        output.collect(Descriptors.MODEL_ALERTS, element.hasTimestamp() ? new StreamRecord<>(alert, element.getTimestamp()) : new StreamRecord<>(alert));
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        flush(); // answers of buckets before the watermark go out before it, and before idle timers fire
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        priorState.update(List.copyOf(priors.priors()));
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    @Override
    public void close() throws Exception {
        if (scoringThread != null) scoringThread.shutdownNow();
        super.close();
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        WorkloadForecastState s = state.value();
        if (s != null && idleExpiry(s) > timer.getTimestamp()) {
            // buckets came since the timer was armed: arm it again at the latest expiry
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, idleExpiry(s));
            return;
        }
        state.clear();
        idleAt.clear();
    }

    /** When the workload's state goes if no bucket follows its last one. */
    private long idleExpiry(WorkloadForecastState s) {
        return s.forecaster.lastBucketStart + options.bucketMs + options.idleStateTimeoutMs;
    }

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) {
        // no keyed processing-time timers
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
