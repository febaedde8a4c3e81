package io.shadowscale.udf.model;

import io.shadowscale.schema.TelemetryEvent;

/**
 * A telemetry record as read from Kafka: the original bytes and where they came from, plus the
 * decoded event when it passed the stateless checks, or the reason it did not.
 * A Flink POJO (public fields, no-arg constructor), so no Kryo.
 */
public class RawTelemetry {
    public byte[] payload;
    public String topic;
    public int partition;
    public long offset;
    /** The Kafka record's timestamp. */
    public long recordTimestamp;
    /** Decoded and valid; null when rejected. */
    public TelemetryEvent event;
    /** Why it was rejected; null when valid. */
    public String rejectReason;

    public RawTelemetry() {}

    public boolean isValid() {
        return event != null && rejectReason == null;
    }

    public long eventTimeOr(long fallback) {
        return event != null ? event.getEventTime().toEpochMilli() : fallback;
    }
}
