package io.shadowscale.udf.model;

/**
 * A rejected input record with the reason. The payload is the original bytes (or the
 * re-encoded event for records rejected after decoding), so it can be fixed and replayed.
 */
public class DeadLetter {
    /** Stage that rejected it: {@code decode}, {@code validate}, {@code late} or {@code ahead} (of the watermark). */
    public String stage;
    public String reason;
    public byte[] payload;
    public String sourceTopic;
    public int sourcePartition = -1;
    public long sourceOffset = -1;
    /** Tenant/workload when known, so the dead-letter topic can be keyed by them. */
    public String key;

    public DeadLetter() {}

    public static DeadLetter of(String stage, String reason, byte[] payload, String key) {
        DeadLetter d = new DeadLetter();
        d.stage = stage;
        d.reason = reason;
        d.payload = payload;
        d.key = key;
        return d;
    }

    @Override
    public String toString() {
        return stage + ": " + reason + " (" + sourceTopic + "/" + sourcePartition + "@" + sourceOffset + ")";
    }
}
