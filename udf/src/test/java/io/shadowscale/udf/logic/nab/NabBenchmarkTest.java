package io.shadowscale.udf.logic.nab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NabBenchmarkTest {

    /** A two-file corpus in NAB's layout, written by hand. */
    static Path tinyCorpus(Path dir) throws Exception {
        Files.createDirectories(dir.resolve("data/cat"));
        Files.createDirectories(dir.resolve("labels"));
        Files.createDirectories(dir.resolve("config"));
        StringBuilder a = new StringBuilder("timestamp,value\n");
        StringBuilder b = new StringBuilder("timestamp,value\n");
        for (int i = 0; i < 400; i++) {
            String t = NabCorpus.formatTime(NabCorpus.parseTime("2014-04-01 00:00:00") + i * 300_000L);
            a.append(t).append(',').append(i == 300 ? 90.0 : 10 + (i % 7)).append('\n'); // one spike at row 300
            b.append(t).append(',').append(10 + (i % 7)).append('\n');
        }
        Files.writeString(dir.resolve("data/cat/a.csv"), a);
        Files.writeString(dir.resolve("data/cat/b.csv"), b);
        Files.writeString(dir.resolve("data/cat/unlabelled.csv"), "timestamp,value\n2014-04-01 00:00:00,1\n");
        // 00:21 is not on the 5-minute grid of the file
        Files.writeString(dir.resolve("labels/combined_windows.json"),
                "{\"cat/a.csv\": [[\"2014-04-02 00:21:00.000000\", \"2014-04-02 02:00:00.000000\"]], \"cat/b.csv\": []}");
        Files.writeString(dir.resolve("config/profiles.json"),
                "{\"standard\": {\"CostMatrix\": {\"tpWeight\": 1.0, \"fnWeight\": 1.0, \"fpWeight\": 0.11, \"tnWeight\": 1.0}}}");
        return dir;
    }

    @Test
    void rejectsAWindowThatIsNotOnTheFilesTimestamps(@TempDir Path dir) throws Exception {
        tinyCorpus(dir);
        assertThatThrownBy(() -> NabCorpus.load(dir)).hasMessageContaining("does not start and end on timestamps");
    }

    @Test
    void writesNabResultFilesAndScores(@TempDir Path dir, @TempDir Path out) throws Exception {
        tinyCorpus(dir);
        // rows 292..312 (5-min steps from 2014-04-02 00:20): the spike at row 300 is inside
        Files.writeString(dir.resolve("labels/combined_windows.json"),
                "{\"cat/a.csv\": [[\"2014-04-02 00:20:00.000000\", \"2014-04-02 02:00:00.000000\"]], \"cat/b.csv\": []}");
        NabCorpus corpus = NabCorpus.load(dir);
        assertThat(corpus.series()).extracting(NabSeries::relativePath).containsExactly("cat/a.csv", "cat/b.csv");
        assertThat(corpus.unlabelledFiles()).containsExactly("cat/unlabelled.csv");
        assertThat(corpus.windowCount()).isEqualTo(1);
        assertThat(corpus.profiles()).containsExactly(CostProfile.STANDARD);

        NabBenchmark.Result r = NabBenchmark.run(corpus, NabBenchmark.shadowscale(), out, null);
        Path file = out.resolve("shadowscale/cat/shadowscale_a.csv");
        List<String> lines = Files.readAllLines(file);
        assertThat(lines.get(0)).isEqualTo("timestamp,value,anomaly_score");
        assertThat(lines).hasSize(401);
        assertThat(lines.get(301)).startsWith("2014-04-02 01:00:00,90.0,");
        assertThat(Double.parseDouble(lines.get(301).split(",")[2])).as("the spike is a new record").isGreaterThan(0.5);
        assertThat(Files.exists(out.resolve("shadowscale/shadowscale_standard_scores.csv"))).isTrue();
        // the spike is found in the window (row 300 of 292..312: position -13/21), nothing else alarms
        NabScorer.ProfileScore std = r.profiles().get("standard");
        double tp = NabScorer.scaledSigmoid(-13.0 / 21) / NabScorer.scaledSigmoid(-1);
        assertThat(std.rawScore()).isCloseTo(tp, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(NabBenchmark.toJson(r)).matches("\\{\"standard\": [0-9.]+\\}");
        assertThat(Files.readString(out.resolve("final_results.json"))).contains("\"shadowscale\": {\"standard\": ");
    }

    /**
     * The whole given NAB folder (44 of NAB's 58 files, ~280 000 rows; about 10 s). The number is the
     * one the README reports; the floor here guards against a change that silently breaks detection.
     */
    @Test
    void realNabCorpus(@TempDir Path out) throws Exception {
        String dataDir = System.getProperty("shadowscale.data.dir");
        Path nab = dataDir == null ? null : Path.of(dataDir, "nab");
        assumeThat(nab != null && Files.isDirectory(nab.resolve("data")))
                .as("NAB data not found (system property shadowscale.data.dir=" + dataDir + "); skipping the real-data run").isTrue();
        NabCorpus corpus = NabCorpus.load(nab);
        assertThat(corpus.windowCount()).isEqualTo(83);
        NabBenchmark.Result r = NabBenchmark.run(corpus, NabBenchmark.shadowscale(), out, null);
        for (NabScorer.ProfileScore p : r.profiles().values()) {
            assertThat(p.nullScore()).as("the null detector misses every window").isEqualTo(-83 * (p.profile().equals("reward_low_FN_rate") ? 2.0 : 1.0));
        }
        assertThat(r.normalised("standard")).as("the issue's target").isGreaterThanOrEqualTo(70);
        assertThat(r.normalised("reward_low_FP_rate")).isGreaterThan(62);
        assertThat(r.normalised("reward_low_FN_rate")).isGreaterThan(72);
        try (Stream<Path> files = Files.walk(out.resolve("shadowscale"))) {
            assertThat(files.filter(p -> p.getFileName().toString().startsWith("shadowscale_") && p.getParent().getFileName().toString().startsWith("real")
                    || p.getParent().getFileName().toString().startsWith("artificial"))).hasSize(44);
        }
    }
}
