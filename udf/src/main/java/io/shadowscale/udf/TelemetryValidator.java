package io.shadowscale.udf;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

import io.shadowscale.schema.TelemetryEvent;
import io.shadowscale.udf.model.DeadLetter;
import io.shadowscale.udf.model.RawTelemetry;

/**
 * Passes valid telemetry on and sends every rejected record, with its reason and source
 * coordinates, to {@link Descriptors#DEAD_LETTERS}. Decoding and the stateless checks already
 * ran in the source's deserializer ({@code TelemetryChecks}), so that the watermark generator
 * could skip bad records; this function only routes and counts.
 */
public class TelemetryValidator extends ProcessFunction<RawTelemetry, TelemetryEvent> {

    private transient Counter accepted;
    private transient Counter rejected;

    @Override
    public void open(OpenContext ctx) {
        accepted = getRuntimeContext().getMetricGroup().counter("telemetryAccepted");
        rejected = getRuntimeContext().getMetricGroup().counter("telemetryRejected");
    }

    @Override
    public void processElement(RawTelemetry raw, Context ctx, Collector<TelemetryEvent> out) {
        if (raw.isValid()) {
            accepted.inc();
            out.collect(raw.event);
            return;
        }
        rejected.inc();
        String reason = raw.rejectReason != null ? raw.rejectReason : "validate: no event decoded";
        int colon = reason.indexOf(": ");
        DeadLetter d = DeadLetter.of(colon > 0 ? reason.substring(0, colon) : "validate",
                colon > 0 ? reason.substring(colon + 2) : reason, raw.payload, null);
        d.sourceTopic = raw.topic;
        d.sourcePartition = raw.partition;
        d.sourceOffset = raw.offset;
        ctx.output(Descriptors.DEAD_LETTERS, d);
    }
}
