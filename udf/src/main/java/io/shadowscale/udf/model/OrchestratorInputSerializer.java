package io.shadowscale.udf.model;

import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;

import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import io.shadowscale.schema.AllocationUpdate;
import io.shadowscale.schema.Anomaly;
import io.shadowscale.schema.WireFormat;

/**
 * Writes an {@link OrchestratorInput} as a tag and the one record it holds: a shadow with
 * {@link CompactHorizonSerializer}, an allocation report or an anomaly in the wire format. As a
 * POJO the orchestrator's input went through Flink's {@code PojoSerializer}, which created each
 * instance and its three fields reflectively: 12% of the orchestrator thread's samples in the
 * bench profile, for one shadow per workload and bucket. Reports and anomalies are rare next to
 * the shadows, so they keep Avro's wire format (with its schema fingerprint) rather than a
 * hand-written layout.
 *
 * <p>Used on the network only (the orchestrator keeps no {@code OrchestratorInput} in state); the
 * snapshot is there because Flink asks every serializer for one.
 */
public final class OrchestratorInputSerializer extends RecordSerializer<OrchestratorInput> {

    private static final long serialVersionUID = 1L;
    public static final OrchestratorInputSerializer INSTANCE = new OrchestratorInputSerializer();

    private static final byte NONE = 0, HORIZON = 1, ALLOCATION = 2, ANOMALY = 3;

    @Override
    public OrchestratorInput createInstance() {
        return new OrchestratorInput();
    }

    @Override
    public OrchestratorInput copy(OrchestratorInput from) {
        OrchestratorInput in = new OrchestratorInput();
        in.horizon = from.horizon == null ? null : CompactHorizonSerializer.INSTANCE.copy(from.horizon);
        in.allocation = from.allocation == null ? null : AllocationUpdate.newBuilder(from.allocation).build();
        in.anomaly = from.anomaly == null ? null : Anomaly.newBuilder(from.anomaly).build();
        return in;
    }

    @Override
    public void serialize(OrchestratorInput in, DataOutputView out) throws IOException {
        // exactly one is set (OrchestratorInput.of); the first that is wins, as key() reads them
        if (in.horizon != null) {
            out.writeByte(HORIZON);
            CompactHorizonSerializer.INSTANCE.serialize(in.horizon, out);
        } else if (in.allocation != null) {
            out.writeByte(ALLOCATION);
            writeRecord(in.allocation, out);
        } else if (in.anomaly != null) {
            out.writeByte(ANOMALY);
            writeRecord(in.anomaly, out);
        } else {
            out.writeByte(NONE);
        }
    }

    @Override
    public OrchestratorInput deserialize(DataInputView source) throws IOException {
        OrchestratorInput in = new OrchestratorInput();
        byte tag = source.readByte();
        switch (tag) {
            case HORIZON -> in.horizon = CompactHorizonSerializer.INSTANCE.deserialize(source);
            case ALLOCATION -> in.allocation = readRecord(AllocationUpdate.class, source);
            case ANOMALY -> in.anomaly = readRecord(Anomaly.class, source);
            case NONE -> { }
            default -> throw new IOException("corrupt orchestrator input: tag " + tag);
        }
        return in;
    }

    private static void writeRecord(SpecificRecord r, DataOutputView out) throws IOException {
        byte[] bytes = WireFormat.encode(r);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static <T extends SpecificRecord> T readRecord(Class<T> type, DataInputView source) throws IOException {
        byte[] bytes = new byte[source.readInt()];
        source.readFully(bytes);
        try {
            return WireFormat.decode(type, bytes);
        } catch (WireFormat.MalformedRecordException e) {
            throw new IOException("corrupt orchestrator input: " + e.getMessage(), e);
        }
    }

    @Override
    public TypeSerializerSnapshot<OrchestratorInput> snapshotConfiguration() {
        return new Snapshot();
    }

    public static final class Snapshot extends SimpleTypeSerializerSnapshot<OrchestratorInput> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }

    public static final class Factory extends TypeInfoFactory<OrchestratorInput> {
        @Override
        public TypeInformation<OrchestratorInput> createTypeInfo(Type t, Map<String, TypeInformation<?>> generics) {
            return new SingletonTypeInfo<>(OrchestratorInput.class, INSTANCE);
        }
    }
}
