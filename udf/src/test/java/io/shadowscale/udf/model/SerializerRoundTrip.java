package io.shadowscale.udf.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/** Writes a value with a serializer and reads it back, checking every written byte is read. */
final class SerializerRoundTrip {

    private SerializerRoundTrip() {}

    static <T> T roundTrip(TypeSerializer<T> serializer, T value) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(value, out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        T back = serializer.deserialize(in);
        assertThat(in.available()).as("every byte read").isZero();
        return back;
    }
}
