package io.shadowscale.udf.logic.ab;

import io.shadowscale.udf.logic.AllocationState;

/**
 * One strategy simulated on one workload: the allocation its policy believes in, the capacity
 * in force on the simulated platform with at most one change in flight, and the running hour's
 * totals. A Flink POJO.
 */
public class ArmState {
    public AllocationState allocation;
    public double cores;
    public double memoryBytes;
    public double spotShare;
    /** When the change in flight is in place (MIN_VALUE: none), and what it brings. */
    public long pendingAt = Long.MIN_VALUE;
    public double pendingCores, pendingMemoryBytes, pendingSpotShare;
    public long hourStart = Long.MIN_VALUE;
    public double cost, underprovisionedMinutes, coreHours, minutes;
    public int actions;

    public ArmState() {}
}
