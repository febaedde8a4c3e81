package io.shadowscale.jobs.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.shadowscale.jobs.backtest.BitbrainsTraces;
import io.shadowscale.jobs.backtest.TrainingExport;
import io.shadowscale.jobs.demo.ProgressBar;
import io.shadowscale.udf.logic.forecast.ForecastBacktest;
import io.shadowscale.udf.logic.forecast.ModelFeatures;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code shadowscale export-training}: training samples through the job's own feature builder. */
@Command(name = "export-training", mixinStandardHelpOptions = true,
        description = {"Writes training samples for models/train.py through the same feature builder the job uses",
                "(feature spec v" + ModelFeatures.SPEC_VERSION + "): X.f32, Y.f32, index.i32 and meta.json in --out."})
final class ExportTrainingCommand implements Callable<Integer> {

    @Option(names = "--data", paramLabel = "DIR", description = "Traces laid out like ../shared/data/bitbrains-rnd (default: that folder).")
    Path data;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Output folder.")
    Path out;

    @Option(names = "--workloads", paramLabel = "N", description = "First N VMs only (default: all).")
    Integer workloads;

    @Option(names = "--stride", defaultValue = "6", paramLabel = "K", description = "Every K-th origin (default: ${DEFAULT-VALUE}, i.e. every 30 min).")
    int stride;

    @Option(names = "--until", defaultValue = "2013-08-01", paramLabel = "DATE",
            description = "Training period ends (exclusive, UTC); later data is left for the backtest (default: ${DEFAULT-VALUE}).")
    LocalDate until;

    @Override
    public Integer call() throws Exception {
        Path dir = data != null ? data : BacktestCommand.defaultData();
        if (!Files.isDirectory(dir.resolve("rnd"))) {
            throw new CliException("no Bitbrains traces at " + dir + "; pass --data DIR");
        }
        if (stride < 1) throw new CliException("--stride must be at least 1");
        List<String> ids = BitbrainsTraces.vmIds(dir);
        if (workloads != null) ids = ids.subList(0, Math.max(0, Math.min(workloads, ids.size())));
        List<ForecastBacktest.Series> series = new ArrayList<>();
        ProgressBar load = new ProgressBar(ids.size(), "traces loaded");
        for (String id : ids) {
            series.add(BitbrainsTraces.load(dir, id));
            load.update(series.size());
        }
        load.finish();
        Instant end = until.atStartOfDay(ZoneOffset.UTC).toInstant();
        ProgressBar bar = new ProgressBar(series.size(), "workloads exported");
        TrainingExport.Summary s = TrainingExport.write(series, out, stride, end.toEpochMilli(), bar::update);
        bar.finish();
        System.out.printf("%,d samples (%d features, %d steps) before %s written to %s (%,d origins skipped: missing data)%n",
                s.samples(), ModelFeatures.SIZE, ModelFeatures.HORIZON, end, out.toAbsolutePath(), s.skipped());
        return 0;
    }
}
