package io.shadowscale.udf;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import io.shadowscale.udf.logic.NoveltyScorer;
import io.shadowscale.udf.model.Residual;
import io.shadowscale.udf.model.Resource;

/**
 * Keyed per workload, on the residual path before the CEP patterns: scores each residual's CPU and
 * network out with the {@link NoveltyScorer} (the bucket's value, its level, its standardised
 * residual against the shadow's band and its volatility, each against everything the workload has
 * shown so far) and passes the residual on with {@link Residual#novelty}, {@link Residual#noveltyRecord}
 * and {@link Residual#noveltySeen} set, for the conditions of {@link AnomalyDetector}.
 *
 * <p>State is one {@code double[]} per workload (two scorer states and the last bucket's time,
 * ~350 bytes), dropped by an event-time timer after {@link ShadowOptions#idleStateTimeoutMs}
 * without residuals: a workload back after that learns its range again.
 */
public class ResidualNovelty extends KeyedProcessFunction<String, Residual, Residual> {

    /** The resources scored: those the patterns read. */
    static final Resource[] SCORED = {Resource.CPU, Resource.NETWORK_OUT};
    private static final int LAST = SCORED.length * NoveltyScorer.STATE_SIZE;

    public static final ValueStateDescriptor<double[]> STATE =
            new ValueStateDescriptor<>("residual-novelty", PrimitiveArrayTypeInfo.DOUBLE_PRIMITIVE_ARRAY_TYPE_INFO);
    public static final ValueStateDescriptor<Long> IDLE_TIMER = IdleTimer.descriptor();

    private final long idleMs;
    private final NoveltyScorer.Config config;
    private transient NoveltyScorer scorer;
    private transient ValueState<double[]> state;
    private transient IdleTimer idleTimer;

    public ResidualNovelty(ShadowOptions o) {
        this.idleMs = o.idleStateTimeoutMs;
        this.config = NoveltyScorer.Config.defaults();
    }

    @Override
    public void open(OpenContext ctx) {
        scorer = new NoveltyScorer(config);
        state = getRuntimeContext().getState(STATE);
        idleTimer = new IdleTimer(getRuntimeContext().getState(IDLE_TIMER));
    }

    /** A fresh state: one scorer state per scored resource, then the last bucket's start. */
    static double[] newState() {
        double[] s = new double[LAST + 1];
        double[] one = NoveltyScorer.newState();
        for (int k = 0; k < SCORED.length; k++) {
            System.arraycopy(one, 0, s, k * NoveltyScorer.STATE_SIZE, one.length);
        }
        s[LAST] = Long.MIN_VALUE;
        return s;
    }

    /** Scores {@code r} against {@code s} and annotates it (shared with tests that drive the scorer without Flink). */
    static void score(NoveltyScorer scorer, double[] s, Residual r) {
        if (r.bucketStart <= s[LAST]) {
            return; // a repeated bucket: scored once
        }
        double[] one = new double[NoveltyScorer.STATE_SIZE];
        r.novelty = new double[Resource.COUNT];
        r.noveltyRecord = new int[Resource.COUNT];
        r.noveltySeen = NoveltyScorer.seen(java.util.Arrays.copyOfRange(s, 0, NoveltyScorer.STATE_SIZE));
        for (int k = 0; k < SCORED.length; k++) {
            Resource res = SCORED[k];
            int at = k * NoveltyScorer.STATE_SIZE;
            System.arraycopy(s, at, one, 0, one.length);
            double z = NoveltyScorer.standardise(r.actual(res), r.p50(res), r.p99(res));
            r.novelty[res.ordinal()] = scorer.score(one, r.bucketStart, r.bucketMs, r.actual(res), z);
            r.noveltyRecord[res.ordinal()] = NoveltyScorer.lastRecord(one);
            System.arraycopy(one, 0, s, at, one.length);
        }
        s[LAST] = r.bucketStart;
    }

    @Override
    public void processElement(Residual r, Context ctx, Collector<Residual> out) throws Exception {
        double[] s = state.value();
        if (s == null) {
            s = newState();
            // the key's one idle timer: state and timer are dropped together, so a key with state has one
            idleTimer.armIfNone(ctx.timerService(), r.bucketStart + idleMs);
        }
        score(scorer, s, r);
        state.update(s);
        out.collect(r);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Residual> out) throws Exception {
        double[] s = state.value();
        if (s != null && idleTimer.rearm(ctx.timerService(), timestamp, (long) s[LAST] + idleMs)) {
            return;
        }
        state.clear();
        idleTimer.clear();
    }
}
