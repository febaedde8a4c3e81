package io.shadowscale.jobs.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.iceberg.flink.CatalogLoader;

import io.shadowscale.jobs.ShadowJob;
import io.shadowscale.jobs.demo.DemoScenario;
import io.shadowscale.jobs.demo.ProgressBar;
import io.shadowscale.jobs.demo.TelemetryProducer;
import io.shadowscale.jobs.embedded.EmbeddedKafka;
import io.shadowscale.jobs.iceberg.IcebergQuery;
import io.shadowscale.jobs.iceberg.IcebergTables;
import io.shadowscale.jobs.iceberg.QueryException;
import io.shadowscale.jobs.iceberg.QueryResult;
import io.shadowscale.jobs.iceberg.TableStats;
import io.shadowscale.jobs.kafka.ConsumerProgress;
import io.shadowscale.jobs.kafka.DeadLetterReader;
import io.shadowscale.jobs.kafka.TopicAdmin;
import io.shadowscale.jobs.kafka.Topics;
import io.shadowscale.schema.WireFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shadowscale demo}: the whole system on one machine. Starts a real Kafka broker
 * in-process, produces generated telemetry (with campaigns, injected anomalies and a few
 * malformed records), runs the job on local Flink until that data is consumed, and prints what
 * came out of it.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Runs the job on the embedded runtime (in-process Kafka broker, local Flink, Iceberg on disk) over generated telemetry.")
final class DemoCommand implements Callable<Integer> {

    static final String MARKER = ".shadowscale-demo";

    @Option(names = "--tenants", defaultValue = "" + DemoScenario.DEFAULT_TENANTS, description = "Tenants to generate (default: ${DEFAULT-VALUE}).")
    int tenants;

    @Option(names = "--days", defaultValue = "" + DemoScenario.DEFAULT_DAYS, description = "Days of telemetry, ending at today's midnight UTC (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--seed", defaultValue = "" + DemoScenario.DEFAULT_SEED, description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--warehouse", paramLabel = "DIR", description = "Iceberg warehouse (default: .shadowscale/warehouse of the project).")
    Path warehouse;

    @Option(names = "--parallelism", defaultValue = "2", description = "Flink parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--events", paramLabel = "FILE", arity = "1..*",
            description = "Also publish the events of these JSON-lines files (written by `shadowscale events ... --out FILE`).")
    List<Path> eventFiles = new ArrayList<>();

    @Option(names = "--reset", description = "Replace the tables in a warehouse that was not written by a previous demo.")
    boolean reset;

    @Override
    public Integer call() throws Exception {
        if (tenants < 1 || tenants > 1000) {
            throw new CliException("--tenants must be between 1 and 1000, got " + tenants);
        }
        if (days < 2 || days > 60) {
            throw new CliException("--days must be between 2 and 60 (anomalies are injected on the last day, after a day of history), got " + days);
        }
        if (parallelism < 1 || parallelism > 16) {
            throw new CliException("--parallelism must be between 1 and 16, got " + parallelism);
        }
        for (Path f : eventFiles) {
            if (!Files.isRegularFile(f)) {
                throw new CliException("--events " + f + ": no such file (write one with `shadowscale events holidays|import ... --out FILE`)");
            }
        }
        Path wh = (warehouse != null ? warehouse : Main.defaultWarehouse()).toAbsolutePath().normalize();
        prepareWarehouse(wh);
        Path kafkaDir = Main.home().resolve("kafka");
        deleteRecursively(kafkaDir); // a fresh broker per demo: the topics hold exactly this run's data

        long t0 = System.nanoTime();
        DemoScenario scenario = new DemoScenario(tenants, days, DemoScenario.defaultStart(java.time.LocalDate.now(java.time.ZoneOffset.UTC), days), seed);
        say("shadowscale demo: %d tenants, %d workloads, %d days of telemetry (%s .. %s), %,d samples",
                tenants, scenario.workloads().size(), days, scenario.start(), scenario.end(), scenario.eventCount());

        say("Starting Kafka broker (KRaft, in-process) in %s ...", kafkaDir);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(kafkaDir)) {
            String bootstrap = kafka.bootstrapServers();
            say("  broker ready at %s", bootstrap);
            Topics topics = Topics.defaults();
            TopicAdmin.ensureTopics(bootstrap, topics.all(2));

            say("Producing telemetry to '%s':", topics.telemetry);
            ProgressBar bar = new ProgressBar(scenario.eventCount(), "events");
            long produced = TelemetryProducer.produce(bootstrap, topics.telemetry, scenario.events(), scenario.eventCount(), bar);
            bar.finish();
            List<DemoScenario.MalformedSample> bad = scenario.malformedSamples();
            TelemetryProducer.produceRaw(bootstrap, topics.telemetry, bad.stream().map(DemoScenario.MalformedSample::payload).collect(Collectors.toList()));
            TelemetryProducer.produceRaw(bootstrap, topics.externalEvents, scenario.campaigns().stream().map(WireFormat::encode).collect(Collectors.toList()));
            say("  %,d samples and %d malformed records produced; %d marketing campaigns on '%s'",
                    produced, bad.size(), scenario.campaigns().size(), topics.externalEvents);
            // the holiday calendars of the tenants' countries, from the `events holidays` importer
            java.util.TreeSet<String> countries = new java.util.TreeSet<>();
            scenario.workloads().forEach(w -> {
                String c = io.shadowscale.udf.logic.events.RegionCatalog.of(w.region()).country();
                if (c != null) {
                    countries.add(c);
                }
            });
            List<io.shadowscale.schema.ExternalEvent> holidays = new ArrayList<>();
            for (String country : countries) {
                for (int year = scenario.start().atZone(java.time.ZoneOffset.UTC).getYear();
                     year <= scenario.end().atZone(java.time.ZoneOffset.UTC).getYear(); year++) {
                    holidays.addAll(io.shadowscale.jobs.events.HolidayImporter.holidays(country, year, null,
                            io.shadowscale.jobs.events.EventScope.NONE));
                }
            }
            io.shadowscale.jobs.events.EventPublisher.publish(bootstrap, topics.externalEvents, holidays);
            say("  %d public holidays of %s on '%s'", holidays.size(), String.join(", ", countries), topics.externalEvents);
            for (Path file : eventFiles) { // replay what `shadowscale events ... --out FILE` wrote
                List<io.shadowscale.schema.ExternalEvent> replay;
                try {
                    replay = io.shadowscale.jobs.events.EventFiles.read(file);
                } catch (io.shadowscale.jobs.events.ImportException e) {
                    throw new CliException("--events " + file + ": " + e.getMessage());
                }
                io.shadowscale.jobs.events.EventPublisher.publish(bootstrap, topics.externalEvents, replay);
                say("  %d events replayed from %s on '%s'", replay.size(), file, topics.externalEvents);
            }

            ShadowJob.Settings s = new ShadowJob.Settings();
            s.bootstrap = bootstrap;
            s.warehouse = wh.toString();
            s.topics = topics;
            s.groupId = "shadowscale-demo";
            s.bounded = true;
            s.checkpointIntervalMs = 5_000;
            s.options.liveArms = true; // the demo runs the A/B arms of flink-conf/strategies.properties live
            long total = produced + bad.size();
            say("Running the job (local Flink, parallelism %d, checkpoint every %d s) until the telemetry is consumed:", parallelism, s.checkpointIntervalMs / 1000);
            ProgressBar jobBar = new ProgressBar(total, "records");
            long jobStart = System.nanoTime();
            CompletableFuture<JobExecutionResult> job = CompletableFuture.supplyAsync(() -> {
                try {
                    return ShadowJob.runLocal(s, parallelism);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            try (ConsumerProgress progress = new ConsumerProgress(bootstrap, s.groupId, topics.telemetry)) {
                while (!job.isDone()) {
                    jobBar.update(Math.min(total, progress.committed()));
                    Thread.sleep(1000);
                }
            }
            try {
                job.join();
            } catch (Exception e) {
                throw new CliException("the job failed: " + Main.message(e.getCause() != null ? e.getCause() : e), e);
            }
            jobBar.update(total);
            jobBar.finish();
            double jobSeconds = (System.nanoTime() - jobStart) / 1e9;
            summary(scenario, bootstrap, topics, wh, total, jobSeconds);
        }
        say("Done in %.0f s. The broker is stopped; the Iceberg tables stay in %s.", (System.nanoTime() - t0) / 1e9, wh);
        say("Query them, e.g.:  bin/shadowscale query \"SELECT action, count(*) FROM scaling_commands GROUP BY action\"%s",
                warehouse != null ? " --warehouse " + wh : "");
        say("Compare the strategies:  bin/shadowscale ab report%s", warehouse != null ? " --warehouse " + wh : "");
        return 0;
    }

    private void summary(DemoScenario scenario, String bootstrap, Topics topics, Path wh, long total, double jobSeconds) throws QueryException {
        CatalogLoader catalog = IcebergTables.catalogLoader(wh.toString());
        long rollups = TableStats.rowCount(catalog, IcebergTables.TELEMETRY_ROLLUPS);
        long shadows = TableStats.rowCount(catalog, IcebergTables.RESOURCE_SHADOWS);
        long commands = TableStats.rowCount(catalog, IcebergTables.SCALING_COMMANDS);
        long anomalies = TableStats.rowCount(catalog, IcebergTables.ANOMALIES);
        long pools = TableStats.rowCount(catalog, IcebergTables.POOL_SHADOWS);
        long outcomes = TableStats.rowCount(catalog, IcebergTables.STRATEGY_OUTCOMES);
        List<DeadLetterReader.Entry> dead = DeadLetterReader.readAll(bootstrap, topics.deadLetters, 1000);

        say("");
        say("Summary (job ran %.0f s, %,.0f records/s)", jobSeconds, total / Math.max(jobSeconds, 1e-3));
        say("  records in            %,12d   (topic %s)", total, topics.telemetry);
        say("  rejected              %,12d   -> dead-letter topic %s", dead.size(), topics.deadLetters);
        say("  5-min rollups         %,12d   -> table shadowscale.telemetry_rollups", rollups);
        say("  shadow steps          %,12d   -> table shadowscale.resource_shadows, topic %s", shadows, topics.shadows);
        say("  scaling commands      %,12d   -> table shadowscale.scaling_commands, topic %s", commands, topics.commands);
        say("  anomalies             %,12d   -> table shadowscale.anomalies, topic %s", anomalies, topics.anomalies);
        say("  pool shadow steps     %,12d   -> table shadowscale.pool_shadows", pools);
        say("  strategy outcomes     %,12d   -> table shadowscale.strategy_outcomes (every strategy, workload and hour)", outcomes);
        say("  warehouse             %s", wh);

        say("");
        say("Rejected records (reason from the dead-letter headers):");
        for (DeadLetterReader.Entry e : dead.stream().limit(12).collect(Collectors.toList())) {
            say("  [%s] %s", e.stage(), e.reason());
        }

        IcebergQuery q = new IcebergQuery(wh.toString());
        say("");
        say("Scaling commands by action:");
        print(q, "SELECT action, count(*) AS commands, sum(CASE WHEN dry_run THEN 1 ELSE 0 END) AS dry_run FROM scaling_commands GROUP BY action ORDER BY action", 10);
        say("A few scaling commands and why:");
        print(q, "SELECT tenant_id, workload_id, action, from_replicas AS `from`, to_replicas AS `to`, to_cpu_per_replica AS cpu_per_replica, "
                + "effective_at, capacity_class, round(cost_before_per_hour, 3) AS cost_before, round(cost_after_per_hour, 3) AS cost_after, "
                + "summary FROM scaling_commands ORDER BY effective_at DESC", 4);

        say("Injected anomalies and what the CEP patterns found:");
        QueryResult found = q.execute("SELECT tenant_id, workload_id, type, start_time, end_time, explanation FROM anomalies", 10_000);
        for (DemoScenario.InjectedAnomaly a : scenario.injectedAnomalies()) {
            List<List<Object>> hits = found.rows().stream()
                    .filter(r -> a.tenantId().equals(r.get(0)) && a.workloadId().equals(r.get(1)))
                    .filter(r -> overlaps(r.get(3), r.get(4), a.start(), a.end()))
                    .collect(Collectors.toList());
            say("  %-22s %-17s %s .. %s  -> %s", a.tenantId() + "/" + a.workloadId(), a.kind(), a.start(), a.end(),
                    hits.isEmpty() ? "not flagged" : hits.stream().map(r -> String.valueOf(r.get(2))).distinct().collect(Collectors.joining(", ")));
        }
        long flaggedInjected = scenario.injectedAnomalies().stream().filter(a -> found.rows().stream()
                .anyMatch(r -> matches(r, a))).count();
        long sameType = scenario.injectedAnomalies().stream().filter(a -> found.rows().stream()
                .anyMatch(r -> matches(r, a) && a.kind().toString().equals(String.valueOf(r.get(2))))).count();
        List<List<Object>> outside = found.rows().stream()
                .filter(r -> scenario.injectedAnomalies().stream().noneMatch(a -> matches(r, a))).collect(Collectors.toList());
        int workloadDays = scenario.workloads().size() * scenario.days();
        int armedDays = scenario.workloads().size() * (scenario.days() - 1);
        say("  injected anomalies found:        %d of %d (%d with the injected type)", flaggedInjected, scenario.injectedAnomalies().size(), sameType);
        say("  alarms outside injected ones:    %d over %d workload-days = %.2f per workload-day%s", outside.size(), workloadDays,
                (double) outside.size() / workloadDays, outside.isEmpty() ? "" : " (" + outside.stream().map(r -> String.valueOf(r.get(2)))
                        .collect(Collectors.groupingBy(t -> t, java.util.TreeMap::new, Collectors.counting())).entrySet().stream()
                        .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")) + ")");
        say("                                   %.2f per workload-day after each workload's first day, its learning period (no yesterday to compare with, no alarms)",
                (double) outside.size() / Math.max(1, armedDays));
        say("A few anomalies:");
        print(q, "SELECT tenant_id, workload_id, type, severity, start_time, explanation FROM anomalies ORDER BY score DESC", 4);

        say("Behavioural tags (latest profile of each workload, table shadowscale.profiles):");
        print(q, "SELECT tenant_id, workload_id, tags, profiled_at FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY tenant_id, workload_id "
                + "ORDER BY profiled_at DESC) AS n FROM profiles) WHERE n = 1 ORDER BY tenant_id, workload_id", 100);
        say("External events and the tenants they touched (from the profiles' events in force):");
        QueryResult touched = q.execute("SELECT tenant_id, events_in_force FROM profiles", 1_000_000);
        java.util.Map<String, java.util.TreeSet<String>> byEvent = new java.util.TreeMap<>();
        java.util.Map<String, String> labels = new java.util.HashMap<>();
        for (List<Object> row : touched.rows()) {
            if (row.get(1) instanceof java.util.Map<?, ?> m) {
                m.forEach((id, label) -> {
                    byEvent.computeIfAbsent(String.valueOf(id), k -> new java.util.TreeSet<>()).add(String.valueOf(row.get(0)));
                    labels.put(String.valueOf(id), String.valueOf(label));
                });
            }
        }
        if (byEvent.isEmpty()) {
            say("  (none: no event fell within a forecast horizon)");
        }
        byEvent.forEach((id, tenants) -> say("  %-40s %-45s -> %s", id, labels.get(id), String.join(", ", tenants)));
    }

    private static boolean matches(List<Object> row, DemoScenario.InjectedAnomaly a) {
        return a.tenantId().equals(row.get(0)) && a.workloadId().equals(row.get(1)) && overlaps(row.get(3), row.get(4), a.start(), a.end());
    }

    private static boolean overlaps(Object start, Object end, Instant a, Instant b) {
        Instant s = toInstant(start), e = toInstant(end);
        return s != null && e != null && s.isBefore(b.plus(Duration.ofMinutes(10))) && e.isAfter(a);
    }

    private static Instant toInstant(Object o) {
        if (o instanceof Instant i) return i;
        if (o instanceof java.time.LocalDateTime l) return l.toInstant(java.time.ZoneOffset.UTC);
        if (o instanceof java.time.OffsetDateTime od) return od.toInstant();
        return null;
    }

    private static void print(IcebergQuery q, String sql, int limit) throws QueryException {
        String text = q.execute(sql, limit).format(QueryResult.Format.TABLE);
        for (String line : text.split("\n")) {
            System.out.println("  " + line);
        }
    }

    /** Refuses to clobber a warehouse the demo did not create, unless --reset. */
    private void prepareWarehouse(Path wh) throws IOException {
        if (Files.isDirectory(wh) && !isEmpty(wh)) {
            if (!Files.exists(wh.resolve(MARKER)) && !reset) {
                throw new CliException("warehouse " + wh + " already holds data that a previous demo did not write; "
                        + "pass --reset to replace it or choose another --warehouse DIR");
            }
            deleteRecursively(wh.resolve(IcebergTables.NAMESPACE_NAME));
        }
        Files.createDirectories(wh);
        Files.writeString(wh.resolve(MARKER), "written by `shadowscale demo` at " + Instant.now() + "\n");
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    static void deleteRecursively(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path x : walk.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(x);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + p, e);
        }
    }

    private static void say(String fmt, Object... args) {
        System.out.println(String.format(Locale.ROOT, fmt, args));
        System.out.flush();
    }
}
