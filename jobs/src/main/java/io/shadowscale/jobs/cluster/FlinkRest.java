package io.shadowscale.jobs.cluster;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Flow;
import java.util.function.LongConsumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The parts of Flink's REST API (version 1, Flink 2.1) that the command line and the end-to-end
 * tests use: cluster overview, jobs, JAR upload and run, checkpoint statistics, stop with a
 * savepoint, cancel. Works against any Flink 2.x session cluster whose web submission is enabled
 * ({@code web.submit.enable}).
 *
 * <pre>{@code
 * FlinkRest rest = new FlinkRest("http://127.0.0.1:8081");
 * String jar = rest.uploadJar(Path.of("jobs/target/shadowscale-jobs-0.1.0-SNAPSHOT-job.jar"), n -> { });
 * String jobId = rest.runJar(jar, new FlinkRest.RunRequest(ShadowJob.class.getName(), args, 2, null, false));
 * }</pre>
 *
 * <p>Failures are {@link FlinkRestException}s whose message is one line a user can act on
 * (an unreachable endpoint, Flink's own root cause for a failed run).
 */
public final class FlinkRest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Running a JAR executes the job's main on the JobManager: slow on a loaded machine. */
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final String base;
    private final HttpClient http;

    public FlinkRest(String baseUrl) {
        String b = baseUrl.strip();
        while (b.endsWith("/")) {
            b = b.substring(0, b.length() - 1);
        }
        if (!b.matches("^https?://[^/\\s]+(/.*)?$")) {
            throw new IllegalArgumentException("not a Flink REST address: '" + baseUrl + "' (expected e.g. http://127.0.0.1:8081)");
        }
        this.base = b;
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).version(HttpClient.Version.HTTP_1_1).build();
    }

    public String baseUrl() {
        return base;
    }

    /** What {@code GET /overview} says: TaskManagers, slots, jobs, version. */
    public record Overview(int taskManagers, int slotsTotal, int slotsAvailable, int jobsRunning, String flinkVersion) {
    }

    /** One row of {@code GET /jobs/overview}. */
    public record JobSummary(String id, String name, String state, long startTime) {
        public boolean running() {
            return "RUNNING".equals(state);
        }
    }

    /** Checkpoint statistics of a job ({@code GET /jobs/:id/checkpoints}). */
    public record CheckpointStats(long completed, long failed, long inProgress, long restored,
                                  long latestCompletedId, String latestCompletedPath, long latestRestoredId) {
    }

    /** The body of {@code POST /jars/:id/run}. {@code savepointPath} may be null. */
    public record RunRequest(String entryClass, List<String> programArgs, Integer parallelism, String savepointPath,
                             boolean allowNonRestoredState) {
    }

    public Overview overview() {
        JsonNode n = get("/overview", DEFAULT_TIMEOUT);
        return new Overview(n.path("taskmanagers").asInt(), n.path("slots-total").asInt(), n.path("slots-available").asInt(),
                n.path("jobs-running").asInt(), n.path("flink-version").asText(""));
    }

    /** True when the REST endpoint answers {@code /overview}; never throws. */
    public boolean isUp() {
        try {
            overview();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** A setting of the JobManager's configuration ({@code GET /jobmanager/config}), if set. */
    public Optional<String> clusterSetting(String key) {
        for (JsonNode e : get("/jobmanager/config", DEFAULT_TIMEOUT)) {
            if (key.equals(e.path("key").asText())) {
                return Optional.of(e.path("value").asText());
            }
        }
        return Optional.empty();
    }

    public List<JobSummary> jobs() {
        List<JobSummary> out = new ArrayList<>();
        for (JsonNode j : get("/jobs/overview", DEFAULT_TIMEOUT).path("jobs")) {
            out.add(new JobSummary(j.path("jid").asText(), j.path("name").asText(), j.path("state").asText(), j.path("start-time").asLong()));
        }
        return out;
    }

    /** The job's state (RUNNING, RESTARTING, FINISHED, ...). */
    public String jobState(String jobId) {
        return get("/jobs/" + jobId, DEFAULT_TIMEOUT).path("state").asText();
    }

    /** Whether every task of the job is RUNNING (a job can be RUNNING while its tasks still deploy). */
    public boolean allTasksRunning(String jobId) {
        JsonNode job = get("/jobs/" + jobId, DEFAULT_TIMEOUT);
        if (!"RUNNING".equals(job.path("state").asText())) {
            return false;
        }
        for (JsonNode v : job.path("vertices")) {
            if (!"RUNNING".equals(v.path("status").asText())) {
                return false;
            }
        }
        return true;
    }

    public CheckpointStats checkpoints(String jobId) {
        JsonNode n = get("/jobs/" + jobId + "/checkpoints", DEFAULT_TIMEOUT);
        JsonNode counts = n.path("counts");
        JsonNode completed = n.path("latest").path("completed");
        JsonNode restored = n.path("latest").path("restored");
        return new CheckpointStats(counts.path("completed").asLong(), counts.path("failed").asLong(),
                counts.path("in_progress").asLong(), counts.path("restored").asLong(),
                completed.isMissingNode() || completed.isNull() ? -1 : completed.path("id").asLong(),
                completed.isMissingNode() || completed.isNull() ? null : completed.path("external_path").asText(null),
                restored.isMissingNode() || restored.isNull() ? -1 : restored.path("id").asLong());
    }

    /**
     * Uploads a JAR ({@code POST /jars/upload}, multipart) and returns its id on the cluster.
     *
     * @param progress called with the bytes sent so far
     */
    public String uploadJar(Path jar, LongConsumer progress) {
        String boundary = "----shadowscale-" + UUID.randomUUID();
        String name = jar.getFileName().toString().replace("\"", "");
        byte[] head = ("--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"jarfile\"; filename=\"" + name + "\"\r\n"
                + "Content-Type: application/x-java-archive\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        HttpRequest.BodyPublisher file;
        try {
            file = new CountingPublisher(HttpRequest.BodyPublishers.ofFile(jar), progress);
        } catch (IOException e) {
            throw new FlinkRestException("cannot read the job JAR " + jar + ": " + e.getMessage(), e);
        }
        HttpRequest req = HttpRequest.newBuilder(uri("/jars/upload"))
                .timeout(RUN_TIMEOUT)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(head), file,
                        HttpRequest.BodyPublishers.ofByteArray(tail)))
                .build();
        JsonNode n = send(req, "upload the JAR");
        if (!"success".equals(n.path("status").asText())) {
            throw new FlinkRestException("uploading " + jar + " to " + base + " failed: " + n);
        }
        String path = n.path("filename").asText();
        // the id is the file name of the stored JAR
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** Runs an uploaded JAR ({@code POST /jars/:id/run}) and returns the job id. */
    public String runJar(String jarId, RunRequest run) {
        ObjectNode body = JSON.createObjectNode();
        body.put("entryClass", run.entryClass());
        body.set("programArgsList", JSON.valueToTree(run.programArgs()));
        if (run.parallelism() != null) {
            body.put("parallelism", run.parallelism());
        }
        if (run.savepointPath() != null) {
            body.put("savepointPath", run.savepointPath());
            body.put("allowNonRestoredState", run.allowNonRestoredState());
        }
        JsonNode n = send(post("/jars/" + jarId + "/run", body, RUN_TIMEOUT), "run the job");
        String jobId = n.path("jobid").asText("");
        if (jobId.isEmpty()) {
            throw new FlinkRestException("Flink at " + base + " did not return a job id: " + n);
        }
        return jobId;
    }

    /** Deletes an uploaded JAR; the job keeps its own copy in the blob store. */
    public void deleteJar(String jarId) {
        send(HttpRequest.newBuilder(uri("/jars/" + jarId)).timeout(DEFAULT_TIMEOUT).DELETE().build(), "delete the uploaded JAR");
    }

    /**
     * Stops the job with a savepoint ({@code POST /jobs/:id/stop}) and returns the trigger id to
     * poll with {@link #savepointLocation}. {@code targetDirectory} may be null (the cluster's
     * {@code execution.checkpointing.savepoint-dir}).
     */
    public String stopWithSavepoint(String jobId, String targetDirectory) {
        ObjectNode body = JSON.createObjectNode();
        body.put("drain", false);
        if (targetDirectory != null) {
            body.put("targetDirectory", targetDirectory);
        }
        return send(post("/jobs/" + jobId + "/stop", body, DEFAULT_TIMEOUT), "stop the job with a savepoint")
                .path("request-id").asText();
    }

    /**
     * The savepoint's location once the stop has finished, empty while it is in progress.
     *
     * @throws FlinkRestException when the savepoint failed
     */
    public Optional<String> savepointLocation(String jobId, String triggerId) {
        JsonNode n = get("/jobs/" + jobId + "/savepoints/" + triggerId, DEFAULT_TIMEOUT);
        if (!"COMPLETED".equals(n.path("status").path("id").asText())) {
            return Optional.empty();
        }
        JsonNode op = n.path("operation");
        if (op.has("failure-cause")) {
            throw new FlinkRestException("the savepoint of job " + jobId + " failed: "
                    + op.path("failure-cause").path("stack-trace").asText("").lines().findFirst().orElse("unknown cause"));
        }
        return Optional.of(op.path("location").asText());
    }

    /** Stops the job with a savepoint and waits for it; returns the savepoint's location. */
    public String stopWithSavepointAndWait(String jobId, String targetDirectory, Duration timeout) {
        String trigger = stopWithSavepoint(jobId, targetDirectory);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<String> location = savepointLocation(jobId, trigger);
            if (location.isPresent()) {
                return location.get();
            }
            sleep(500);
        }
        throw new FlinkRestException("the savepoint of job " + jobId + " did not complete within " + timeout.toSeconds() + " s");
    }

    /** Cancels the job ({@code PATCH /jobs/:id?mode=cancel}). */
    public void cancel(String jobId) {
        send(HttpRequest.newBuilder(uri("/jobs/" + jobId + "?mode=cancel")).timeout(DEFAULT_TIMEOUT)
                .method("PATCH", HttpRequest.BodyPublishers.noBody()).build(), "cancel the job");
    }

    /** The web UI page of a job. */
    public String jobUrl(String jobId) {
        return base + "/#/job/running/" + jobId + "/overview";
    }

    // ---- plumbing

    private URI uri(String path) {
        return URI.create(base + path);
    }

    private JsonNode get(String path, Duration timeout) {
        return send(HttpRequest.newBuilder(uri(path)).timeout(timeout).GET().build(), "read " + path);
    }

    private HttpRequest post(String path, JsonNode body, Duration timeout) {
        return HttpRequest.newBuilder(uri(path)).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
    }

    private JsonNode send(HttpRequest req, String what) {
        HttpResponse<String> resp;
        try {
            resp = http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new FlinkRestException("no Flink REST endpoint answers at " + base
                    + " — is the cluster running? (`bin/shadowscale cluster start`, or pass --rest URL)", e);
        } catch (HttpTimeoutException e) {
            throw new FlinkRestException("Flink at " + base + " did not answer in time to " + what, e);
        } catch (IOException e) {
            throw new FlinkRestException("cannot " + what + " at " + base + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FlinkRestException("interrupted while trying to " + what, e);
        }
        JsonNode body;
        try {
            body = resp.body() == null || resp.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(resp.body());
        } catch (IOException e) {
            throw new FlinkRestException("Flink at " + base + " answered " + resp.statusCode() + " to " + req.uri().getPath()
                    + " with something that is not JSON — is it a Flink REST endpoint?", e);
        }
        if (resp.statusCode() >= 300) {
            throw new FlinkRestException("could not " + what + " (Flink at " + base + " answered " + resp.statusCode() + "): "
                    + rootCause(body), resp.statusCode());
        }
        return body;
    }

    /**
     * The most specific line of Flink's {@code errors}: the last "Caused by:" of the stack trace,
     * which for a failed {@code run} is the job's own exception (e.g. a missing option).
     */
    static String rootCause(JsonNode body) {
        String cause = null;
        String first = null;
        for (JsonNode e : body.path("errors")) {
            for (String line : e.asText().split("\n")) {
                String l = line.strip();
                if (first == null && !l.isEmpty()) {
                    first = l;
                }
                if (l.startsWith("Caused by: ")) {
                    cause = l.substring("Caused by: ".length());
                }
            }
        }
        String msg = cause != null ? cause : first != null ? first : body.toString();
        // "java.lang.IllegalArgumentException: missing --bootstrap: ..." -> keep the message
        int colon = msg.indexOf(": ");
        if (colon > 0 && msg.substring(0, colon).matches("[\\w.$]+(Exception|Error)")) {
            msg = msg.substring(colon + 2);
        }
        return msg;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FlinkRestException("interrupted", e);
        }
    }

    /** Counts the bytes a body publisher hands to the HTTP client (upload progress). */
    private static final class CountingPublisher implements HttpRequest.BodyPublisher {
        private final HttpRequest.BodyPublisher delegate;
        private final LongConsumer progress;

        CountingPublisher(HttpRequest.BodyPublisher delegate, LongConsumer progress) {
            this.delegate = delegate;
            this.progress = progress;
        }

        @Override
        public long contentLength() {
            return delegate.contentLength();
        }

        @Override
        public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
            delegate.subscribe(new Flow.Subscriber<ByteBuffer>() {
                private long sent;

                @Override
                public void onSubscribe(Flow.Subscription subscription) {
                    subscriber.onSubscribe(subscription);
                }

                @Override
                public void onNext(ByteBuffer item) {
                    sent += item.remaining();
                    progress.accept(sent);
                    subscriber.onNext(item);
                }

                @Override
                public void onError(Throwable throwable) {
                    subscriber.onError(throwable);
                }

                @Override
                public void onComplete() {
                    subscriber.onComplete();
                }
            });
        }
    }

    /** Size of a file for messages, e.g. "118 MB". */
    static String megabytes(Path p) {
        try {
            return (Files.size(p) + 512 * 1024) / (1024 * 1024) + " MB";
        } catch (IOException e) {
            return "? MB";
        }
    }
}
