package io.shadowscale.udf.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.junit.jupiter.api.Test;

import io.shadowscale.schema.TelemetryRollup;

class EnrichedRollupSerializerTest {

    /** A rollup with no field at its default, so a field the serializer dropped would show. */
    static TelemetryRollup rollup(String region, Map<String, Long> kinds) {
        return TelemetryRollup.newBuilder()
                .setTenantId("acme").setWorkloadId("web-ü").setBucketStart(Instant.parse("2026-11-27T18:05:00Z")).setBucketMs(300_000)
                .setSamples(7).setCpuAvg(1.25).setCpuMax(3.5).setMemoryAvg(2.5e9).setMemoryMax(3.1e9)
                .setNetworkInBytesPerSec(1e5).setNetworkOutBytesPerSec(2e5).setStorageMax(4e10)
                .setDbQueries(123).setRequests(4567).setActiveSessionsAvg(8.5).setSessionDurationMsAvg(61_000.5)
                .setDataKinds(kinds).setRegion(region)
                .build();
    }

    static EnrichedRollup enriched(TelemetryRollup r) {
        EnrichedRollup e = new EnrichedRollup();
        e.rollup = r;
        e.originMs = r.getBucketStart().toEpochMilli() + 300_000;
        e.stepMs = 300_000;
        e.steps = 2;
        e.features = 3;
        e.covariates = new double[] {0.5, -0.5, 1, 0, Double.NaN, 2.5};
        e.eventIds = new String[] {"sale", "holiday-us"};
        e.tags = new String[] {"batch", "office-hours"};
        e.campaignIds = new String[] {"sale"};
        e.campaignNames = new String[] {"Spring sale"};
        e.campaignNow = new double[] {0.5};
        e.campaignAhead = new double[] {0.5, 1.0};
        e.activeEventIds = new String[] {"sale"};
        e.yesterdayPeak = new double[] {2.0, Double.NaN, 3e9, 1e5, 2e5};
        return e;
    }

    static EnrichedRollup roundTrip(EnrichedRollup e) throws IOException {
        return SerializerRoundTrip.roundTrip(EnrichedRollupSerializer.INSTANCE, e);
    }

    @Test
    void everyFieldSurvives() throws IOException {
        EnrichedRollup full = enriched(rollup("eu-west", Map.of("cpu", 5L, "memory", 2L)));
        EnrichedRollup back = roundTrip(full);
        assertThat(back).isEqualTo(full);
        for (Schema.Field f : TelemetryRollup.SCHEMA$.getFields()) {
            assertThat(back.rollup.get(f.pos())).as(f.name()).isEqualTo(full.rollup.get(f.pos()));
        }
        assertThat(EnrichedRollupSerializer.INSTANCE.copy(full)).isEqualTo(full).isNotSameAs(full);
    }

    @Test
    void nullsAndEmptiesSurvive() throws IOException {
        EnrichedRollup sparse = enriched(rollup(null, Map.of()));
        sparse.yesterdayPeak = null;
        sparse.covariates = null;
        sparse.campaignIds = new String[0];
        sparse.tags = new String[] {null, "x"};
        assertThat(roundTrip(sparse)).isEqualTo(sparse);
        EnrichedRollup noRollup = new EnrichedRollup();
        assertThat(roundTrip(noRollup)).isEqualTo(noRollup);
    }

    /** A field added to the rollup's schema must be added to the serializer, or it would be lost between profiler and forecaster. */
    @Test
    void writesEveryFieldOfTheRollupSchema() {
        assertThat(TelemetryRollup.SCHEMA$.getFields()).hasSize(EnrichedRollupSerializer.ROLLUP_FIELDS);
    }

    @Test
    void isTheTypeFlinkPicks() {
        assertThat(TypeInformation.of(EnrichedRollup.class).createSerializer(new SerializerConfigImpl()))
                .isSameAs(EnrichedRollupSerializer.INSTANCE);
    }
}
