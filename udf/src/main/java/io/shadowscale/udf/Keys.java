package io.shadowscale.udf;

import org.apache.flink.api.java.functions.KeySelector;

import io.shadowscale.schema.AllocationUpdate;
import io.shadowscale.schema.ShadowHorizon;
import io.shadowscale.schema.TelemetryEvent;
import io.shadowscale.schema.TelemetryRollup;
import io.shadowscale.udf.model.EnrichedRollup;
import io.shadowscale.udf.model.Residual;

/** The workload key "tenant/workload" ('/' is rejected in ids), one selector per record type. */
public final class Keys {
    private Keys() {}

    public static String workload(String tenantId, String workloadId) {
        return tenantId + "/" + workloadId;
    }

    public static final class OfTelemetry implements KeySelector<TelemetryEvent, String> {
        @Override public String getKey(TelemetryEvent e) { return workload(e.getTenantId(), e.getWorkloadId()); }
    }

    public static final class OfPartial implements KeySelector<io.shadowscale.udf.model.BucketPartial, String> {
        @Override public String getKey(io.shadowscale.udf.model.BucketPartial p) { return p.key; }
    }

    public static final class OfRollup implements KeySelector<TelemetryRollup, String> {
        @Override public String getKey(TelemetryRollup r) { return workload(r.getTenantId(), r.getWorkloadId()); }
    }

    public static final class OfHorizon implements KeySelector<ShadowHorizon, String> {
        @Override public String getKey(ShadowHorizon h) { return workload(h.getTenantId(), h.getWorkloadId()); }
    }

    /** The workload key the compact form carries (the same string as {@link OfHorizon}'s). */
    public static final class OfCompact implements KeySelector<io.shadowscale.udf.model.CompactHorizon, String> {
        @Override public String getKey(io.shadowscale.udf.model.CompactHorizon c) { return c.key; }
    }

    public static final class OfAllocation implements KeySelector<AllocationUpdate, String> {
        @Override public String getKey(AllocationUpdate a) { return workload(a.getTenantId(), a.getWorkloadId()); }
    }

    public static final class OfEnriched implements KeySelector<EnrichedRollup, String> {
        @Override public String getKey(EnrichedRollup e) { return workload(e.rollup.getTenantId(), e.rollup.getWorkloadId()); }
    }

    public static final class OfResidual implements KeySelector<Residual, String> {
        @Override public String getKey(Residual r) { return workload(r.tenantId, r.workloadId); }
    }

    public static final class OfOrchestratorInput implements KeySelector<io.shadowscale.udf.model.OrchestratorInput, String> {
        @Override public String getKey(io.shadowscale.udf.model.OrchestratorInput in) { return in.key(); }
    }
}
