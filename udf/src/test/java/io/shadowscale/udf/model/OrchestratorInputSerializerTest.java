package io.shadowscale.udf.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Instant;
import java.util.List;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.junit.jupiter.api.Test;

import io.shadowscale.schema.AllocationUpdate;
import io.shadowscale.schema.Anomaly;
import io.shadowscale.schema.AnomalyType;

class OrchestratorInputSerializerTest {

    static OrchestratorInput roundTrip(OrchestratorInput in) throws IOException {
        return SerializerRoundTrip.roundTrip(OrchestratorInputSerializer.INSTANCE, in);
    }

    /** Twelve steps, tags and drivers (the compact form's own serializer is tested in CompactHorizonTest). */
    static CompactHorizon horizon() {
        return CompactHorizon.of(CompactHorizonTest.horizon(Instant.parse("2026-11-27T18:05:00Z").toEpochMilli(), 1.5, 2.0, 1e9, "eu-west"));
    }

    static AllocationUpdate allocation() {
        return AllocationUpdate.newBuilder().setTenantId("acme").setWorkloadId("web").setReportedAt(Instant.parse("2026-11-27T18:06:00Z"))
                .setReplicas(3).setCpuPerReplica(2).setMemoryPerReplicaBytes(4L << 30).setStorageBytes(100L << 30)
                .setRegion("eu-west").setAppliedCommandId("c-1")
                .build();
    }

    static Anomaly anomaly() {
        return Anomaly.newBuilder().setAnomalyId("a1").setTenantId("acme").setWorkloadId("web").setType(AnomalyType.SPIKE)
                .setResource("cpu").setStartTime(Instant.parse("2026-11-27T18:00:00Z")).setEndTime(Instant.parse("2026-11-27T18:05:00Z"))
                .setSeverity(io.shadowscale.schema.Severity.WARNING).setScore(3.5).setExpected(2).setExpectedUpper(3).setActual(5)
                .setExplanation("a spike")
                .build();
    }

    @Test
    void eachKindSurvivesAndCopies() throws IOException {
        for (OrchestratorInput in : List.of(OrchestratorInput.of(horizon()), OrchestratorInput.of(allocation()), OrchestratorInput.of(anomaly()),
                new OrchestratorInput())) {
            OrchestratorInput back = roundTrip(in);
            assertThat(back).usingRecursiveComparison().isEqualTo(in);
            OrchestratorInput copy = OrchestratorInputSerializer.INSTANCE.copy(in);
            assertThat(copy).usingRecursiveComparison().isEqualTo(in);
            if (in.horizon != null) assertThat(copy.horizon).isNotSameAs(in.horizon);
            if (in.allocation != null) assertThat(copy.allocation).isNotSameAs(in.allocation);
        }
    }

    @Test
    void aCorruptTagSaysSo() {
        assertThatThrownBy(() -> OrchestratorInputSerializer.INSTANCE.deserialize(new DataInputDeserializer(new byte[] {9})))
                .isInstanceOf(IOException.class).hasMessageContaining("tag 9");
    }

    @Test
    void flinkPicksItForTheType() {
        assertThat(TypeInformation.of(OrchestratorInput.class).createSerializer(new SerializerConfigImpl()))
                .isSameAs(OrchestratorInputSerializer.INSTANCE);
    }
}
