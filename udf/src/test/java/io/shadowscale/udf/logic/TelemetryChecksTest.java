package io.shadowscale.udf.logic;

import static io.shadowscale.udf.TestData.T0;
import static io.shadowscale.udf.TestData.event;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.shadowscale.schema.TelemetryEvent;
import io.shadowscale.schema.WireFormat;
import io.shadowscale.udf.model.RawTelemetry;

class TelemetryChecksTest {

    static final long NOW = T0 + Duration.ofDays(3).toMillis();
    static final long SKEW = Duration.ofHours(1).toMillis();

    @Test
    void acceptsAGoodEvent() {
        RawTelemetry raw = TelemetryChecks.decodeAndCheck(WireFormat.encode(event("a", "w", T0, 1.5)), NOW, SKEW);
        assertThat(raw.isValid()).isTrue();
        assertThat(raw.rejectReason).isNull();
        assertThat(raw.event.getCpuCores()).isEqualTo(1.5);
    }

    @Test
    void rejectsEachKindOfBadValueWithAReason() {
        assertThat(reason(e -> e.setTenantId(""))).isEqualTo("validate: missing tenantId");
        assertThat(reason(e -> e.setWorkloadId(" "))).startsWith("validate: missing workloadId");
        assertThat(reason(e -> e.setWorkloadId("a/b"))).contains("must not contain '/'");
        assertThat(reason(e -> e.setCpuCores(Double.NaN))).isEqualTo("validate: cpuCores is NaN");
        assertThat(reason(e -> e.setCpuCores(Double.POSITIVE_INFINITY))).isEqualTo("validate: cpuCores is infinite");
        assertThat(reason(e -> e.setCpuCores(-2))).isEqualTo("validate: negative cpuCores (-2.0)");
        assertThat(reason(e -> e.setNetworkOutBytes(-1))).isEqualTo("validate: negative networkOutBytes (-1)");
        assertThat(reason(e -> e.setMemoryBytes(-5))).isEqualTo("validate: negative memoryBytes (-5)");
        assertThat(reason(e -> e.setIntervalMs(0))).contains("intervalMs must be positive");
        assertThat(reason(e -> e.setEventTime(Instant.ofEpochMilli(NOW + Duration.ofDays(3650).toMillis()))))
                .startsWith("validate: eventTime").contains("is in the future").contains("3650d ahead");
    }

    @Test
    void acceptsSmallClockSkew() {
        assertThat(reason(e -> e.setEventTime(Instant.ofEpochMilli(NOW + 30 * 60_000)))).isNull();
    }

    @Test
    void undecodableBytesAreRejectedNotThrown() {
        RawTelemetry raw = TelemetryChecks.decodeAndCheck("hello".getBytes(), NOW, SKEW);
        assertThat(raw.isValid()).isFalse();
        assertThat(raw.rejectReason).startsWith("decode: not Avro single-object encoded");
        assertThat(raw.payload).isEqualTo("hello".getBytes());
        assertThat(TelemetryChecks.decodeAndCheck(null, NOW, SKEW).rejectReason).contains("null");
    }

    private static String reason(java.util.function.Consumer<TelemetryEvent> spoil) {
        TelemetryEvent e = event("a", "w", T0, 1.0);
        spoil.accept(e);
        return TelemetryChecks.decodeAndCheck(WireFormat.encode(e), NOW, SKEW).rejectReason;
    }
}
