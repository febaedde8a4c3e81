package io.shadowscale.udf;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
import io.shadowscale.schema.ResourceShadow;
import io.shadowscale.schema.ShadowHorizon;
import io.shadowscale.udf.logic.pool.MemberForecast;
import io.shadowscale.udf.logic.pool.PoolCorrelation;
import io.shadowscale.udf.logic.pool.PooledQuantiles;

/**
 * Pooled shadows: the summed demand of the workloads that share capacity, per future step.
 * Keyed by pool ({@link OfPool}: the workload's region). Each member's latest horizon is kept;
 * when the watermark passes a forecast origin, every member that forecast from that origin is
 * summed step by step with {@link PooledQuantiles}, using the CPU and memory correlations
 * measured on the members' own one-step errors ({@link PoolCorrelation}). Members silent for
 * {@link ShadowOptions#idleStateTimeoutMs} leave the pool; an empty pool's state is dropped.
 */
public class PoolShadowAggregator extends KeyedProcessFunction<String, ShadowHorizon, PoolShadow> {

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
    public static final class OfPool implements KeySelector<ShadowHorizon, String> {
        @Override
        public String getKey(ShadowHorizon h) {
            return "region:" + (h.getRegion() == null || h.getRegion().isBlank() ? "unknown" : h.getRegion());
        }
    }

    private final long idleMs;
    private transient MapState<String, MemberForecast> members;
    private transient ValueState<PoolCorrelation> cpuRho;
    private transient ValueState<PoolCorrelation> memoryRho;
    private transient IdleTimer idleTimer;
    private transient ValueState<Long> idleAt;

    public PoolShadowAggregator(ShadowOptions options) {
        this.idleMs = options.idleStateTimeoutMs;
    }

    @Override
    public void open(OpenContext ctx) {
        members = getRuntimeContext().getMapState(MEMBERS);
        cpuRho = getRuntimeContext().getState(CPU_CORRELATION);
        memoryRho = getRuntimeContext().getState(MEMORY_CORRELATION);
        idleAt = getRuntimeContext().getState(IDLE_TIMER);
        idleTimer = new IdleTimer(idleAt);
    }

    @Override
    public void processElement(ShadowHorizon h, Context ctx, Collector<PoolShadow> out) throws Exception {
        List<ResourceShadow> steps = h.getSteps();
        if (steps.isEmpty()) {
            return;
        }
        String member = Keys.workload(h.getTenantId(), h.getWorkloadId());
        MemberForecast m = members.get(member);
        if (m == null) {
            m = new MemberForecast();
            m.workload = member;
            m.tenantId = h.getTenantId();
        }
        long origin = h.getGeneratedAt().toEpochMilli();
        if (origin <= m.generatedAt) {
            return; // a replayed forecast
        }
        m.generatedAt = origin;
        m.stepMs = steps.get(0).getStepMs();
        m.lastCpu = h.getLastCpu();
        m.lastMemory = h.getLastMemory();
        int n = steps.size();
        m.cpu = new double[n * 3];
        m.memory = new double[n * 3];
        for (int i = 0; i < n; i++) {
            ResourceShadow s = steps.get(i);
            m.cpu[i * 3] = s.getCpuP50();
            m.cpu[i * 3 + 1] = s.getCpuP90();
            m.cpu[i * 3 + 2] = s.getCpuP99();
            m.memory[i * 3] = s.getMemoryP50();
            m.memory[i * 3 + 1] = s.getMemoryP90();
            m.memory[i * 3 + 2] = s.getMemoryP99();
        }
        members.put(member, m);
        // all forecasts from this origin carry timestamps before it: the pool is complete once the watermark passes
        ctx.timerService().registerEventTimeTimer(origin - 1);
        idleTimer.extendTo(ctx.timerService(), origin + idleMs);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<PoolShadow> out) throws Exception {
        Long idle = idleAt.value();
        if (idle != null && timestamp == idle) {
            members.clear();
            cpuRho.clear();
            memoryRho.clear();
            idleTimer.clear();
            return;
        }
        long origin = timestamp + 1;
        List<MemberForecast> current = new ArrayList<>();
        List<String> gone = new ArrayList<>();
        for (Map.Entry<String, MemberForecast> e : members.entries()) {
            MemberForecast m = e.getValue();
            if (m.generatedAt == origin) {
                current.add(m);
            } else if (m.generatedAt < origin - idleMs) {
                gone.add(e.getKey());
            }
        }
        for (String g : gone) {
            members.remove(g);
        }
        if (current.isEmpty()) {
            return;
        }
        PoolCorrelation cpuC = orNew(cpuRho.value());
        PoolCorrelation memC = orNew(memoryRho.value());
        observeErrors(current, origin, cpuC, memC);
        cpuRho.update(cpuC);
        memoryRho.update(memC);

        double rhoCpu = cpuC.rho(PRIOR_RHO, MIN_BUCKETS), rhoMem = memC.rho(PRIOR_RHO, MIN_BUCKETS);
        int steps = current.get(0).cpu.length / 3;
        long stepMs = current.get(0).stepMs;
        Set<String> tenants = new HashSet<>();
        current.forEach(m -> tenants.add(m.tenantId));
        for (int i = 0; i < steps; i++) {
            PooledQuantiles cpu = new PooledQuantiles(), mem = new PooledQuantiles();
            for (MemberForecast m : current) {
                if (m.cpu.length / 3 > i) {
                    cpu.add(m.cpu[i * 3], m.cpu[i * 3 + 1], m.cpu[i * 3 + 2]);
                    mem.add(m.memory[i * 3], m.memory[i * 3 + 1], m.memory[i * 3 + 2]);
                }
            }
            out.collect(PoolShadow.newBuilder()
                    .setPool(ctx.getCurrentKey())
                    .setTimestamp(Instant.ofEpochMilli(origin + i * stepMs))
                    .setStep(i + 1).setStepMs(stepMs)
                    .setGeneratedAt(Instant.ofEpochMilli(origin))
                    .setMembers(cpu.members()).setTenants(tenants.size())
                    .setCpuP50(cpu.p50()).setCpuP90(cpu.p90(rhoCpu)).setCpuP99(cpu.p99(rhoCpu))
                    .setCpuSumOfP90(cpu.sumOfP90s()).setCpuCorrelation(rhoCpu)
                    .setMemoryP50(mem.p50()).setMemoryP90(mem.p90(rhoMem)).setMemoryP99(mem.p99(rhoMem))
                    .setMemorySumOfP90(mem.sumOfP90s()).setMemoryCorrelation(rhoMem)
                    .build());
        }
        // each member's one-step forecast from this origin, for the error the next bucket brings
        for (MemberForecast m : current) {
            m.prevTarget = origin;
            m.prevCpuP50 = m.cpu[0];
            m.prevCpuSigma = MemberForecast.sigma(m.cpu[0], m.cpu[1]);
            m.prevMemoryP50 = m.memory[0];
            m.prevMemorySigma = MemberForecast.sigma(m.memory[0], m.memory[1]);
            members.put(m.workload, m);
        }
    }

    /**
     * The standardised one-step errors of the members whose previous forecast was for the bucket
     * that closed at {@code origin} (its actual arrived with this origin's horizon).
     */
    private static void observeErrors(List<MemberForecast> current, long origin, PoolCorrelation cpu, PoolCorrelation mem) {
        double[] zc = new double[current.size()], zm = new double[current.size()];
        int n = 0;
        for (MemberForecast m : current) {
            if (m.prevTarget != Long.MIN_VALUE && m.prevTarget == origin - m.stepMs) {
                zc[n] = (m.lastCpu - m.prevCpuP50) / m.prevCpuSigma;
                zm[n] = (m.lastMemory - m.prevMemoryP50) / m.prevMemorySigma;
                n++;
            }
        }
        cpu.observe(zc, n, ALPHA);
        mem.observe(zm, n, ALPHA);
    }

    private static PoolCorrelation orNew(PoolCorrelation c) {
        return c == null ? new PoolCorrelation() : c;
    }
}
