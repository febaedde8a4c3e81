package io.shadowscale.jobs.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import io.shadowscale.jobs.demo.ProgressBar;
import io.shadowscale.schema.AnomalyType;
import io.shadowscale.jobs.nab.NabJob;
import io.shadowscale.udf.logic.nab.NabBenchmark;
import io.shadowscale.udf.logic.nab.NabCorpus;
import io.shadowscale.udf.logic.nab.NabScorer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shadowscale nab --data DIR --out DIR [--json]}: runs the job's anomaly stages
 * ({@link NabJob}: novelty scoring, the CEP patterns, the cool-down) over every series of a folder in the Numenta Anomaly Benchmark's
 * layout, writes NAB result files and prints the NAB scores of the three profiles.
 */
@Command(name = "nab", mixinStandardHelpOptions = true,
        description = {"Scores the anomaly detector on the Numenta Anomaly Benchmark (NAB v1.1 scoring rules).",
                "DIR holds data/<category>/<file>.csv, labels/combined_windows.json and config/profiles.json.",
                "Example: shadowscale nab --data ../shared/data/nab --out .shadowscale/nab"})
final class NabCommand implements Callable<Integer> {

    @Option(names = "--data", paramLabel = "DIR", required = true, description = "A folder in NAB's layout.")
    Path data;

    @Option(names = "--out", paramLabel = "DIR", required = true,
            description = "Where to write <detector>/<category>/<detector>_<file>.csv and the score files.")
    Path out;

    @Option(names = "--json", description = "Print only {\"standard\": .., \"reward_low_FP_rate\": .., \"reward_low_FN_rate\": ..} on stdout (progress goes to stderr).")
    boolean json;

    @Option(names = "--parallelism", paramLabel = "P", description = "Parallelism of the local Flink job (default: ${DEFAULT-VALUE}).")
    int parallelism = 2;

    @Option(names = "--with-yesterday", description = "Give each row the series' highest value near the same time a day earlier, as the job's profiler does, so the band patterns (which need it) run too.")
    boolean withYesterday;

    @Override
    public Integer call() throws Exception {
        if (parallelism < 1 || parallelism > 64) {
            throw new CliException("--parallelism must be between 1 and 64");
        }
        if (!Files.isDirectory(data)) {
            throw new CliException("no NAB folder at " + data + " (expected data/, labels/combined_windows.json, config/profiles.json)");
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new CliException("--out " + out + " is a file, not a folder");
        }
        NabCorpus corpus = NabCorpus.load(data);
        if (corpus.series().isEmpty()) {
            throw new CliException(data.resolve("labels/combined_windows.json") + " names no data file");
        }
        // with --json, stdout carries only the JSON, so the progress display goes to stderr
        PrintStream info = json ? System.err : System.out;
        info.printf(Locale.ROOT, "NAB: %d series, %,d rows, %d anomaly windows, profiles %s (%s)%n",
                corpus.series().size(), corpus.rowCount(), corpus.windowCount(),
                String.join(", ", corpus.profiles().stream().map(p -> p.name()).toList()), data);
        List<String> unlabelled = corpus.unlabelledFiles();
        if (!unlabelled.isEmpty()) {
            info.printf("  %d data files are not in the labels and are skipped, as NAB does: %s%n", unlabelled.size(), unlabelled);
        }
        ProgressBar bar = new ProgressBar(corpus.rowCount(), "rows", info, System.console() != null, System::nanoTime);
        long[] rows = {0};
        info.printf("Running the job's anomaly stages (novelty, CEP patterns, cool-down) as a bounded Flink job, parallelism %d ...%n", parallelism);
        Map<AnomalyType, Integer> raised = new TreeMap<>();
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
        NabBenchmark.Result r = NabBenchmark.run(corpus, NabJob.detector(env, data, NabJob.options(), withYesterday, raised), out, (s, done, total) -> {
            rows[0] += s.size();
            bar.update(rows[0]);
        });
        bar.finish();
        info.printf("Anomalies raised after probation: %s%n", raised);
        if (json) {
            System.out.println(NabBenchmark.toJson(r));
            System.out.flush();
            return 0;
        }
        System.out.println();
        System.out.printf("%-20s %10s %10s %9s %9s %9s %6s %6s%n", "profile", "score", "threshold", "raw", "null", "perfect", "TP", "FP");
        for (NabScorer.ProfileScore p : r.profiles().values()) {
            System.out.printf(Locale.ROOT, "%-20s %10.2f %10.4f %9.2f %9.2f %9.2f %6d %6d%n", p.profile(), p.normalised(), p.threshold(),
                    p.rawScore(), p.nullScore(), p.perfectScore(), p.tp(), p.fp());
        }
        System.out.println();
        System.out.println("score: 100 · (raw - null) / (perfect - null); TP/FP count detected rows at the threshold.");
        System.out.println("Published NAB board (all 58 files, standard): ARTime 74.9, Numenta HTM 70.1, windowed Gaussian 39.7, random 16.8.");
        System.out.println("Result files: " + out.toAbsolutePath().normalize().resolve(r.detector()));
        return 0;
    }
}
