package io.shadowscale.udf;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

import io.shadowscale.schema.ScalingControl;

/**
 * Watermarks of the control topic: none that could hold the orchestrator back. The topic is
 * quiet for weeks, and a kill switch takes effect when it arrives, not at an event time; so the
 * input declares itself done with event time at once and the orchestrator's clock is the
 * shadows'. Records keep their issue time as timestamp.
 */
public final class ControlWatermarks implements WatermarkGenerator<ScalingControl> {

    private boolean emitted;

    public static WatermarkStrategy<ScalingControl> strategy() {
        return WatermarkStrategy.<ScalingControl>forGenerator(ctx -> new ControlWatermarks())
                .withTimestampAssigner((c, ts) -> c.getIssuedAt().toEpochMilli());
    }

    @Override
    public void onEvent(ScalingControl event, long timestamp, WatermarkOutput output) {
        emitOnce(output);
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        emitOnce(output);
    }

    private void emitOnce(WatermarkOutput output) {
        if (!emitted) {
            output.emitWatermark(Watermark.MAX_WATERMARK);
            emitted = true;
        }
    }
}
