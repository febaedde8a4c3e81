package io.shadowscale.jobs.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Properties;
import java.util.concurrent.Callable;

import io.shadowscale.jobs.cluster.LocalCluster;
import io.shadowscale.jobs.demo.DemoScenario;
import io.shadowscale.jobs.demo.ProgressBar;
import io.shadowscale.jobs.kafka.KafkaClientProperties;
import io.shadowscale.jobs.kafka.KafkaTopics;
import io.shadowscale.jobs.kafka.Topics;
import io.shadowscale.jobs.produce.TelemetryCsv;
import io.shadowscale.jobs.produce.TelemetrySender;
import io.shadowscale.schema.TelemetryEvent;
import io.shadowscale.udf.ShadowOptions;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shadowscale produce}: telemetry to Kafka, from a CSV file or generated (the demo's
 * scenario), with a progress bar. Bad CSV rows are reported with their line numbers and skipped.
 */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = {"Sends telemetry to Kafka: from a CSV file (--from-csv) or generated (--generate).",
                "CSV: a header naming the columns, then one sample per row; required columns "
                        + "tenant_id, workload_id, event_time, cpu_cores, memory_bytes, network_in_bytes, network_out_bytes, storage_bytes; "
                        + "optional db_queries, requests, active_sessions, session_duration_ms, interval_ms, data_kind, region."})
final class ProduceCommand implements Callable<Integer> {

    /** Bad rows printed one by one before only counting them. */
    static final int MAX_BAD_ROWS_SHOWN = 20;

    static final class Source {
        @Option(names = "--from-csv", paramLabel = "FILE", description = "Telemetry rows from a CSV file.")
        Path csv;

        @Option(names = "--generate", description = "Generated telemetry (the demo's workloads, campaigns and anomalies).")
        boolean generate;
    }

    // checked in call(): picocli's own message for a missing group reads "Error: Missing required argument ..."
    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Source source;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Kafka bootstrap servers (default: the local cluster's broker, when it runs).")
    String bootstrap;

    @Option(names = "--topic-prefix", paramLabel = "P", defaultValue = "", description = "Topic prefix, as given to the job (default: none).")
    String topicPrefix;

    @Option(names = "--rate", paramLabel = "R", defaultValue = "0", description = "Records per second (default: as fast as the broker takes them).")
    double rate;

    @Option(names = "--tenants", paramLabel = "N", defaultValue = "" + DemoScenario.DEFAULT_TENANTS, description = "With --generate: tenants (default: ${DEFAULT-VALUE}).")
    int tenants;

    @Option(names = "--days", paramLabel = "D", defaultValue = "" + DemoScenario.DEFAULT_DAYS, description = "With --generate: days of telemetry ending at today's midnight UTC (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "" + DemoScenario.DEFAULT_SEED, description = "With --generate: random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--kafka-properties", paramLabel = "FILE", description = "Kafka client settings (security.protocol, sasl.*, ssl.*), kept out of the command line.")
    Path kafkaProperties;

    @Option(names = "--cluster-dir", paramLabel = "DIR", description = "The local cluster whose broker is the default (default: .shadowscale/cluster).")
    Path clusterDir;

    @Override
    public Integer call() {
        if (source == null || (source.csv == null && !source.generate)) {
            throw new CliException("say what to send: --from-csv FILE or --generate [--tenants N --days D]");
        }
        if (rate < 0 || Double.isNaN(rate)) {
            throw new CliException("--rate must be positive (records per second), got " + rate);
        }
        if (source.generate && (tenants < 1 || tenants > 1000)) {
            throw new CliException("--tenants must be between 1 and 1000, got " + tenants);
        }
        if (source.generate && (days < 1 || days > 60)) {
            throw new CliException("--days must be between 1 and 60, got " + days);
        }
        Properties client = KafkaClientProperties.load(kafkaProperties);
        String servers = bootstrap != null ? bootstrap : localBroker(clusterDir);
        String topic = new Topics(topicPrefix).telemetry;

        Iterator<TelemetryEvent> events;
        long total;
        BadRows bad = new BadRows();
        TelemetryCsv csv = null;
        if (source.generate) {
            DemoScenario scenario = new DemoScenario(tenants, days, DemoScenario.defaultStart(LocalDate.now(ZoneOffset.UTC), days), seed);
            say("Generating %,d samples: %d tenants, %d workloads, %s .. %s", scenario.eventCount(), tenants, scenario.workloads().size(),
                    scenario.start(), scenario.end());
            events = scenario.events();
            total = scenario.eventCount();
        } else {
            csv = new TelemetryCsv(source.csv, System::currentTimeMillis, ShadowOptions.defaults().maxFutureSkewMs);
            total = TelemetryCsv.countRows(source.csv);
            say("Reading %s (%,d rows)", source.csv, total);
            events = validRows(csv, bad);
        }
        try {
            List<String> created = KafkaTopics.ensure(servers, client, Map.of(topic, 2), Duration.ofSeconds(30));
            if (!created.isEmpty()) {
                say("Created topic '%s' (2 partitions) at %s", topic, servers);
            }
            say("Producing to '%s' at %s%s:", topic, servers, rate > 0 ? String.format(Locale.ROOT, " at %,.0f records/s", rate) : "");
            ProgressBar bar = new ProgressBar(total, source.generate ? "records" : "rows");
            long t0 = System.nanoTime();
            long sent;
            try (TelemetrySender sender = new TelemetrySender(servers, topic, client)) {
                // the bar counts rows read (sent + skipped) so that it reaches 100 % with bad rows too
                sent = sender.send(events, rate, n -> bar.update(n + bad.count));
            }
            bar.finish();
            double seconds = (System.nanoTime() - t0) / 1e9;
            say("Sent %,d records in %.1f s (%,.0f/s)%s", sent, seconds, sent / Math.max(seconds, 1e-3),
                    bad.count == 0 ? "." : String.format(Locale.ROOT, "; skipped %,d bad row%s.", bad.count, bad.count == 1 ? "" : "s"));
            if (sent == 0 && bad.count > 0) {
                throw new CliException("no valid rows in " + source.csv + " (" + bad.count + " bad)");
            }
            return 0;
        } catch (IllegalStateException e) {
            throw new CliException(e.getMessage(), e);
        } finally {
            if (csv != null) {
                csv.close();
            }
        }
    }

    /** The broker of the local cluster, or a one-line error asking for --bootstrap. */
    static String localBroker(Path clusterDir) {
        LocalCluster.Status s = ClusterCommand.localCluster(clusterDir).status();
        if (s.alive(LocalCluster.Role.KAFKA).isEmpty()) {
            throw new CliException("no --bootstrap given and no local cluster broker is running in " + s.dir()
                    + " — pass --bootstrap HOST:PORT or run `bin/shadowscale cluster start`");
        }
        return s.bootstrap();
    }

    /** Counts bad rows and prints the first few with their line numbers. */
    static final class BadRows {
        long count;
        final List<Long> lines = new ArrayList<>();

        void add(TelemetryCsv.Row r) {
            count++;
            if (count <= MAX_BAD_ROWS_SHOWN) {
                lines.add(r.line());
                System.err.printf(Locale.ROOT, "bad row at line %d: %s (skipped)%n", r.line(), r.error());
            } else if (count == MAX_BAD_ROWS_SHOWN + 1) {
                System.err.println("more bad rows: only counted from here on");
            }
        }
    }

    /** The valid events of {@code csv}; bad rows go to {@code bad}. */
    static Iterator<TelemetryEvent> validRows(TelemetryCsv csv, BadRows bad) {
        return new Iterator<>() {
            TelemetryEvent next;

            @Override
            public boolean hasNext() {
                while (next == null && csv.hasNext()) {
                    TelemetryCsv.Row r = csv.next();
                    if (r.ok()) {
                        next = r.event();
                    } else {
                        bad.add(r);
                    }
                }
                return next != null;
            }

            @Override
            public TelemetryEvent next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                TelemetryEvent e = next;
                next = null;
                return e;
            }
        };
    }

    private static void say(String fmt, Object... args) {
        System.out.println(String.format(Locale.ROOT, fmt, args));
        System.out.flush();
    }
}
