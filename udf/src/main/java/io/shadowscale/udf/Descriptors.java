package io.shadowscale.udf;

import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.OutputTag;

import io.shadowscale.schema.ExternalEvent;
import io.shadowscale.schema.ModelAlert;
import io.shadowscale.schema.ModelRelease;
import io.shadowscale.schema.WorkloadProfile;
import io.shadowscale.udf.model.DeadLetter;
import io.shadowscale.udf.model.Residual;

/** Output tags and broadcast state descriptors shared by the functions and the job graph. */
public final class Descriptors {
    private Descriptors() {}

    /** Records rejected anywhere before bucketing, with the reason. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    /** Each closed bucket with the one-step-ahead shadow that predicted it. */
    public static final OutputTag<Residual> RESIDUALS =
            new OutputTag<>("residuals", TypeInformation.of(Residual.class));

    /** Workload profiles written by the Behavioral Profiler (hourly and on change). */
    public static final OutputTag<WorkloadProfile> PROFILES =
            new OutputTag<>("profiles", TypeInformation.of(WorkloadProfile.class));

    /** The external events in force, by event id: the Behavioral Profiler's broadcast state. */
    public static final MapStateDescriptor<String, ExternalEvent> EXTERNAL_EVENTS =
            new MapStateDescriptor<>("external-events", Types.STRING, TypeInformation.of(ExternalEvent.class));

    /** Model releases the scorer refused (sha256 mismatch, load failure): to the model-alerts topic. */
    public static final OutputTag<ModelAlert> MODEL_ALERTS =
            new OutputTag<>("model-alerts", TypeInformation.of(ModelAlert.class));

    /** The scorer's accepted model releases, by "scope|latest" and "scope|previous": broadcast state. */
    public static final MapStateDescriptor<String, ModelRelease> MODEL_RELEASES =
            new MapStateDescriptor<>("model-releases", Types.STRING, TypeInformation.of(ModelRelease.class));

    /** The operator control in force (the kill switch and run-time dry-run tenants): the orchestrator's broadcast state, one entry. */
    public static final MapStateDescriptor<String, io.shadowscale.schema.ScalingControl> SCALING_CONTROL =
            new MapStateDescriptor<>("scaling-control", Types.STRING, TypeInformation.of(io.shadowscale.schema.ScalingControl.class));
}
