package io.shadowscale.jobs.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.shadowscale.jobs.cluster.ClusterException;
import io.shadowscale.jobs.cluster.FlinkRest;
import io.shadowscale.jobs.cluster.FlinkRestException;
import io.shadowscale.jobs.cluster.LocalCluster;
import io.shadowscale.jobs.kafka.TopicAdmin;
import io.shadowscale.jobs.kafka.Topics;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shadowscale cluster start|stop|status}: a local standalone Flink session cluster
 * (JobManager and TaskManagers as separate JVMs from the Maven-resolved jars, configured by
 * {@code flink-conf/config.yaml}) and a Kafka broker as its own process. See {@link LocalCluster}.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = {"A local Flink session cluster (JobManager, TaskManager) and a Kafka broker, each its own process.",
                "Process ids are recorded in DIR; `stop` ends exactly those processes."},
        subcommands = {ClusterCommand.Start.class, ClusterCommand.Stop.class, ClusterCommand.Status.class})
final class ClusterCommand implements Callable<Integer> {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 0;
    }

    /** The options every subcommand shares. */
    static class DirOption {
        @Option(names = "--dir", paramLabel = "DIR", description = "The cluster's folder: state, logs, checkpoints, broker data (default: .shadowscale/cluster).")
        Path dir;

        LocalCluster.Options options() {
            LocalCluster.Options o = LocalCluster.Options.forProject(Main.home().getParent());
            if (dir != null) {
                o.dir = dir;
            }
            return o;
        }
    }

    /** The local cluster's folder when {@code dir} is null. */
    static LocalCluster localCluster(Path dir) {
        LocalCluster.Options o = LocalCluster.Options.forProject(Main.home().getParent());
        if (dir != null) {
            o.dir = dir;
        }
        return new LocalCluster(o);
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = {"Starts the Kafka broker, the JobManager and the TaskManagers (those not already running) and waits until they are up.",
                    "After a TaskManager died, `start` again starts a new one."})
    static final class Start implements Callable<Integer> {
        @CommandLine.Mixin
        DirOption dir = new DirOption();

        @Option(names = "--rest-port", paramLabel = "N", defaultValue = "8081", description = "Flink REST and web UI port (default: ${DEFAULT-VALUE}).")
        int restPort;

        @Option(names = "--rpc-port", paramLabel = "N", defaultValue = "6123", description = "JobManager RPC port (default: ${DEFAULT-VALUE}).")
        int rpcPort;

        @Option(names = "--kafka-port", paramLabel = "N", defaultValue = "9092", description = "Kafka broker port (default: ${DEFAULT-VALUE}).")
        int kafkaPort;

        @Option(names = "--taskmanagers", paramLabel = "N", defaultValue = "1", description = "TaskManagers to run (default: ${DEFAULT-VALUE}; slots each: taskmanager.numberOfTaskSlots).")
        int taskManagers;

        @Option(names = "--topic-prefix", paramLabel = "P", defaultValue = "", description = "Create the job's topics with this prefix (default: none).")
        String topicPrefix;

        @Override
        public Integer call() {
            for (int port : new int[] {restPort, rpcPort, kafkaPort}) {
                if (port < 1 || port > 65535) {
                    throw new CliException("ports must be between 1 and 65535, got " + port);
                }
            }
            if (taskManagers < 1 || taskManagers > 8) {
                throw new CliException("--taskmanagers must be between 1 and 8, got " + taskManagers);
            }
            LocalCluster.Options o = dir.options();
            o.restPort = restPort;
            o.rpcPort = rpcPort;
            o.kafkaPort = kafkaPort;
            o.taskManagers = taskManagers;
            LocalCluster cluster = new LocalCluster(o);
            long t0 = System.nanoTime();
            List<LocalCluster.Proc> started;
            try {
                started = cluster.start();
            } catch (ClusterException | FlinkRestException e) {
                throw new CliException(e.getMessage(), e);
            }
            LocalCluster.Status s = cluster.status();
            try {
                TopicAdmin.ensureTopics(s.bootstrap(), new Topics(topicPrefix).all(2));
            } catch (RuntimeException e) {
                throw new CliException("the cluster is up but the topics could not be created: " + Main.message(e), e);
            }
            if (started.isEmpty()) {
                System.out.println("The cluster in " + cluster.dir() + " is already running.");
            } else {
                System.out.printf(Locale.ROOT, "Cluster up in %.0f s.%n", (System.nanoTime() - t0) / 1e9);
            }
            printAddresses(cluster, s);
            if (!cluster.prometheusAvailable()) {
                System.out.println("  metrics    no Prometheus reporter: flink-metrics-prometheus is not on the cluster classpath (the Flink image has it)");
            }
            System.out.println("Next: bin/shadowscale submit   then   bin/shadowscale produce --generate --tenants 2 --days 3");
            return 0;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Stops the cluster's processes recorded in DIR (SIGTERM, SIGKILL after 30 s). Running jobs end with the cluster; their checkpoints stay in DIR/checkpoints.")
    static final class Stop implements Callable<Integer> {
        @CommandLine.Mixin
        DirOption dir = new DirOption();

        @Override
        public Integer call() {
            LocalCluster cluster = new LocalCluster(dir.options());
            LocalCluster.Status s = cluster.status();
            if (!s.anyAlive()) {
                cluster.stop(); // forget stale process ids
                System.out.println("No cluster is running in " + cluster.dir() + ".");
                return 0;
            }
            if (s.alive(LocalCluster.Role.JOBMANAGER).isPresent()) {
                try {
                    long running = new FlinkRest(s.restUrl()).jobs().stream().filter(FlinkRest.JobSummary::running).count();
                    if (running > 0) {
                        System.out.println(running + " running job(s) end with the cluster; resubmit with --from-savepoint or from a retained checkpoint in "
                                + cluster.dir().resolve("checkpoints"));
                    }
                } catch (FlinkRestException e) {
                    // not answering: stopped all the same
                }
            }
            for (LocalCluster.Proc p : cluster.stop()) {
                System.out.println("Stopped " + p.describe());
            }
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"Prints the Flink REST address, the broker's bootstrap address, the processes and the jobs.",
                    "Exit status 0 when the JobManager runs, 3 when nothing runs, 1 when only part of the cluster runs."})
    static final class Status implements Callable<Integer> {
        @CommandLine.Mixin
        DirOption dir = new DirOption();

        @Override
        public Integer call() {
            LocalCluster cluster = new LocalCluster(dir.options());
            LocalCluster.Status s = cluster.status();
            if (!s.anyAlive()) {
                System.out.println("No cluster is running in " + cluster.dir() + " (start one with `bin/shadowscale cluster start`).");
                return 3;
            }
            printAddresses(cluster, s);
            for (LocalCluster.Proc p : s.processes()) {
                System.out.printf(Locale.ROOT, "  %-24s %s%n", p.describe(), p.alive() ? "running" : "not running");
            }
            if (s.alive(LocalCluster.Role.JOBMANAGER).isEmpty()) {
                return 1;
            }
            FlinkRest rest = new FlinkRest(s.restUrl());
            try {
                FlinkRest.Overview ov = rest.overview();
                System.out.printf(Locale.ROOT, "  Flink %s: %d TaskManager(s), %d of %d slots free%n",
                        ov.flinkVersion(), ov.taskManagers(), ov.slotsAvailable(), ov.slotsTotal());
                List<FlinkRest.JobSummary> jobs = rest.jobs();
                System.out.println(jobs.stream().anyMatch(FlinkRest.JobSummary::running) ? "Running jobs:" : "Running jobs: none");
                for (FlinkRest.JobSummary j : jobs) {
                    if (!j.running() && !"RESTARTING".equals(j.state()) && !"CREATED".equals(j.state()) && !"INITIALIZING".equals(j.state())) {
                        continue;
                    }
                    FlinkRest.CheckpointStats cp = rest.checkpoints(j.id());
                    System.out.printf(Locale.ROOT, "  %s  %-12s %-10s since %s, %d checkpoints%s  %s%n", j.id(), j.name(), j.state(),
                            TIME.format(Instant.ofEpochMilli(j.startTime())), cp.completed(),
                            cp.latestRestoredId() >= 0 ? " (restored from " + cp.latestRestoredId() + ")" : "", rest.jobUrl(j.id()));
                }
            } catch (FlinkRestException e) {
                System.out.println("  the JobManager does not answer on " + s.restUrl() + ": " + e.getMessage());
                return 1;
            }
            return 0;
        }
    }

    static void printAddresses(LocalCluster cluster, LocalCluster.Status s) {
        System.out.println("  Flink REST " + s.restUrl() + "   (web UI)");
        System.out.println("  Kafka      " + s.bootstrap());
        System.out.println("  folder     " + cluster.dir() + "   (logs in log/)");
    }

    static Duration seconds(long s) {
        return Duration.ofSeconds(s);
    }
}
