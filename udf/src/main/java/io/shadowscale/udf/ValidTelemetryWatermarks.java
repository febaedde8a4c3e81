package io.shadowscale.udf;

import java.time.Duration;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

import io.shadowscale.udf.model.RawTelemetry;

/**
 * Bounded-out-of-orderness watermarks that only valid records move, so a rejected record (such
 * as one stamped far ahead of its partition, see {@code StreamClock}) cannot push the watermark
 * and make the good data behind it late. Flink runs one generator per Kafka partition.
 */
public class ValidTelemetryWatermarks implements WatermarkGenerator<RawTelemetry> {

    /** Watermark alignment group: Kafka partitions of a replay read at most this far apart in event time. */
    public static final String ALIGNMENT_GROUP = "telemetry";

    private final long outOfOrdernessMs;
    private long maxTimestamp = Long.MIN_VALUE;

    public ValidTelemetryWatermarks(long outOfOrdernessMs) {
        this.outOfOrdernessMs = outOfOrdernessMs;
    }

    public static WatermarkStrategy<RawTelemetry> strategy(ShadowOptions o) {
        WatermarkStrategy<RawTelemetry> s = WatermarkStrategy
                .<RawTelemetry>forGenerator(ctx -> new ValidTelemetryWatermarks(o.outOfOrdernessMs))
                .withTimestampAssigner((raw, recordTs) -> raw.eventTimeOr(recordTs))
                .withIdleness(Duration.ofMillis(o.idlenessMs));
        if (o.maxPartitionDriftMs > 0) {
            // a partition that races ahead (e.g. when replaying history) is paused rather than
            // buffered in the bucketer until the slowest partition catches up
            s = s.withWatermarkAlignment(ALIGNMENT_GROUP, Duration.ofMillis(o.maxPartitionDriftMs), Duration.ofSeconds(1));
        }
        return s;
    }

    @Override
    public void onEvent(RawTelemetry raw, long timestamp, WatermarkOutput output) {
        if (!raw.isValid()) {
            return;
        }
        maxTimestamp = Math.max(maxTimestamp, timestamp);
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        if (maxTimestamp != Long.MIN_VALUE) {
            output.emitWatermark(new Watermark(maxTimestamp - outOfOrdernessMs - 1));
        }
    }
}
