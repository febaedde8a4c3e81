package io.shadowscale.udf.logic.pool;

import java.util.Arrays;

/**
 * The forecasts of one pool from one origin, summed as they arrive: per step the
 * {@link PooledQuantiles#SUMS} running sums of CPU and of memory, the members and tenants seen,
 * and the sums of the members' standardised one-step errors for the pool's correlation. A Flink
 * POJO of primitives; members are not kept, so its size does not grow with the pool.
 */
public class PoolAccumulator {
    public int steps;
    public long stepMs;
    public int members;
    public String[] tenants = new String[0];
    public double[] cpu;
    public double[] memory;
    public int errors;
    public double cpuErrorSum, cpuErrorSquares, memoryErrorSum, memoryErrorSquares;

    public PoolAccumulator() {}

    public static PoolAccumulator create(int steps, long stepMs) {
        PoolAccumulator a = new PoolAccumulator();
        a.steps = steps;
        a.stepMs = stepMs;
        a.cpu = new double[steps * PooledQuantiles.SUMS];
        a.memory = new double[steps * PooledQuantiles.SUMS];
        return a;
    }

    public void addTenant(String tenant) {
        for (String t : tenants) {
            if (t.equals(tenant)) {
                return;
            }
        }
        tenants = Arrays.copyOf(tenants, tenants.length + 1);
        tenants[tenants.length - 1] = tenant;
    }

    public void addError(double zCpu, double zMemory) {
        double c = PoolCorrelation.clip(zCpu), m = PoolCorrelation.clip(zMemory);
        errors++;
        cpuErrorSum += c;
        cpuErrorSquares += c * c;
        memoryErrorSum += m;
        memoryErrorSquares += m * m;
    }
}
