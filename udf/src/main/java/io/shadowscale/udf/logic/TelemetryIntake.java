package io.shadowscale.udf.logic;

import java.io.IOException;

import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;

import io.shadowscale.schema.TelemetryEvent;
import io.shadowscale.schema.WireFormat;
import io.shadowscale.udf.model.RawTelemetry;

/**
 * What a telemetry source does with each record's bytes before the pipeline sees them: decode,
 * the stateless checks ({@link TelemetryChecks}) and the per-partition clock ({@link StreamClock}).
 * One instance per source reader (it holds the clock and a reusable decoder; not thread-safe);
 * never throws. The Kafka deserializer and the benchmark's generator source share it, so the
 * benchmark measures the same decoding.
 *
 * <p>Records written with the current schema — nearly all of them — are read with a buffered
 * decoder over the byte array, reused from record to record. Avro's message decoder reads the
 * body through an {@code InputStream} one byte at a time and took about twice as long (JMH,
 * {@code DecodeBench}). Anything else (older schema versions, bytes that do not decode) goes
 * through {@link WireFormat#decode}, which resolves the history and words the reject reason.
 */
public final class TelemetryIntake {
    private static final int HEADER = 10;
    private static final long CURRENT = WireFormat.fingerprint(TelemetryEvent.getClassSchema());

    private final long maxFutureSkewMs;
    private final StreamClock clock;
    private final SpecificDatumReader<TelemetryEvent> reader = new SpecificDatumReader<>(
            TelemetryEvent.getClassSchema(), TelemetryEvent.getClassSchema(), SpecificData.getForClass(TelemetryEvent.class));
    private BinaryDecoder decoder;

    public TelemetryIntake(long maxFutureSkewMs, long maxAheadOfPartitionMs) {
        this.maxFutureSkewMs = maxFutureSkewMs;
        this.clock = new StreamClock(maxAheadOfPartitionMs);
    }

    /** Decodes and checks {@code payload} read from {@code partition}; the source coordinates are the caller's to set. */
    public RawTelemetry read(byte[] payload, int partition, long nowMillis) {
        TelemetryEvent event = currentSchemaOrNull(payload);
        RawTelemetry raw;
        if (event == null) {
            raw = TelemetryChecks.decodeAndCheck(payload, nowMillis, maxFutureSkewMs);
        } else {
            raw = new RawTelemetry();
            raw.payload = payload;
            String problem = TelemetryChecks.check(event, nowMillis, maxFutureSkewMs);
            if (problem != null) {
                raw.rejectReason = "validate: " + problem;
            } else {
                raw.event = event;
            }
        }
        if (raw.event != null) {
            String ahead = clock.observe(partition, raw.event.getEventTime().toEpochMilli());
            if (ahead != null) {
                raw.event = null;
                raw.rejectReason = "validate: " + ahead;
            }
        }
        raw.partition = partition;
        return raw;
    }

    /** The event when {@code payload} is a complete record of the current schema; otherwise null (the slow path decides). */
    private TelemetryEvent currentSchemaOrNull(byte[] payload) {
        if (payload == null || payload.length < HEADER || payload[0] != (byte) 0xC3 || payload[1] != (byte) 0x01
                || fingerprint(payload) != CURRENT) {
            return null;
        }
        try {
            decoder = DecoderFactory.get().binaryDecoder(payload, HEADER, payload.length - HEADER, decoder);
            return reader.read(null, decoder);
        } catch (IOException | RuntimeException e) {
            decoder = null; // the slow path words the reason
            return null;
        }
    }

    private static long fingerprint(byte[] b) {
        long fp = 0;
        for (int i = 9; i >= 2; i--) {
            fp = (fp << 8) | (b[i] & 0xFF);
        }
        return fp;
    }
}
