package io.shadowscale.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.shadowscale.schema.WireFormat;
import io.shadowscale.udf.Keys;
import io.shadowscale.udf.logic.TelemetryIntake;
import io.shadowscale.udf.model.RawTelemetry;

/** Telemetry decoding as the source does it per record: Avro single-object decode, checks, partition clock. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DecodeBench {
    private byte[][] payloads;
    private TelemetryIntake intake;
    private long now;
    private int i;

    @Setup
    public void setup() {
        payloads = new byte[64][];
        for (int k = 0; k < payloads.length; k++) {
            payloads[k] = WireFormat.encode(Fixtures.event(k, Fixtures.T0 + k * 60_000L));
        }
        intake = new TelemetryIntake(3_600_000L, 6 * 3_600_000L);
        now = System.currentTimeMillis();
    }

    @Benchmark
    public RawTelemetry decodeAndCheck() {
        return intake.read(payloads[i++ & 63], 0, now);
    }

    /** Avro's message decoder alone (what the intake used for every record before). */
    @Benchmark
    public Object wireFormatDecode() throws Exception {
        return WireFormat.decode(io.shadowscale.schema.TelemetryEvent.class, payloads[i++ & 63]);
    }

    /** The key the job computes for every event (on both sides of the keyBy). */
    @Benchmark
    public String key() throws Exception {
        return new Keys.OfTelemetry().getKey(intake.read(payloads[i++ & 63], 0, now).event);
    }
}
