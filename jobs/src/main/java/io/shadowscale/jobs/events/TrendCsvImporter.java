package io.shadowscale.jobs.events;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import io.shadowscale.schema.ExternalEvent;
import io.shadowscale.schema.ExternalEventKind;
import io.shadowscale.schema.TrendPoint;

/**
 * News / social trend volumes from CSV lines {@code timestamp,keyword,count} (an optional header
 * line naming the columns; fields may be double-quoted) to one {@code TREND} event per keyword
 * with its series of mention counts.
 *
 * <p>Timestamps: ISO-8601 with offset ({@code 2026-11-20T10:00:00Z}), without offset (UTC), a
 * date (midnight UTC), or epoch seconds / milliseconds. The event id is {@code trend:<keyword>}
 * (lower case), so a later import of the same keyword replaces it; its revision is the minute of
 * its latest point, so newer data wins over older data whatever order the imports arrive in. It
 * runs from the first point to one step (the median spacing of the points) after the last.
 */
public final class TrendCsvImporter {

    static final String SOURCE_PREFIX = "csv:";

    private final EventScope scope;

    public TrendCsvImporter(EventScope scope) {
        this.scope = scope;
    }

    public List<ExternalEvent> read(Path file) throws ImportException, IOException {
        return parse(file.getFileName().toString(), Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    public List<ExternalEvent> parse(String fileName, List<String> lines) throws ImportException {
        Map<String, TreeMap<Long, Long>> series = new LinkedHashMap<>();
        Map<String, String> displayName = new HashMap<>();
        boolean any = false;
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            List<String> f = fields(line, fileName, lineNo);
            if (!any && f.size() == 3 && f.get(0).trim().equalsIgnoreCase("timestamp")) {
                any = true; // header
                continue;
            }
            any = true;
            if (f.size() != 3) {
                throw new ImportException(fileName, lineNo, "expected 3 fields (timestamp,keyword,count), got " + f.size());
            }
            long time = timestamp(f.get(0).trim(), fileName, lineNo);
            String keyword = f.get(1).trim();
            if (keyword.isEmpty()) {
                throw new ImportException(fileName, lineNo, "empty keyword");
            }
            long count;
            try {
                count = Long.parseLong(f.get(2).trim());
            } catch (NumberFormatException e) {
                throw new ImportException(fileName, lineNo, "count '" + f.get(2).trim() + "' is not a whole number");
            }
            if (count < 0) {
                throw new ImportException(fileName, lineNo, "count " + count + " is negative");
            }
            String key = keyword.toLowerCase(Locale.ROOT);
            displayName.putIfAbsent(key, keyword);
            Long previous = series.computeIfAbsent(key, k -> new TreeMap<>()).put(time, count);
            if (previous != null) {
                throw new ImportException(fileName, lineNo, "a second count for '" + keyword + "' at " + Instant.ofEpochMilli(time));
            }
        }
        if (series.isEmpty()) {
            throw new ImportException(fileName, 0, "no trend data (expected lines timestamp,keyword,count)");
        }
        List<ExternalEvent> out = new ArrayList<>();
        for (Map.Entry<String, TreeMap<Long, Long>> e : series.entrySet()) {
            TreeMap<Long, Long> points = e.getValue();
            long first = points.firstKey(), last = points.lastKey();
            long step = medianStep(points);
            List<TrendPoint> tp = new ArrayList<>();
            points.forEach((t, c) -> tp.add(new TrendPoint(Instant.ofEpochMilli(t), c)));
            ExternalEvent.Builder b = ExternalEvent.newBuilder()
                    .setEventId("trend:" + e.getKey())
                    .setRevision((int) Math.floorDiv(last, 60_000L))
                    .setKind(ExternalEventKind.TREND)
                    .setName("Trend: " + displayName.get(e.getKey()))
                    .setStartTime(Instant.ofEpochMilli(first))
                    .setEndTime(Instant.ofEpochMilli(last + step))
                    .setKeyword(e.getKey())
                    .setTrendPoints(tp)
                    .setSource(SOURCE_PREFIX + fileName);
            out.add(scope.applyTo(b).build());
        }
        return out;
    }

    private static long medianStep(TreeMap<Long, Long> points) {
        if (points.size() < 2) {
            return 3_600_000L; // one point: assume hourly counts
        }
        List<Long> steps = new ArrayList<>();
        Long prev = null;
        for (long t : points.keySet()) {
            if (prev != null) {
                steps.add(t - prev);
            }
            prev = t;
        }
        steps.sort(null);
        return steps.get(steps.size() / 2);
    }

    static long timestamp(String s, String fileName, int lineNo) throws ImportException {
        try {
            if (s.matches("\\d{9,13}")) {
                long v = Long.parseLong(s);
                return v >= 100_000_000_000L ? v : v * 1000; // 12+ digits: milliseconds
            }
            if (s.length() == 10) {
                return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            }
            if (s.endsWith("Z") || s.matches(".*[+-]\\d\\d:?\\d\\d$")) {
                return OffsetDateTime.parse(s).toInstant().toEpochMilli();
            }
            return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new ImportException(fileName, lineNo, "timestamp '" + s + "' is not ISO-8601 (e.g. 2026-11-20T10:00:00Z) or epoch seconds");
        }
    }

    /** Splits one CSV line, honouring double quotes (with "" for a quote inside). */
    static List<String> fields(String line, String fileName, int lineNo) throws ImportException {
        try {
            return io.shadowscale.jobs.csv.CsvLine.split(line);
        } catch (IllegalArgumentException e) {
            throw new ImportException(fileName, lineNo, "unterminated quote");
        }
    }
}
