package io.shadowscale.udf.logic.nab;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Runs a detector over every series of a NAB corpus, writes NAB's result files and scores them.
 *
 * <p>Result files follow NAB's layout so NAB's own scorer can read them too:
 * {@code <out>/<detector>/<category>/<detector>_<file>.csv} with {@code timestamp,value,anomaly_score},
 * plus {@code <out>/<detector>/<detector>_<profile>_scores.csv} (per-file scores at the optimised
 * threshold and a Totals row, as NAB writes them) and {@code <out>/final_results.json}.
 */
public final class NabBenchmark {

    /** The detector under test: one anomaly score in [0, 1] per row of every series, online. */
    public interface Detector {
        String name();

        /**
         * Scores every series; the result maps each series' relative path to its row scores.
         * Tells {@code progress} (may be null) as series are done.
         */
        Map<String, double[]> score(List<NabSeries> series, Progress progress) throws Exception;
    }

    /** Told after each series is scored (for a progress display). */
    public interface Progress {
        void seriesDone(NabSeries series, int done, int total);
    }

    /** A detector that scores one series at a time. */
    public static Detector perSeries(String name, Function<NabSeries, double[]> scorer) {
        return new Detector() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Map<String, double[]> score(List<NabSeries> series, Progress progress) {
                Map<String, double[]> out = new LinkedHashMap<>();
                for (int i = 0; i < series.size(); i++) {
                    out.put(series.get(i).relativePath(), scorer.apply(series.get(i)));
                    if (progress != null) {
                        progress.seriesDone(series.get(i), i + 1, series.size());
                    }
                }
                return out;
            }
        };
    }

    /** Scores per profile, in the order of {@code config/profiles.json}. */
    public record Result(String detector, Map<String, NabScorer.ProfileScore> profiles) {
        public double normalised(String profile) {
            return profiles.get(profile).normalised();
        }
    }

    private NabBenchmark() {}

    /** Runs, writes the result files under {@code out} (null: write nothing) and scores. */
    public static Result run(NabCorpus corpus, Detector detector, Path out, Progress progress) throws Exception {
        List<NabSeries> series = corpus.series();
        Map<String, double[]> scores = detector.score(series, progress);
        for (NabSeries s : series) {
            double[] sc = scores.get(s.relativePath());
            if (sc == null || sc.length != s.size()) {
                throw new IllegalStateException(detector.name() + " scored " + (sc == null ? "no" : sc.length) + " rows of " + s.relativePath() + " (" + s.size() + ")");
            }
            for (int r = 0; r < sc.length; r++) {
                if (!(sc[r] >= 0 && sc[r] <= 1)) {
                    throw new IllegalStateException(detector.name() + " scored row " + r + " of " + s.relativePath() + " " + sc[r] + ", outside [0, 1]");
                }
            }
            if (out != null) {
                writeSeries(out, detector.name(), s, sc);
            }
        }
        Map<String, NabScorer.ProfileScore> byProfile = new LinkedHashMap<>();
        for (CostProfile p : corpus.profiles()) {
            byProfile.put(p.name(), NabScorer.score(series, scores, p));
        }
        Result result = new Result(detector.name(), byProfile);
        if (out != null) {
            writeScores(out, result);
        }
        return result;
    }

    static void writeSeries(Path out, String detector, NabSeries s, double[] scores) throws IOException {
        Path file = out.resolve(detector).resolve(s.category()).resolve(detector + "_" + s.fileName());
        Files.createDirectories(file.getParent());
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("timestamp,value,anomaly_score\n");
            for (int i = 0; i < s.size(); i++) {
                w.write(NabCorpus.formatTime(s.timestamps()[i]));
                w.write(',');
                w.write(Double.toString(s.values()[i]));
                w.write(',');
                w.write(Double.toString(scores[i]));
                w.write('\n');
            }
        }
    }

    static void writeScores(Path out, Result r) throws IOException {
        Path dir = out.resolve(r.detector());
        Files.createDirectories(dir);
        for (NabScorer.ProfileScore p : r.profiles().values()) {
            List<String> lines = new ArrayList<>();
            lines.add("Detector,Profile,File,Threshold,Score,TP,TN,FP,FN,Total_Count");
            for (NabScorer.FileScore f : p.files()) {
                lines.add(String.format(Locale.ROOT, "%s,%s,%s,%s,%s,%d,%d,%d,%d,%d", r.detector(), p.profile(), f.relativePath(),
                        p.threshold(), f.score(), f.tp(), f.tn(), f.fp(), f.fn(), f.tp() + f.tn() + f.fp() + f.fn()));
            }
            lines.add(String.format(Locale.ROOT, "Totals,,,,%s,%d,%d,%d,%d,%d", p.rawScore(), p.tp(), p.tn(), p.fp(), p.fn(),
                    p.tp() + p.tn() + p.fp() + p.fn()));
            Files.write(dir.resolve(r.detector() + "_" + p.profile() + "_scores.csv"), lines, StandardCharsets.UTF_8);
        }
        Files.writeString(out.resolve("final_results.json"), "{\n  \"" + r.detector() + "\": " + toJson(r) + "\n}\n", StandardCharsets.UTF_8);
    }

    /** {@code {"standard": 66.4, "reward_low_FP_rate": .., "reward_low_FN_rate": ..}} */
    public static String toJson(Result r) {
        StringBuilder b = new StringBuilder("{");
        for (NabScorer.ProfileScore p : r.profiles().values()) {
            if (b.length() > 1) {
                b.append(", ");
            }
            b.append('"').append(p.profile()).append("\": ").append(String.format(Locale.ROOT, "%.2f", p.normalised()));
        }
        return b.append('}').toString();
    }
}
