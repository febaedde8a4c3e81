package io.shadowscale.udf;

import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

import io.shadowscale.schema.ResourceShadow;
import io.shadowscale.schema.ShadowHorizon;

/** One {@link ResourceShadow} row per forecast step, for the Kafka topic and the Iceberg table. */
public class ShadowSteps implements FlatMapFunction<ShadowHorizon, ResourceShadow> {
    @Override
    public void flatMap(ShadowHorizon h, Collector<ResourceShadow> out) {
        for (ResourceShadow s : h.getSteps()) {
            out.collect(s);
        }
    }
}
