package io.shadowscale.jobs.whatif;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.flink.CatalogLoader;

import io.shadowscale.jobs.iceberg.IcebergTables;
import io.shadowscale.jobs.iceberg.QueryException;
import io.shadowscale.jobs.iceberg.TableReader;
import io.shadowscale.schema.ScalingCommand;
import io.shadowscale.schema.TelemetryRollup;
import io.shadowscale.schema.WorkloadProfile;
import io.shadowscale.udf.ShadowOptions;
import io.shadowscale.udf.logic.AllocationState;

/**
 * What the warehouse knows of one workload up to an instant: its closed buckets (a day and an
 * hour, what the forecaster's state holds), its latest profile's tags, and the allocation its
 * latest applied command left. Unknown tenants and workloads are errors that list the known ones.
 */
public final class WorkloadHistory {

    public final List<TelemetryRollup> rollups;
    public final String[] tags;
    /** Null when no applied command is on record: the allocation is then assumed, as the job does. */
    public final AllocationState allocation;
    public final String allocationSource;

    private WorkloadHistory(List<TelemetryRollup> rollups, String[] tags, AllocationState allocation, String allocationSource) {
        this.rollups = rollups;
        this.tags = tags;
        this.allocation = allocation;
        this.allocationSource = allocationSource;
    }

    /**
     * @param at the forecast origin; null = right after the workload's latest bucket
     */
    public static WorkloadHistory load(CatalogLoader catalog, String tenant, String workload, Instant at, ShadowOptions o)
            throws QueryException {
        List<TelemetryRollup> all = TableReader.read(catalog, IcebergTables.TELEMETRY_ROLLUPS,
                Expressions.and(Expressions.equal("tenant_id", tenant), Expressions.equal("workload_id", workload)));
        if (all.isEmpty()) {
            TreeSet<String> tenants = new TreeSet<>();
            TreeSet<String> workloads = new TreeSet<>();
            for (TelemetryRollup r : TableReader.read(catalog, IcebergTables.TELEMETRY_ROLLUPS, Expressions.alwaysTrue())) {
                tenants.add(r.getTenantId());
                if (r.getTenantId().equals(tenant)) {
                    workloads.add(r.getWorkloadId());
                }
            }
            if (tenants.isEmpty()) {
                throw new QueryException("telemetry_rollups is empty: run the job or the demo first");
            }
            if (!tenants.contains(tenant)) {
                throw new QueryException("unknown tenant '" + tenant + "' (tenants with history: " + String.join(", ", tenants) + ")");
            }
            throw new QueryException("tenant " + tenant + " has no workload '" + workload + "' (its workloads: " + String.join(", ", workloads) + ")");
        }
        all.sort(Comparator.comparing(TelemetryRollup::getBucketStart));
        long origin = at != null ? at.toEpochMilli() : all.get(all.size() - 1).getBucketStart().toEpochMilli() + o.bucketMs;
        long from = origin - 86_400_000L - 3_600_000L;
        List<TelemetryRollup> history = all.stream()
                .filter(r -> r.getBucketStart().toEpochMilli() + r.getBucketMs() <= origin && r.getBucketStart().toEpochMilli() >= from)
                .toList();
        if (history.isEmpty()) {
            throw new QueryException(tenant + "/" + workload + " has no history before " + Instant.ofEpochMilli(origin)
                    + " (its buckets run from " + all.get(0).getBucketStart() + " to " + all.get(all.size() - 1).getBucketStart() + ")");
        }

        String[] tags = new String[0];
        try {
            WorkloadProfile p = TableReader.read(catalog, IcebergTables.PROFILES,
                            Expressions.and(Expressions.equal("tenant_id", tenant), Expressions.equal("workload_id", workload))).stream()
                    .filter(x -> x.getProfiledAt().toEpochMilli() <= origin)
                    .max(Comparator.comparing(WorkloadProfile::getProfiledAt)).orElse(null);
            if (p != null && !p.getTags().isBlank()) {
                tags = p.getTags().split(",");
            }
        } catch (QueryException e) {
            // no profiles table yet: no tags
        }

        AllocationState allocation = null;
        String source = "assumed from recent use (no applied command on record)";
        try {
            ScalingCommand c = TableReader.read(catalog, IcebergTables.SCALING_COMMANDS,
                            Expressions.and(Expressions.equal("tenant_id", tenant), Expressions.equal("workload_id", workload))).stream()
                    .filter(x -> !x.getDryRun() && x.getEffectiveAt().toEpochMilli() <= origin)
                    .max(Comparator.comparing(ScalingCommand::getEffectiveAt)).orElse(null);
            if (c != null) {
                allocation = new AllocationState();
                allocation.reported = true;
                allocation.replicas = c.getToReplicas();
                allocation.cpuPerReplica = c.getToCpuPerReplica();
                allocation.memoryPerReplicaBytes = c.getToMemoryPerReplicaBytes();
                allocation.storageBytes = c.getToStorageBytes();
                allocation.maxCpuPerReplica = Math.max(o.maxCpuPerReplica, c.getToCpuPerReplica());
                allocation.maxMemoryPerReplicaBytes = Math.max(o.maxMemoryPerReplicaBytes, c.getToMemoryPerReplicaBytes());
                allocation.lastCommandAt = c.getDecidedAt().toEpochMilli();
                source = "left by command " + c.getCommandId() + " (" + c.getAction() + ", effective " + c.getEffectiveAt() + ")";
            }
        } catch (QueryException e) {
            // no commands table yet: assumed
        }
        return new WorkloadHistory(history, tags, allocation, source);
    }
}
