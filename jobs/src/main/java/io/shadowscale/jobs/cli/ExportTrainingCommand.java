package io.shadowscale.jobs.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.shadowscale.jobs.backtest.BitbrainsTraces;
import io.shadowscale.jobs.backtest.RollupSeries;
import io.shadowscale.jobs.backtest.TrainingExport;
import io.shadowscale.jobs.demo.ProgressBar;
import io.shadowscale.udf.logic.forecast.ForecastBacktest;
import io.shadowscale.udf.logic.forecast.ModelFeatures;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code shadowscale export-training}: training samples through the job's own feature builder. */
@Command(name = "export-training", mixinStandardHelpOptions = true,
        description = {"Writes training samples for models/train.py through the same feature builder the job uses",
                "(feature spec v" + ModelFeatures.SPEC_VERSION + "): X.f32, Y.f32, index.i32, naive.f32 and meta.json in --out.",
                "From real traces (--data, the default) or from the job's own telemetry_rollups table (--warehouse)."})
final class ExportTrainingCommand implements Callable<Integer> {

    @Option(names = "--data", paramLabel = "DIR", description = "Traces laid out like ../shared/data/bitbrains-rnd (default: that folder).")
    Path data;

    @Option(names = "--warehouse", paramLabel = "DIR",
            description = "Read the telemetry_rollups Iceberg table of this warehouse instead of traces (one series per tenant/workload).")
    String warehouse;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Output folder.")
    Path out;

    @Option(names = "--workloads", paramLabel = "N", description = "First N VMs only (default: all).")
    Integer workloads;

    @Option(names = "--stride", defaultValue = "6", paramLabel = "K", description = "Every K-th origin (default: ${DEFAULT-VALUE}, i.e. every 30 min).")
    int stride;

    @Option(names = "--until", paramLabel = "DATE",
            description = "Training period ends (exclusive, UTC); later data is left for the backtest "
                    + "(default: 2013-08-01 for traces, everything for --warehouse).")
    LocalDate until;

    @Override
    public Integer call() throws Exception {
        if (stride < 1) throw new CliException("--stride must be at least 1");
        List<ForecastBacktest.Series> series;
        int[] kinds;
        if (warehouse != null) {
            if (data != null) throw new CliException("pass --data or --warehouse, not both");
            try {
                series = RollupSeries.read(warehouse, BitbrainsTraces.BUCKET_MS);
            } catch (org.apache.iceberg.exceptions.NoSuchTableException | org.apache.iceberg.exceptions.NoSuchNamespaceException e) {
                throw new CliException("no telemetry_rollups table in " + warehouse + " — run the job (e.g. `bin/shadowscale demo`) first");
            }
            kinds = new int[RollupSeries.RESOURCES.length];
            for (int r = 0; r < kinds.length; r++) kinds[r] = ModelFeatures.kind(RollupSeries.RESOURCES[r]);
            System.out.printf("%d workloads read from telemetry_rollups in %s%n", series.size(), warehouse);
        } else {
            Path dir = data != null ? data : BacktestCommand.defaultData();
            if (!Files.isDirectory(dir.resolve("rnd"))) {
                throw new CliException("no Bitbrains traces at " + dir + "; pass --data DIR (or --warehouse DIR)");
            }
            List<String> ids = BitbrainsTraces.vmIds(dir);
            if (workloads != null) ids = ids.subList(0, Math.max(0, Math.min(workloads, ids.size())));
            series = new ArrayList<>();
            ProgressBar load = new ProgressBar(ids.size(), "traces loaded");
            for (String id : ids) {
                series.add(BitbrainsTraces.load(dir, id));
                load.update(series.size());
            }
            load.finish();
            kinds = new int[BitbrainsTraces.RESOURCES.length];
            for (int r = 0; r < kinds.length; r++) kinds[r] = ModelFeatures.kind(BitbrainsTraces.RESOURCES[r]);
        }
        if (warehouse != null && workloads != null) series = series.subList(0, Math.max(0, Math.min(workloads, series.size())));
        LocalDate end = until != null ? until : warehouse != null ? null : LocalDate.of(2013, 8, 1);
        long endMs = end == null ? Long.MAX_VALUE : end.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        ProgressBar bar = new ProgressBar(Math.max(1, series.size()), "workloads exported");
        TrainingExport.Summary s = TrainingExport.write(series, kinds, out, stride, endMs, bar::update);
        bar.finish();
        System.out.printf("%,d samples (%d features, %d steps) %s written to %s (%,d origins skipped: missing data)%n",
                s.samples(), ModelFeatures.SIZE, ModelFeatures.HORIZON, end == null ? "from all buckets" : "before " + end,
                out.toAbsolutePath(), s.skipped());
        return 0;
    }
}
