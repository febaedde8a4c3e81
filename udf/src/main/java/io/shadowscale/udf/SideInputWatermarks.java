package io.shadowscale.udf;

import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Watermarks of a side input broadcast into a keyed operator (external events, scaling control,
 * model releases): none that could hold it back. Such a topic is quiet for days and its records'
 * times say when they apply or were issued, not how far the stream has progressed; the
 * operator's event time is the minimum of its inputs' watermarks, so the side input declares
 * itself done with event time at once ({@link Watermark#MAX_WATERMARK}) and the operator's
 * clock is its main input's. Records keep a meaningful timestamp (the assigner's).
 */
public final class SideInputWatermarks<T> implements WatermarkGenerator<T> {

    private boolean emitted;

    public static <T> WatermarkStrategy<T> strategy(SerializableTimestampAssigner<T> timestamps) {
        return WatermarkStrategy.<T>forGenerator(ctx -> new SideInputWatermarks<>()).withTimestampAssigner(timestamps);
    }

    @Override
    public void onEvent(T event, long timestamp, WatermarkOutput output) {
        onPeriodicEmit(output);
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        if (!emitted) {
            output.emitWatermark(Watermark.MAX_WATERMARK);
            emitted = true;
        }
    }
}
