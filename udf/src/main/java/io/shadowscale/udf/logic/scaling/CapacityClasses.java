package io.shadowscale.udf.logic.scaling;

import java.util.List;

import io.shadowscale.schema.CapacityClass;
import io.shadowscale.schema.ResourceShadow;

/**
 * Which part of an allocation to buy as spot. Spot capacity is cheap but can be reclaimed, so it
 * is recommended only where losing a replica is cheap to live with:
 * <ul>
 *   <li>workloads tagged {@code batch-processing} (work is re-run, not lost to users): all of it;</li>
 *   <li>otherwise the replicas the forecast band says will be needed through the whole horizon
 *       — whole replicas under the lowest p50 of the horizon — so their use is predictable and a
 *       reclaimed one is replaced before demand depends on it; at least one replica stays
 *       on-demand.</li>
 * </ul>
 */
public final class CapacityClasses {

    public static final String BATCH_TAG = "batch-processing";

    private CapacityClasses() {}

    /** A recommendation: the share of replicas on spot and its class. */
    public record Choice(double spotShare, CapacityClass capacityClass, String why) {}

    public static Choice choose(List<ResourceShadow> shadow, List<String> tags, int replicas, double cpuPerReplica) {
        if (tags != null && tags.contains(BATCH_TAG)) {
            return new Choice(1.0, CapacityClass.SPOT, "batch-processing workload");
        }
        if (replicas <= 1 || shadow.isEmpty() || !(cpuPerReplica > 0)) {
            return new Choice(0.0, CapacityClass.ON_DEMAND, "no predictable share");
        }
        double floor = Double.POSITIVE_INFINITY;
        for (ResourceShadow s : shadow) floor = Math.min(floor, s.getCpuP50());
        int spot = Math.min(replicas - 1, (int) Math.floor(floor / cpuPerReplica + 1e-9));
        if (spot <= 0) {
            return new Choice(0.0, CapacityClass.ON_DEMAND, "no predictable share");
        }
        return new Choice(spot / (double) replicas, CapacityClass.MIXED,
                spot + " of " + replicas + " replicas under the horizon's lowest p50");
    }
}
