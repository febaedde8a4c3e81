package io.shadowscale.udf.model;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * The type of a record written by its own stateless serializer ({@link CompactHorizonSerializer},
 * {@link EnrichedRollupSerializer}), returned by the {@code TypeInfoFactory} its {@code @TypeInfo}
 * names, so Flink uses that serializer wherever the type appears, also as a POJO field.
 */
public final class SingletonTypeInfo<T> extends TypeInformation<T> {
    private static final long serialVersionUID = 1L;

    private final Class<T> type;
    private final TypeSerializer<T> serializer;

    public SingletonTypeInfo(Class<T> type, TypeSerializer<T> serializer) {
        this.type = type;
        this.serializer = serializer;
    }

    @Override public boolean isBasicType() { return false; }
    @Override public boolean isTupleType() { return false; }
    @Override public int getArity() { return 1; }
    @Override public int getTotalFields() { return 1; }
    @Override public Class<T> getTypeClass() { return type; }
    @Override public boolean isKeyType() { return false; }
    @Override public TypeSerializer<T> createSerializer(SerializerConfig config) { return serializer; }
    @Override public String toString() { return type.getSimpleName(); }
    @Override public boolean equals(Object o) { return o instanceof SingletonTypeInfo<?> other && other.type == type; }
    @Override public int hashCode() { return type.hashCode(); }
    @Override public boolean canEqual(Object o) { return o instanceof SingletonTypeInfo; }
}
