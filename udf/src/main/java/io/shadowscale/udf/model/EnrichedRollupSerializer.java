package io.shadowscale.udf.model;

import java.io.IOException;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

import io.shadowscale.schema.TelemetryRollup;

/**
 * Writes an {@link EnrichedRollup} field by field, the rollup's fields included, on its way from
 * the profiler to the forecaster. As a POJO it went through Flink's {@code PojoSerializer}
 * (reflection per field, a null flag each, the instance created reflectively) and Avro's generic
 * writer for the rollup: 7% of the forecaster thread's samples in the bench profile (the thread
 * that bounds the job at parallelism 1), and 6% of the profiler's.
 *
 * <p>Used on the network only (no operator keeps an {@code EnrichedRollup} in state); the snapshot
 * is there because Flink asks every serializer for one. {@link #ROLLUP_FIELDS} is the rollup
 * schema's field count this writes: {@code EnrichedRollupSerializerTest} fails when the schema
 * gains a field, so a new field cannot be dropped silently on the way.
 */
public final class EnrichedRollupSerializer extends RecordSerializer<EnrichedRollup> {

    private static final long serialVersionUID = 1L;
    public static final EnrichedRollupSerializer INSTANCE = new EnrichedRollupSerializer();
    /** The fields of {@link TelemetryRollup} written below, in schema order. */
    public static final int ROLLUP_FIELDS = 18;

    @Override
    public EnrichedRollup createInstance() {
        return new EnrichedRollup();
    }

    @Override
    public EnrichedRollup copy(EnrichedRollup from) {
        EnrichedRollup e = new EnrichedRollup();
        e.rollup = from.rollup == null ? null : TelemetryRollup.newBuilder(from.rollup).build();
        e.originMs = from.originMs;
        e.stepMs = from.stepMs;
        e.steps = from.steps;
        e.features = from.features;
        e.covariates = clone(from.covariates);
        e.eventIds = clone(from.eventIds);
        e.tags = clone(from.tags);
        e.campaignIds = clone(from.campaignIds);
        e.campaignNames = clone(from.campaignNames);
        e.campaignNow = clone(from.campaignNow);
        e.campaignAhead = clone(from.campaignAhead);
        e.activeEventIds = clone(from.activeEventIds);
        e.yesterdayPeak = clone(from.yesterdayPeak);
        return e;
    }

    private static double[] clone(double[] a) {
        return a == null ? null : a.clone();
    }

    private static String[] clone(String[] a) {
        return a == null ? null : a.clone();
    }

    @Override
    public void serialize(EnrichedRollup e, DataOutputView out) throws IOException {
        out.writeBoolean(e.rollup != null);
        if (e.rollup != null) {
            writeRollup(e.rollup, out);
        }
        out.writeLong(e.originMs);
        out.writeLong(e.stepMs);
        out.writeInt(e.steps);
        out.writeInt(e.features);
        writeDoubles(e.covariates, out);
        writeStrings(e.eventIds, out);
        writeStrings(e.tags, out);
        writeStrings(e.campaignIds, out);
        writeStrings(e.campaignNames, out);
        writeDoubles(e.campaignNow, out);
        writeDoubles(e.campaignAhead, out);
        writeStrings(e.activeEventIds, out);
        writeDoubles(e.yesterdayPeak, out);
    }

    @Override
    public EnrichedRollup deserialize(DataInputView in) throws IOException {
        EnrichedRollup e = new EnrichedRollup();
        e.rollup = in.readBoolean() ? readRollup(in) : null;
        e.originMs = in.readLong();
        e.stepMs = in.readLong();
        e.steps = in.readInt();
        e.features = in.readInt();
        e.covariates = readDoubles(in);
        e.eventIds = readStrings(in);
        e.tags = readStrings(in);
        e.campaignIds = readStrings(in);
        e.campaignNames = readStrings(in);
        e.campaignNow = readDoubles(in);
        e.campaignAhead = readDoubles(in);
        e.activeEventIds = readStrings(in);
        e.yesterdayPeak = readDoubles(in);
        return e;
    }

    /** The rollup's fields in schema order; the region and the data-kind counts may be null. */
    private static void writeRollup(TelemetryRollup r, DataOutputView out) throws IOException {
        StringValue.writeString(r.getTenantId(), out);
        StringValue.writeString(r.getWorkloadId(), out);
        out.writeLong(r.getBucketStart().toEpochMilli());
        out.writeLong(r.getBucketMs());
        out.writeInt(r.getSamples());
        out.writeDouble(r.getCpuAvg());
        out.writeDouble(r.getCpuMax());
        out.writeDouble(r.getMemoryAvg());
        out.writeDouble(r.getMemoryMax());
        out.writeDouble(r.getNetworkInBytesPerSec());
        out.writeDouble(r.getNetworkOutBytesPerSec());
        out.writeDouble(r.getStorageMax());
        out.writeLong(r.getDbQueries());
        out.writeLong(r.getRequests());
        out.writeDouble(r.getActiveSessionsAvg());
        out.writeDouble(r.getSessionDurationMsAvg());
        Map<String, Long> kinds = r.getDataKinds();
        out.writeInt(kinds == null ? -1 : kinds.size());
        if (kinds != null) {
            for (Map.Entry<String, Long> k : kinds.entrySet()) {
                StringValue.writeString(k.getKey(), out);
                out.writeLong(k.getValue());
            }
        }
        StringValue.writeString(r.getRegion(), out); // null-safe
    }

    private static TelemetryRollup readRollup(DataInputView in) throws IOException {
        // setters, not the builder: a builder copies the schema's field list and defaults per record
        TelemetryRollup r = new TelemetryRollup();
        r.setTenantId(StringValue.readString(in));
        r.setWorkloadId(StringValue.readString(in));
        r.setBucketStart(Instant.ofEpochMilli(in.readLong()));
        r.setBucketMs(in.readLong());
        r.setSamples(in.readInt());
        r.setCpuAvg(in.readDouble());
        r.setCpuMax(in.readDouble());
        r.setMemoryAvg(in.readDouble());
        r.setMemoryMax(in.readDouble());
        r.setNetworkInBytesPerSec(in.readDouble());
        r.setNetworkOutBytesPerSec(in.readDouble());
        r.setStorageMax(in.readDouble());
        r.setDbQueries(in.readLong());
        r.setRequests(in.readLong());
        r.setActiveSessionsAvg(in.readDouble());
        r.setSessionDurationMsAvg(in.readDouble());
        int n = in.readInt();
        if (n >= 0) {
            Map<String, Long> kinds = new HashMap<>(Math.max(4, n * 2));
            for (int i = 0; i < n; i++) {
                String k = StringValue.readString(in);
                kinds.put(k, in.readLong());
            }
            r.setDataKinds(kinds);
        }
        r.setRegion(StringValue.readString(in));
        return r;
    }

    private static void writeDoubles(double[] a, DataOutputView out) throws IOException {
        out.writeInt(a == null ? -1 : a.length);
        if (a != null) {
            for (double v : a) out.writeDouble(v);
        }
    }

    private static double[] readDoubles(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) return null;
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = in.readDouble();
        return a;
    }

    private static void writeStrings(String[] a, DataOutputView out) throws IOException {
        out.writeInt(a == null ? -1 : a.length);
        if (a != null) {
            for (String s : a) StringValue.writeString(s, out); // null-safe
        }
    }

    private static String[] readStrings(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) return null;
        String[] a = new String[n];
        for (int i = 0; i < n; i++) a[i] = StringValue.readString(in);
        return a;
    }

    @Override
    public TypeSerializerSnapshot<EnrichedRollup> snapshotConfiguration() {
        return new Snapshot();
    }

    public static final class Snapshot extends SimpleTypeSerializerSnapshot<EnrichedRollup> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }

    public static final class Factory extends TypeInfoFactory<EnrichedRollup> {
        @Override
        public TypeInformation<EnrichedRollup> createTypeInfo(Type t, Map<String, TypeInformation<?>> generics) {
            return new SingletonTypeInfo<>(EnrichedRollup.class, INSTANCE);
        }
    }
}
