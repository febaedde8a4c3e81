package io.shadowscale.udf.logic.nab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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

        // a hand-made detector: 0.9 where the value exceeds 50, else 0
        NabBenchmark.Detector above50 = NabBenchmark.perSeries("shadowscale", series -> {
            double[] sc = new double[series.size()];
            for (int i = 0; i < sc.length; i++) {
                sc[i] = series.values()[i] > 50 ? 0.9 : 0;
            }
            return sc;
        });
        NabBenchmark.Result r = NabBenchmark.run(corpus, above50, out, null);
        Path file = out.resolve("shadowscale/cat/shadowscale_a.csv");
        List<String> lines = Files.readAllLines(file);
        assertThat(lines.get(0)).isEqualTo("timestamp,value,anomaly_score");
        assertThat(lines).hasSize(401);
        assertThat(lines.get(301)).startsWith("2014-04-02 01:00:00,90.0,");
        assertThat(Double.parseDouble(lines.get(301).split(",")[2])).as("the spike is scored").isGreaterThan(0.5);
        assertThat(Files.exists(out.resolve("shadowscale/shadowscale_standard_scores.csv"))).isTrue();
        // the spike is found in the window (row 300 of 292..312: position -13/21), nothing else alarms
        NabScorer.ProfileScore std = r.profiles().get("standard");
        double tp = NabScorer.scaledSigmoid(-13.0 / 21) / NabScorer.scaledSigmoid(-1);
        assertThat(std.rawScore()).isCloseTo(tp, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(NabBenchmark.toJson(r)).matches("\\{\"standard\": [0-9.]+\\}");
        assertThat(Files.readString(out.resolve("final_results.json"))).contains("\"shadowscale\": {\"standard\": ");
    }
}
