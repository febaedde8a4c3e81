package io.shadowscale.jobs.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.shadowscale.udf.logic.forecast.ForecastBacktest.Series;

class BitbrainsTracesTest {

    static final String HEADER = "Timestamp [ms];\tCPU cores;\tCPU capacity provisioned [MHZ];\tCPU usage [MHZ];\tCPU usage [%];\t"
            + "Memory capacity provisioned [KB];\tMemory usage [KB];\tDisk read throughput [KB/s];\tDisk write throughput [KB/s];\t"
            + "Network received throughput [KB/s];\tNetwork transmitted throughput [KB/s]";

    static String row(long ts, double cores, double usageMhz, double memKb, double net) {
        return ts + ";\t" + cores + ";\t" + (cores * 2600) + ";\t" + usageMhz + ";\t1.0;\t4000000;\t" + memKb + ";\t1.0;\t2.0;\t" + net + ";\t" + net;
    }

    @Test
    void handlesTheKnownQuirks(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("rnd/2013-7"));
        List<String> lines = new ArrayList<>();
        lines.add(HEADER);
        long t0 = 1_372_629_600L; // a multiple of 300 s
        for (int i = 0; i < 100; i++) {
            long ts = t0 + i * 300 + (i % 3 == 0 ? 1 : 0); // steps drift by a second
            if (i == 10) continue; // a monitoring gap
            if (i >= 40 && i < 70) { // frozen: every signal repeats for 30 rows
                lines.add(row(ts, 2, 1300, 1000, 5));
                continue;
            }
            if (i == 80) { // switched off
                lines.add(ts + ";\t0;\t0;\t0;\t0;\t0;\t0;\t0;\t0;\t0;\t0");
                continue;
            }
            lines.add(row(ts, 2, 1300 + i, 1000 + i, 5 + i));
        }
        lines.add(row(t0 + 20 * 300, 2, 1320, 1020, 25)); // a duplicate timestamp with the same values
        Files.write(dir.resolve("rnd/2013-7/7.csv"), lines);

        assertThat(BitbrainsTraces.vmIds(dir)).containsExactly("7");
        Series s = BitbrainsTraces.load(dir, "7");
        assertThat(s.start()).isEqualTo(t0 * 1000);
        assertThat(s.bucketMs()).isEqualTo(300_000);
        assertThat(s.length()).isEqualTo(100);
        assertThat(s.values()).hasNumberOfRows(4);
        assertThat(s.values()[0][0]).isCloseTo(0.5, within(1e-9)); // 1300 MHz at 2600 MHz per core
        assertThat(s.values()[1][0]).isEqualTo(1000 * 1024.0);
        assertThat(s.values()[2][0]).isEqualTo(2 * 5 * 1024.0);
        assertThat(s.values()[3][0]).isEqualTo(3 * 1024.0);
        assertThat(s.values()[0][10]).as("gap").isNaN();
        assertThat(s.values()[0][50]).as("frozen").isNaN();
        assertThat(s.values()[0][80]).as("switched off").isNaN();
        assertThat(s.values()[0][20]).isCloseTo(1320 / 2600.0, within(1e-9));
    }

    @Test
    void readsTheRealTraces() {
        Path dir = Path.of(System.getProperty("shadowscale.data.dir", "../shared/data"), "bitbrains-rnd");
        assumeTrue(Files.isDirectory(dir.resolve("rnd")), "Bitbrains traces not found at " + dir + ": skipping");
        List<String> ids = BitbrainsTraces.vmIds(dir);
        assertThat(ids).hasSize(60);
        Series s = BitbrainsTraces.load(dir, ids.get(0));
        // July and August: about 60 days of 5-minute buckets, most of them known
        assertThat(s.length()).isBetween(55 * 288, 63 * 288);
        long known = java.util.Arrays.stream(s.values()[0]).filter(v -> !Double.isNaN(v)).count();
        assertThat(known).isGreaterThan(s.length() * 8L / 10);
        assertThat(java.util.Arrays.stream(s.values()[0]).filter(v -> !Double.isNaN(v)).max().orElseThrow()).isGreaterThan(0.1);
    }
}
