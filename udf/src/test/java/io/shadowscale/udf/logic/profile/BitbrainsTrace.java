package io.shadowscale.udf.logic.profile;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.Assumptions;

/**
 * Reads the Bitbrains GWA-T-12 "Rnd" VM traces from {@code ../shared/data/bitbrains-rnd} (never
 * copied into the project): one CSV per VM and month, {@code ;\t}-separated, "Timestamp [ms]"
 * in epoch seconds, 5-minute samples. Samples are put on a regular 5-minute grid (the first one
 * of each slot kept: steps drift between 299 and 301 s and some files repeat timestamps), and
 * switched-off samples (no cores or no capacity) and frozen ones (CPU and memory exactly as in
 * the previous sample: a stale monitor, see the data README) are left out as missing.
 */
final class BitbrainsTrace {
    static final long BUCKET_MS = 300_000L;

    /** One 5-minute sample, as the profiler's metrics: CPU in cores, memory in bytes, network in bytes/s. */
    record Sample(long bucketStart, double cpuCores, double memoryBytes, double netInBytesPerSec, double netOutBytesPerSec) {}

    private BitbrainsTrace() {}

    /** The data folder, or a skipped test (with the reason) when it is absent. */
    static Path root() {
        String dir = System.getProperty("shadowscale.data.dir", "../../shared/data");
        Path root = Path.of(dir).resolve("bitbrains-rnd");
        Assumptions.assumeTrue(Files.isDirectory(root.resolve("rnd")),
                "Bitbrains traces not found at " + root.toAbsolutePath() + " (set -Dshadowscale.data.dir); skipping the real-trace test");
        return root;
    }

    /** VM id to its group in selected_vms.csv ("busy_top50_cpu_mhz_july" or "random50_seed42"), for the VMs present. */
    static Map<String, String> vms(Path root) {
        Map<String, String> out = new TreeMap<>();
        try {
            for (String line : Files.readAllLines(root.resolve("selected_vms.csv"))) {
                String[] f = line.split(",");
                if (f.length == 2 && !f[0].equals("vm") && Files.exists(root.resolve("rnd/2013-7/" + f[0] + ".csv.gz"))) {
                    out.put(f[0], f[1]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static List<Sample> read(Path root, String month, String vm) {
        Path file = root.resolve("rnd/" + month + "/" + vm + ".csv.gz");
        TreeMap<Long, Sample> grid = new TreeMap<>();
        double prevCpu = Double.NaN, prevMem = Double.NaN;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
            String line = r.readLine(); // header
            while ((line = r.readLine()) != null) {
                String[] f = line.split(";\\s*");
                if (f.length < 11) {
                    continue;
                }
                long t = Long.parseLong(f[0].trim()) * 1000;
                double cores = Double.parseDouble(f[1]);
                double capacity = Double.parseDouble(f[2]);
                double usage = Double.parseDouble(f[3]);
                double mem = Double.parseDouble(f[6]) * 1024;
                boolean frozen = usage == prevCpu && mem == prevMem;
                prevCpu = usage;
                prevMem = mem;
                if (cores <= 0 || capacity <= 0 || frozen) {
                    continue;
                }
                long bucket = Math.floorDiv(t, BUCKET_MS) * BUCKET_MS;
                grid.putIfAbsent(bucket, new Sample(bucket, usage / (capacity / cores), mem,
                        Double.parseDouble(f[9]) * 1024, Double.parseDouble(f[10]) * 1024));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ArrayList<>(grid.values());
    }

    /** The profiler's metric vector of a sample (no application metrics in these traces). */
    static double[] values(Sample s) {
        double[] v = new double[ProfileMetric.COUNT];
        v[ProfileMetric.CPU.ordinal()] = s.cpuCores();
        v[ProfileMetric.CPU_PEAK.ordinal()] = s.cpuCores();
        v[ProfileMetric.MEMORY.ordinal()] = s.memoryBytes();
        v[ProfileMetric.NETWORK_IN.ordinal()] = s.netInBytesPerSec();
        v[ProfileMetric.NETWORK_OUT.ordinal()] = s.netOutBytesPerSec();
        v[ProfileMetric.SESSION_DURATION_MS.ordinal()] = Double.NaN;
        return v;
    }
}
