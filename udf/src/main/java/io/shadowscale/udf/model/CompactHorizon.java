package io.shadowscale.udf.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.flink.api.common.typeinfo.TypeInfo;

import io.shadowscale.schema.ForecastDriver;
import io.shadowscale.schema.ResourceShadow;
import io.shadowscale.schema.ShadowHorizon;

/**
 * What the pool aggregator and the orchestrator read of a {@link ShadowHorizon}, built once per
 * horizon next to the forecaster for the two keyBy's to them: the quantiles in primitive arrays,
 * the workload key, model id and tags once per horizon instead of per step. Serialised by
 * {@link CompactHorizonSerializer} (Avro's generic writer boxed every double and wrote four
 * strings per step). The Kafka and Iceberg sinks still get the {@link ShadowHorizon}.
 *
 * <p>Not carried, as neither reads them: the network-in quantiles, the model version and the
 * fallback reason ({@code ResourceShadow}'s per-step ids are the horizon's). The storage and
 * network-out quantiles are, for the policy's cost simulation. {@link #toHorizon} rebuilds a
 * horizon for the scaling policy with the missing fields at 0, empty and null; a policy change
 * that reads them must add them here.
 */
@TypeInfo(CompactHorizonSerializer.Factory.class)
public final class CompactHorizon {
    /** p50, p90, p99 of each step, step after step. */
    public static final int QUANTILES = 3;

    /** "tenant/workload" ({@link io.shadowscale.udf.Keys#workload}). */
    public String key;
    /** Null when the telemetry had none. */
    public String region;
    public String modelId;
    public boolean fallback;
    public long generatedAt;
    public long stepMs;
    /** Target time (start of the predicted bucket) of each step. */
    public long[] stepAt;
    public double lastCpu;
    public double lastMemory;
    public double lastStorage;
    /** {@link #QUANTILES} per step: p50, p90, p99. */
    public double[] cpu;
    public double[] memory;
    public double[] storage;
    public double[] networkOut;
    public String[] tags;
    public ForecastDriver[] drivers;

    public CompactHorizon() {}

    public static CompactHorizon of(ShadowHorizon h) {
        List<ResourceShadow> steps = h.getSteps();
        int n = steps.size();
        CompactHorizon c = new CompactHorizon();
        c.key = h.getTenantId() + "/" + h.getWorkloadId();
        c.region = h.getRegion();
        c.generatedAt = h.getGeneratedAt().toEpochMilli();
        c.lastCpu = h.getLastCpu();
        c.lastMemory = h.getLastMemory();
        c.lastStorage = h.getLastStorage();
        c.stepAt = new long[n];
        c.cpu = new double[n * QUANTILES];
        c.memory = new double[n * QUANTILES];
        c.storage = new double[n * QUANTILES];
        c.networkOut = new double[n * QUANTILES];
        for (int i = 0; i < n; i++) {
            ResourceShadow s = steps.get(i);
            int q = i * QUANTILES;
            c.stepAt[i] = s.getTimestamp().toEpochMilli();
            c.cpu[q] = s.getCpuP50();
            c.cpu[q + 1] = s.getCpuP90();
            c.cpu[q + 2] = s.getCpuP99();
            c.memory[q] = s.getMemoryP50();
            c.memory[q + 1] = s.getMemoryP90();
            c.memory[q + 2] = s.getMemoryP99();
            c.storage[q] = s.getStorageP50();
            c.storage[q + 1] = s.getStorageP90();
            c.storage[q + 2] = s.getStorageP99();
            c.networkOut[q] = s.getNetworkOutP50();
            c.networkOut[q + 1] = s.getNetworkOutP90();
            c.networkOut[q + 2] = s.getNetworkOutP99();
        }
        if (n > 0) {
            // one forecaster answers a whole horizon (ShadowAssembly.horizon)
            ResourceShadow first = steps.get(0);
            c.stepMs = first.getStepMs();
            c.modelId = first.getModelId();
            c.fallback = first.getFallback();
        } else {
            c.modelId = "";
        }
        List<String> tags = h.getTags();
        c.tags = tags == null ? new String[0] : tags.toArray(new String[0]);
        List<ForecastDriver> drivers = h.getDrivers();
        c.drivers = drivers == null ? new ForecastDriver[0] : drivers.toArray(new ForecastDriver[0]);
        return c;
    }

    public int steps() {
        return stepAt.length;
    }

    public String tenantId() {
        return key.substring(0, key.indexOf('/'));
    }

    public String workloadId() {
        return key.substring(key.indexOf('/') + 1);
    }

    /**
     * A horizon with what this carries, for the scaling policy: network-in quantiles 0, model
     * version empty, no fallback reason (the policy reads none of them).
     */
    public ShadowHorizon toHorizon() {
        String tenant = tenantId(), workload = workloadId();
        Instant at = Instant.ofEpochMilli(generatedAt);
        int n = steps();
        List<ResourceShadow> steps = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int q = i * QUANTILES;
            ResourceShadow s = new ResourceShadow();
            s.setTenantId(tenant);
            s.setWorkloadId(workload);
            s.setTimestamp(Instant.ofEpochMilli(stepAt[i]));
            s.setStep(i + 1);
            s.setStepMs(stepMs);
            s.setGeneratedAt(at);
            s.setCpuP50(cpu[q]);
            s.setCpuP90(cpu[q + 1]);
            s.setCpuP99(cpu[q + 2]);
            s.setMemoryP50(memory[q]);
            s.setMemoryP90(memory[q + 1]);
            s.setMemoryP99(memory[q + 2]);
            s.setStorageP50(storage[q]);
            s.setStorageP90(storage[q + 1]);
            s.setStorageP99(storage[q + 2]);
            s.setNetworkOutP50(networkOut[q]);
            s.setNetworkOutP90(networkOut[q + 1]);
            s.setNetworkOutP99(networkOut[q + 2]);
            s.setModelId(modelId);
            s.setModelVersion("");
            s.setFallback(fallback);
            steps.add(s);
        }
        ShadowHorizon h = new ShadowHorizon();
        h.setTenantId(tenant);
        h.setWorkloadId(workload);
        h.setGeneratedAt(at);
        h.setSteps(steps);
        h.setLastCpu(lastCpu);
        h.setLastMemory(lastMemory);
        h.setLastStorage(lastStorage);
        h.setRegion(region);
        h.setTags(Arrays.asList(tags));
        h.setDrivers(new ArrayList<>(Arrays.asList(drivers)));
        return h;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof CompactHorizon)) return false;
        CompactHorizon c = (CompactHorizon) o;
        return key.equals(c.key) && java.util.Objects.equals(region, c.region) && java.util.Objects.equals(modelId, c.modelId)
                && fallback == c.fallback && generatedAt == c.generatedAt && stepMs == c.stepMs && Arrays.equals(stepAt, c.stepAt)
                && Double.compare(lastCpu, c.lastCpu) == 0 && Double.compare(lastMemory, c.lastMemory) == 0
                && Double.compare(lastStorage, c.lastStorage) == 0 && Arrays.equals(cpu, c.cpu) && Arrays.equals(memory, c.memory)
                && Arrays.equals(storage, c.storage) && Arrays.equals(networkOut, c.networkOut) && Arrays.equals(tags, c.tags)
                && Arrays.equals(drivers, c.drivers);
    }

    @Override
    public int hashCode() {
        return key.hashCode() * 31 + Long.hashCode(generatedAt);
    }

    @Override
    public String toString() {
        return "CompactHorizon{" + key + " @" + generatedAt + ", " + steps() + " steps, " + modelId + "}";
    }
}
