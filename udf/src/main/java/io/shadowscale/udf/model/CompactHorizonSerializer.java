package io.shadowscale.udf.model;

import java.io.IOException;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.Map;

import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

import io.shadowscale.schema.DriverKind;
import io.shadowscale.schema.ForecastDriver;

/**
 * Writes a {@link CompactHorizon} field by field: the quantile arrays as raw doubles, each string
 * once. Used on the network only (no operator keeps a {@code CompactHorizon} in state); the
 * snapshot is there because Flink asks every serializer for one.
 */
public final class CompactHorizonSerializer extends RecordSerializer<CompactHorizon> {

    private static final long serialVersionUID = 1L;
    public static final CompactHorizonSerializer INSTANCE = new CompactHorizonSerializer();
    private static final DriverKind[] KINDS = DriverKind.values();

    @Override
    public CompactHorizon createInstance() {
        return new CompactHorizon();
    }

    @Override
    public CompactHorizon copy(CompactHorizon from) {
        CompactHorizon c = new CompactHorizon();
        c.key = from.key;
        c.region = from.region;
        c.modelId = from.modelId;
        c.fallback = from.fallback;
        c.generatedAt = from.generatedAt;
        c.stepMs = from.stepMs;
        c.stepAt = from.stepAt.clone();
        c.lastCpu = from.lastCpu;
        c.lastMemory = from.lastMemory;
        c.lastStorage = from.lastStorage;
        c.cpu = from.cpu.clone();
        c.memory = from.memory.clone();
        c.storage = from.storage.clone();
        c.networkOut = from.networkOut.clone();
        c.tags = from.tags.clone();
        c.drivers = new ForecastDriver[from.drivers.length];
        for (int i = 0; i < c.drivers.length; i++) {
            ForecastDriver d = from.drivers[i];
            c.drivers[i] = new ForecastDriver(d.getName(), d.getKind(), d.getEventId(), d.getResource(), d.getPeakStep(),
                    d.getPeakAt(), d.getRelativeEffect(), d.getAbsoluteEffect());
        }
        return c;
    }

    @Override
    public void serialize(CompactHorizon c, DataOutputView out) throws IOException {
        StringValue.writeString(c.key, out);
        StringValue.writeString(c.region, out); // null-safe
        StringValue.writeString(c.modelId, out);
        out.writeBoolean(c.fallback);
        out.writeLong(c.generatedAt);
        out.writeLong(c.stepMs);
        out.writeDouble(c.lastCpu);
        out.writeDouble(c.lastMemory);
        out.writeDouble(c.lastStorage);
        int n = c.stepAt.length;
        out.writeInt(n);
        for (int i = 0; i < n; i++) out.writeLong(c.stepAt[i]);
        writeQuantiles(c.cpu, n, out);
        writeQuantiles(c.memory, n, out);
        writeQuantiles(c.storage, n, out);
        writeQuantiles(c.networkOut, n, out);
        out.writeInt(c.tags.length);
        for (String t : c.tags) StringValue.writeString(t, out);
        out.writeInt(c.drivers.length);
        for (ForecastDriver d : c.drivers) {
            StringValue.writeString(d.getName(), out);
            out.writeByte(d.getKind().ordinal());
            StringValue.writeString(d.getEventId(), out);
            StringValue.writeString(d.getResource(), out);
            out.writeInt(d.getPeakStep());
            out.writeLong(d.getPeakAt().toEpochMilli());
            out.writeDouble(d.getRelativeEffect());
            out.writeDouble(d.getAbsoluteEffect());
        }
    }

    private static void writeQuantiles(double[] q, int steps, DataOutputView out) throws IOException {
        for (int i = 0; i < steps * CompactHorizon.QUANTILES; i++) out.writeDouble(q[i]);
    }

    private static double[] readQuantiles(int steps, DataInputView in) throws IOException {
        double[] q = new double[steps * CompactHorizon.QUANTILES];
        for (int i = 0; i < q.length; i++) q[i] = in.readDouble();
        return q;
    }

    @Override
    public CompactHorizon deserialize(DataInputView in) throws IOException {
        CompactHorizon c = new CompactHorizon();
        c.key = StringValue.readString(in);
        c.region = StringValue.readString(in);
        c.modelId = StringValue.readString(in);
        c.fallback = in.readBoolean();
        c.generatedAt = in.readLong();
        c.stepMs = in.readLong();
        c.lastCpu = in.readDouble();
        c.lastMemory = in.readDouble();
        c.lastStorage = in.readDouble();
        int n = in.readInt();
        c.stepAt = new long[n];
        for (int i = 0; i < n; i++) c.stepAt[i] = in.readLong();
        c.cpu = readQuantiles(n, in);
        c.memory = readQuantiles(n, in);
        c.storage = readQuantiles(n, in);
        c.networkOut = readQuantiles(n, in);
        c.tags = new String[in.readInt()];
        for (int i = 0; i < c.tags.length; i++) c.tags[i] = StringValue.readString(in);
        c.drivers = new ForecastDriver[in.readInt()];
        for (int i = 0; i < c.drivers.length; i++) {
            ForecastDriver d = new ForecastDriver();
            d.setName(StringValue.readString(in));
            d.setKind(KINDS[in.readByte()]);
            d.setEventId(StringValue.readString(in));
            d.setResource(StringValue.readString(in));
            d.setPeakStep(in.readInt());
            d.setPeakAt(Instant.ofEpochMilli(in.readLong()));
            d.setRelativeEffect(in.readDouble());
            d.setAbsoluteEffect(in.readDouble());
            c.drivers[i] = d;
        }
        return c;
    }

    @Override
    public TypeSerializerSnapshot<CompactHorizon> snapshotConfiguration() {
        return new Snapshot();
    }

    public static final class Snapshot extends SimpleTypeSerializerSnapshot<CompactHorizon> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }

    public static final class Factory extends TypeInfoFactory<CompactHorizon> {
        @Override
        public TypeInformation<CompactHorizon> createTypeInfo(Type t, Map<String, TypeInformation<?>> generics) {
            return new SingletonTypeInfo<>(CompactHorizon.class, INSTANCE);
        }
    }
}
