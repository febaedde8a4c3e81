package io.shadowscale.jobs.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker + controller) running in this JVM,
 * built from Kafka's production server classes: the data dir is formatted like
 * {@code kafka-storage.sh format} does, then {@link KafkaRaftServer} is started.
 *
 * <p>The data dir belongs to the broker alone. Restarting on the same dir keeps the data
 * (the dir is only formatted when it has no {@code meta.properties} yet); the ports are
 * chosen anew on every start.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    private static final int NODE_ID = 1;
    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final String HOST = "127.0.0.1";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);
    private static final int START_ATTEMPTS = 3;

    private final KafkaRaftServer server;
    private final Path dataDir;
    private final String bootstrapServers;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedKafka(KafkaRaftServer server, Path dataDir, String bootstrapServers) {
        this.server = server;
        this.dataDir = dataDir;
        this.bootstrapServers = bootstrapServers;
    }

    /** Starts a broker on free loopback ports with the project's broker settings. */
    public static EmbeddedKafka start(Path dataDir) {
        return start(dataDir, Map.of());
    }

    /**
     * Starts a broker on free loopback ports; {@code overrides} are broker properties put over
     * the defaults of {@link #brokerDefaults()} (tests use it for e.g. a fast retention checker).
     * A {@code port} override fixes the broker listener port.
     */
    public static EmbeddedKafka start(Path dataDir, Map<String, String> overrides) {
        Map<String, String> props = new LinkedHashMap<>(overrides);
        String fixedPort = props.remove("port");
        Path dir = dataDir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the Kafka data dir " + dir, e);
        }
        RuntimeException last = null;
        // Free ports are probed and then released: another process may grab one before the
        // broker binds it, so a bind failure is retried with new ports.
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int brokerPort = fixedPort != null ? Integer.parseInt(fixedPort) : freePort();
            int controllerPort = freePort();
            while (controllerPort == brokerPort) {
                controllerPort = freePort();
            }
            try {
                return startOnce(dir, brokerPort, controllerPort, props);
            } catch (RuntimeException e) {
                last = e;
                if (!causedByBind(e)) {
                    throw e;
                }
                LOG.warn("Kafka broker could not bind 127.0.0.1:{} / 127.0.0.1:{} (attempt {}/{})",
                        brokerPort, controllerPort, attempt, START_ATTEMPTS);
            }
        }
        throw new IllegalStateException("the embedded Kafka broker could not bind its ports"
                + (fixedPort != null ? " (is port " + fixedPort + " already in use?)" : ""), last);
    }

    /** The broker's defaults: single node, no time retention, modest threads and memory. */
    public static Map<String, String> brokerDefaults() {
        Map<String, String> p = new LinkedHashMap<>();
        // single node: internal topics with one replica (STACK.md trap 11)
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("share.coordinator.state.topic.num.partitions", "1");
        p.put("transaction.max.timeout.ms", "900000");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        p.put("num.partitions", "2");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        // telemetry carries historical event times: time retention would delete it (trap 5)
        p.put("log.retention.ms", "-1");
        p.put("log.segment.bytes", String.valueOf(16 * 1024 * 1024));
        p.put("log.index.size.max.bytes", String.valueOf(1024 * 1024));
        // 2-core machine shared with Flink: keep the thread pools and buffers small
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("num.replica.fetchers", "1");
        p.put("num.replica.alter.log.dirs.threads", "1");
        p.put("group.coordinator.threads", "1");
        p.put("share.coordinator.threads", "1");
        p.put("log.cleaner.threads", "1");
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(16 * 1024 * 1024));
        p.put("log.cleaner.io.buffer.size", String.valueOf(256 * 1024));
        return p;
    }

    private static EmbeddedKafka startOnce(Path dir, int brokerPort, int controllerPort,
                                           Map<String, String> overrides) {
        Properties props = new Properties();
        props.putAll(brokerDefaults());
        props.put("process.roles", "broker,controller");
        props.put("node.id", String.valueOf(NODE_ID));
        props.put("listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort + ","
                + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
        props.put("advertised.listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort);
        props.put("listener.security.protocol.map",
                BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("inter.broker.listener.name", BROKER_LISTENER);
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        // static voters (kraft.version 0): the voter address is not persisted, so a restart
        // on other ports is fine
        props.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        props.put("log.dirs", dir.toString());
        props.putAll(overrides);

        long t0 = System.nanoTime();
        KafkaConfig config = KafkaConfig.fromProps(props, false);
        formatIfNeeded(config, dir);

        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        String bootstrap = HOST + ":" + brokerPort;
        long deadline = t0 + STARTUP_TIMEOUT.toNanos();
        try {
            startupWithTimeout(server, dir, deadline);
            awaitBroker(bootstrap, deadline);
        } catch (RuntimeException | Error e) {
            shutdownQuietly(server);
            throw e;
        }
        LOG.info("Kafka broker ready at {} (data {}) in {} ms", bootstrap, dir,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        return new EmbeddedKafka(server, dir, bootstrap);
    }

    /** What {@code kafka-storage.sh format -t <random id> -c server.properties} does, unless already formatted. */
    private static void formatIfNeeded(KafkaConfig config, Path dir) {
        if (Files.exists(dir.resolve(MetaPropertiesEnsemble.META_PROPERTIES_NAME))) {
            return;
        }
        Formatter formatter = new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(config.nodeId())
                .setClusterId(Uuid.randomUuid().toString())
                .setUnstableFeatureVersionsEnabled(Boolean.TRUE.equals(config.unstableFeatureVersionsEnabled()))
                .setIgnoreFormatted(true)
                .setControllerListenerName(config.controllerListenerNames().get(0))
                .setMetadataLogDirectory(config.metadataLogDir())
                // static controller.quorum.voters, as the storage tool decides from the config
                .setHasDynamicQuorum(false);
        config.logDirs().forEach(formatter::addDirectory);
        formatter.addDirectory(config.metadataLogDir());
        try {
            formatter.run();
        } catch (Exception e) {
            throw new IllegalStateException("could not format the Kafka data dir " + dir + ": " + e.getMessage(), e);
        }
    }

    // startup() blocks until the broker is unfenced, without a deadline of its own
    private static void startupWithTimeout(KafkaRaftServer server, Path dir, long deadline) {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        Thread starter = new Thread(() -> {
            try {
                server.startup();
            } catch (Throwable t) {
                failure.set(t);
            } finally {
                done.countDown();
            }
        }, "embedded-kafka-startup");
        starter.setDaemon(true);
        starter.start();
        try {
            if (!done.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                throw new IllegalStateException("the embedded Kafka broker (data " + dir + ") did not start within "
                        + STARTUP_TIMEOUT.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the embedded Kafka broker", e);
        }
        Throwable t = failure.get();
        if (t != null) {
            throw new IllegalStateException("the embedded Kafka broker (data " + dir + ") failed to start: " + t, t);
        }
    }

    private static void awaitBroker(String bootstrap, long deadline) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        Exception last = null;
        try (Admin admin = Admin.create(p)) {
            while (System.nanoTime() < deadline) {
                try {
                    Collection<Node> nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(5000))
                            .nodes().get(10, TimeUnit.SECONDS);
                    if (!nodes.isEmpty()) {
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the Kafka broker at " + bootstrap, e);
                } catch (Exception e) {
                    last = e;
                }
                sleep(200);
            }
        }
        throw new IllegalStateException("the embedded Kafka broker at " + bootstrap + " did not answer describeCluster within "
                + STARTUP_TIMEOUT.toSeconds() + " s of starting", last);
    }

    /** "127.0.0.1:PORT" of the PLAINTEXT listener. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Clean shutdown (the broker writes its clean-shutdown marker); waits for it; idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            long t0 = System.nanoTime();
            server.shutdown();
            server.awaitShutdown();
            LOG.info("Kafka broker at {} stopped in {} ms", bootstrapServers,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        }
    }

    // bounded: a broker stuck in startup may not stop promptly, and the caller wants the error
    private static void shutdownQuietly(KafkaRaftServer server) {
        Thread stopper = new Thread(() -> {
            try {
                server.shutdown();
                server.awaitShutdown();
            } catch (Throwable t) {
                LOG.warn("error while stopping a Kafka broker that failed to start", t);
            }
        }, "embedded-kafka-abort");
        stopper.setDaemon(true);
        stopper.start();
        try {
            stopper.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + HOST, e);
        }
    }

    private static boolean causedByBind(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof BindException
                    || (c.getMessage() != null && c.getMessage().contains("Address already in use"))) {
                return true;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Runs the broker as its own process: {@code --dir DIR [--port N]}. Prints
     * {@code bootstrap=127.0.0.1:PORT} once ready and stops cleanly on SIGTERM.
     */
    public static void main(String[] args) throws InterruptedException {
        Path dir = null;
        Integer port = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (("--dir".equals(a) || "--port".equals(a)) && i + 1 >= args.length) {
                usage("missing value for " + a);
            }
            switch (a) {
                case "--dir" -> dir = Path.of(args[++i]);
                case "--port" -> {
                    try {
                        port = Integer.parseInt(args[++i]);
                    } catch (NumberFormatException e) {
                        usage("--port needs a number, got " + args[i]);
                    }
                }
                case "-h", "--help" -> usage(null);
                default -> usage("unknown argument " + a);
            }
        }
        if (dir == null) {
            usage("--dir is required");
        }
        Map<String, String> overrides = port == null ? Map.of() : Map.of("port", String.valueOf(port));
        EmbeddedKafka kafka;
        try {
            kafka = start(dir, overrides);
        } catch (RuntimeException e) {
            System.err.println("error: " + e.getMessage());
            e.printStackTrace(System.err);
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                kafka.close();
            } finally {
                stopped.countDown();
            }
        }, "embedded-kafka-shutdown"));
        System.out.println("bootstrap=" + kafka.bootstrapServers());
        System.out.flush();
        // the shutdown hook does the work; keep the JVM alive until then
        stopped.await();
    }

    private static void usage(String error) {
        PrintStream out = error == null ? System.out : System.err;
        if (error != null) {
            out.println("error: " + error);
        }
        out.println("usage: java " + EmbeddedKafka.class.getName() + " --dir DIR [--port N]");
        System.exit(error == null ? 0 : 2);
    }
}
