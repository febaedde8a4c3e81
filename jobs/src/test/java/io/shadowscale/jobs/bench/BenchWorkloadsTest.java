package io.shadowscale.jobs.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;

import io.shadowscale.schema.TelemetryEvent;

class BenchWorkloadsTest {

    /** The generator's fast encoding writes the bytes of Avro's single-object encoder, which the job's intake decodes. */
    @Test
    void encodesWhatAvrosMessageEncoderEncodes() throws Exception {
        BenchWorkloads w = new BenchWorkloads(3, 4, 1_700_000_000_000L, 60_000, 42);
        BenchWorkloads.Encoder fast = w.encoder();
        BenchWorkloads.Encoder reference = w.encoder();
        for (int k = 0; k < w.count(); k++) {
            for (long tick = 0; tick < 50; tick += 7) {
                byte[] bytes = fast.encode(k, tick);
                ByteBuffer expected = TelemetryEvent.getEncoder().encode(reference.sample(k, tick));
                byte[] exp = new byte[expected.remaining()];
                expected.get(exp);
                assertThat(bytes).as("workload %d tick %d", k, tick).isEqualTo(exp);
                assertThat(TelemetryEvent.getDecoder().decode(bytes)).isEqualTo(reference.sample(k, tick));
            }
        }
    }
}
