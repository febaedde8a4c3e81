package io.shadowscale.jobs.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.shadowscale.jobs.bench.ScoringBenchmark;
import io.shadowscale.jobs.demo.ProgressBar;
import io.shadowscale.udf.logic.forecast.ModelSource;
import io.shadowscale.udf.logic.forecast.OnnxQuantileModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shadowscale bench scoring}: forecasts per second through the scorer's batching path
 * against raw ONNX Runtime on the same batches, one thread, batch sizes 1 to 512.
 */
@Command(name = "scoring", mixinStandardHelpOptions = true,
        description = {"Forecasts/s through ForecastScorer's batching path vs raw ONNX Runtime session.run on the same batches,",
                "one thread, batch sizes 1, 2, 4, ..., 512; medians of --repeats runs. A forecast = one workload's next hour",
                "(5 resources x 12 steps x p50/p90/p99)."})
public final class BenchScoringCommand implements Callable<Integer> {

    @Option(names = "--max-batch", paramLabel = "N", defaultValue = "512", description = "Largest batch (a power of two; default ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--repeats", paramLabel = "R", defaultValue = "5", description = "Runs per batch size; medians are reported (default ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--forecasts", paramLabel = "F", defaultValue = "4096", description = "Forecasts per run (default ${DEFAULT-VALUE}).")
    int forecasts;

    @Option(names = "--model", paramLabel = "NAME", defaultValue = "shadow-mlp-v3", description = "Bundled model (default ${DEFAULT-VALUE}).")
    String modelName;

    @Option(names = "--json", description = "Print one JSON object instead of the table (progress goes to stderr).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (maxBatch < 1 || maxBatch > 4096 || Integer.bitCount(maxBatch) != 1) throw new CliException("--max-batch must be a power of two from 1 to 4096");
        if (repeats < 1) throw new CliException("--repeats must be at least 1");
        if (forecasts < 1) throw new CliException("--forecasts must be at least 1");
        OnnxQuantileModel model;
        try {
            model = ModelSource.bundled(modelName, 1, 1);
        } catch (ModelSource.ModelLoadException e) {
            throw new CliException("--model " + modelName + ": " + e.getMessage());
        }
        int sizes = Integer.numberOfTrailingZeros(maxBatch) + 1;
        int[] batches = new int[sizes];
        for (int i = 0; i < sizes; i++) batches[i] = 1 << i;
        PrintStream info = json ? System.err : System.out;
        info.printf(Locale.ROOT, "Scoring %s on one thread: batch sizes 1..%d, %d runs each of ~%d forecasts (scorer, then raw ORT)%n",
                model.id() + " " + model.version(), maxBatch, repeats, forecasts);
        ScoringBenchmark bench = new ScoringBenchmark(model, maxBatch);
        ProgressBar bar = new ProgressBar(sizes * repeats, "runs", info, System.console() != null, System::nanoTime);
        List<ScoringBenchmark.Row> rows = bench.run(batches, repeats, forecasts, bar::accept);
        bar.finish();
        if (json) {
            System.out.println(bench.json(rows, repeats));
        } else {
            System.out.print(bench.table(rows));
        }
        return 0;
    }
}
