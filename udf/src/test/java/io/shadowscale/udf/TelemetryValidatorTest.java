package io.shadowscale.udf;

import static io.shadowscale.udf.TestData.T0;
import static io.shadowscale.udf.TestData.event;
import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

import io.shadowscale.schema.TelemetryEvent;
import io.shadowscale.schema.WireFormat;
import io.shadowscale.udf.logic.TelemetryChecks;
import io.shadowscale.udf.model.DeadLetter;
import io.shadowscale.udf.model.RawTelemetry;

class TelemetryValidatorTest {

    @Test
    void routesRejectsWithReasonAndSourceCoordinates() throws Exception {
        try (OneInputStreamOperatorTestHarness<RawTelemetry, TelemetryEvent> h =
                     ProcessFunctionTestHarnesses.forProcessFunction(new TelemetryValidator())) {
            long now = T0 + 86_400_000L;
            RawTelemetry good = TelemetryChecks.decodeAndCheck(WireFormat.encode(event("a", "w", T0, 1)), now, 3_600_000);
            RawTelemetry bad = TelemetryChecks.decodeAndCheck("{oops".getBytes(), now, 3_600_000);
            bad.topic = "telemetry";
            bad.partition = 1;
            bad.offset = 42;
            TelemetryEvent nan = event("a", "w", T0, Double.NaN);
            RawTelemetry invalid = TelemetryChecks.decodeAndCheck(WireFormat.encode(nan), now, 3_600_000);

            h.processElement(good, T0);
            h.processElement(bad, T0);
            h.processElement(invalid, T0);

            assertThat(h.extractOutputValues()).containsExactly(good.event);
            var dead = h.getSideOutput(Descriptors.DEAD_LETTERS);
            assertThat(dead).hasSize(2);
            DeadLetter d1 = dead.poll().getValue();
            assertThat(d1.stage).isEqualTo("decode");
            assertThat(d1.reason).startsWith("not Avro single-object encoded");
            assertThat(d1.payload).isEqualTo("{oops".getBytes());
            assertThat(d1.sourcePartition).isEqualTo(1);
            assertThat(d1.sourceOffset).isEqualTo(42);
            DeadLetter d2 = dead.poll().getValue();
            assertThat(d2.stage).isEqualTo("validate");
            assertThat(d2.reason).isEqualTo("cpuCores is NaN");
        }
    }
}
