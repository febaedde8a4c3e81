package io.shadowscale.jobs.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * A JFR method-sampling profile of this JVM (the local cluster runs in it) and what the benchmark
 * reads from it. JFR samples threads running Java code ({@code jdk.ExecutionSample}) and, separately,
 * threads inside native methods ({@code jdk.NativeMethodSample}); ONNX Runtime computes in native
 * code under {@code OrtSession.run} on the calling thread, so its CPU time shows up as native samples
 * with ONNX frames. Both are sampled at the same period, so
 * ONNX share = (Java or native samples with an {@code ai.onnxruntime} frame) / (all Java samples + those native ones).
 * Native samples of threads merely waiting in native code (I/O, parking) are not CPU time and are left out.
 */
public final class JfrProfile {
    static final Duration PERIOD = Duration.ofMillis(10);

    public final long samples;
    public final long onnxSamples;
    /** Leaf frames ("self time"), most sampled first. */
    public final Map<String, Long> self;
    /** Our own methods anywhere on the stack ("total time"), most sampled first. */
    public final Map<String, Long> ours;

    private JfrProfile(long samples, long onnxSamples, Map<String, Long> self, Map<String, Long> ours) {
        this.samples = samples;
        this.onnxSamples = onnxSamples;
        this.self = self;
        this.ours = ours;
    }

    static Recording start() {
        Recording r = new Recording();
        r.setName("shadowscale-bench");
        r.enable("jdk.ExecutionSample").withPeriod(PERIOD);
        r.enable("jdk.NativeMethodSample").withPeriod(PERIOD);
        r.setToDisk(true);
        r.start();
        return r;
    }

    public double onnxShare() {
        return samples == 0 ? Double.NaN : onnxSamples / (double) samples;
    }

    /** Reads the samples taken between {@code fromMs} and {@code toMs} (wall clock). */
    static JfrProfile read(Path file, long fromMs, long toMs) throws IOException {
        long samples = 0, onnx = 0;
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> ours = new HashMap<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            String type = e.getEventType().getName();
            boolean java = type.equals("jdk.ExecutionSample");
            if (!java && !type.equals("jdk.NativeMethodSample")) {
                continue;
            }
            long at = e.getStartTime().toEpochMilli();
            RecordedStackTrace st = e.getStackTrace();
            if (at < fromMs || at > toMs || st == null || st.getFrames().isEmpty()) {
                continue;
            }
            List<RecordedFrame> frames = st.getFrames();
            boolean inOnnx = false;
            for (RecordedFrame f : frames) {
                if (f.getMethod().getType().getName().startsWith("ai.onnxruntime.")) {
                    inOnnx = true;
                    break;
                }
            }
            if (!java && !inOnnx) {
                continue; // waiting in native code, not computing
            }
            samples++;
            if (inOnnx) {
                onnx++;
            }
            self.merge(name(frames.get(0)), 1L, Long::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame f : frames) {
                String n = name(f);
                if (n.startsWith("io.shadowscale.") && seen.add(n)) {
                    ours.merge(n, 1L, Long::sum);
                }
            }
        }
        return new JfrProfile(samples, onnx, sorted(self), sorted(ours));
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private static Map<String, Long> sorted(Map<String, Long> m) {
        Map<String, Long> out = new LinkedHashMap<>();
        m.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /** The top {@code n} of {@code m} as "  12.3%  name" lines. */
    public String table(Map<String, Long> m, int n) {
        StringBuilder sb = new StringBuilder();
        m.entrySet().stream().limit(n).forEach(e -> sb.append(String.format(java.util.Locale.ROOT, "  %5.1f%%  %s%n",
                100.0 * e.getValue() / Math.max(1, samples), e.getKey())));
        return sb.toString();
    }
}
