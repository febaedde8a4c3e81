package io.shadowscale.udf.logic.forecast;

import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * A quantile forecaster exported to ONNX, scored with ONNX Runtime: input {@code features}
 * [batch, width] (the width read from the model, checked against {@link ModelFeatures#SIZE}),
 * output {@code quantiles} [batch, horizon, 3]. One {@link OrtEnvironment} per JVM (ONNX
 * Runtime's own singleton); one session per instance. The model's sha256 must match its card, so
 * a swapped or corrupted file is refused. No Flink types: the job's scorer, backtests and tests
 * share it.
 */
public final class OnnxQuantileModel implements AutoCloseable {

    private static final Pattern FIELD = Pattern.compile("\"(sha256|model_id|model_version|feature_spec_version)\"\\s*:\\s*\"([^\"]*)\"");

    private final String id;
    private final String version;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final String input;
    private final int width;

    private OnnxQuantileModel(String id, String version, byte[] model, int intraOpThreads, int interOpThreads) throws OrtException {
        this.id = id;
        this.version = version;
        this.env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setIntraOpNumThreads(intraOpThreads);
        o.setInterOpNumThreads(interOpThreads);
        o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        this.session = env.createSession(model, o);
        this.input = session.getInputNames().iterator().next();
        // the row width comes from the model itself; it must be what this build's feature builder writes
        long[] shape = ((ai.onnxruntime.TensorInfo) session.getInputInfo().get(input).getInfo()).getShape();
        this.width = shape.length == 2 ? (int) shape[1] : -1;
        if (width != ModelFeatures.SIZE) {
            session.close();
            throw new IllegalArgumentException("model input " + input + " has shape " + java.util.Arrays.toString(shape)
                    + ", feature spec v" + ModelFeatures.SPEC_VERSION + " writes rows of " + ModelFeatures.SIZE);
        }
    }

    /**
     * Loads a model and checks it against its card.
     *
     * @throws IllegalArgumentException when the sha256 differs, the feature spec is not ours, or
     *     ONNX Runtime refuses the model — with the reason
     */
    public static OnnxQuantileModel load(byte[] model, String cardJson, int intraOpThreads) {
        return load(model, cardJson, intraOpThreads, 1);
    }

    /** As {@link #load(byte[], String, int)} with ONNX Runtime's inter-op thread count as well. */
    public static OnnxQuantileModel load(byte[] model, String cardJson, int intraOpThreads, int interOpThreads) {
        Map<String, String> card = card(cardJson);
        String sha = sha256(model);
        if (!sha.equals(card.get("sha256"))) {
            throw new IllegalArgumentException("model sha256 " + sha + " does not match its card (" + card.get("sha256") + ")");
        }
        if (!ModelFeatures.SPEC_VERSION.equals(card.get("feature_spec_version"))) {
            throw new IllegalArgumentException("model expects feature spec v" + card.get("feature_spec_version")
                    + ", this build computes v" + ModelFeatures.SPEC_VERSION);
        }
        try {
            return new OnnxQuantileModel(card.getOrDefault("model_id", "unknown"), card.getOrDefault("model_version", "0"), model, intraOpThreads, interOpThreads);
        } catch (OrtException e) {
            throw new IllegalArgumentException("ONNX Runtime cannot load the model: " + e.getMessage(), e);
        }
    }

    /** {@code dir/<name>.onnx} with {@code dir/<name>.card.json}. */
    public static OnnxQuantileModel load(Path dir, String name, int intraOpThreads) throws IOException {
        return load(Files.readAllBytes(dir.resolve(name + ".onnx")),
                Files.readString(dir.resolve(name + ".card.json")), intraOpThreads);
    }

    /** A model bundled on the classpath under {@code models/}. */
    public static OnnxQuantileModel bundled(String name, int intraOpThreads) {
        try {
            return load(resource("models/" + name + ".onnx"),
                    new String(resource("models/" + name + ".card.json"), StandardCharsets.UTF_8), intraOpThreads);
        } catch (IOException e) {
            throw new IllegalArgumentException("no bundled model " + name + ": " + e.getMessage(), e);
        }
    }

    /** The ONNX Runtime session and its input name, for measuring raw {@code run} against the scorer. */
    public OrtSession session() {
        return session;
    }

    public String inputName() {
        return input;
    }

    public String id() {
        return id;
    }

    public String version() {
        return version;
    }

    /** Features per input row, read from the model (equal to {@link ModelFeatures#SIZE}, checked at load). */
    public int width() {
        return width;
    }

    /**
     * One caller's buffers, reused from run to run (not thread-safe: one per batch). The rows go
     * to ONNX Runtime from a direct buffer in native order, which it reads in place (from a heap
     * array it allocates and fills a direct buffer per run), and the answer comes back as one flat
     * array (its nested float[batch][horizon][3] form costs a Java array per row and step) — a
     * quarter of a run of 256 workloads, measured with {@code bench scoring}.
     */
    public static final class Buffers {
        private FloatBuffer in;
        private float[] out = new float[0];

        /** The last answer of {@link #score(float[], int, Buffers)}: its first {@code batch * HORIZON * 3} values are valid. */
        public float[] out() {
            return out;
        }
    }

    /** Where row {@code row}'s quantile {@code k} (0 = p50, 1 = p90, 2 = p99) at step {@code step} is in a flat answer. */
    public static int at(int row, int step, int k) {
        return (row * ModelFeatures.HORIZON + step) * 3 + k;
    }

    /**
     * Scores {@code batch} feature rows laid out one after the other in {@code features}.
     *
     * @return the answer, flat ({@link #at}), in units of each row's scale; a one-off run: callers
     *     that score repeatedly pass their own {@link Buffers} (this allocates a direct buffer)
     */
    public float[] score(float[] features, int batch) {
        return score(features, batch, new Buffers());
    }

    /** As {@link #score(float[], int)} through {@code buffers}; returns {@code buffers.out()}. */
    public float[] score(float[] features, int batch, Buffers buffers) {
        int n = batch * width;
        if (buffers.in == null || buffers.in.capacity() < n) {
            buffers.in = java.nio.ByteBuffer.allocateDirect(Math.max(n, 2 * (buffers.in == null ? 0 : buffers.in.capacity())) * Float.BYTES)
                    .order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
        }
        FloatBuffer in = buffers.in.clear();
        in.put(features, 0, n).flip();
        int answer = batch * ModelFeatures.HORIZON * 3;
        try (OnnxTensor t = OnnxTensor.createTensor(env, in, new long[] {batch, width});
             OrtSession.Result r = session.run(Map.of(input, t))) {
            FloatBuffer q = ((OnnxTensor) r.get(0)).getFloatBuffer();
            if (q.remaining() != answer) {
                throw new IllegalStateException("the model answered " + q.remaining() + " values for " + batch + " rows, not "
                        + batch + " × " + ModelFeatures.HORIZON + " × 3");
            }
            if (buffers.out.length < answer) buffers.out = new float[answer];
            q.get(buffers.out, 0, answer);
            return buffers.out;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to score a batch of " + batch + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, String> card(String json) {
        Map<String, String> m = new java.util.HashMap<>();
        Matcher x = FIELD.matcher(json);
        while (x.find()) m.putIfAbsent(x.group(1), x.group(2));
        return m;
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = OnnxQuantileModel.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) throw new IOException("not on the classpath: " + name);
            return in.readAllBytes();
        }
    }
}
