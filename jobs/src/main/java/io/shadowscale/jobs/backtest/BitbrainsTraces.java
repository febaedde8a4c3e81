package io.shadowscale.jobs.backtest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import io.shadowscale.udf.logic.forecast.ForecastBacktest.Series;

/**
 * Reads Bitbrains GWA-T-12 traces laid out like {@code ../shared/data/bitbrains-rnd}
 * ({@code rnd/<month>/<vm>.csv[.gz]}, optional {@code selected_vms.csv} for the order) into
 * series on a regular 5-minute grid with four resources: CPU cores in use, memory bytes in use,
 * network bytes/s (received + transmitted) and disk bytes/s (read + written — the traces have
 * no storage capacity, so "storage" here is disk throughput).
 *
 * <p>The traces' quirks are handled rather than scored as easy wins: rows of switched-off VMs
 * (zero cores and capacity) and stretches where every signal repeats the same value for two hours
 * or more (a stale monitor) become missing; duplicate or drifting timestamps are put on the grid by
 * rounding and averaged; gaps (monitoring outages, the day between month files) stay missing.
 */
public final class BitbrainsTraces {

    public static final long BUCKET_MS = 300_000;
    public static final String[] RESOURCES = {"cpu", "memory", "network", "storage"};
    /** Identical rows in a row from which a stretch counts as frozen. */
    static final int FROZEN_RUN = 24;

    private BitbrainsTraces() {}

    /** VM ids in the folder, in {@code selected_vms.csv} order when present. */
    public static List<String> vmIds(Path dir) {
        Path selected = dir.resolve("selected_vms.csv");
        List<String> ids = new ArrayList<>();
        try {
            if (Files.exists(selected)) {
                for (String line : Files.readAllLines(selected)) {
                    String id = line.split(",")[0].trim();
                    if (!id.isEmpty() && !id.equals("vm") && !filesOf(dir, id).isEmpty()) ids.add(id);
                }
            }
            if (ids.isEmpty()) {
                try (Stream<Path> months = Files.list(dir.resolve("rnd"))) {
                    for (Path m : months.sorted().collect(Collectors.toList())) {
                        try (Stream<Path> files = Files.list(m)) {
                            files.map(p -> p.getFileName().toString().replaceAll("\\.csv(\\.gz)?$", ""))
                                    .filter(id -> !ids.contains(id)).sorted().forEach(ids::add);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list Bitbrains traces in " + dir, e);
        }
        return ids;
    }

    public static Series load(Path dir, String vm) {
        List<Path> files = filesOf(dir, vm);
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no trace files for VM " + vm + " under " + dir.resolve("rnd"));
        }
        TreeMap<Long, double[]> rows = new TreeMap<>(); // epoch seconds -> 4 values + raw signature
        List<double[]> raw = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        for (Path f : files) {
            read(f, times, raw);
        }
        // frozen stretches: identical raw signals (cpu MHz, memory KB, disk, net) for FROZEN_RUN rows or more
        boolean[] frozen = new boolean[raw.size()];
        int runStart = 0;
        for (int i = 1; i <= raw.size(); i++) {
            boolean same = i < raw.size() && Arrays.equals(raw.get(i), raw.get(i - 1));
            if (!same) {
                if (i - runStart >= FROZEN_RUN) Arrays.fill(frozen, runStart, i, true);
                runStart = i;
            }
        }
        long first = Long.MAX_VALUE, last = Long.MIN_VALUE;
        for (int i = 0; i < raw.size(); i++) {
            double[] r = raw.get(i);
            if (frozen[i] || r[0] <= 0 || r[1] <= 0) continue; // switched off: no cores or capacity
            long slot = Math.round(times.get(i) / 300.0);
            double coreMhz = r[1] / r[0];
            double[] v = {r[2] / coreMhz, r[3] * 1024, (r[6] + r[7]) * 1024, (r[4] + r[5]) * 1024, 1};
            rows.merge(slot, v, (a, b) -> new double[] {a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3], a[4] + b[4]});
            first = Math.min(first, slot);
            last = Math.max(last, slot);
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("VM " + vm + " has no usable rows");
        }
        int n = (int) (last - first + 1);
        double[][] values = new double[RESOURCES.length][n];
        for (double[] col : values) Arrays.fill(col, Double.NaN);
        for (var e : rows.entrySet()) {
            int t = (int) (e.getKey() - first);
            double[] v = e.getValue();
            for (int r = 0; r < RESOURCES.length; r++) values[r][t] = v[r] / v[4];
        }
        return new Series(vm, first * 300_000L, BUCKET_MS, values);
    }

    /** raw row: cores, capacity MHz, usage MHz, memory usage KB, disk read, disk write, net rx, net tx (KB/s) */
    private static void read(Path f, List<Long> times, List<double[]> raw) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                f.toString().endsWith(".gz") ? new GZIPInputStream(Files.newInputStream(f)) : Files.newInputStream(f),
                StandardCharsets.UTF_8))) {
            String line = in.readLine(); // header
            int lineNo = 1;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) continue;
                String[] c = line.split(";");
                if (c.length < 11) {
                    throw new IllegalArgumentException(f + ":" + lineNo + ": expected 11 ';'-separated columns, got " + c.length);
                }
                try {
                    times.add(Long.parseLong(c[0].trim())); // "Timestamp [ms]" holds epoch seconds
                    raw.add(new double[] {d(c[1]), d(c[2]), d(c[3]), d(c[6]), d(c[7]), d(c[8]), d(c[9]), d(c[10])});
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(f + ":" + lineNo + ": not a number: " + e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        }
    }

    private static double d(String s) {
        return Double.parseDouble(s.trim());
    }

    private static List<Path> filesOf(Path dir, String vm) {
        List<Path> out = new ArrayList<>();
        Path rnd = dir.resolve("rnd");
        if (!Files.isDirectory(rnd)) return out;
        try (Stream<Path> months = Files.list(rnd)) {
            for (Path m : months.sorted().collect(Collectors.toList())) {
                for (String name : new String[] {vm + ".csv.gz", vm + ".csv"}) {
                    Path p = m.resolve(name);
                    if (Files.exists(p)) {
                        out.add(p);
                        break;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
