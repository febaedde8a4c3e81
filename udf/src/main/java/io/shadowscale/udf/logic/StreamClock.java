package io.shadowscale.udf.logic;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The latest accepted event time per Kafka partition, to reject a record stamped far ahead of
 * the rest of its partition (a producer with a broken clock) before it can drag the watermark
 * forward and make the good records behind it late. Per partition, not per job: partitions of a
 * replay legitimately run hours apart. Not checkpointed: after a restart the first record of a
 * partition sets its clock again.
 */
public final class StreamClock {
    private final long maxAheadMs;
    private final Map<Integer, Long> latest = new HashMap<>();

    public StreamClock(long maxAheadMs) {
        this.maxAheadMs = maxAheadMs;
    }

    /** @return null and advances the clock when {@code eventTime} is acceptable, else the reason */
    public String observe(int partition, long eventTime) {
        Long max = latest.get(partition);
        if (max != null && eventTime > max + maxAheadMs) {
            return "eventTime " + Instant.ofEpochMilli(eventTime) + " is " + TelemetryChecks.human(eventTime - max)
                    + " ahead of the latest event time " + Instant.ofEpochMilli(max) + " of partition " + partition
                    + " (allowed " + TelemetryChecks.human(maxAheadMs) + ")";
        }
        if (max == null || eventTime > max) {
            latest.put(partition, eventTime);
        }
        return null;
    }
}
