package io.shadowscale.udf;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.OutputTag;

import io.shadowscale.udf.model.DeadLetter;
import io.shadowscale.udf.model.Residual;

/** Output tags shared by the functions and the job graph. */
public final class Descriptors {
    private Descriptors() {}

    /** Records rejected anywhere before bucketing, with the reason. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    /** Each closed bucket with the one-step-ahead shadow that predicted it. */
    public static final OutputTag<Residual> RESIDUALS =
            new OutputTag<>("residuals", TypeInformation.of(Residual.class));
}
