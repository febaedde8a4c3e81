package io.shadowscale.udf.logic;

import io.shadowscale.schema.AllocationUpdate;

/**
 * The orchestrator's view of a workload's allocation, from the platform's reports or, until the
 * first report, assumed from observed use; plus the policy's memory (cooldown, scale-in
 * stabilisation). A Flink POJO.
 */
public class AllocationState {
    /** True once the platform reported an allocation; false while it is assumed. */
    public boolean reported;
    public int replicas;
    public double cpuPerReplica;
    public long memoryPerReplicaBytes;
    public long storageBytes;
    public double maxCpuPerReplica;
    public long maxMemoryPerReplicaBytes;
    public long lastCommandAt = Long.MIN_VALUE;
    /** Since when the scale-in condition holds without a break, or MIN_VALUE. */
    public long lowSince = Long.MIN_VALUE;

    public AllocationState() {}

    public double cpuCapacity() {
        return replicas * cpuPerReplica;
    }

    public double memoryCapacity() {
        return (double) replicas * memoryPerReplicaBytes;
    }

    public void apply(AllocationUpdate u, double defaultMaxCpu, long defaultMaxMemory) {
        reported = true;
        replicas = u.getReplicas();
        cpuPerReplica = u.getCpuPerReplica();
        memoryPerReplicaBytes = u.getMemoryPerReplicaBytes();
        storageBytes = u.getStorageBytes();
        maxCpuPerReplica = u.getMaxCpuPerReplica() != null ? u.getMaxCpuPerReplica() : Math.max(defaultMaxCpu, cpuPerReplica);
        maxMemoryPerReplicaBytes = u.getMaxMemoryPerReplicaBytes() != null
                ? u.getMaxMemoryPerReplicaBytes() : Math.max(defaultMaxMemory, memoryPerReplicaBytes);
    }

    @Override
    public String toString() {
        return replicas + " × " + ScalingFormat.cores(cpuPerReplica) + " / " + ScalingFormat.bytes(memoryPerReplicaBytes);
    }
}
