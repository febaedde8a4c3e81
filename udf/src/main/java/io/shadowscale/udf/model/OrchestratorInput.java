package io.shadowscale.udf.model;

import io.shadowscale.schema.AllocationUpdate;

/**
 * One keyed input of the orchestrator: a shadow, an allocation report or an anomaly (exactly one is set). The
 * two share one keyed stream so that the control topic can be broadcast alongside them.
 * Serialised by {@link OrchestratorInputSerializer}.
 */
@org.apache.flink.api.common.typeinfo.TypeInfo(OrchestratorInputSerializer.Factory.class)
public class OrchestratorInput {
    public CompactHorizon horizon;
    public AllocationUpdate allocation;
    /** An anomaly of the workload: safe mode (no scale-in), and a scale-up budget during an unexplained surge. */
    public io.shadowscale.schema.Anomaly anomaly;

    public OrchestratorInput() {}

    public static OrchestratorInput of(CompactHorizon h) {
        OrchestratorInput in = new OrchestratorInput();
        in.horizon = h;
        return in;
    }

    public static OrchestratorInput of(AllocationUpdate a) {
        OrchestratorInput in = new OrchestratorInput();
        in.allocation = a;
        return in;
    }

    public static OrchestratorInput of(io.shadowscale.schema.Anomaly a) {
        OrchestratorInput in = new OrchestratorInput();
        in.anomaly = a;
        return in;
    }

    public String key() {
        return horizon != null ? horizon.key
                : allocation != null ? allocation.getTenantId() + "/" + allocation.getWorkloadId()
                : anomaly.getTenantId() + "/" + anomaly.getWorkloadId();
    }

    public long eventTime() {
        return horizon != null ? horizon.generatedAt
                : allocation != null ? allocation.getReportedAt().toEpochMilli() : anomaly.getEndTime().toEpochMilli();
    }
}
