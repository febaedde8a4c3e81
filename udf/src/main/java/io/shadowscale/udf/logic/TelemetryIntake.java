package io.shadowscale.udf.logic;

import io.shadowscale.udf.model.RawTelemetry;

/**
 * What a telemetry source does with each record's bytes before the pipeline sees them: decode,
 * the stateless checks ({@link TelemetryChecks}) and the per-partition clock ({@link StreamClock}).
 * One instance per source reader (it holds the clock); never throws. The Kafka deserializer and
 * the benchmark's generator source share it, so the benchmark measures the same decoding.
 */
public final class TelemetryIntake {
    private final long maxFutureSkewMs;
    private final StreamClock clock;

    public TelemetryIntake(long maxFutureSkewMs, long maxAheadOfPartitionMs) {
        this.maxFutureSkewMs = maxFutureSkewMs;
        this.clock = new StreamClock(maxAheadOfPartitionMs);
    }

    /** Decodes and checks {@code payload} read from {@code partition}; the source coordinates are the caller's to set. */
    public RawTelemetry read(byte[] payload, int partition, long nowMillis) {
        RawTelemetry raw = TelemetryChecks.decodeAndCheck(payload, nowMillis, maxFutureSkewMs);
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
}
