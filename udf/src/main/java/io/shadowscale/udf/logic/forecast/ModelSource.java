package io.shadowscale.udf.logic.forecast;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Loads models from a directory or URI — {@code file:}, {@code http(s):}, {@code classpath:} or a
 * plain path — with the model card next to the {@code .onnx} file ({@code <name>.card.json}),
 * and keeps one ONNX Runtime session per model (by sha256) per JVM, so every scorer instance of a
 * TaskManager shares it. No Flink types.
 */
public final class ModelSource {

    /** Why a model could not be used: the sha256 differs, or it could not be fetched or loaded. */
    public static final class ModelLoadException extends Exception {
        public final boolean shaMismatch;

        ModelLoadException(String message, boolean shaMismatch, Throwable cause) {
            super(message, cause);
            this.shaMismatch = shaMismatch;
        }
    }

    private static final Map<String, OnnxQuantileModel> SESSIONS = new ConcurrentHashMap<>();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL).build();

    private ModelSource() {}

    /**
     * The model at {@code uri} (an {@code .onnx} file, or a directory holding {@code <name>.onnx}).
     *
     * @param expectedSha256 hex sha256 the file must have, or null to trust its card alone
     */
    public static OnnxQuantileModel load(String uri, String name, String expectedSha256, int intraOpThreads, int interOpThreads)
            throws ModelLoadException {
        String onnx = onnxUri(uri, name);
        byte[] bytes;
        String card;
        try {
            bytes = fetch(onnx);
            card = new String(fetch(onnx.substring(0, onnx.length() - ".onnx".length()) + ".card.json"), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException("cannot fetch " + onnx + ": " + e.getMessage(), false, e);
        }
        String sha = OnnxQuantileModel.sha256(bytes);
        if (expectedSha256 != null && !sha.equalsIgnoreCase(expectedSha256.strip())) {
            throw new ModelLoadException("sha256 of " + onnx + " is " + sha + ", the release says " + expectedSha256, true, null);
        }
        try {
            // the card names the model (id, version): same bytes with another card is another model
            return SESSIONS.computeIfAbsent(sha + "/" + OnnxQuantileModel.sha256(card.getBytes(StandardCharsets.UTF_8)) + "/" + intraOpThreads + "/" + interOpThreads,
                    k -> OnnxQuantileModel.load(bytes, card, intraOpThreads, interOpThreads));
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException(e.getMessage(), false, e); // a card that disagrees with its file is a broken package, not a tampered release
        }
    }

    /** The bundled model {@code name} (classpath {@code models/<name>.onnx}), one session per JVM. */
    public static OnnxQuantileModel bundled(String name, int intraOpThreads, int interOpThreads) throws ModelLoadException {
        return load("classpath:models/" + name + ".onnx", name, null, intraOpThreads, interOpThreads);
    }

    static String onnxUri(String uri, String name) {
        String u = uri.strip();
        if (u.endsWith(".onnx")) return u;
        if (name == null) throw new IllegalArgumentException(uri + " is not an .onnx file");
        return (u.endsWith("/") ? u : u + "/") + name + ".onnx";
    }

    static byte[] fetch(String uri) throws IOException {
        if (uri.startsWith("classpath:")) {
            String name = uri.substring("classpath:".length()).replaceFirst("^/", "");
            try (InputStream in = ModelSource.class.getClassLoader().getResourceAsStream(name)) {
                if (in == null) throw new IOException("not on the classpath: " + name);
                return in.readAllBytes();
            }
        }
        if (uri.startsWith("http://") || uri.startsWith("https://")) {
            try {
                HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(60)).GET().build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                if (r.statusCode() != 200) throw new IOException("HTTP " + r.statusCode());
                return r.body();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        Path p = uri.startsWith("file:") ? Path.of(URI.create(uri)) : Path.of(uri);
        return Files.readAllBytes(p);
    }
}
