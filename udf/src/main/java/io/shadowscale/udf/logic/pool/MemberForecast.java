package io.shadowscale.udf.logic.pool;

/**
 * A pool member's latest forecast as the pool needs it: CPU and memory p50/p90/p99 per step
 * ({@code [step * 3 + q]}), and its previous one-step-ahead forecast, against which the next
 * reported actual gives the member's standardised error. A Flink POJO of primitives.
 */
public class MemberForecast {
    public String workload;
    public String tenantId;
    public long generatedAt = Long.MIN_VALUE;
    public long stepMs;
    /** Actual mean CPU and memory of the bucket that closed at {@link #generatedAt}. */
    public double lastCpu, lastMemory;
    public double[] cpu;
    public double[] memory;
    /** One-step forecast from the previous origin: its target bucket's start, and {p50, σ} of CPU and memory. */
    public long prevTarget = Long.MIN_VALUE;
    public double prevCpuP50, prevCpuSigma, prevMemoryP50, prevMemorySigma;

    public MemberForecast() {}

    /** σ of a step from its p50 and p90 (normal reading, floored so a flat band cannot divide by zero). */
    public static double sigma(double p50, double p90) {
        return Math.max((p90 - p50) / PooledQuantiles.Z90, 1e-9 + 1e-3 * Math.abs(p50));
    }
}
