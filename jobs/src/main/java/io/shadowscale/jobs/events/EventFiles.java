package io.shadowscale.jobs.events;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

import io.shadowscale.schema.ExternalEvent;

/**
 * External events as JSON lines: one {@link ExternalEvent} per line in Avro's JSON encoding of
 * the current schema (times as epoch milliseconds, optional fields as {@code {"double": 2.0}}),
 * so any Avro library reads them back. What {@code events import --out} writes and
 * {@code demo --events} replays.
 */
public final class EventFiles {

    private EventFiles() {}

    /** Writes all events or none: to a temporary file first, then moved into place. */
    public static void write(Path file, List<ExternalEvent> events) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (ExternalEvent e : events) {
            sb.append(toJson(e)).append('\n');
        }
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".events-", ".tmp");
        try {
            Files.writeString(tmp, sb, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static String toJson(ExternalEvent e) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            JsonEncoder enc = EncoderFactory.get().jsonEncoder(ExternalEvent.getClassSchema(), out);
            new SpecificDatumWriter<>(ExternalEvent.class).write(e, enc);
            enc.flush();
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** Reads a JSON-lines file written by {@link #write}; a bad line fails with its number. */
    public static List<ExternalEvent> read(Path file) throws ImportException, IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        SpecificDatumReader<ExternalEvent> reader = new SpecificDatumReader<>(ExternalEvent.class);
        List<ExternalEvent> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                out.add(reader.read(null, DecoderFactory.get().jsonDecoder(ExternalEvent.getClassSchema(), line)));
            } catch (IOException | AvroRuntimeException e) {
                throw new ImportException(file.getFileName().toString(), i + 1, "not an ExternalEvent in Avro JSON: " + e.getMessage());
            }
        }
        return out;
    }
}
