package io.shadowscale.udf;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

import io.shadowscale.schema.ExternalEvent;

/**
 * Watermarks of the external-events input: none that could hold anything back. The events are
 * broadcast into the profiler, whose event time is the minimum of its inputs' watermarks; the
 * events' own times (a campaign starting next week, a calendar imported today for last month)
 * say when they apply, not how far the stream has progressed, and the topic is quiet for days.
 * So this input declares itself done with event time at once ({@link Watermark#MAX_WATERMARK})
 * and the profiler's clock is the telemetry's. Each event is stamped with its start time, so
 * record timestamps stay meaningful downstream.
 */
public final class ExternalEventWatermarks implements WatermarkGenerator<ExternalEvent> {

    private boolean emitted;

    public static WatermarkStrategy<ExternalEvent> strategy() {
        return WatermarkStrategy.<ExternalEvent>forGenerator(ctx -> new ExternalEventWatermarks())
                .withTimestampAssigner((e, ts) -> e.getStartTime().toEpochMilli());
    }

    @Override
    public void onEvent(ExternalEvent event, long timestamp, WatermarkOutput output) {
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
