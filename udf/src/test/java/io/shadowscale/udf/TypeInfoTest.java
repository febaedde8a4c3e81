package io.shadowscale.udf;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.shadowscale.schema.AllocationUpdate;
import io.shadowscale.schema.ExternalEvent;
import io.shadowscale.schema.WorkloadProfile;
import io.shadowscale.udf.logic.profile.ProfileState;
import io.shadowscale.udf.model.EnrichedRollup;
import io.shadowscale.schema.Anomaly;
import io.shadowscale.schema.ResourceShadow;
import io.shadowscale.schema.ScalingCommand;
import io.shadowscale.schema.ShadowHorizon;
import io.shadowscale.schema.TelemetryEvent;
import io.shadowscale.schema.TelemetryRollup;
import io.shadowscale.udf.logic.AllocationState;
import io.shadowscale.udf.logic.BucketAccumulator;
import io.shadowscale.udf.logic.ForecasterState;
import io.shadowscale.udf.model.DeadLetter;
import io.shadowscale.udf.model.RawTelemetry;
import io.shadowscale.udf.model.Residual;

/** Every record and state type of ours is serialised by Avro, as a POJO or by its own serializer (see their tests), never through Kryo. */
class TypeInfoTest {

    @ParameterizedTest(name = "{0} is Avro")
    @ValueSource(classes = {TelemetryEvent.class, TelemetryRollup.class, ResourceShadow.class, ShadowHorizon.class,
            ScalingCommand.class, Anomaly.class, AllocationUpdate.class, ExternalEvent.class, WorkloadProfile.class,
            io.shadowscale.schema.ModelRelease.class, io.shadowscale.schema.ModelAlert.class, io.shadowscale.schema.ScalingControl.class})
    void avroRecords(Class<?> type) {
        assertThat(TypeInformation.of(type)).isInstanceOf(AvroTypeInfo.class);
    }

    @ParameterizedTest(name = "{0} is a POJO without generic fields")
    @ValueSource(classes = {RawTelemetry.class, DeadLetter.class, Residual.class, BucketAccumulator.class,
            ForecasterState.class, AllocationState.class, ProfileState.class,
            io.shadowscale.udf.logic.forecast.WorkloadForecastState.class, io.shadowscale.udf.logic.forecast.CalibrationState.class,
            io.shadowscale.udf.logic.forecast.CombinationState.class,
            io.shadowscale.udf.logic.forecast.CohortPrior.class,
            io.shadowscale.udf.model.BucketPartial.class, io.shadowscale.udf.logic.scaling.SurgeBudget.Grant.class})
    void pojos(Class<?> type) {
        TypeInformation<?> info = TypeInformation.of(type);
        assertThat(info).isInstanceOf(PojoTypeInfo.class);
        PojoTypeInfo<?> pojo = (PojoTypeInfo<?>) info;
        for (int i = 0; i < pojo.getArity(); i++) {
            assertThat(pojo.getPojoFieldAt(i).getTypeInformation())
                    .as(type.getSimpleName() + "." + pojo.getPojoFieldAt(i).getField().getName())
                    .isNotInstanceOf(GenericTypeInfo.class);
        }
    }
}
