package io.shadowscale.jobs.produce;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;

import io.shadowscale.schema.TelemetryEvent;
import io.shadowscale.udf.logic.TelemetryChecks;

/**
 * Telemetry from a CSV file, one sample per row, for {@code shadowscale produce --from-csv}.
 *
 * <p>The first line names the columns (any order; the snake_case names of the
 * {@code TelemetryEvent} fields). Required: {@code tenant_id, workload_id, event_time, cpu_cores,
 * memory_bytes, network_in_bytes, network_out_bytes, storage_bytes}. Optional, with the schema's
 * defaults: {@code db_queries, requests, active_sessions, session_duration_ms, interval_ms}
 * (60000), {@code data_kind, region} (empty = none). {@code event_time} is an ISO-8601 instant
 * ({@code 2025-03-04T10:15:00Z}) or epoch milliseconds. Fields may be quoted with {@code "}
 * (RFC 4180). Empty lines and lines starting with {@code #} are skipped.
 *
 * <p>A row that does not parse, or that the job's validation would reject
 * ({@link TelemetryChecks}: negative or NaN values, empty ids, a time far in the future), is a
 * {@link Row#error() bad row} with its line number; the reader carries on with the next line.
 */
public final class TelemetryCsv implements Iterator<TelemetryCsv.Row>, AutoCloseable {

    public static final List<String> REQUIRED = List.of("tenant_id", "workload_id", "event_time", "cpu_cores",
            "memory_bytes", "network_in_bytes", "network_out_bytes", "storage_bytes");
    public static final List<String> OPTIONAL = List.of("db_queries", "requests", "active_sessions",
            "session_duration_ms", "interval_ms", "data_kind", "region");

    /** One data line: the event, or why it is bad. */
    public record Row(long line, TelemetryEvent event, String error) {
        public boolean ok() {
            return event != null;
        }
    }

    private final Path file;
    private final BufferedReader in;
    private final Map<String, Integer> columns;
    private final int width;
    private final LongSupplier clock;
    private final long maxFutureSkewMs;
    private long lineNo;
    private Row next;

    /**
     * Opens {@code file} and reads its header.
     *
     * @throws IllegalArgumentException (one line) for a missing file, an empty file, or a header
     *     with unknown, duplicate or missing columns
     */
    public TelemetryCsv(Path file, LongSupplier clock, long maxFutureSkewMs) {
        this.file = file;
        this.clock = clock;
        this.maxFutureSkewMs = maxFutureSkewMs;
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no CSV file at " + file.toAbsolutePath());
        }
        try {
            this.in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
            String header;
            do {
                header = in.readLine();
                lineNo++;
            } while (header != null && (header.isBlank() || header.startsWith("#")));
            if (header == null) {
                throw new IllegalArgumentException(file + " is empty: expected a header line naming the columns, e.g. "
                        + String.join(",", REQUIRED));
            }
            List<String> names = split(stripBom(header));
            this.columns = new LinkedHashMap<>();
            Set<String> known = new TreeSet<>(REQUIRED);
            known.addAll(OPTIONAL);
            for (int i = 0; i < names.size(); i++) {
                String n = names.get(i).strip().toLowerCase(Locale.ROOT);
                if (!known.contains(n)) {
                    throw new IllegalArgumentException("unknown column '" + names.get(i).strip() + "' in the header of " + file
                            + " (line " + lineNo + "); known columns: " + String.join(", ", known));
                }
                if (columns.put(n, i) != null) {
                    throw new IllegalArgumentException("column '" + n + "' appears twice in the header of " + file);
                }
            }
            List<String> missing = new ArrayList<>(REQUIRED);
            missing.removeAll(columns.keySet());
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException("the header of " + file + " lacks the required column(s) " + String.join(", ", missing));
            }
            this.width = names.size();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Data lines of {@code file} (not empty, not comments, not the header): the total for a progress bar. */
    public static long countRows(Path file) {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return Math.max(0, r.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).count() - 1);
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }

    @Override
    public boolean hasNext() {
        if (next == null) {
            next = read();
        }
        return next != null;
    }

    @Override
    public Row next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Row r = next;
        next = null;
        return r;
    }

    private Row read() {
        try {
            String line;
            do {
                line = in.readLine();
                lineNo++;
            } while (line != null && (line.isBlank() || line.startsWith("#")));
            return line == null ? null : parse(lineNo, line);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " at line " + lineNo + ": " + e.getMessage(), e);
        }
    }

    Row parse(long line, String text) {
        List<String> f;
        try {
            f = split(text);
        } catch (IllegalArgumentException e) {
            return new Row(line, null, e.getMessage());
        }
        if (f.size() != width) {
            return new Row(line, null, "expected " + width + " fields, found " + f.size());
        }
        Map<String, String> v = new HashMap<>();
        columns.forEach((name, i) -> v.put(name, f.get(i).strip()));
        try {
            TelemetryEvent.Builder b = TelemetryEvent.newBuilder()
                    .setTenantId(v.get("tenant_id"))
                    .setWorkloadId(v.get("workload_id"))
                    .setEventTime(instant(v.get("event_time")))
                    .setCpuCores(dbl("cpu_cores", v))
                    .setMemoryBytes(lng("memory_bytes", v))
                    .setNetworkInBytes(lng("network_in_bytes", v))
                    .setNetworkOutBytes(lng("network_out_bytes", v))
                    .setStorageBytes(lng("storage_bytes", v));
            if (present("db_queries", v)) b.setDbQueries(lng("db_queries", v));
            if (present("requests", v)) b.setRequests(lng("requests", v));
            if (present("active_sessions", v)) b.setActiveSessions(Math.toIntExact(lng("active_sessions", v)));
            if (present("session_duration_ms", v)) b.setSessionDurationMs(dbl("session_duration_ms", v));
            if (present("interval_ms", v)) b.setIntervalMs(lng("interval_ms", v));
            b.setDataKind(present("data_kind", v) ? v.get("data_kind") : null);
            b.setRegion(present("region", v) ? v.get("region") : null);
            TelemetryEvent e = b.build();
            String reason = TelemetryChecks.check(e, clock.getAsLong(), maxFutureSkewMs);
            return reason == null ? new Row(line, e, null) : new Row(line, null, reason);
        } catch (BadField e) {
            return new Row(line, null, e.getMessage());
        } catch (ArithmeticException e) {
            return new Row(line, null, "active_sessions: out of range");
        }
    }

    private static boolean present(String name, Map<String, String> v) {
        String s = v.get(name);
        return s != null && !s.isEmpty();
    }

    private static Instant instant(String s) {
        if (s == null || s.isEmpty()) {
            throw new BadField("event_time: empty");
        }
        try {
            if (s.matches("-?\\d+")) {
                return Instant.ofEpochMilli(Long.parseLong(s));
            }
            return Instant.parse(s);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new BadField("event_time: not an ISO-8601 instant or epoch milliseconds: '" + abbreviate(s) + "'");
        }
    }

    private static double dbl(String name, Map<String, String> v) {
        String s = v.get(name);
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException | NullPointerException e) {
            throw new BadField(name + ": not a number: '" + abbreviate(s) + "'");
        }
    }

    private static long lng(String name, Map<String, String> v) {
        String s = v.get(name);
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            try {
                // "1.5e9" or "1024.0": whole numbers written as decimals are fine
                double d = Double.parseDouble(s);
                if (d == Math.rint(d) && Math.abs(d) < 9.0e18) {
                    return (long) d;
                }
            } catch (NumberFormatException | NullPointerException ignored) {
                // fall through
            }
            throw new BadField(name + ": not a whole number: '" + abbreviate(s) + "'");
        }
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    private static String stripBom(String s) {
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }

    /** Splits one CSV line (RFC 4180 quotes; no line breaks inside fields). */
    static List<String> split(String line) {
        return io.shadowscale.jobs.csv.CsvLine.split(line);
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            // read-only
        }
    }

    private static final class BadField extends RuntimeException {
        BadField(String message) {
            super(message, null, false, false);
        }
    }
}
