package io.shadowscale.udf.model;

import io.shadowscale.schema.AllocationUpdate;
import io.shadowscale.schema.ShadowHorizon;

/**
 * One keyed input of the orchestrator: a shadow or an allocation report (exactly one is set). The
 * two share one keyed stream so that the control topic can be broadcast alongside them. A Flink
 * POJO whose fields are Avro records (serialised with Avro, not Kryo).
 */
public class OrchestratorInput {
    public ShadowHorizon horizon;
    public AllocationUpdate allocation;

    public OrchestratorInput() {}

    public static OrchestratorInput of(ShadowHorizon h) {
        OrchestratorInput in = new OrchestratorInput();
        in.horizon = h;
        return in;
    }

    public static OrchestratorInput of(AllocationUpdate a) {
        OrchestratorInput in = new OrchestratorInput();
        in.allocation = a;
        return in;
    }

    public String key() {
        return horizon != null ? horizon.getTenantId() + "/" + horizon.getWorkloadId()
                : allocation.getTenantId() + "/" + allocation.getWorkloadId();
    }

    public long eventTime() {
        return horizon != null ? horizon.getGeneratedAt().toEpochMilli() : allocation.getReportedAt().toEpochMilli();
    }
}
