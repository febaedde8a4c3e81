package io.shadowscale.udf.logic.nab;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A folder in NAB's layout: {@code data/<category>/<file>.csv} ({@code timestamp,value}),
 * {@code labels/combined_windows.json} ({@code "<category>/<file>.csv": [[start, end], ...]}) and
 * {@code config/profiles.json}. As NAB's runner does, only data files named in the labels are
 * scored; a labelled file that is missing, or a window limit that is not a timestamp of its file,
 * is an error.
 */
public record NabCorpus(Path root, List<NabSeries> series, List<CostProfile> profiles) {

    /** {@code 2014-04-10 07:15:00} and {@code 2014-04-10 07:15:00.000000}. */
    private static final DateTimeFormatter TIME = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .toFormatter();

    public int windowCount() {
        return series.stream().mapToInt(s -> s.windows().size()).sum();
    }

    public long rowCount() {
        return series.stream().mapToLong(NabSeries::size).sum();
    }

    /** @throws IllegalArgumentException when the folder is not in NAB's layout, naming what is wrong */
    public static NabCorpus load(Path root) throws IOException {
        Path data = root.resolve("data");
        Path labels = root.resolve("labels").resolve("combined_windows.json");
        Path profiles = root.resolve("config").resolve("profiles.json");
        for (Path p : List.of(data, labels, profiles)) {
            if (!Files.exists(p)) {
                throw new IllegalArgumentException(root + " is not a NAB folder: " + root.relativize(p) + " is missing");
            }
        }
        Map<String, Object> windows = asObject(MiniJson.parse(Files.readString(labels)), labels);
        List<NabSeries> series = new ArrayList<>();
        for (Map.Entry<String, Object> e : windows.entrySet()) {
            Path csv = data.resolve(e.getKey());
            if (!Files.isRegularFile(csv)) {
                throw new IllegalArgumentException(labels + " labels " + e.getKey() + " but " + csv + " does not exist");
            }
            List<NabSeries.Window> ws = new ArrayList<>();
            for (Object w : asList(e.getValue(), labels)) {
                List<Object> limits = asList(w, labels);
                if (limits.size() != 2) {
                    throw new IllegalArgumentException(labels + ": window of " + e.getKey() + " is not [start, end]");
                }
                ws.add(new NabSeries.Window(parseTime(String.valueOf(limits.get(0))), parseTime(String.valueOf(limits.get(1)))));
            }
            series.add(readCsv(e.getKey(), csv, ws));
        }
        series.sort((a, b) -> a.relativePath().compareTo(b.relativePath()));
        return new NabCorpus(root, List.copyOf(series), readProfiles(profiles));
    }

    /** Data files under {@code data/} that the labels do not name (NAB skips them too). */
    public List<String> unlabelledFiles() throws IOException {
        Path data = root.resolve("data");
        List<String> known = series.stream().map(NabSeries::relativePath).collect(Collectors.toList());
        try (Stream<Path> walk = Files.walk(data)) {
            return walk.filter(p -> p.toString().endsWith(".csv"))
                    .map(p -> data.relativize(p).toString().replace('\\', '/'))
                    .filter(p -> !known.contains(p))
                    .sorted()
                    .collect(Collectors.toList());
        }
    }

    static NabSeries readCsv(String relativePath, Path csv, List<NabSeries.Window> windows) throws IOException {
        List<String> lines;
        try (BufferedReader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            lines = r.lines().filter(l -> !l.isBlank()).collect(Collectors.toList());
        }
        if (lines.isEmpty() || !lines.get(0).startsWith("timestamp")) {
            throw new IllegalArgumentException(csv + ": expected a header 'timestamp,value'");
        }
        int n = lines.size() - 1;
        long[] ts = new long[n];
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            String line = lines.get(i + 1);
            int comma = line.indexOf(',');
            if (comma < 0) {
                throw new IllegalArgumentException(csv + " line " + (i + 2) + ": expected 'timestamp,value'");
            }
            ts[i] = parseTime(line.substring(0, comma).trim());
            int end = line.indexOf(',', comma + 1);
            try {
                v[i] = Double.parseDouble(line.substring(comma + 1, end < 0 ? line.length() : end).trim());
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException(csv + " line " + (i + 2) + ": value is not a number");
            }
        }
        NabSeries s = new NabSeries(relativePath, ts, v, windows);
        for (NabSeries.Window w : windows) {
            if (!contains(ts, w.start()) || !contains(ts, w.end())) {
                throw new IllegalArgumentException(relativePath + ": window [" + w.start() + ", " + w.end()
                        + "] does not start and end on timestamps of the file");
            }
        }
        return s;
    }

    private static boolean contains(long[] ts, long t) {
        for (long x : ts) {
            if (x == t) {
                return true;
            }
        }
        return false;
    }

    static List<CostProfile> readProfiles(Path file) throws IOException {
        Map<String, Object> json = asObject(MiniJson.parse(Files.readString(file)), file);
        List<CostProfile> out = new ArrayList<>();
        for (Map.Entry<String, Object> e : json.entrySet()) {
            Map<String, Object> cost = asObject(asObject(e.getValue(), file).get("CostMatrix"), file);
            out.add(new CostProfile(e.getKey(), number(cost, "tpWeight", file), number(cost, "fpWeight", file), number(cost, "fnWeight", file)));
        }
        return List.copyOf(out);
    }

    /** NAB timestamps have no zone; they are read as UTC so that no daylight-saving shift creates gaps or duplicates. */
    public static long parseTime(String s) {
        try {
            return LocalDateTime.parse(s, TIME).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a NAB timestamp (yyyy-MM-dd HH:mm:ss): '" + s + "'");
        }
    }

    public static String formatTime(long epochMs) {
        return LocalDateTime.ofEpochSecond(Math.floorDiv(epochMs, 1000), 0, ZoneOffset.UTC)
                .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"));
    }

    private static double number(Map<String, Object> m, String key, Path file) {
        Object v = m.get(key);
        if (!(v instanceof Double d)) {
            throw new IllegalArgumentException(file + ": " + key + " is missing or not a number");
        }
        return d;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asObject(Object o, Path file) {
        if (!(o instanceof Map)) {
            throw new IllegalArgumentException(file + ": expected a JSON object");
        }
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> asList(Object o, Path file) {
        if (!(o instanceof List)) {
            throw new IllegalArgumentException(file + ": expected a JSON array");
        }
        return (List<Object>) o;
    }
}
