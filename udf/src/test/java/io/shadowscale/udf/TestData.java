package io.shadowscale.udf;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.shadowscale.schema.ResourceShadow;
import io.shadowscale.schema.ShadowHorizon;
import io.shadowscale.schema.TelemetryEvent;
import io.shadowscale.schema.TelemetryRollup;
import io.shadowscale.udf.model.Resource;
import io.shadowscale.udf.model.Residual;

/** Small builders for test records. */
public final class TestData {
    public static final long MIN = 60_000L;
    public static final long BUCKET = 5 * MIN;
    /** 2024-03-04T00:00Z, a Monday. */
    public static final long T0 = Instant.parse("2024-03-04T00:00:00Z").toEpochMilli();

    private TestData() {}

    public static TelemetryEvent event(String tenant, String workload, long time, double cpu) {
        return TelemetryEvent.newBuilder()
                .setTenantId(tenant).setWorkloadId(workload)
                .setEventTime(Instant.ofEpochMilli(time))
                .setCpuCores(cpu).setMemoryBytes((long) (cpu * (1L << 30)))
                .setNetworkInBytes(60_000).setNetworkOutBytes(120_000)
                .setStorageBytes(10L << 30)
                .setDbQueries(10).setRequests(100).setActiveSessions(5).setSessionDurationMs(30_000)
                .setDataKind("transactions").setIntervalMs(MIN)
                .build();
    }

    public static TelemetryRollup rollup(String tenant, String workload, long bucketStart, double cpu) {
        return TelemetryRollup.newBuilder()
                .setTenantId(tenant).setWorkloadId(workload)
                .setBucketStart(Instant.ofEpochMilli(bucketStart)).setBucketMs(BUCKET)
                .setSamples(5).setCpuAvg(cpu).setCpuMax(cpu).setMemoryAvg(cpu * (1L << 30)).setMemoryMax(cpu * (1L << 30))
                .setNetworkInBytesPerSec(1000).setNetworkOutBytesPerSec(2000).setStorageMax(10L << 30)
                .setDbQueries(50).setRequests(500).setActiveSessionsAvg(5).setSessionDurationMsAvg(30_000)
                .setDataKinds(java.util.Map.of("transactions", 5L))
                .build();
    }

    /** {@code r} as the profiler passes it on: with an all-zero covariate matrix for 12 steps. */
    public static io.shadowscale.udf.model.EnrichedRollup enriched(TelemetryRollup r) {
        var e = new io.shadowscale.udf.model.EnrichedRollup();
        e.rollup = r;
        e.originMs = r.getBucketStart().toEpochMilli() + r.getBucketMs();
        e.stepMs = r.getBucketMs();
        e.steps = 12;
        e.features = io.shadowscale.udf.logic.events.Covariates.COUNT;
        e.covariates = new double[e.steps * e.features];
        e.eventIds = new String[0];
        e.tags = new String[0];
        return e;
    }

    /** A horizon of {@code steps} buckets after {@code generatedAt} with the given CPU p50 per step and a ±10%/20% band. */
    public static ShadowHorizon horizon(String tenant, String workload, long generatedAt, double lastCpu, double... cpuP50) {
        List<ResourceShadow> steps = new ArrayList<>();
        for (int i = 0; i < cpuP50.length; i++) {
            double c = cpuP50[i];
            double mem = 2.0 * (1L << 30);
            steps.add(ResourceShadow.newBuilder()
                    .setTenantId(tenant).setWorkloadId(workload)
                    .setTimestamp(Instant.ofEpochMilli(generatedAt + i * BUCKET)).setStep(i + 1).setStepMs(BUCKET)
                    .setGeneratedAt(Instant.ofEpochMilli(generatedAt))
                    .setCpuP50(c).setCpuP90(c * 1.1).setCpuP99(c * 1.2)
                    .setMemoryP50(mem).setMemoryP90(mem * 1.05).setMemoryP99(mem * 1.1)
                    .setNetworkInP50(1).setNetworkInP90(1).setNetworkInP99(1)
                    .setNetworkOutP50(1).setNetworkOutP90(1).setNetworkOutP99(1)
                    .setStorageP50(10L << 30).setStorageP90(10L << 30).setStorageP99(10L << 30)
                    .setModelId("test").setModelVersion("1").setFallback(true)
                    .build());
        }
        return ShadowHorizon.newBuilder().setTenantId(tenant).setWorkloadId(workload)
                .setGeneratedAt(Instant.ofEpochMilli(generatedAt)).setSteps(steps)
                .setLastCpu(lastCpu).setLastMemory(2.0 * (1L << 30)).setLastStorage(10L << 30).build();
    }

    public static Residual residual(String tenant, String workload, long bucketStart, double cpuActual, double cpuP50) {
        Residual r = Residual.blank(tenant, workload, bucketStart, BUCKET);
        for (int i = 0; i < Resource.COUNT; i++) {
            r.actual[i] = 100;
            r.p50[i] = 100;
            r.p90[i] = 110;
            r.p99[i] = 120;
        }
        int c = Resource.CPU.ordinal();
        r.actual[c] = cpuActual;
        r.p50[c] = cpuP50;
        r.p90[c] = cpuP50 * 1.1;
        r.p99[c] = cpuP50 * 1.2;
        return r;
    }

    /** What crosses the keyBy's to the pool and the orchestrator: the horizon's compact form, serialised and read back. */
    public static io.shadowscale.udf.model.CompactHorizon compact(ShadowHorizon h) {
        try {
            var ser = io.shadowscale.udf.model.CompactHorizonSerializer.INSTANCE;
            var out = new org.apache.flink.core.memory.DataOutputSerializer(1024);
            ser.serialize(io.shadowscale.udf.model.CompactHorizon.of(h), out);
            return ser.deserialize(new org.apache.flink.core.memory.DataInputDeserializer(out.getCopyOfBuffer()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
