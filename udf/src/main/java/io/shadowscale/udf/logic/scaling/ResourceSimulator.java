package io.shadowscale.udf.logic.scaling;

import java.util.List;

import io.shadowscale.schema.ResourceShadow;
import io.shadowscale.udf.logic.AllocationState;

/**
 * Plays a shadow (p50/p90/p99 per resource per step) against an allocation: per step the
 * predicted utilisation of CPU, memory, storage and network (at each quantile), the probability
 * that use exceeds the allocation, the headroom left above p90, and the cost per hour. The job's
 * policy, the backtest and what-if runs share it.
 *
 * <p>The probability of saturation reads the forecast's quantiles as points of a distribution: the
 * capacity's position between them is mapped to a standard-normal z by piecewise-linear
 * interpolation through (p50, 0), (p90, 1.28) and (p99, 2.33), extended beyond with the nearest
 * segment's slope, and P = 1 − Φ(z). No shape is fitted, so a skewed band gives a skewed answer.
 */
public final class ResourceSimulator {

    static final double Z90 = 1.2815515655446004;
    static final double Z99 = 2.3263478740408408;

    private ResourceSimulator() {}

    /** One simulated step. Utilisations are use ÷ capacity (NaN when the capacity is 0 or unknown). */
    public record Step(long at, double cpuUtilP50, double cpuUtilP90, double cpuUtilP99, double memoryUtilP50,
                       double memoryUtilP90, double memoryUtilP99, double storageUtilP99, double networkUtilP99,
                       double saturationProbability, double cpuHeadroomCores, double memoryHeadroomBytes, double costPerHour) {}

    /** The whole horizon: every step and the worst of them. */
    public record Result(List<Step> steps, double maxSaturationProbability, int firstSaturatedStep, double costPerHour) {}

    /**
     * @param spotShare share of CPU and memory capacity bought as spot (0 to 1)
     */
    public static Result simulate(List<ResourceShadow> shadow, AllocationState a, PricingCatalog.Price price, double spotShare) {
        double cpu = a.cpuCapacity(), mem = a.memoryCapacity(), storage = a.storageBytes, net = a.networkCapBytesPerSec;
        double capacityCost = price.computePerHour(cpu, mem, spotShare) + price.storagePerHour(storage);
        Step[] out = new Step[shadow.size()];
        double worst = 0;
        int first = -1;
        for (int i = 0; i < shadow.size(); i++) {
            ResourceShadow s = shadow.get(i);
            double pCpu = exceedance(cpu, s.getCpuP50(), s.getCpuP90(), s.getCpuP99());
            double pMem = exceedance(mem, s.getMemoryP50(), s.getMemoryP90(), s.getMemoryP99());
            double pSto = storage > 0 ? exceedance(storage, s.getStorageP50(), s.getStorageP90(), s.getStorageP99()) : 0;
            double pNet = net > 0 ? exceedance(net, s.getNetworkOutP50(), s.getNetworkOutP90(), s.getNetworkOutP99()) : 0;
            // the resources are far from independent (load drives them all): the most likely one bounds the union from below
            double p = Math.max(Math.max(pCpu, pMem), Math.max(pSto, pNet));
            if (p > worst) worst = p;
            if (first < 0 && p >= 0.5) first = i;
            out[i] = new Step(s.getTimestamp().toEpochMilli(),
                    util(s.getCpuP50(), cpu), util(s.getCpuP90(), cpu), util(s.getCpuP99(), cpu),
                    util(s.getMemoryP50(), mem), util(s.getMemoryP90(), mem), util(s.getMemoryP99(), mem),
                    util(s.getStorageP99(), storage), util(s.getNetworkOutP99(), net), p,
                    cpu - s.getCpuP90(), mem - s.getMemoryP90(),
                    capacityCost + price.networkPerHour(s.getNetworkOutP50()));
        }
        return new Result(List.of(out), worst, first, capacityCost);
    }

    /** P(use > capacity) from the p50/p90/p99 of use. */
    public static double exceedance(double capacity, double p50, double p90, double p99) {
        if (!(p99 > 0)) return 0; // no use forecast
        if (!(capacity > 0)) return 1;
        p90 = Math.max(p90, p50);
        p99 = Math.max(p99, p90);
        double z;
        double lowSlope = (p90 - p50) / Z90, highSlope = (p99 - p90) / (Z99 - Z90);
        if (capacity <= p90) {
            z = lowSlope > 0 ? (capacity - p50) / lowSlope : (capacity >= p50 ? Z90 : Double.NEGATIVE_INFINITY);
        } else if (capacity <= p99) {
            z = highSlope > 0 ? Z90 + (capacity - p90) / highSlope : Z99;
        } else {
            double slope = highSlope > 0 ? highSlope : lowSlope;
            z = slope > 0 ? Z99 + (capacity - p99) / slope : Double.POSITIVE_INFINITY;
        }
        return 1 - phi(z);
    }

    /** Standard normal CDF (Zelen & Severo 26.2.17, |error| < 7.5e-8). */
    static double phi(double z) {
        if (z == Double.POSITIVE_INFINITY) return 1;
        if (z == Double.NEGATIVE_INFINITY) return 0;
        double t = 1 / (1 + 0.2316419 * Math.abs(z));
        double d = Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI);
        double q = d * t * (0.319381530 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
        return z >= 0 ? 1 - q : q;
    }

    private static double util(double use, double capacity) {
        return capacity > 0 ? use / capacity : Double.NaN;
    }
}
