package io.shadowscale.udf;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import io.shadowscale.schema.PoolShadow;
import io.shadowscale.udf.logic.pool.MemberForecast;
import io.shadowscale.udf.logic.pool.PoolAccumulator;
import io.shadowscale.udf.logic.pool.PoolCorrelation;
import io.shadowscale.udf.logic.pool.PooledQuantiles;
import io.shadowscale.udf.model.CompactHorizon;

/**
 * Pooled shadows: the summed demand of the workloads that share capacity, per future step.
 * Keyed by pool ({@link OfPool}: the workload's region). Forecasts are summed per origin as they
 * arrive ({@link PoolAccumulator}); when the watermark passes the origin every member's forecast
 * from it is in, and the pool's steps are emitted with {@link PooledQuantiles}, using the CPU and
 * memory correlations measured on the members' own one-step errors ({@link PoolCorrelation}).
 * Per origin, not per member's latest: when the job catches up, many origins are in flight at
 * once. Members silent for {@link ShadowOptions#idleStateTimeoutMs} are forgotten; an idle pool's
 * state is dropped.
 */
public class PoolShadowAggregator extends KeyedProcessFunction<String, CompactHorizon, PoolShadow> {

    public static final MapStateDescriptor<Long, PoolAccumulator> PENDING =
            new MapStateDescriptor<>("pool-pending", Types.LONG, TypeInformation.of(PoolAccumulator.class));
    public static final MapStateDescriptor<String, MemberForecast> MEMBERS =
            new MapStateDescriptor<>("pool-members", Types.STRING, TypeInformation.of(MemberForecast.class));
    public static final ValueStateDescriptor<PoolCorrelation> CPU_CORRELATION =
            new ValueStateDescriptor<>("pool-cpu-correlation", TypeInformation.of(PoolCorrelation.class));
    public static final ValueStateDescriptor<PoolCorrelation> MEMORY_CORRELATION =
            new ValueStateDescriptor<>("pool-memory-correlation", TypeInformation.of(PoolCorrelation.class));
    public static final ValueStateDescriptor<Long> IDLE_TIMER = IdleTimer.descriptor();

    /** Until this many buckets of errors are seen, assume members peak together (the plain sum). */
    static final int MIN_BUCKETS = 12;
    static final double PRIOR_RHO = 1.0;
    /** EWMA weight of one bucket: about a day of 5-minute buckets. */
    static final double ALPHA = 1.0 / 288;

    /** Workloads share capacity by region (unknown region: one pool of their own). */
    public static final class OfPool implements KeySelector<CompactHorizon, String> {
        @Override
        public String getKey(CompactHorizon h) {
            return "region:" + (h.region == null || h.region.isBlank() ? "unknown" : h.region);
        }
    }

    private final long idleMs;
    private transient MapState<Long, PoolAccumulator> pending;
    private transient MapState<String, MemberForecast> members;
    private transient ValueState<PoolCorrelation> cpuRho;
    private transient ValueState<PoolCorrelation> memoryRho;
    private transient ValueState<Long> idleAt;
    private transient IdleTimer idleTimer;

    public PoolShadowAggregator(ShadowOptions options) {
        this.idleMs = options.idleStateTimeoutMs;
    }

    @Override
    public void open(OpenContext ctx) {
        pending = getRuntimeContext().getMapState(PENDING);
        members = getRuntimeContext().getMapState(MEMBERS);
        cpuRho = getRuntimeContext().getState(CPU_CORRELATION);
        memoryRho = getRuntimeContext().getState(MEMORY_CORRELATION);
        idleAt = getRuntimeContext().getState(IDLE_TIMER);
        idleTimer = new IdleTimer(idleAt);
    }

    @Override
    public void processElement(CompactHorizon h, Context ctx, Collector<PoolShadow> out) throws Exception {
        int n = h.steps();
        if (n == 0) {
            return;
        }
        String key = h.key;
        long origin = h.generatedAt;
        long stepMs = h.stepMs;
        MemberForecast m = members.get(key);
        if (m == null) {
            m = new MemberForecast();
        }
        if (origin <= m.generatedAt || (ctx.timestamp() != null && ctx.timestamp() <= ctx.timerService().currentWatermark())) {
            return; // a replayed forecast, or one for an origin already emitted
        }
        PoolAccumulator acc = pending.get(origin);
        if (acc == null) {
            acc = PoolAccumulator.create(n, stepMs);
            // every forecast from this origin carries a timestamp before it: complete once the watermark passes
            ctx.timerService().registerEventTimeTimer(origin - 1);
        }
        double[] cpu = h.cpu, mem = h.memory;
        for (int i = 0; i < Math.min(acc.steps, n); i++) {
            int q = i * CompactHorizon.QUANTILES;
            PooledQuantiles.accumulate(acc.cpu, i * PooledQuantiles.SUMS, cpu[q], cpu[q + 1], cpu[q + 2]);
            PooledQuantiles.accumulate(acc.memory, i * PooledQuantiles.SUMS, mem[q], mem[q + 1], mem[q + 2]);
        }
        acc.members++;
        acc.addTenant(h.tenantId());
        // the actual of the bucket that closed at this origin meets the forecast made one step before it
        if (m.prevTarget == origin - stepMs) {
            acc.addError((h.lastCpu - m.prevCpuP50) / m.prevCpuSigma, (h.lastMemory - m.prevMemoryP50) / m.prevMemorySigma);
        }
        pending.put(origin, acc);

        m.generatedAt = origin;
        m.prevTarget = h.stepAt[0];
        m.prevCpuP50 = cpu[0];
        m.prevCpuSigma = MemberForecast.sigma(cpu[0], cpu[1]);
        m.prevMemoryP50 = mem[0];
        m.prevMemorySigma = MemberForecast.sigma(mem[0], mem[1]);
        members.put(key, m);
        idleTimer.extendTo(ctx.timerService(), origin + idleMs);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<PoolShadow> out) throws Exception {
        Long idle = idleAt.value();
        if (idle != null && timestamp == idle) {
            pending.clear();
            members.clear();
            cpuRho.clear();
            memoryRho.clear();
            idleTimer.clear();
            return;
        }
        long origin = timestamp + 1;
        PoolAccumulator acc = pending.get(origin);
        if (acc == null) {
            return;
        }
        pending.remove(origin);
        PoolCorrelation cpuC = orNew(cpuRho.value()), memC = orNew(memoryRho.value());
        double rhoCpu = cpuC.rho(PRIOR_RHO, MIN_BUCKETS), rhoMem = memC.rho(PRIOR_RHO, MIN_BUCKETS);
        for (int i = 0; i < acc.steps; i++) {
            PooledQuantiles cpu = new PooledQuantiles(acc.cpu, i * PooledQuantiles.SUMS, acc.members);
            PooledQuantiles mem = new PooledQuantiles(acc.memory, i * PooledQuantiles.SUMS, acc.members);
            out.collect(PoolShadow.newBuilder()
                    .setPool(ctx.getCurrentKey())
                    .setTimestamp(Instant.ofEpochMilli(origin + i * acc.stepMs))
                    .setStep(i + 1).setStepMs(acc.stepMs)
                    .setGeneratedAt(Instant.ofEpochMilli(origin))
                    .setMembers(acc.members).setTenants(acc.tenants.length)
                    .setCpuP50(cpu.p50()).setCpuP90(cpu.p90(rhoCpu)).setCpuP99(cpu.p99(rhoCpu))
                    .setCpuSumOfP90(cpu.sumOfP90s()).setCpuCorrelation(rhoCpu)
                    .setMemoryP50(mem.p50()).setMemoryP90(mem.p90(rhoMem)).setMemoryP99(mem.p99(rhoMem))
                    .setMemorySumOfP90(mem.sumOfP90s()).setMemoryCorrelation(rhoMem)
                    .build());
        }
        // this origin's errors inform the next origins' quantiles, never its own
        cpuC.observeSums(acc.cpuErrorSum, acc.cpuErrorSquares, acc.errors, ALPHA);
        memC.observeSums(acc.memoryErrorSum, acc.memoryErrorSquares, acc.errors, ALPHA);
        cpuRho.update(cpuC);
        memoryRho.update(memC);
        forgetSilentMembers(origin);
    }

    private void forgetSilentMembers(long now) throws Exception {
        List<String> gone = new ArrayList<>();
        for (Map.Entry<String, MemberForecast> e : members.entries()) {
            if (e.getValue().generatedAt < now - idleMs) {
                gone.add(e.getKey());
            }
        }
        for (String g : gone) {
            members.remove(g);
        }
    }

    private static PoolCorrelation orNew(PoolCorrelation c) {
        return c == null ? new PoolCorrelation() : c;
    }
}
