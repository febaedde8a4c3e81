package io.shadowscale.udf.logic.pool;

/**
 * Demand of workloads that share capacity (a node pool or region), summed per step with quantiles
 * that account for the members not peaking together.
 *
 * <p>Each member's forecast is read as a distribution around its p50 with an upper spread from
 * its own quantiles: {@code σ90 = (p90 − p50) / z90}, {@code σ99 = (p99 − p50) / z99} (separately,
 * so a skewed member keeps its heavy tail at p99). The pool's p50 is the sum of the members'
 * p50; its upper quantiles are {@code Σp50 + z · sqrt((1 − ρ) Σσ² + ρ (Σσ)²)} — the variance of a sum
 * of members with a common pairwise correlation ρ. ρ = 1 gives the plain sum of the members' p90s
 * (everyone peaks together: what per-workload headroom adds up to); ρ = 0 independent members,
 * whose excesses partly cancel. ρ comes from {@link PoolCorrelation}, measured on the members'
 * own forecast errors.
 */
public final class PooledQuantiles {

    static final double Z90 = 1.2815515655446004;
    static final double Z99 = 2.3263478740408408;

    /** Sums kept per step: p50, σ90, σ90², σ99, σ99². */
    public static final int SUMS = 5;

    private double sumP50;
    private double sumS90, sumSq90;
    private double sumS99, sumSq99;
    private int members;

    public PooledQuantiles() {}

    /** From sums kept by {@link #accumulate}: {@code sums[offset .. offset + SUMS)}. */
    public PooledQuantiles(double[] sums, int offset, int members) {
        this.sumP50 = sums[offset];
        this.sumS90 = sums[offset + 1];
        this.sumSq90 = sums[offset + 2];
        this.sumS99 = sums[offset + 3];
        this.sumSq99 = sums[offset + 4];
        this.members = members;
    }

    public void add(double p50, double p90, double p99) {
        double[] one = new double[SUMS];
        accumulate(one, 0, p50, p90, p99);
        sumP50 += one[0];
        sumS90 += one[1];
        sumSq90 += one[2];
        sumS99 += one[3];
        sumSq99 += one[4];
        members++;
    }

    /** Adds one member's step to running sums (so a pool can be summed without keeping its members). */
    public static void accumulate(double[] sums, int offset, double p50, double p90, double p99) {
        double s90 = Math.max(0, p90 - p50) / Z90;
        double s99 = Math.max(0, p99 - p50) / Z99;
        sums[offset] += p50;
        sums[offset + 1] += s90;
        sums[offset + 2] += s90 * s90;
        sums[offset + 3] += s99;
        sums[offset + 4] += s99 * s99;
    }

    public int members() {
        return members;
    }

    public double p50() {
        return sumP50;
    }

    public double p90(double rho) {
        return sumP50 + Z90 * spread(sumS90, sumSq90, rho);
    }

    public double p99(double rho) {
        return sumP50 + Z99 * spread(sumS99, sumSq99, rho);
    }

    /** Sum of the members' own p90s: what provisioning each one for its p90 adds up to. */
    public double sumOfP90s() {
        return sumP50 + Z90 * sumS90;
    }

    private static double spread(double sum, double sumSq, double rho) {
        double r = Math.max(0, Math.min(1, rho));
        return Math.sqrt(Math.max(0, (1 - r) * sumSq + r * sum * sum));
    }
}
