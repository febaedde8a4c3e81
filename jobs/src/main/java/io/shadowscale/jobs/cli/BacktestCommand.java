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
import io.shadowscale.jobs.demo.ProgressBar;
import io.shadowscale.jobs.plot.LinePlot;
import io.shadowscale.udf.logic.forecast.Baselines;
import io.shadowscale.udf.logic.forecast.ForecastBacktest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code shadowscale backtest ...}: replays real traces through our code and the baselines. */
@Command(name = "backtest", mixinStandardHelpOptions = true,
        description = "Backtests on real traces laid out like ../shared/data/bitbrains-rnd.",
        subcommands = {BacktestCommand.Forecast.class, ScalingBacktestCommand.class, ColdStartCommand.class})
final class BacktestCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        throw new CliException("say what to backtest: `shadowscale backtest forecast|scaling --data DIR`");
    }

    static Path defaultData() {
        return Main.home().getParent().resolve("../shared/data/bitbrains-rnd").normalize();
    }

    /** {@code data}, or the default traces folder, checked to be laid out like bitbrains-rnd. */
    static Path tracesDir(Path data) {
        Path dir = data != null ? data : defaultData();
        if (!java.nio.file.Files.isDirectory(dir.resolve("rnd"))) {
            throw new CliException("no Bitbrains traces at " + dir + " (expected " + dir.resolve("rnd") + "/<month>/<vm>.csv[.gz]); pass --data DIR");
        }
        return dir;
    }

    @Command(name = "forecast", mixinStandardHelpOptions = true,
            description = {"Rolling-origin, hour-ahead forecast evaluation: every method forecasts the next 12 × 5 min at every",
                    "5-minute origin after a 7-day warm-up; MASE, pinball loss (p50/p90/p99, scaled like MASE) and p90/p99",
                    "coverage per resource, averaged over workloads."})
    static final class Forecast implements Callable<Integer> {
        @Option(names = "--data", paramLabel = "DIR", description = "Traces folder (default: ../shared/data/bitbrains-rnd next to the project).")
        Path data;

        @Option(names = "--workloads", paramLabel = "N", description = "Use the first N VMs (default: all).")
        Integer workloads;

        @Option(names = "--methods", split = ",", paramLabel = "M,M", description = "Methods (default: all: ${DEFAULT-VALUE}).",
                defaultValue = "onnx,onnx_raw,last_value,ewma,seasonal_naive,dsp,percentile,fallback")
        List<String> methods;

        @Option(names = "--from", paramLabel = "DATE", defaultValue = "2013-08-01",
                description = "Score origins from this UTC date on (default: ${DEFAULT-VALUE}, after the bundled model's training period).")
        java.time.LocalDate from;

        @Option(names = "--until", paramLabel = "DATE",
                description = "Score origins before this UTC date only (exclusive; default: to the end), e.g. a validation week "
                        + "held out of a candidate model's training (export-training --until).")
        java.time.LocalDate until;

        @Option(names = "--model", paramLabel = "DIR/NAME",
                description = "Backtest DIR/NAME.onnx (with DIR/NAME.card.json) as 'onnx' instead of the bundled model.")
        Path model;

        @Option(names = "--json", description = "Print one JSON object instead of tables.")
        boolean json;

        @Option(names = "--per-workload", paramLabel = "FILE.csv",
                description = "Also write every workload's scores: workload,method,resource,mase,pinball_p50,pinball_p90,pinball_p99,coverage_p90,coverage_p99.")
        Path perWorkload;

        @Option(names = "--plot", paramLabel = "FILE.png", description = "Draw forecast bands against actual use for one workload.")
        Path plot;

        @Option(names = "--plot-workload", paramLabel = "VM", description = "Workload to plot (default: the first).")
        String plotWorkload;

        @Override
        public Integer call() throws Exception {
            Path dir = tracesDir(data);
            for (String m : methods) {
                if (!Arrays.asList(Baselines.NAMES).contains(m)) {
                    throw new CliException("unknown method '" + m + "': use " + String.join(", ", Baselines.NAMES));
                }
            }
            if (model != null) {
                Path d = model.toAbsolutePath().getParent();
                String name = model.getFileName().toString().replaceAll("\\.onnx$", "");
                if (!Files.exists(d.resolve(name + ".onnx")) || !Files.exists(d.resolve(name + ".card.json"))) {
                    throw new CliException("--model " + model + ": need " + d.resolve(name + ".onnx") + " and " + d.resolve(name + ".card.json"));
                }
                try {
                    Baselines.useModel(io.shadowscale.udf.logic.forecast.OnnxQuantileModel.load(d, name, 1));
                } catch (IllegalArgumentException e) {
                    throw new CliException("--model " + model + ": " + e.getMessage());
                }
            }
            List<String> ids = BitbrainsTraces.vmIds(dir);
            if (workloads != null) {
                if (workloads < 1) throw new CliException("--workloads must be at least 1");
                ids = ids.subList(0, Math.min(workloads, ids.size()));
            }
            if (ids.isEmpty()) throw new CliException("no VM traces under " + dir.resolve("rnd"));
            List<ForecastBacktest.Series> series = new ArrayList<>();
            ProgressBar load = json ? null : new ProgressBar(ids.size(), "traces loaded");
            for (String id : ids) {
                series.add(BitbrainsTraces.load(dir, id));
                if (load != null) load.update(series.size());
            }
            if (load != null) load.finish();

            if (until != null && !until.isAfter(from)) throw new CliException("--until " + until + " must be after --from " + from);
            ForecastBacktest bt = new ForecastBacktest(methods, 12, 7 * 288,
                    from.atStartOfDay(java.time.ZoneOffset.UTC).toInstant().toEpochMilli(),
                    until == null ? Long.MAX_VALUE : until.atStartOfDay(java.time.ZoneOffset.UTC).toInstant().toEpochMilli());
            ProgressBar bar = json ? null : new ProgressBar(series.size(), "workloads evaluated");
            StringBuilder csv = perWorkload == null ? null
                    : new StringBuilder("workload,method,resource,mase,pinball_p50,pinball_p90,pinball_p99,coverage_p90,coverage_p99\n");
            Map<String, ForecastBacktest.Score[]> scores = bt.run(series, BitbrainsTraces.RESOURCES.length, i -> {
                if (bar != null) bar.update(i);
            }, csv == null ? null : (id, m, own) -> {
                for (int r = 0; r < own.length; r++) {
                    ForecastBacktest.Score s = own[r];
                    if (s == null) continue;
                    csv.append(String.format(Locale.ROOT, "%s,%s,%s,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f%n", id, m, BitbrainsTraces.RESOURCES[r],
                            s.mase(), s.pinball50(), s.pinball90(), s.pinball99(), s.coverage90(), s.coverage99()));
                }
            });
            if (bar != null) bar.finish();
            if (csv != null) {
                try {
                    Files.writeString(perWorkload, csv);
                } catch (java.io.IOException e) {
                    throw new CliException("--per-workload " + perWorkload + ": " + e.getMessage());
                }
            }
            if (json) {
                System.out.println(toJson(scores));
            } else {
                printTables(scores, series.size());
            }
            if (plot != null) {
                drawPlot(bt, series);
            }
            return 0;
        }

        private void drawPlot(ForecastBacktest bt, List<ForecastBacktest.Series> series) throws Exception {
            ForecastBacktest.Series s = plotWorkload == null ? series.get(0)
                    : series.stream().filter(x -> x.id().equals(plotWorkload)).findFirst()
                    .orElseThrow(() -> new CliException("--plot-workload " + plotWorkload + " is not among the loaded workloads"));
            int step = 12;
            String ours = methods.contains("onnx") ? "onnx" : methods.contains("fallback") ? "fallback" : methods.get(0);
            ForecastBacktest.Trace t = bt.trace(s, ours, BitbrainsTraces.RESOURCES.length, 0, step);
            // the last three days, where every method is warm
            int n = t.actual().length, from = Math.max(0, n - 3 * 288);
            LinePlot p = new LinePlot("VM " + s.id() + ": CPU cores, forecast made 1 h ahead (" + ours + ")", "CPU cores",
                    t.start() + from * t.bucketMs(), t.bucketMs(), n - from);
            p.band(ours + " p90–p99", slice(t.p90(), from), slice(t.p99(), from), new Color(200, 220, 255));
            p.band(ours + " p50–p90", slice(t.p50(), from), slice(t.p90(), from), new Color(150, 190, 250));
            p.line("actual", slice(t.actual(), from), Color.BLACK);
            p.line(ours + " p50", slice(t.p50(), from), new Color(20, 80, 200));
            if (methods.contains("seasonal_naive") && !ours.equals("seasonal_naive")) {
                ForecastBacktest.Trace sn = bt.trace(s, "seasonal_naive", BitbrainsTraces.RESOURCES.length, 0, step);
                p.dashed("seasonal_naive p50", slice(sn.p50(), from), new Color(230, 120, 20));
            }
            p.write(plot, 1400, 600);
            System.err.println("plot written to " + plot.toAbsolutePath());
        }

        private static double[] slice(double[] a, int from) {
            return Arrays.copyOfRange(a, from, a.length);
        }

        private void printTables(Map<String, ForecastBacktest.Score[]> scores, int n) {
            System.out.printf(Locale.ROOT, "Hour-ahead forecasts on %d workloads, origins from %s%s (lower MASE and pinball are better; coverage should be near 0.90 and 0.99)%n", n, from,
                    until == null ? "" : " until " + until);
            for (int r = 0; r < BitbrainsTraces.RESOURCES.length; r++) {
                System.out.printf(Locale.ROOT, "%n%s%n  %-15s %8s %10s %10s %10s %8s %8s%n", BitbrainsTraces.RESOURCES[r],
                        "method", "MASE", "pinball50", "pinball90", "pinball99", "cov90", "cov99");
                for (var e : scores.entrySet()) {
                    ForecastBacktest.Score s = e.getValue()[r];
                    System.out.printf(Locale.ROOT, "  %-15s %8.3f %10.3f %10.3f %10.3f %8.3f %8.3f%n", e.getKey(),
                            s.mase(), s.pinball50(), s.pinball90(), s.pinball99(), s.coverage90(), s.coverage99());
                }
            }
        }

        static String toJson(Map<String, ForecastBacktest.Score[]> scores) {
            StringBuilder sb = new StringBuilder("{\"methods\": {");
            boolean firstMethod = true;
            for (var e : scores.entrySet()) {
                if (!firstMethod) sb.append(", ");
                firstMethod = false;
                sb.append('"').append(e.getKey()).append("\": {");
                for (int r = 0; r < BitbrainsTraces.RESOURCES.length; r++) {
                    ForecastBacktest.Score s = e.getValue()[r];
                    if (r > 0) sb.append(", ");
                    sb.append(String.format(Locale.ROOT,
                            "\"%s\": {\"mase\": %s, \"pinball_p50\": %s, \"pinball_p90\": %s, \"pinball_p99\": %s, \"coverage_p90\": %s, \"coverage_p99\": %s}",
                            BitbrainsTraces.RESOURCES[r], num(s.mase()), num(s.pinball50()), num(s.pinball90()), num(s.pinball99()),
                            num(s.coverage90()), num(s.coverage99())));
                }
                sb.append('}');
            }
            return sb.append("}}").toString();
        }

        private static String num(double v) {
            return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "null";
        }
    }
}
