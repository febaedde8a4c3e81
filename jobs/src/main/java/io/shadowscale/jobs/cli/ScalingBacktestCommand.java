package io.shadowscale.jobs.cli;

import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import io.shadowscale.jobs.backtest.BitbrainsTraces;
import io.shadowscale.jobs.backtest.ScalingBacktest;
import io.shadowscale.jobs.demo.ProgressBar;
import io.shadowscale.jobs.plot.LinePlot;
import io.shadowscale.udf.ShadowOptions;
import io.shadowscale.udf.logic.forecast.Baselines;
import io.shadowscale.udf.logic.forecast.ForecastBacktest;
import io.shadowscale.udf.logic.forecast.OnnxQuantileModel;
import io.shadowscale.udf.logic.scaling.PricingCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code shadowscale backtest scaling}: our orchestrator against HPA, VPA and an oracle on real CPU traces. */
@Command(name = "scaling", mixinStandardHelpOptions = true,
        description = {"Replays CPU traces through the job's forecaster and scaling policy and through hpa, vpa and a",
                "perfect-foresight oracle on one simulated platform (same provisioning delays); per policy: cost",
                "(CPU capacity priced with the catalogue), under-provisioned minutes (use above capacity), actions."})
final class ScalingBacktestCommand implements Callable<Integer> {

    @Option(names = "--data", paramLabel = "DIR", description = "Traces folder (default: ../shared/data/bitbrains-rnd next to the project).")
    Path data;

    @Option(names = "--workloads", paramLabel = "N", description = "Use the first N VMs (default: all).")
    Integer workloads;

    @Option(names = "--from", paramLabel = "DATE", defaultValue = "2013-08-01",
            description = "Score from this UTC date on (default: ${DEFAULT-VALUE}, after the bundled model's training period); earlier buckets warm up.")
    java.time.LocalDate from;

    @Option(names = "--forecaster", paramLabel = "onnx|fallback", defaultValue = "onnx",
            description = "Forecaster of the shadowscale policy (default: ${DEFAULT-VALUE}, with the fallback on cold start).")
    String forecaster;

    @Option(names = "--pricing", paramLabel = "FILE", description = "Pricing catalogue (default: the bundled flink-conf/pricing.csv).")
    Path pricing;

    @Option(names = "--region", paramLabel = "REGION", description = "Catalogue region (default: the * row).")
    String region;

    @Option(names = "--vms", split = ",", paramLabel = "VM,VM", description = "Use these VMs (default: all, or the first --workloads).")
    List<String> vms;

    @Option(names = "--option", paramLabel = "KEY=VALUE",
            description = "A job option for the shadowscale policy, as the job takes it (e.g. --option target-cpu-utilization=0.8); repeatable.")
    Map<String, String> jobOptions;

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Draw demand, each policy's capacity and the actions for one workload.")
    Path plot;

    @Option(names = "--plot-workload", paramLabel = "VM", description = "Workload to plot (default: the first).")
    String plotWorkload;

    @Override
    public Integer call() throws Exception {
        Path dir = BacktestCommand.tracesDir(data);
        if (!forecaster.equals("onnx") && !forecaster.equals("fallback")) {
            throw new CliException("--forecaster must be onnx or fallback");
        }
        PricingCatalog catalog;
        try {
            catalog = pricing == null ? PricingCatalog.bundled() : PricingCatalog.load(pricing);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
        List<String> ids = BitbrainsTraces.vmIds(dir);
        if (vms != null) {
            for (String vm : vms) {
                if (!ids.contains(vm)) throw new CliException("--vms: no trace of VM " + vm + " under " + dir.resolve("rnd"));
            }
            ids = vms;
        }
        if (workloads != null) {
            if (workloads < 1) throw new CliException("--workloads must be at least 1");
            ids = ids.subList(0, Math.min(workloads, ids.size()));
        }
        if (ids.isEmpty()) throw new CliException("no VM traces under " + dir.resolve("rnd"));

        ShadowOptions options;
        try {
            Map<String, String> given = new java.util.HashMap<>();
            // the simulated platform resizes in place up to 16 cores per replica (the traces' VMs reach 8.4 busy cores);
            // hpa gets replicas of the same 0.25-core grain
            given.put("max-cpu-per-replica", "16");
            if (jobOptions != null) jobOptions.forEach((k, v) -> given.put(k.replaceFirst("^--", ""), v));
            options = ShadowOptions.fromParameters(org.apache.flink.util.ParameterTool.fromMap(given));
        } catch (IllegalArgumentException e) {
            throw new CliException("--option: " + e.getMessage());
        }
        OnnxQuantileModel model = forecaster.equals("onnx") ? OnnxQuantileModel.bundled(Baselines.DEFAULT_MODEL, 1) : null;
        PricingCatalog.Price price = catalog.lookup(region, null);
        ScalingBacktest bt = new ScalingBacktest(options, price,
                from.atStartOfDay(java.time.ZoneOffset.UTC).toInstant().toEpochMilli(), model);

        List<ForecastBacktest.Series> series = new ArrayList<>();
        ProgressBar load = new ProgressBar(ids.size(), "traces loaded", System.err, System.console() != null, System::nanoTime);
        for (String id : ids) {
            series.add(BitbrainsTraces.load(dir, id));
            load.update(series.size());
        }
        load.finish();
        ProgressBar bar = new ProgressBar(series.size(), "workloads replayed", System.err, System.console() != null, System::nanoTime);
        Map<String, ScalingBacktest.Totals> totals = bt.run(series, bar::update);
        bar.finish();
        if (json) {
            System.out.println(ScalingBacktest.json(totals, series.size(), price));
        } else {
            print(totals, series.size(), price);
        }
        if (plot != null) {
            drawPlot(bt, series);
        }
        return 0;
    }

    private void print(Map<String, ScalingBacktest.Totals> totals, int n, PricingCatalog.Price price) {
        ScalingBacktest.Totals oracle = totals.get("oracle"), hpa = totals.get("hpa");
        System.out.printf(Locale.ROOT, "CPU scaling on %d workloads from %s, priced at %s (on-demand $%.4f, spot $%.4f per vCPU-hour)%n%n",
                n, from, price.key(), price.vcpuHourOnDemand(), price.vcpuHourSpot());
        System.out.printf(Locale.ROOT, "  %-12s %10s %9s %12s %10s %14s %9s %10s%n", "policy", "cost $", "÷ oracle", "on-demand $", "core-h",
                "under-prov min", "÷ hpa", "actions");
        for (var e : totals.entrySet()) {
            ScalingBacktest.Totals t = e.getValue();
            System.out.printf(Locale.ROOT, "  %-12s %10.2f %9.2f %12.2f %10.0f %14.0f %9.2f %10d%n", e.getKey(), t.cost, t.cost / oracle.cost,
                    t.costOnDemand, t.coreHours, t.underprovisionedMinutes,
                    hpa.underprovisionedMinutes > 0 ? t.underprovisionedMinutes / hpa.underprovisionedMinutes : Double.NaN, t.actions);
        }
    }

    private void drawPlot(ScalingBacktest bt, List<ForecastBacktest.Series> series) throws Exception {
        ForecastBacktest.Series s = plotWorkload == null ? series.get(0)
                : series.stream().filter(x -> x.id().equals(plotWorkload)).findFirst()
                .orElseThrow(() -> new CliException("--plot-workload " + plotWorkload + " is not among the loaded workloads"));
        ScalingBacktest.Timeline t = bt.timeline(s);
        int n = t.demand().length, from = Math.max(0, n - 2 * 288); // the last two days
        long start = t.start() + from * t.bucketMs();
        LinePlot p = new LinePlot("VM " + s.id() + ": CPU demand and capacity per policy (markers: shadowscale actions)", "CPU cores",
                start, t.bucketMs(), n - from);
        Color[] colors = {new Color(20, 80, 200), new Color(230, 120, 20), new Color(40, 160, 60), new Color(150, 150, 150)};
        int i = 0;
        for (var e : t.capacity().entrySet()) {
            p.steps(e.getKey() + " capacity", Arrays.copyOfRange(e.getValue(), from, n), colors[i++ % colors.length]);
        }
        p.line("demand", Arrays.copyOfRange(t.demand(), from, n), Color.BLACK);
        for (long at : t.actions().get("shadowscale")) {
            if (at >= start) p.marker(at, "", new Color(20, 80, 200, 90));
        }
        p.write(plot, 1400, 600);
        System.err.println("plot written to " + plot.toAbsolutePath());
    }
}
