package io.shadowscale.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

class WireFormatTest {

    static TelemetryEvent sample() {
        return TelemetryEvent.newBuilder()
                .setTenantId("acme").setWorkloadId("checkout")
                .setEventTime(Instant.parse("2024-03-01T10:15:30Z"))
                .setCpuCores(3.5).setMemoryBytes(6L << 30)
                .setNetworkInBytes(1_000_000).setNetworkOutBytes(2_000_000)
                .setStorageBytes(50L << 30)
                .setDbQueries(1200).setRequests(3400).setActiveSessions(87).setSessionDurationMs(42_000)
                .setDataKind("transactions").setRegion("eu-west-1")
                .build();
    }

    @Test
    void roundTripsEveryRecordKind() throws Exception {
        TelemetryEvent e = sample();
        byte[] bytes = WireFormat.encode(e);
        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        assertThat(WireFormat.decode(TelemetryEvent.class, bytes)).isEqualTo(e);

        TelemetryRollup r = TelemetryRollup.newBuilder()
                .setTenantId("a").setWorkloadId("w").setBucketStart(Instant.EPOCH).setBucketMs(300_000)
                .setSamples(5).setCpuAvg(1).setCpuMax(2).setMemoryAvg(3).setMemoryMax(4)
                .setNetworkInBytesPerSec(5).setNetworkOutBytesPerSec(6).setStorageMax(7)
                .setDbQueries(8).setRequests(9).setActiveSessionsAvg(10).setSessionDurationMsAvg(11)
                .setDataKinds(Map.of("batch", 5L)).build();
        assertThat(WireFormat.decode(TelemetryRollup.class, WireFormat.encode(r))).isEqualTo(r);
    }

    @Test
    void scalingCommandsWrittenBeforeCostsAndExplanationsStillRead() throws Exception {
        Schema v1;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("avro-history/ScalingCommand-v1.avsc")) {
            v1 = new Schema.Parser().parse(in);
        }
        GenericRecord old = new GenericData.Record(v1);
        old.put("commandId", "c1");
        old.put("tenantId", "t");
        old.put("workloadId", "w");
        old.put("action", new GenericData.EnumSymbol(v1.getField("action").schema(), "SCALE_OUT"));
        old.put("fromReplicas", 1);
        old.put("toReplicas", 2);
        old.put("fromCpuPerReplica", 1.0);
        old.put("toCpuPerReplica", 1.0);
        old.put("fromMemoryPerReplicaBytes", 1L);
        old.put("toMemoryPerReplicaBytes", 1L);
        old.put("fromStorageBytes", 1L);
        old.put("toStorageBytes", 1L);
        old.put("decidedAt", 0L);
        old.put("effectiveAt", 0L);
        old.put("expiresAt", 0L);
        old.put("dryRun", false);
        old.put("policy", "threshold-p90");
        old.put("fallbackForecast", false);
        old.put("reason", "why");
        ByteBuffer buf = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old);
        byte[] bytes = new byte[buf.remaining()];
        buf.get(bytes);

        ScalingCommand c = WireFormat.decode(ScalingCommand.class, bytes);
        assertThat(c.getReason()).isEqualTo("why");
        assertThat(c.getSummary()).isEmpty();
        assertThat(c.getTriggeredBy()).isEqualTo(ScalingTrigger.FORECAST);
        assertThat(c.getCapacityClass()).isEqualTo(CapacityClass.ON_DEMAND);
        assertThat(c.getCostAfterPerHour()).isZero();
        assertThat(c.getFactors()).isEmpty();
        assertThat(c.getDryRunReason()).isNull();
    }

    @Test
    void newerReaderReadsRecordsWrittenWithVersion1() throws Exception {
        Schema v1;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("avro-history/TelemetryEvent-v1.avsc")) {
            v1 = new Schema.Parser().parse(in);
        }
        assertThat(v1.getField("region")).isNull();
        assertThat(WireFormat.fingerprint(v1)).isNotEqualTo(WireFormat.fingerprint(TelemetryEvent.getClassSchema()));

        // a producer still on version 1 writes a record with the v1 schema
        GenericRecord old = new GenericData.Record(v1);
        old.put("tenantId", "acme");
        old.put("workloadId", "batch-etl");
        old.put("eventTime", 1_700_000_000_000L);
        old.put("cpuCores", 2.0);
        old.put("memoryBytes", 1024L);
        old.put("networkInBytes", 10L);
        old.put("networkOutBytes", 20L);
        old.put("storageBytes", 30L);
        old.put("dbQueries", 4L);
        old.put("requests", 5L);
        old.put("activeSessions", 6);
        old.put("sessionDurationMs", 7.0);
        old.put("dataKind", "batch");
        old.put("intervalMs", 60_000L);
        ByteBuffer buf = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old);
        byte[] bytes = new byte[buf.remaining()];
        buf.get(bytes);

        TelemetryEvent read = WireFormat.decode(TelemetryEvent.class, bytes);
        assertThat(read.getTenantId()).isEqualTo("acme");
        assertThat(read.getEventTime()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
        assertThat(read.getCpuCores()).isEqualTo(2.0);
        assertThat(read.getDataKind()).isEqualTo("batch");
        assertThat(read.getRegion()).as("field added in v2 takes its default").isNull();
    }

    @Test
    void theHeaderIsWhatEncodedRecordsStartWith() throws Exception {
        byte[] bytes = WireFormat.encode(sample());
        assertThat(WireFormat.header(TelemetryEvent.getClassSchema())).containsExactly(java.util.Arrays.copyOf(bytes, 10));
        assertThat(WireFormat.header(ScalingCommand.getClassSchema())).isNotEqualTo(WireFormat.header(TelemetryEvent.getClassSchema()));
    }

    @Test
    void rejectsGarbageWithAReason() {
        assertThatThrownBy(() -> WireFormat.decode(TelemetryEvent.class, "{\"tenant\":1}".getBytes()))
                .isInstanceOf(WireFormat.MalformedRecordException.class)
                .hasMessageContaining("not Avro single-object encoded");
        assertThatThrownBy(() -> WireFormat.decode(TelemetryEvent.class, null))
                .hasMessageContaining("null");

        byte[] good = WireFormat.encode(sample());
        byte[] truncated = java.util.Arrays.copyOf(good, 14);
        assertThatThrownBy(() -> WireFormat.decode(TelemetryEvent.class, truncated))
                .isInstanceOf(WireFormat.MalformedRecordException.class)
                .hasMessageContaining("undecodable TelemetryEvent");

        byte[] unknown = good.clone();
        unknown[3] ^= 0x5A; // corrupt the fingerprint
        assertThatThrownBy(() -> WireFormat.decode(TelemetryEvent.class, unknown))
                .hasMessageContaining("unknown writer schema");
    }

    @Test
    void decodingAnotherRecordTypeIsRejected() {
        AllocationUpdate a = AllocationUpdate.newBuilder().setTenantId("t").setWorkloadId("w")
                .setReportedAt(Instant.EPOCH).setReplicas(2).setCpuPerReplica(1).setMemoryPerReplicaBytes(1)
                .setStorageBytes(1).build();
        assertThatThrownBy(() -> WireFormat.decode(TelemetryEvent.class, WireFormat.encode(a)))
                .hasMessageContaining("unknown writer schema");
    }
}
