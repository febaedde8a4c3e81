package io.shadowscale.jobs.cluster;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;

/**
 * A standalone Flink session cluster and a Kafka broker on this machine, each its own process,
 * started from Maven-resolved jars (STACK.md trap 7): the JobManager is
 * {@code StandaloneSessionClusterEntrypoint}, each TaskManager a {@code TaskManagerRunner}, both
 * with {@code --configDir flink-conf} and the memory parameters Flink's own scripts compute
 * ({@code BashJavaUtils GET_JM_RESOURCE_PARAMS / GET_TM_RESOURCE_PARAMS}); the broker is
 * {@code EmbeddedKafka}'s main (a real KRaft broker).
 *
 * <p>Everything lives in one folder ({@code --dir}, default {@code .shadowscale/cluster}):
 * <pre>
 *   cluster.properties   ports and process ids
 *   log/                 jobmanager.log, taskmanager-N.log, kafka.log (+ .out: stdout/stderr)
 *   checkpoints/ savepoints/ tmp/ upload/ kafka/ warehouse/
 * </pre>
 * The process ids are recorded, and a process is only ever signalled when its command line
 * carries this folder's marker ({@code -Dshadowscale.cluster.dir=...}): {@link #stop()} ends
 * exactly the processes this folder started, even after a reboot reused their ids.
 *
 * <p>{@link #start()} starts what is not running: after a TaskManager died it starts a new one,
 * after the JobManager was stopped a new JobManager (the TaskManagers reconnect to it).
 */
public final class LocalCluster {

    public static final String HOST = "127.0.0.1";
    static final String STATE_FILE = "cluster.properties";
    static final String MARKER_PROPERTY = "shadowscale.cluster.dir";
    private static final String BASH_JAVA_UTILS = "org.apache.flink.runtime.util.bash.BashJavaUtils";
    private static final String BASH_JAVA_UTILS_PREFIX = "BASH_JAVA_UTILS_EXEC_RESULT:";
    private static final String PROMETHEUS_FACTORY = "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";

    /** The processes of a cluster. */
    public enum Role {
        KAFKA("Kafka broker"), JOBMANAGER("JobManager"), TASKMANAGER("TaskManager");

        final String title;

        Role(String title) {
            this.title = title;
        }

        public String title() {
            return title;
        }
    }

    /** How to start the cluster; defaults fit the project's checkout. */
    public static final class Options {
        /** The cluster's folder. */
        public Path dir;
        /** Flink configuration folder with config.yaml and log4j.properties. */
        public Path flinkConf;
        /** File holding the JobManager/TaskManager classpath (cluster/target/cluster-classpath.txt). */
        public Path clusterClasspathFile;
        /** Classpath of the broker process (EmbeddedKafka and Kafka's server jars). */
        public String brokerClasspath = System.getProperty("java.class.path");
        /** log4j2 configuration of the broker process. */
        public Path brokerLog4j;
        public int restPort = 8081;
        public int rpcPort = 6123;
        public int kafkaPort = 9092;
        public int taskManagers = 1;
        /** More Flink settings for JobManager and TaskManagers ({@code -D key=value}), e.g. in tests. */
        public Map<String, String> flinkOverrides = new LinkedHashMap<>();
        public String brokerHeap = "1g";
        public Duration startTimeout = Duration.ofMinutes(3);
        /** Where progress lines go. */
        public PrintStream out = System.out;

        /** The project's layout under {@code home} (the checkout). */
        public static Options forProject(Path home) {
            Options o = new Options();
            o.dir = home.resolve(".shadowscale").resolve("cluster");
            o.flinkConf = home.resolve("flink-conf");
            o.clusterClasspathFile = home.resolve("jobs").resolve("cluster").resolve("target").resolve("cluster-classpath.txt");
            o.brokerLog4j = home.resolve("flink-conf").resolve("log4j-cli.properties");
            return o;
        }
    }

    /** A recorded process and whether it is still running. */
    public record Proc(Role role, int index, long pid, boolean alive) {
        public String describe() {
            return role.title + (role == Role.TASKMANAGER ? " " + index : "") + " (pid " + pid + ")";
        }
    }

    /** What {@link #status()} finds. */
    public record Status(Path dir, String restUrl, String bootstrap, List<Proc> processes) {
        public boolean anyAlive() {
            return processes.stream().anyMatch(Proc::alive);
        }

        public Optional<Proc> alive(Role role) {
            return processes.stream().filter(p -> p.role == role && p.alive).findFirst();
        }

        public List<Proc> aliveTaskManagers() {
            return processes.stream().filter(p -> p.role == Role.TASKMANAGER && p.alive).collect(Collectors.toList());
        }
    }

    private final Options o;
    private final Path dir;

    public LocalCluster(Options options) {
        this.o = options;
        this.dir = options.dir.toAbsolutePath().normalize();
    }

    public Path dir() {
        return dir;
    }

    public Path logDir() {
        return dir.resolve("log");
    }

    /** The default warehouse of jobs submitted to this cluster. */
    public Path warehouse() {
        return dir.resolve("warehouse");
    }

    public Path savepointDir() {
        return dir.resolve("savepoints");
    }

    // ------------------------------------------------------------------ status

    public Status status() {
        Properties state = readState();
        int restPort = intProp(state, "rest.port", o.restPort);
        int kafkaPort = intProp(state, "kafka.port", o.kafkaPort);
        List<Proc> procs = new ArrayList<>();
        for (String key : new TreeMap<>(state).keySet().stream().map(Object::toString).collect(Collectors.toList())) {
            if (!key.startsWith("pid.")) {
                continue;
            }
            long pid = Long.parseLong(state.getProperty(key));
            String[] parts = key.split("\\.");
            Role role = Role.valueOf(parts[1].toUpperCase(Locale.ROOT));
            int index = parts.length > 2 ? Integer.parseInt(parts[2]) : 0;
            procs.add(new Proc(role, index, pid, owned(pid)));
        }
        procs.sort((a, b) -> a.role != b.role ? a.role.compareTo(b.role) : Integer.compare(a.index, b.index));
        return new Status(dir, "http://" + HOST + ":" + restPort, HOST + ":" + kafkaPort, procs);
    }

    public FlinkRest rest() {
        return new FlinkRest(status().restUrl());
    }

    // ------------------------------------------------------------------ start

    /**
     * Starts the broker, the JobManager and {@link Options#taskManagers} TaskManagers, skipping
     * those already running, and waits until the broker answers, the REST endpoint is up and the
     * TaskManagers have registered. When a start fails, the processes this call started are
     * stopped again and the error names the log to read.
     *
     * @return the processes started by this call
     */
    public List<Proc> start() {
        try {
            Files.createDirectories(logDir());
            for (String d : List.of("checkpoints", "savepoints", "tmp", "upload", "kafka", "warehouse")) {
                Files.createDirectories(dir.resolve(d));
            }
        } catch (IOException e) {
            throw new ClusterException("cannot create the cluster folder " + dir + ": " + e.getMessage(), e);
        }
        Status before = status();
        Properties state = readState();
        // a cluster that is partly running keeps its ports: the TaskManagers and submitted jobs know them
        boolean keepPorts = before.anyAlive();
        int restPort = keepPorts ? intProp(state, "rest.port", o.restPort) : o.restPort;
        int rpcPort = keepPorts ? intProp(state, "rpc.port", o.rpcPort) : o.rpcPort;
        int kafkaPort = keepPorts ? intProp(state, "kafka.port", o.kafkaPort) : o.kafkaPort;
        if (!keepPorts) {
            state.clear();
        }
        state.setProperty("rest.port", String.valueOf(restPort));
        state.setProperty("rpc.port", String.valueOf(rpcPort));
        state.setProperty("kafka.port", String.valueOf(kafkaPort));
        // forget the processes that are gone
        for (Proc p : before.processes()) {
            if (!p.alive()) {
                state.remove(key(p.role(), p.index()));
            }
        }
        writeState(state);

        List<Proc> started = new ArrayList<>();
        try {
            if (before.alive(Role.KAFKA).isEmpty()) {
                requireFreePort(kafkaPort, "the Kafka broker", "--kafka-port");
                started.add(startKafka(kafkaPort, state));
            }
            if (before.alive(Role.JOBMANAGER).isEmpty()) {
                requireFreePort(restPort, "the Flink REST endpoint", "--rest-port");
                requireFreePort(rpcPort, "the JobManager's RPC", "--rpc-port");
                started.add(startJobManager(restPort, rpcPort, state));
            }
            int missing = o.taskManagers - before.aliveTaskManagers().size();
            for (int i = 0; i < missing; i++) {
                started.add(startTaskManager(state));
            }
            awaitTaskManagers(Math.max(o.taskManagers, before.aliveTaskManagers().size()));
            return started;
        } catch (RuntimeException e) {
            for (int i = started.size() - 1; i >= 0; i--) {
                terminate(started.get(i), Duration.ofSeconds(20));
                state.remove(key(started.get(i).role(), started.get(i).index()));
            }
            writeState(state);
            throw e;
        }
    }

    /** Starts one more TaskManager and waits until it has registered. */
    public Proc addTaskManager() {
        int registered = rest().overview().taskManagers();
        Properties state = readState();
        Proc p = startTaskManager(state);
        awaitTaskManagers(registered + 1);
        return p;
    }

    private Proc startKafka(int port, Properties state) {
        o.out.printf(Locale.ROOT, "Starting the Kafka broker (KRaft) on %s:%d ...%n", HOST, port);
        Path out = logDir().resolve("kafka.out");
        truncate(out);
        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        cmd.add("-Xmx" + o.brokerHeap);
        cmd.add("-Xms256m");
        cmd.add(marker());
        cmd.add("-Dshadowscale.cluster.role=kafka");
        if (o.brokerLog4j != null) {
            cmd.add("-Dlog4j.configurationFile=" + o.brokerLog4j.toAbsolutePath().toUri());
        }
        cmd.add("-Dshadowscale.log.file=" + logDir().resolve("kafka.log"));
        cmd.add("-cp");
        cmd.add(o.brokerClasspath);
        cmd.add("io.shadowscale.jobs.embedded.EmbeddedKafka");
        cmd.add("--dir");
        cmd.add(dir.resolve("kafka").toString());
        cmd.add("--port");
        cmd.add(String.valueOf(port));
        long pid = launch(cmd, out);
        Proc p = record(state, Role.KAFKA, 0, pid);
        long deadline = System.nanoTime() + o.startTimeout.toNanos();
        while (true) {
            if (read(out).contains("bootstrap=")) {
                break;
            }
            if (!owned(pid)) {
                throw died(p, out, logDir().resolve("kafka.log"));
            }
            if (System.nanoTime() > deadline) {
                throw new ClusterException("the Kafka broker did not start within " + o.startTimeout.toSeconds() + " s; see " + out);
            }
            sleep(250);
        }
        o.out.printf(Locale.ROOT, "  broker ready at %s:%d (pid %d)%n", HOST, port, pid);
        return p;
    }

    private Proc startJobManager(int restPort, int rpcPort, Properties state) {
        o.out.printf(Locale.ROOT, "Starting the Flink JobManager (REST on http://%s:%d) ...%n", HOST, restPort);
        Map<String, String> dyn = flinkDynamicProperties(restPort, rpcPort);
        List<String> memory = bashJavaUtils("GET_JM_RESOURCE_PARAMS", dyn);
        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        cmd.addAll(split(memory.get(0)));
        cmd.addAll(javaOptions("jobmanager", dyn));
        cmd.addAll(logOptions("jobmanager"));
        cmd.add(marker());
        cmd.add("-Dshadowscale.cluster.role=jobmanager");
        cmd.add("-cp");
        cmd.add(clusterClasspath());
        cmd.add("org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint");
        cmd.add("--configDir");
        cmd.add(o.flinkConf.toAbsolutePath().toString());
        cmd.addAll(dynamicArgs(dyn));
        if (memory.size() > 1) {
            cmd.addAll(split(memory.get(1)));
        }
        Path out = logDir().resolve("jobmanager.out");
        truncate(out);
        long pid = launch(cmd, out);
        Proc p = record(state, Role.JOBMANAGER, 0, pid);
        FlinkRest rest = new FlinkRest("http://" + HOST + ":" + restPort);
        long deadline = System.nanoTime() + o.startTimeout.toNanos();
        while (!rest.isUp()) {
            if (!owned(pid)) {
                throw died(p, out, logDir().resolve("jobmanager.log"));
            }
            if (System.nanoTime() > deadline) {
                throw new ClusterException("the JobManager's REST endpoint did not come up within " + o.startTimeout.toSeconds()
                        + " s; see " + logDir().resolve("jobmanager.log"));
            }
            sleep(500);
        }
        o.out.printf(Locale.ROOT, "  JobManager up, web UI at http://%s:%d (pid %d)%n", HOST, restPort, pid);
        return p;
    }

    private Proc startTaskManager(Properties state) {
        int restPort = intProp(state, "rest.port", o.restPort);
        int rpcPort = intProp(state, "rpc.port", o.rpcPort);
        int index = intProp(state, "taskmanager.seq", 0) + 1;
        state.setProperty("taskmanager.seq", String.valueOf(index));
        writeState(state);
        o.out.printf(Locale.ROOT, "Starting Flink TaskManager %d ...%n", index);
        Map<String, String> dyn = flinkDynamicProperties(restPort, rpcPort);
        List<String> memory = bashJavaUtils("GET_TM_RESOURCE_PARAMS", dyn);
        if (memory.size() < 2) {
            throw new ClusterException("BashJavaUtils GET_TM_RESOURCE_PARAMS returned " + memory + "; expected JVM parameters and dynamic properties");
        }
        String name = "taskmanager-" + index;
        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        cmd.addAll(split(memory.get(0)));
        cmd.addAll(javaOptions("taskmanager", dyn));
        cmd.addAll(logOptions(name));
        cmd.add(marker());
        cmd.add("-Dshadowscale.cluster.role=taskmanager");
        cmd.add("-cp");
        cmd.add(clusterClasspath());
        cmd.add("org.apache.flink.runtime.taskexecutor.TaskManagerRunner");
        cmd.add("--configDir");
        cmd.add(o.flinkConf.toAbsolutePath().toString());
        cmd.addAll(dynamicArgs(dyn));
        // the memory sizes the script utility derived, as dynamic properties (what taskmanager.sh passes)
        cmd.addAll(split(memory.get(1)));
        Path out = logDir().resolve(name + ".out");
        truncate(out);
        long pid = launch(cmd, out);
        Proc p = record(state, Role.TASKMANAGER, index, pid);
        o.out.printf(Locale.ROOT, "  TaskManager %d started (pid %d)%n", index, pid);
        return p;
    }

    /** Waits until at least {@code n} TaskManagers are registered with the JobManager. */
    public void awaitTaskManagers(int n) {
        FlinkRest rest = rest();
        long deadline = System.nanoTime() + o.startTimeout.toNanos();
        while (true) {
            int registered = 0;
            try {
                registered = rest.overview().taskManagers();
            } catch (FlinkRestException e) {
                // JobManager still starting
            }
            if (registered >= n) {
                return;
            }
            for (Proc p : status().processes()) {
                if (p.role() == Role.JOBMANAGER && !p.alive()) {
                    throw died(p, logDir().resolve("jobmanager.out"), logDir().resolve("jobmanager.log"));
                }
            }
            if (System.nanoTime() > deadline) {
                throw new ClusterException(registered + " of " + n + " TaskManagers registered within " + o.startTimeout.toSeconds()
                        + " s; see the taskmanager-*.log files in " + logDir());
            }
            sleep(500);
        }
    }

    /**
     * Settings that depend on this machine and run: loopback addresses, ports and the cluster
     * folder, passed as dynamic properties so that config.yaml stays the one for every set-up.
     */
    Map<String, String> flinkDynamicProperties(int restPort, int rpcPort) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("jobmanager.rpc.address", HOST);
        d.put("jobmanager.rpc.port", String.valueOf(rpcPort));
        d.put("jobmanager.bind-host", HOST);
        d.put("taskmanager.host", HOST);
        d.put("taskmanager.bind-host", HOST);
        d.put("rest.address", HOST);
        d.put("rest.bind-address", HOST);
        d.put("rest.port", String.valueOf(restPort));
        d.put("execution.checkpointing.dir", dir.resolve("checkpoints").toUri().toString());
        d.put("execution.checkpointing.savepoint-dir", dir.resolve("savepoints").toUri().toString());
        d.put("io.tmp.dirs", dir.resolve("tmp").toString());
        d.put("web.upload.dir", dir.resolve("upload").toString());
        if (!prometheusAvailable()) {
            // config.yaml names the Prometheus reporter, whose jar this classpath lacks: run without
            // reporters instead of logging a failed reporter at every start
            d.put("metrics.reporters", "none");
        }
        d.putAll(o.flinkOverrides);
        return d;
    }

    /** Whether flink-metrics-prometheus is on the cluster classpath. */
    public boolean prometheusAvailable() {
        return Arrays.stream(clusterClasspath().split(File.pathSeparator)).anyMatch(j -> j.contains("flink-metrics-prometheus"));
    }

    /** Runs Flink's BashJavaUtils like the start scripts do and returns its result lines. */
    private List<String> bashJavaUtils(String command, Map<String, String> dyn) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        cmd.add("-Xmx128m");
        cmd.add("-Dlog4j2.level=WARN");
        cmd.add("-cp");
        cmd.add(clusterClasspath());
        cmd.add(BASH_JAVA_UTILS);
        cmd.add(command);
        cmd.add("--configDir");
        cmd.add(o.flinkConf.toAbsolutePath().toString());
        cmd.addAll(dynamicArgs(dyn));
        String output;
        int exit;
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(devNull())).start();
            try (InputStream in = p.getInputStream()) {
                output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new ClusterException("BashJavaUtils " + command + " did not finish within 2 minutes");
            }
            exit = p.exitValue();
        } catch (IOException e) {
            throw new ClusterException("cannot run java (" + java() + "): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted", e);
        }
        List<String> result = output.lines().filter(l -> l.startsWith(BASH_JAVA_UTILS_PREFIX))
                .map(l -> l.substring(BASH_JAVA_UTILS_PREFIX.length()).strip()).collect(Collectors.toList());
        if (exit != 0 || result.isEmpty()) {
            String why = output.lines().filter(l -> l.contains("Exception") || l.contains("Error")).findFirst().orElse(output.strip());
            throw new ClusterException("Flink could not derive the " + (command.contains("TM") ? "TaskManager" : "JobManager")
                    + " memory settings from " + o.flinkConf.resolve("config.yaml") + ": " + why);
        }
        return result;
    }

    /** env.java.default-opts.* and env.java.opts.* of config.yaml, as flink-dist's config.sh reads them. */
    private List<String> javaOptions(String process, Map<String, String> dyn) {
        Configuration conf = GlobalConfiguration.loadConfiguration(o.flinkConf.toAbsolutePath().toString(), Configuration.fromMap(dyn));
        List<String> opts = new ArrayList<>();
        for (String key : List.of("env.java.default-opts.all", "env.java.default-opts." + process, "env.java.opts.all", "env.java.opts." + process)) {
            opts.addAll(split(conf.get(ConfigOptions.key(key).stringType().defaultValue(""))));
        }
        return opts;
    }

    private List<String> logOptions(String name) {
        Path log4j = o.flinkConf.resolve("log4j.properties").toAbsolutePath();
        return List.of("-Dlog.file=" + logDir().resolve(name + ".log"),
                "-Dlog4j.configuration=" + log4j.toUri(),
                "-Dlog4j.configurationFile=" + log4j.toUri());
    }

    private static List<String> dynamicArgs(Map<String, String> dyn) {
        List<String> args = new ArrayList<>();
        dyn.forEach((k, v) -> {
            args.add("-D");
            args.add(k + "=" + v);
        });
        return args;
    }

    private String clusterClasspath() {
        Path f = o.clusterClasspathFile;
        if (f == null || !Files.isRegularFile(f)) {
            throw new ClusterException("no cluster classpath at " + f + " — build the project first (`mvn -B package -DskipTests`)");
        }
        try {
            return Files.readString(f).strip();
        } catch (IOException e) {
            throw new ClusterException("cannot read " + f + ": " + e.getMessage(), e);
        }
    }

    private long launch(List<String> cmd, Path out) {
        List<String> full = new ArrayList<>();
        // a session of its own: Ctrl-C in the terminal that ran `cluster start` must not reach the
        // cluster. setsid execs the command (its child is not a group leader), so the pid is java's.
        Path setsid = Path.of("/usr/bin/setsid");
        if (Files.isExecutable(setsid)) {
            full.add(setsid.toString());
        }
        full.addAll(cmd);
        try {
            Process p = new ProcessBuilder(full)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(devNull()))
                    .start();
            return p.pid();
        } catch (IOException e) {
            throw new ClusterException("cannot start " + cmd.get(0) + ": " + e.getMessage(), e);
        }
    }

    private Proc record(Properties state, Role role, int index, long pid) {
        state.setProperty(key(role, index), String.valueOf(pid));
        writeState(state);
        return new Proc(role, index, pid, true);
    }

    private ClusterException died(Proc p, Path out, Path log) {
        String tail = lastLines(out, 5);
        String errors = read(log).lines().filter(l -> l.contains(" ERROR ")).reduce((a, b) -> b).orElse("");
        return new ClusterException(p.describe() + " exited while starting"
                + (errors.isEmpty() ? "" : ": " + errors.strip())
                + (tail.isEmpty() ? "" : " | last output: " + tail.replace('\n', ' '))
                + " (see " + log + ")");
    }

    // ------------------------------------------------------------------ stop

    /**
     * Stops every recorded process that is still running — TaskManagers, JobManager, broker —
     * with SIGTERM, then SIGKILL after 30 s, and forgets them.
     *
     * @return the processes that were stopped
     */
    public List<Proc> stop() {
        Status s = status();
        List<Proc> stopped = new ArrayList<>();
        for (Role role : List.of(Role.TASKMANAGER, Role.JOBMANAGER, Role.KAFKA)) {
            for (Proc p : s.processes()) {
                if (p.role() == role && p.alive()) {
                    terminate(p, Duration.ofSeconds(30));
                    stopped.add(p);
                }
            }
        }
        try {
            Files.deleteIfExists(dir.resolve(STATE_FILE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return stopped;
    }

    /** Stops one recorded process (SIGTERM, then SIGKILL after {@code grace}) and forgets it. */
    public void stop(Proc p, Duration grace) {
        terminate(p, grace);
        Properties state = readState();
        state.remove(key(p.role(), p.index()));
        writeState(state);
    }

    /** {@code kill -9}: the process gets no chance to clean up. Only for processes of this cluster. */
    public void kill(Proc p) {
        if (!owned(p.pid())) {
            return;
        }
        ProcessHandle.of(p.pid()).ifPresent(h -> {
            h.destroyForcibly(); // SIGKILL on Linux
            h.onExit().orTimeout(30, TimeUnit.SECONDS).exceptionally(t -> null).join();
        });
    }

    private void terminate(Proc p, Duration grace) {
        if (!owned(p.pid())) {
            return;
        }
        Optional<ProcessHandle> h = ProcessHandle.of(p.pid());
        if (h.isEmpty()) {
            return;
        }
        h.get().destroy(); // SIGTERM: Flink and the broker shut down cleanly
        try {
            h.get().onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception timeoutOrInterrupt) {
            h.get().destroyForcibly();
            h.get().onExit().orTimeout(30, TimeUnit.SECONDS).exceptionally(t -> null).join();
        }
    }

    /**
     * Whether {@code pid} runs and is one of this folder's processes: its command line carries
     * the folder's marker. A recycled pid of some other program never matches.
     */
    boolean owned(long pid) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty() || !h.get().isAlive()) {
            return false;
        }
        String cmdline = read(Path.of("/proc", String.valueOf(pid), "cmdline")).replace('\0', ' ');
        if (cmdline.isEmpty()) {
            cmdline = h.get().info().commandLine().orElse("");
        }
        return cmdline.contains(marker() + " ");
    }

    private String marker() {
        return "-D" + MARKER_PROPERTY + "=" + dir;
    }

    // ------------------------------------------------------------------ state and helpers

    private static String key(Role role, int index) {
        return "pid." + role.name().toLowerCase(Locale.ROOT) + (role == Role.TASKMANAGER ? "." + index : "");
    }

    Properties readState() {
        Properties p = new Properties();
        Path f = dir.resolve(STATE_FILE);
        if (Files.isRegularFile(f)) {
            try (InputStream in = Files.newInputStream(f)) {
                p.load(in);
            } catch (IOException e) {
                throw new ClusterException("cannot read " + f + ": " + e.getMessage(), e);
            }
        }
        return p;
    }

    private void writeState(Properties p) {
        Path f = dir.resolve(STATE_FILE);
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve(STATE_FILE + ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                p.store(out, "shadowscale local cluster: ports and process ids (bin/shadowscale cluster status|stop)");
            }
            Files.move(tmp, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new ClusterException("cannot write " + f + ": " + e.getMessage(), e);
        }
    }

    private static int intProp(Properties p, String key, int dflt) {
        String v = p.getProperty(key);
        return v == null ? dflt : Integer.parseInt(v.strip());
    }

    private static void requireFreePort(int port, String what, String option) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName(HOST))) {
            s.setReuseAddress(true);
        } catch (IOException e) {
            throw new ClusterException("port " + port + " for " + what + " is in use on " + HOST + " — stop what uses it or pass " + option + " N");
        }
    }

    /** A free port on the loopback address (tests). */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static File devNull() {
        return new File("/dev/null");
    }

    static List<String> split(String s) {
        String t = s == null ? "" : s.strip();
        return t.isEmpty() ? List.of() : Arrays.asList(t.split("\\s+"));
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? new String(Files.readAllBytes(p), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static String lastLines(Path p, int n) {
        List<String> lines = read(p).lines().filter(l -> !l.isBlank()).collect(Collectors.toList());
        return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size())).strip();
    }

    private static void truncate(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // appended to instead
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterException("interrupted", e);
        }
    }
}
