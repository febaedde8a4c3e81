package io.shadowscale.udf.logic;

import io.shadowscale.schema.AllocationUpdate;

/**
 * The orchestrator's view of a workload's allocation, from the platform's reports or, until the
 * first report, assumed from observed use; advanced by the orchestrator's own commands until the
 * platform acknowledges them (an {@link AllocationUpdate} whose {@code appliedCommandId} names the
 * command) or they expire. Plus the policy's memory (cooldown, scale-in stabilisation). A Flink POJO.
 */
public class AllocationState {
    /** True once the platform reported an allocation; false while it is assumed. */
    public boolean reported;
    public int replicas;
    public double cpuPerReplica;
    public long memoryPerReplicaBytes;
    public long storageBytes;
    /** Network cap of the whole workload in bytes/s; 0 = none known. */
    public long networkCapBytesPerSec;
    public double maxCpuPerReplica;
    public long maxMemoryPerReplicaBytes;
    /** For the pricing catalogue; null = its default row. */
    public String region;
    public String nodePool;
    public long lastCommandAt = Long.MIN_VALUE;
    /** Since when the scale-in condition holds without a break, or MIN_VALUE. */
    public long lowSince = Long.MIN_VALUE;
    /** The last command assumed applied but not acknowledged yet (null when none). */
    public String pendingCommandId;
    /** After this (the command's expiry) a report without the acknowledgement wins again. */
    public long pendingUntil = Long.MIN_VALUE;

    /** Until when an anomaly keeps the workload in safe mode: no scale-in (MIN_VALUE: none). */
    public long safeModeUntil = Long.MIN_VALUE;
    /** Until when scale-ups are capped at {@link #surgeCapCores} because of an unexplained surge. */
    public long surgeCapUntil = Long.MIN_VALUE;
    public double surgeCapCores;
    /**
     * The event time after which the orchestrator drops this state if no shadow or report came
     * since (MIN_VALUE: not set); its idle timer is armed from it.
     */
    public long idleExpiry = Long.MIN_VALUE;

    public AllocationState() {}

    public double cpuCapacity() {
        return replicas * cpuPerReplica;
    }

    public double memoryCapacity() {
        return (double) replicas * memoryPerReplicaBytes;
    }

    /**
     * Anomaly feedback: any anomaly puts the workload in safe mode (no scale-in) until
     * {@code until}; an unexplained surge also caps scale-ups at the capacity it found plus
     * {@code budget} of it, so an attack cannot run up the bill.
     */
    public void onAnomaly(boolean unexplainedSurge, long until, double budget) {
        safeModeUntil = Math.max(safeModeUntil, until);
        if (unexplainedSurge) {
            if (surgeCapUntil == Long.MIN_VALUE || surgeCapUntil < until - 24 * 3_600_000L) {
                surgeCapCores = cpuCapacity() * (1 + budget);
            }
            surgeCapUntil = Math.max(surgeCapUntil, until);
        }
    }

    public AllocationState copy() {
        AllocationState c = new AllocationState();
        c.reported = reported;
        c.replicas = replicas;
        c.cpuPerReplica = cpuPerReplica;
        c.memoryPerReplicaBytes = memoryPerReplicaBytes;
        c.storageBytes = storageBytes;
        c.networkCapBytesPerSec = networkCapBytesPerSec;
        c.maxCpuPerReplica = maxCpuPerReplica;
        c.maxMemoryPerReplicaBytes = maxMemoryPerReplicaBytes;
        c.region = region;
        c.nodePool = nodePool;
        c.lastCommandAt = lastCommandAt;
        c.lowSince = lowSince;
        c.pendingCommandId = pendingCommandId;
        c.pendingUntil = pendingUntil;
        c.safeModeUntil = safeModeUntil;
        c.surgeCapUntil = surgeCapUntil;
        c.surgeCapCores = surgeCapCores;
        c.idleExpiry = idleExpiry;
        return c;
    }

    /**
     * Takes a platform report. While one of our commands is pending, a report that does not
     * acknowledge it (written before the platform applied it) only updates the limits: taking
     * its sizes would undo the command in our view and make the policy issue it again.
     *
     * @return true when the report's sizes were taken
     */
    public boolean apply(AllocationUpdate u, double defaultMaxCpu, long defaultMaxMemory) {
        long at = u.getReportedAt().toEpochMilli();
        boolean acknowledges = pendingCommandId != null && pendingCommandId.equals(u.getAppliedCommandId());
        boolean stale = pendingCommandId != null && !acknowledges && at < pendingUntil;
        reported = true;
        if (u.getRegion() != null) region = u.getRegion();
        if (u.getNodePool() != null) nodePool = u.getNodePool();
        if (!stale) {
            replicas = u.getReplicas();
            cpuPerReplica = u.getCpuPerReplica();
            memoryPerReplicaBytes = u.getMemoryPerReplicaBytes();
            storageBytes = u.getStorageBytes();
            pendingCommandId = null;
            pendingUntil = Long.MIN_VALUE;
        }
        if (u.getNetworkCapBytesPerSec() != null) networkCapBytesPerSec = u.getNetworkCapBytesPerSec();
        maxCpuPerReplica = u.getMaxCpuPerReplica() != null ? u.getMaxCpuPerReplica() : Math.max(defaultMaxCpu, cpuPerReplica);
        maxMemoryPerReplicaBytes = u.getMaxMemoryPerReplicaBytes() != null
                ? u.getMaxMemoryPerReplicaBytes() : Math.max(defaultMaxMemory, memoryPerReplicaBytes);
        return !stale;
    }

    @Override
    public String toString() {
        return replicas + " × " + ScalingFormat.cores(cpuPerReplica) + " / " + ScalingFormat.bytes(memoryPerReplicaBytes);
    }
}
