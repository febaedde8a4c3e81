package io.shadowscale.jobs.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.shadowscale.jobs.events.EventFiles;
import io.shadowscale.jobs.iceberg.IcebergTables;
import io.shadowscale.jobs.iceberg.QueryException;
import io.shadowscale.jobs.whatif.EventSpec;
import io.shadowscale.jobs.whatif.WorkloadHistory;
import io.shadowscale.schema.ExternalEvent;
import io.shadowscale.schema.ForecastDriver;
import io.shadowscale.schema.ResourceShadow;
import io.shadowscale.schema.ScalingCommand;
import io.shadowscale.udf.ShadowOptions;
import io.shadowscale.udf.logic.AllocationState;
import io.shadowscale.udf.logic.ScalingFormat;
import io.shadowscale.udf.logic.ab.StrategyCatalog;
import io.shadowscale.udf.logic.events.RegionCatalog;
import io.shadowscale.udf.logic.forecast.ModelForecaster;
import io.shadowscale.udf.logic.forecast.OnnxQuantileModel;
import io.shadowscale.udf.logic.whatif.WhatIf;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code shadowscale whatif}: the resource shadow simulator on demand, offline. */
@Command(name = "whatif", mixinStandardHelpOptions = true,
        description = {"Projects a workload's next hour and the scaling command the job would issue, under hypothetical events,",
                "from its history in the warehouse, with the job's own model, simulator and policy. Publishes nothing.",
                "Example: shadowscale whatif --tenant acme-retail --workload web-frontend --event \"campaign:spring-sale,uplift=2.5\""})
final class WhatIfCommand implements Callable<Integer> {

    @Option(names = "--tenant", required = true, paramLabel = "T")
    String tenant;

    @Option(names = "--workload", required = true, paramLabel = "W")
    String workload;

    @Option(names = "--warehouse", paramLabel = "DIR", description = "Iceberg warehouse (default: .shadowscale/warehouse of the project).")
    Path warehouse;

    @Option(names = "--event", paramLabel = "SPEC",
            description = "A hypothetical campaign: campaign:NAME[,start=TIME][,end=TIME][,uplift=X]; TIME an ISO instant or +30m/+2h "
                    + "from the forecast origin; start and end default to the coming hour. Repeatable.")
    List<String> eventSpecs = new ArrayList<>();

    @Option(names = "--events", paramLabel = "FILE", description = "Real events (JSON lines, as `shadowscale events ... --out FILE` writes them).")
    List<Path> eventFiles = new ArrayList<>();

    @Option(names = "--without", paramLabel = "EVENT_ID", description = "Remove a real event from the scenario. Repeatable.")
    List<String> without = new ArrayList<>();

    @Option(names = "--strategy", paramLabel = "NAME", description = "Strategy of the policy (flink-conf/strategies.properties; default: its ab.default).")
    String strategy;

    @Option(names = "--strategies", paramLabel = "FILE", description = "Strategy catalogue instead of the bundled one.")
    Path strategies;

    @Option(names = "--at", paramLabel = "TIME", description = "Forecast origin (ISO instant); default: right after the workload's latest bucket.")
    String at;

    @Option(names = "--forecaster", paramLabel = "onnx|fallback", defaultValue = "onnx", description = "Default: ${DEFAULT-VALUE}.")
    String forecaster;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Path dir = warehouse != null ? warehouse : Main.defaultWarehouse();
        if (!Files.isDirectory(dir)) {
            throw new CliException("no warehouse at " + dir + " (run `shadowscale demo` first, or pass --warehouse DIR)");
        }
        Instant origin = null;
        if (at != null) {
            try {
                origin = Instant.parse(at);
            } catch (DateTimeParseException e) {
                throw new CliException("--at '" + at + "' is not an ISO instant, e.g. 2026-11-27T18:00:00Z");
            }
        }
        StrategyCatalog catalog;
        try {
            catalog = strategies != null ? StrategyCatalog.load(strategies) : StrategyCatalog.bundled();
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), e);
        }
        String name = strategy != null ? strategy : catalog.defaultStrategy();
        ShadowOptions base = ShadowOptions.defaults();
        if (!forecaster.equals("onnx") && !forecaster.equals("fallback")) {
            throw new CliException("--forecaster must be onnx or fallback");
        }
        ShadowOptions options;
        try {
            options = catalog.options(name, base);
        } catch (IllegalArgumentException e) {
            throw new CliException("--strategy: " + e.getMessage(), e);
        }

        WorkloadHistory history;
        try {
            history = WorkloadHistory.load(IcebergTables.catalogLoader(dir.toString()), tenant, workload, origin, options);
        } catch (QueryException e) {
            throw new CliException(e.getMessage(), e);
        }
        var last = history.rollups.get(history.rollups.size() - 1);
        long originMs = last.getBucketStart().toEpochMilli() + options.bucketMs;

        List<ExternalEvent> real = new ArrayList<>();
        for (Path f : eventFiles) {
            if (!Files.isRegularFile(f)) {
                throw new CliException("--events " + f + ": no such file");
            }
            try {
                real.addAll(EventFiles.read(f));
            } catch (Exception e) {
                throw new CliException("--events " + f + ": " + e.getMessage(), e);
            }
        }
        for (String id : without) {
            if (real.stream().noneMatch(e -> e.getEventId().equals(id))) {
                throw new CliException("--without " + id + ": no such event in the --events files");
            }
        }
        List<ExternalEvent> hypothetical = new ArrayList<>();
        for (String spec : eventSpecs) {
            try {
                hypothetical.add(EventSpec.parse(spec, tenant, originMs));
            } catch (IllegalArgumentException e) {
                throw new CliException(e.getMessage(), e);
            }
        }

        ModelForecaster model = null;
        if (forecaster.equals("onnx")) {
            try {
                model = new ModelForecaster(OnnxQuantileModel.bundled(options.modelName, 1), options.bucketMs);
            } catch (RuntimeException e) {
                System.err.println("warning: model " + options.modelName + " unavailable (" + e.getMessage() + "); forecasting with the fallback");
            }
        }
        WhatIf sim = new WhatIf(options, model);
        var zone = RegionCatalog.of(last.getRegion()).zone();
        List<ExternalEvent> scenario = WhatIf.scenario(real, hypothetical, without);
        WhatIf.Outcome out = sim.run(history.rollups, zone, scenario, history.tags, history.allocation);
        WhatIf.Outcome asIs = sim.run(history.rollups, zone, real, history.tags, history.allocation);

        if (json) {
            ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("tenant", tenant);
            o.put("workload", workload);
            o.put("origin", Instant.ofEpochMilli(originMs).toString());
            o.put("strategy", name);
            o.put("events", scenario.stream().map(e -> Map.of("id", e.getEventId(), "kind", e.getKind().name(), "name", e.getName(),
                    "start", e.getStartTime().toString(), "end", e.getEndTime().toString())).toList());
            o.put("model", out.horizon().getSteps().get(0).getModelId());
            o.put("shadow", out.horizon().getSteps().stream().map(WhatIfCommand::stepJson).toList());
            o.put("drivers", out.horizon().getDrivers().stream().map(WhatIfCommand::driverJson).toList());
            o.put("allocation", allocationJson(out.allocationBefore(), history.allocationSource));
            o.put("command", commandJson(out.command()));
            o.put("command_without_hypothetical_events", commandJson(asIs.command()));
            System.out.println(m.writeValueAsString(o));
            return 0;
        }
        System.out.printf(Locale.ROOT, "What-if for %s/%s from %s, strategy %s, model %s%n", tenant, workload,
                ScalingFormat.time(originMs), name, out.horizon().getSteps().get(0).getModelId());
        if (scenario.isEmpty()) {
            System.out.println("  events: none");
        }
        for (ExternalEvent e : scenario) {
            System.out.printf(Locale.ROOT, "  event %-9s %s %s .. %s%s%s%n", e.getKind(), e.getName(), ScalingFormat.time(e.getStartTime().toEpochMilli()),
                    ScalingFormat.time(e.getEndTime().toEpochMilli()), e.getExpectedUplift() != null ? ", uplift " + e.getExpectedUplift() : "",
                    hypothetical.contains(e) ? " (hypothetical)" : "");
        }
        System.out.println("Projected shadow (CPU cores, memory):");
        System.out.println("  step  time           cpu p50    p90    p99   memory p50     p90");
        for (ResourceShadow s : out.horizon().getSteps()) {
            System.out.printf(Locale.ROOT, "  %4d  %s  %6.2f %6.2f %6.2f   %10s %10s%n", s.getStep(), ScalingFormat.time(s.getTimestamp().toEpochMilli()),
                    s.getCpuP50(), s.getCpuP90(), s.getCpuP99(), ScalingFormat.bytes(s.getMemoryP50()), ScalingFormat.bytes(s.getMemoryP90()));
        }
        if (!out.horizon().getDrivers().isEmpty()) {
            System.out.println("Drivers:");
            for (ForecastDriver d : out.horizon().getDrivers()) {
                System.out.println("  " + describe(d));
            }
        }
        System.out.println("Allocation: " + out.allocationBefore() + " — " + history.allocationSource);
        System.out.println("Command: " + (out.command() == null ? "none" : summary(out.command())));
        if (out.command() != null) {
            System.out.println("  " + out.command().getReason());
        }
        if (!hypothetical.isEmpty() || !without.isEmpty()) {
            System.out.println("Without the hypothetical changes: " + (asIs.command() == null ? "no command" : summary(asIs.command())));
        }
        return 0;
    }

    static String describe(ForecastDriver d) {
        return String.format(Locale.ROOT, "%s: %+.0f%% %s at %s", d.getName(), 100 * d.getRelativeEffect(),
                d.getResource().equals("cpu") ? "CPU" : d.getResource(), ScalingFormat.time(d.getPeakAt().toEpochMilli()));
    }

    private static String summary(ScalingCommand c) {
        return String.format(Locale.ROOT, "%s %d × %s / %s -> %d × %s / %s, effective %s", c.getAction(),
                c.getFromReplicas(), ScalingFormat.cores(c.getFromCpuPerReplica()), ScalingFormat.bytes(c.getFromMemoryPerReplicaBytes()),
                c.getToReplicas(), ScalingFormat.cores(c.getToCpuPerReplica()), ScalingFormat.bytes(c.getToMemoryPerReplicaBytes()),
                ScalingFormat.time(c.getEffectiveAt().toEpochMilli()));
    }

    private static Map<String, Object> stepJson(ResourceShadow s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", s.getStep());
        m.put("time", s.getTimestamp().toString());
        m.put("cpu_p50", s.getCpuP50());
        m.put("cpu_p90", s.getCpuP90());
        m.put("cpu_p99", s.getCpuP99());
        m.put("memory_p50", s.getMemoryP50());
        m.put("memory_p90", s.getMemoryP90());
        m.put("memory_p99", s.getMemoryP99());
        m.put("fallback", s.getFallback());
        return m;
    }

    private static Map<String, Object> driverJson(ForecastDriver d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", d.getName());
        m.put("kind", d.getKind().name());
        m.put("event_id", d.getEventId());
        m.put("resource", d.getResource());
        m.put("peak_at", d.getPeakAt().toString());
        m.put("relative_effect", d.getRelativeEffect());
        m.put("text", describe(d));
        return m;
    }

    private static Map<String, Object> allocationJson(AllocationState a, String source) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("replicas", a.replicas);
        m.put("cpu_per_replica", a.cpuPerReplica);
        m.put("memory_per_replica_bytes", a.memoryPerReplicaBytes);
        m.put("storage_bytes", a.storageBytes);
        m.put("source", source);
        return m;
    }

    private static Map<String, Object> commandJson(ScalingCommand c) {
        if (c == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("command_id", c.getCommandId());
        m.put("action", c.getAction().name());
        m.put("from_replicas", c.getFromReplicas());
        m.put("to_replicas", c.getToReplicas());
        m.put("from_cpu_per_replica", c.getFromCpuPerReplica());
        m.put("to_cpu_per_replica", c.getToCpuPerReplica());
        m.put("from_memory_per_replica_bytes", c.getFromMemoryPerReplicaBytes());
        m.put("to_memory_per_replica_bytes", c.getToMemoryPerReplicaBytes());
        m.put("effective_at", c.getEffectiveAt().toString());
        m.put("policy", c.getPolicy());
        m.put("reason", c.getReason());
        return m;
    }
}
