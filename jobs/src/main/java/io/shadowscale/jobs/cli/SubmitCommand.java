package io.shadowscale.jobs.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import io.shadowscale.jobs.ShadowJob;
import io.shadowscale.jobs.cluster.FlinkRest;
import io.shadowscale.jobs.cluster.FlinkRestException;
import io.shadowscale.jobs.cluster.LocalCluster;
import io.shadowscale.jobs.demo.ProgressBar;
import io.shadowscale.jobs.iceberg.IcebergTables;
import io.shadowscale.jobs.kafka.KafkaClientProperties;
import io.shadowscale.jobs.kafka.KafkaTopics;
import io.shadowscale.jobs.kafka.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * {@code shadowscale submit}: uploads the shaded job JAR through the Flink REST API and runs
 * {@link ShadowJob}. By default against the local cluster ({@code cluster start}) and its broker;
 * with {@code --rest URL} against any Flink 2.1 session cluster.
 */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = {"Uploads the job JAR to a Flink cluster (REST API) and runs the shadowscale job.",
                "Defaults: the local cluster (`cluster start`), its broker and its warehouse (.shadowscale/cluster/warehouse).",
                "Other job options are passed through, e.g. --dry-run true, --quantile 90 --scale-in-quantile 99, --catalog-type rest --catalog-uri URL."})
final class SubmitCommand implements Callable<Integer> {

    static final String JAR_GLOB = "shadowscale-jobs-*-job.jar";

    @Option(names = "--rest", paramLabel = "URL", description = "Flink REST address (default: the local cluster's, http://127.0.0.1:8081).")
    String rest;

    @Option(names = "--parallelism", paramLabel = "N", description = "Job parallelism (default: the cluster's parallelism.default).")
    Integer parallelism;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Kafka bootstrap servers as the cluster reaches them (default: the local cluster's broker).")
    String bootstrap;

    @Option(names = "--warehouse", paramLabel = "DIR|URI", description = "Iceberg warehouse as the cluster reaches it (default: the local cluster's .shadowscale/cluster/warehouse).")
    String warehouse;

    @Option(names = "--topic-prefix", paramLabel = "P", defaultValue = "", description = "Prefix of every topic (default: none).")
    String topicPrefix;

    @Option(names = "--checkpoint-interval-ms", paramLabel = "MS", description = "Checkpoint interval (default: the job's, 10000).")
    Long checkpointIntervalMs;

    @Option(names = "--kafka-properties", paramLabel = "FILE", description = "Kafka client settings (SASL/SSL) for the job and for creating topics; the job reads the file where it starts (the JobManager).")
    Path kafkaProperties;

    @Option(names = "--from-savepoint", paramLabel = "PATH", description = "Restore the job's state from this savepoint or retained checkpoint.")
    String fromSavepoint;

    @Option(names = "--allow-non-restored-state", description = "With --from-savepoint: skip state that no operator of the job claims.")
    boolean allowNonRestoredState;

    @Option(names = "--no-create-topics", description = "Do not create missing topics before the job starts.")
    boolean noCreateTopics;

    @Option(names = "--jar", paramLabel = "FILE", description = "The job JAR (default: jobs/target/" + JAR_GLOB + ").")
    Path jar;

    @Option(names = "--cluster-dir", paramLabel = "DIR", description = "The local cluster (default: .shadowscale/cluster).")
    Path clusterDir;

    @Option(names = "--wait-seconds", paramLabel = "S", defaultValue = "120", description = "Wait this long for the job to run (default: ${DEFAULT-VALUE}; 0: do not wait).")
    int waitSeconds;

    @Unmatched
    List<String> jobOptions = new ArrayList<>();

    @Override
    public Integer call() {
        if (parallelism != null && (parallelism < 1 || parallelism > 1024)) {
            throw new CliException("--parallelism must be between 1 and 1024, got " + parallelism);
        }
        for (String o : jobOptions) {
            if (o.startsWith("--") && !o.matches("--[a-z][a-z0-9-]*")) {
                throw new CliException("cannot pass '" + o + "' to the job: give job options as --name value");
            }
        }
        Path jarFile = jar != null ? jar : defaultJar();
        if (!Files.isRegularFile(jarFile)) {
            throw new CliException("no job JAR at " + jarFile + " — build it with `mvn -B package -DskipTests`");
        }
        LocalCluster local = ClusterCommand.localCluster(clusterDir);
        LocalCluster.Status status = local.status();
        boolean localUp = status.alive(LocalCluster.Role.JOBMANAGER).isPresent();
        String restUrl = rest != null ? rest : localUp ? status.restUrl() : "http://127.0.0.1:8081";
        boolean toLocal = localUp && restUrl.equals(status.restUrl());
        String servers = bootstrap;
        if (servers == null) {
            if (!toLocal || status.alive(LocalCluster.Role.KAFKA).isEmpty()) {
                throw new CliException("missing --bootstrap HOST:PORT: the Kafka brokers as the cluster at " + restUrl + " reaches them");
            }
            servers = status.bootstrap();
        }
        String wh = warehouse;
        if (wh == null && !isRestCatalog()) {
            if (!toLocal) {
                throw new CliException("missing --warehouse DIR|URI: the Iceberg warehouse as the cluster at " + restUrl + " reaches it");
            }
            wh = local.warehouse().toString();
        }
        if (wh != null) {
            // the JobManager's working directory is not ours: a relative path must not change meaning
            wh = IcebergTables.warehouseLocation(wh);
        }
        Properties client = KafkaClientProperties.load(kafkaProperties);

        List<String> args = new ArrayList<>();
        add(args, "bootstrap", servers);
        add(args, "warehouse", wh);
        if (!topicPrefix.isEmpty()) {
            add(args, "topic-prefix", topicPrefix);
        }
        if (checkpointIntervalMs != null) {
            add(args, "checkpoint-interval-ms", String.valueOf(checkpointIntervalMs));
        }
        if (kafkaProperties != null) {
            // the path, never the contents: secrets stay in the file
            add(args, "kafka-properties", kafkaProperties.toAbsolutePath().normalize().toString());
        }
        args.addAll(jobOptions);

        FlinkRest flink = new FlinkRest(restUrl);
        try {
            FlinkRest.Overview ov = flink.overview();
            if (ov.taskManagers() == 0) {
                System.out.println("note: no TaskManager is registered at " + restUrl + " yet; the job waits for slots");
            }
            Integer p = parallelism;
            if (p == null) {
                // a JAR run through REST does not apply the cluster's parallelism.default by itself
                p = flink.clusterSetting("parallelism.default").map(v -> {
                    try {
                        return Integer.valueOf(v.strip());
                    } catch (NumberFormatException e) {
                        return null;
                    }
                }).orElse(null);
            }
            if (!noCreateTopics) {
                List<String> created = KafkaTopics.ensure(servers, client, new Topics(topicPrefix).all(2), Duration.ofSeconds(30));
                if (!created.isEmpty()) {
                    System.out.println("Created topics " + created + " at " + servers);
                }
            }
            long size = Files.size(jarFile);
            System.out.printf(Locale.ROOT, "Uploading %s (%d MB) to %s:%n", jarFile.getFileName(), size >> 20, restUrl);
            ProgressBar bar = new ProgressBar(size >> 20, "MB");
            String jarId = flink.uploadJar(jarFile, n -> bar.update(n >> 20));
            bar.finish();
            System.out.println("Starting the job" + (fromSavepoint != null ? " from " + fromSavepoint : "") + " ...");
            String jobId;
            try {
                jobId = flink.runJar(jarId, new FlinkRest.RunRequest(ShadowJob.class.getName(), args, p, fromSavepoint,
                        allowNonRestoredState));
            } finally {
                try {
                    flink.deleteJar(jarId); // the job keeps its own copy; don't pile up 100 MB uploads
                } catch (FlinkRestException e) {
                    // best effort
                }
            }
            System.out.println("Job id:  " + jobId);
            System.out.println("Web UI:  " + flink.jobUrl(jobId));
            if (waitSeconds > 0) {
                String state = awaitRunning(flink, jobId, Duration.ofSeconds(waitSeconds));
                System.out.println("State:   " + state);
                if ("FAILED".equals(state)) {
                    throw new CliException("the job " + jobId + " failed right after it started; see its exceptions in the web UI");
                }
            }
            System.out.println("Reads '" + new Topics(topicPrefix).telemetry + "' at " + servers
                    + (wh != null ? "; writes the Iceberg tables in " + wh : ""));
            return 0;
        } catch (FlinkRestException | IllegalStateException | IOException e) {
            throw new CliException(e.getMessage(), e);
        }
    }

    private boolean isRestCatalog() {
        int i = jobOptions.indexOf("--catalog-type");
        return i >= 0 && i + 1 < jobOptions.size() && "rest".equalsIgnoreCase(jobOptions.get(i + 1));
    }

    /** Polls until every task runs (or the job ends); returns the job's state. */
    static String awaitRunning(FlinkRest flink, String jobId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String state = flink.jobState(jobId);
        while (System.nanoTime() < deadline) {
            state = flink.jobState(jobId);
            if (flink.allTasksRunning(jobId) || List.of("FAILED", "FINISHED", "CANCELED").contains(state)) {
                return state;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return state + " (tasks still deploying after " + timeout.toSeconds() + " s)";
    }

    private static void add(List<String> args, String name, String value) {
        if (value != null) {
            args.add("--" + name);
            args.add(value);
        }
    }

    /** jobs/target/shadowscale-jobs-*-job.jar of the checkout. */
    static Path defaultJar() {
        Path target = Main.home().getParent().resolve("jobs").resolve("target");
        if (Files.isDirectory(target)) {
            try (Stream<Path> s = Files.list(target)) {
                return s.filter(p -> p.getFileName().toString().matches("shadowscale-jobs-.*-job\\.jar")).findFirst()
                        .orElse(target.resolve("shadowscale-jobs-0.1.0-SNAPSHOT-job.jar"));
            } catch (IOException e) {
                // fall through
            }
        }
        return target.resolve("shadowscale-jobs-0.1.0-SNAPSHOT-job.jar");
    }
}
