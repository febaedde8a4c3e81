package io.shadowscale.udf.logic;

import static io.shadowscale.udf.TestData.T0;
import static io.shadowscale.udf.TestData.event;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

import io.shadowscale.schema.TelemetryEvent;
import io.shadowscale.schema.WireFormat;
import io.shadowscale.udf.model.RawTelemetry;

/** The source-side intake: its fast path for the current schema agrees with {@link WireFormat#decode} and the checks. */
class TelemetryIntakeTest {

    static final long NOW = T0 + Duration.ofDays(3).toMillis();
    static final long SKEW = Duration.ofHours(1).toMillis();
    static final long AHEAD = Duration.ofHours(6).toMillis();

    @Test
    void currentRecordsDecodeAsWireFormatDoes() throws Exception {
        TelemetryIntake intake = new TelemetryIntake(SKEW, AHEAD);
        for (int i = 0; i < 3; i++) { // the reused decoder must not carry anything over
            TelemetryEvent e = event("acme", "api-" + i, T0 + i * 60_000L, 1.5 + i);
            byte[] bytes = WireFormat.encode(e);
            RawTelemetry raw = intake.read(bytes, 4, NOW);
            assertThat(raw.isValid()).isTrue();
            assertThat(raw.event).isEqualTo(WireFormat.decode(TelemetryEvent.class, bytes)).isEqualTo(e);
            assertThat(raw.partition).isEqualTo(4);
            assertThat(raw.payload).isSameAs(bytes);
        }
    }

    @Test
    void badRecordsGetTheReasonsOfTheSlowPath() {
        TelemetryIntake intake = new TelemetryIntake(SKEW, AHEAD);
        byte[] good = WireFormat.encode(event("acme", "api", T0, 1));
        byte[] truncated = Arrays.copyOf(good, good.length * 3 / 5);
        assertThat(intake.read(truncated, 0, NOW).rejectReason)
                .isEqualTo(TelemetryChecks.decodeAndCheck(truncated, NOW, SKEW).rejectReason).startsWith("decode: undecodable");
        assertThat(intake.read("{}".getBytes(), 0, NOW).rejectReason).startsWith("decode: not Avro");
        assertThat(intake.read(null, 0, NOW).rejectReason).contains("null");
        TelemetryEvent nan = event("acme", "api", T0, 1);
        nan.setCpuCores(Double.NaN);
        assertThat(intake.read(WireFormat.encode(nan), 0, NOW).rejectReason).isEqualTo("validate: cpuCores is NaN");
        // and the decoder still works after a failure
        assertThat(intake.read(good, 0, NOW).isValid()).isTrue();
    }

    @Test
    void aRecordFarAheadOfItsPartitionIsRejectedAndDoesNotMoveTheClock() {
        TelemetryIntake intake = new TelemetryIntake(Long.MAX_VALUE / 4, AHEAD);
        assertThat(intake.read(WireFormat.encode(event("a", "w", T0, 1)), 0, NOW).isValid()).isTrue();
        RawTelemetry ahead = intake.read(WireFormat.encode(event("a", "w", T0 + AHEAD + 60_000, 1)), 0, NOW);
        assertThat(ahead.isValid()).isFalse();
        assertThat(ahead.rejectReason).startsWith("validate: eventTime").contains("ahead of the latest event time");
        assertThat(intake.read(WireFormat.encode(event("a", "w", T0 + 60_000, 1)), 0, NOW).isValid()).isTrue();
        assertThat(intake.read(WireFormat.encode(event("a", "w", T0 + AHEAD + 60_000, 1)), 1, NOW).isValid())
                .as("another partition has its own clock").isTrue();
    }

    @Test
    void olderSchemaVersionsGoThroughTheHistory() throws Exception {
        Schema v1;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("avro-history/TelemetryEvent-v1.avsc")) {
            v1 = new Schema.Parser().parse(in);
        }
        GenericRecord old = new GenericData.Record(v1);
        old.put("tenantId", "acme");
        old.put("workloadId", "etl");
        old.put("eventTime", T0);
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
        RawTelemetry raw = new TelemetryIntake(SKEW, AHEAD).read(bytes, 0, NOW);
        assertThat(raw.isValid()).as(raw.rejectReason).isTrue();
        assertThat(raw.event.getEventTime()).isEqualTo(Instant.ofEpochMilli(T0));
        assertThat(raw.event.getRegion()).isNull();
    }
}
