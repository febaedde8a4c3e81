package io.shadowscale.udf;

import java.time.Duration;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

import io.shadowscale.udf.model.RawTelemetry;

/**
 * Bounded-out-of-orderness watermarks that only valid records move, so a rejected record (or
 * one stamped far ahead of its partition) cannot push the watermark and make the good data
 * behind it late. Flink runs one generator per Kafka partition.
 */
public class ValidTelemetryWatermarks implements WatermarkGenerator<RawTelemetry> {

    private final long outOfOrdernessMs;
    private final long maxAheadMs;
    private long maxTimestamp = Long.MIN_VALUE;

    public ValidTelemetryWatermarks(long outOfOrdernessMs, long maxAheadMs) {
        this.outOfOrdernessMs = outOfOrdernessMs;
        this.maxAheadMs = maxAheadMs;
    }

    public static WatermarkStrategy<RawTelemetry> strategy(ShadowOptions o) {
        return WatermarkStrategy
                .<RawTelemetry>forGenerator(ctx -> new ValidTelemetryWatermarks(o.outOfOrdernessMs, o.maxAheadOfWatermarkMs))
                .withTimestampAssigner((raw, recordTs) -> raw.eventTimeOr(recordTs))
                .withIdleness(Duration.ofMillis(o.idlenessMs));
    }

    @Override
    public void onEvent(RawTelemetry raw, long timestamp, WatermarkOutput output) {
        if (!raw.isValid()) {
            return;
        }
        if (maxTimestamp != Long.MIN_VALUE && timestamp > maxTimestamp + maxAheadMs) {
            return; // an outlier; the bucketer rejects it against the watermark
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
