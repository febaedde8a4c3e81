package io.shadowscale.udf.logic.pool;

/**
 * What a pool keeps of each member: when it last forecast, and its one-step-ahead forecast from
 * then (target bucket, p50 and σ of CPU and memory), against which the actual that arrives with
 * the member's next forecast gives its standardised error. A Flink POJO of primitives.
 */
public class MemberForecast {
    public long generatedAt = Long.MIN_VALUE;
    public long prevTarget = Long.MIN_VALUE;
    public double prevCpuP50, prevCpuSigma, prevMemoryP50, prevMemorySigma;

    public MemberForecast() {}

    /** σ of a step from its p50 and p90 (normal reading, floored so a flat band cannot divide by zero). */
    public static double sigma(double p50, double p90) {
        return Math.max((p90 - p50) / PooledQuantiles.Z90, 1e-9 + 1e-3 * Math.abs(p50));
    }
}
