package io.shadowscale.jobs.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.shadowscale.jobs.backtest.BitbrainsTraces;
import io.shadowscale.jobs.demo.ProgressBar;
import io.shadowscale.udf.ShadowOptions;
import io.shadowscale.udf.logic.forecast.ColdStart;
import io.shadowscale.udf.logic.forecast.ForecastBacktest;
import io.shadowscale.udf.logic.forecast.ModelForecaster;
import io.shadowscale.udf.logic.forecast.OnnxQuantileModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code shadowscale backtest coldstart}: hours of history a new workload needs to forecast like a warm one. */
@Command(name = "coldstart", mixinStandardHelpOptions = true,
        description = {"Starts the job's forecaster from scratch with only the last H hours before each origin (every 6 h from",
                "--from) and scores its hour-ahead p50 (MASE, CPU and memory) against the same forecaster with a week of",
                "history; reports how many hours it takes to come within 5% of the warm CPU error."})
final class ColdStartCommand implements Callable<Integer> {

    @Option(names = "--data", paramLabel = "DIR", description = "Traces folder (default: ../shared/data/bitbrains-rnd next to the project).")
    Path data;

    @Option(names = "--workloads", paramLabel = "N", description = "Use the first N VMs (default: all).")
    Integer workloads;

    @Option(names = "--from", paramLabel = "DATE", defaultValue = "2013-08-01", description = "First origin (default: ${DEFAULT-VALUE}).")
    java.time.LocalDate from;

    @Option(names = "--hours", split = ",", paramLabel = "H,H", defaultValue = "1,2,3,6,12,24",
            description = "History lengths to try (default: ${DEFAULT-VALUE}).")
    int[] hours;

    @Option(names = "--forecaster", paramLabel = "onnx|fallback", defaultValue = "onnx", description = "Default: ${DEFAULT-VALUE}.")
    String forecaster;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Path dir = BacktestCommand.tracesDir(data);
        if (!forecaster.equals("onnx") && !forecaster.equals("fallback")) {
            throw new CliException("--forecaster must be onnx or fallback");
        }
        for (int i = 0; i < hours.length; i++) {
            if (hours[i] < 1 || hours[i] > 24 * 7 || (i > 0 && hours[i] <= hours[i - 1])) {
                throw new CliException("--hours must be ascending whole hours between 1 and 168, e.g. 1,2,6,24");
            }
        }
        List<String> ids = BitbrainsTraces.vmIds(dir);
        if (workloads != null) {
            ids = ids.subList(0, Math.min(workloads, ids.size()));
        }
        List<ForecastBacktest.Series> series = new ArrayList<>();
        for (String id : ids) {
            series.add(BitbrainsTraces.load(dir, id));
        }
        ModelForecaster model = forecaster.equals("onnx")
                ? new ModelForecaster(OnnxQuantileModel.bundled(ShadowOptions.defaults().modelName, 1), BitbrainsTraces.BUCKET_MS) : null;
        ColdStart cs = new ColdStart(model, from.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli(), 6 * 3_600_000L);
        ProgressBar bar = json ? null : new ProgressBar(series.size(), "workloads");
        ColdStart.Result r = cs.run(series, hours, bar == null ? null : bar::update);
        if (bar != null) {
            bar.finish();
        }
        int match = r.hoursToMatchWarm(0.05);
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            Map<String, Object> byHours = new LinkedHashMap<>();
            for (int i = 0; i < r.hours().length; i++) {
                byHours.put(r.hours()[i] == ColdStart.WARM ? "warm" : Integer.toString(r.hours()[i]),
                        Map.of("mase_cpu", r.maseCpu()[i], "mase_memory", r.maseMemory()[i]));
            }
            o.put("workloads", series.size());
            o.put("points", r.points());
            o.put("by_hours_of_history", byHours);
            o.put("hours_to_match_warm_cpu", match < 0 ? null : match);
            System.out.println(new ObjectMapper().writeValueAsString(o));
            return 0;
        }
        System.out.printf(Locale.ROOT, "Cold start on %d workloads (%,d scored steps per history length):%n", series.size(), r.points());
        System.out.println("  history     CPU MASE   memory MASE   CPU vs warm");
        double warm = r.maseCpu()[r.maseCpu().length - 1];
        for (int i = 0; i < r.hours().length; i++) {
            System.out.printf(Locale.ROOT, "  %-9s %10.3f %13.3f %+12.1f%%%n", r.hours()[i] == ColdStart.WARM ? "warm" : r.hours()[i] + " h",
                    r.maseCpu()[i], r.maseMemory()[i], 100 * (r.maseCpu()[i] / warm - 1));
        }
        System.out.println(match < 0 ? "No history length tried comes within 5% of the warm CPU error."
                : "Within 5% of the warm CPU error after " + match + " h of history.");
        return 0;
    }
}
