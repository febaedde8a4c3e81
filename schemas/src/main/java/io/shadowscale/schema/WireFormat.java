package io.shadowscale.schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * The bytes of every shadowscale record on Kafka: Avro <em>single-object encoding</em>
 * (two marker bytes {@code C3 01}, the 8-byte little-endian CRC-64-AVRO fingerprint of the
 * writer's schema, then the Avro binary body).
 *
 * <p>The fingerprint lets a reader resolve records written with an older schema version
 * without a schema registry: every earlier version we ever published is kept under
 * {@code avro-history/} on the classpath and registered with each decoder, and Avro's
 * schema resolution fills the fields added since from their defaults.
 *
 * <p>Encoders and decoders here are thread-safe and cached per record class.
 */
public final class WireFormat {

    /** Earlier published versions of our schemas, resolved by fingerprint when read. */
    static final List<String> HISTORY = List.of("avro-history/TelemetryEvent-v1.avsc", "avro-history/ScalingCommand-v1.avsc");

    private static final SchemaStore.Cache STORE = loadHistory();
    private static final Map<Class<?>, BinaryMessageEncoder<?>> ENCODERS = new ConcurrentHashMap<>();
    private static final Map<Class<?>, BinaryMessageDecoder<?>> DECODERS = new ConcurrentHashMap<>();

    private WireFormat() {}

    /** Encodes a generated record with its current schema. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static byte[] encode(SpecificRecord record) {
        BinaryMessageEncoder encoder = ENCODERS.computeIfAbsent(record.getClass(),
                c -> new BinaryMessageEncoder<>(SpecificData.getForClass(c), record.getSchema()));
        try {
            ByteBuffer buf = encoder.encode(record);
            byte[] out = new byte[buf.remaining()];
            buf.get(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Decodes bytes written with the current or any historical version of {@code type}'s schema.
     *
     * @throws MalformedRecordException with a reason a person can act on
     */
    @SuppressWarnings("unchecked")
    public static <T extends SpecificRecord> T decode(Class<T> type, byte[] bytes) throws MalformedRecordException {
        if (bytes == null) {
            throw new MalformedRecordException("empty record value (null)");
        }
        if (bytes.length < 10 || bytes[0] != (byte) 0xC3 || bytes[1] != (byte) 0x01) {
            throw new MalformedRecordException("not Avro single-object encoded (expected header C3 01 and a schema fingerprint, got "
                    + bytes.length + " bytes starting " + hexPrefix(bytes) + ")");
        }
        BinaryMessageDecoder<T> decoder = (BinaryMessageDecoder<T>) DECODERS.computeIfAbsent(type, WireFormat::newDecoder);
        try {
            return decoder.decode(bytes);
        } catch (org.apache.avro.message.MissingSchemaException e) {
            throw new MalformedRecordException("unknown writer schema for " + type.getSimpleName()
                    + " (fingerprint not among the known versions): " + e.getMessage());
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | ClassCastException e) {
            throw new MalformedRecordException("undecodable " + type.getSimpleName() + ": "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
    }

    /** The CRC-64-AVRO fingerprint that prefixes records written with {@code schema}. */
    public static long fingerprint(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    /**
     * The single-object header of records written with {@code schema}: marker {@code C3 01}, then the
     * fingerprint little-endian — for writers that put the datum after it themselves.
     */
    public static byte[] header(Schema schema) {
        long fp = fingerprint(schema);
        byte[] h = new byte[10];
        h[0] = (byte) 0xC3;
        h[1] = (byte) 0x01;
        for (int i = 0; i < 8; i++) h[2 + i] = (byte) (fp >>> (8 * i));
        return h;
    }

    private static <T> BinaryMessageDecoder<T> newDecoder(Class<?> type) {
        SpecificData model = SpecificData.getForClass(type);
        Schema schema = model.getSchema(type);
        return new BinaryMessageDecoder<>(model, schema, STORE);
    }

    private static SchemaStore.Cache loadHistory() {
        SchemaStore.Cache cache = new SchemaStore.Cache();
        for (String resource : HISTORY) {
            try (InputStream in = WireFormat.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("missing schema history resource " + resource);
                }
                cache.addSchema(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return cache;
    }

    private static String hexPrefix(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(4, bytes.length); i++) {
            sb.append(String.format("%02X", bytes[i]));
        }
        return sb.length() == 0 ? "(nothing)" : sb.toString();
    }

    /** A record that cannot be read; the message says why. */
    public static final class MalformedRecordException extends Exception {
        public MalformedRecordException(String reason) {
            super(reason);
        }
    }
}
