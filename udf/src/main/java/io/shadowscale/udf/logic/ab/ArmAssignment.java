package io.shadowscale.udf.logic.ab;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Assigns workloads to the live arms of an A/B test by a stable hash: the same workload lands in
 * the same arm on every run, every TaskManager and after every restart, without state. The
 * arms are laid out on [0, 1) in name order, each as wide as its share of the weights, and the
 * workload's point on that line is the first 8 bytes of SHA-256(salt / tenant / workload). A new
 * salt reshuffles everyone (a new experiment); changing weights only moves the workloads whose
 * point crosses a boundary.
 */
public final class ArmAssignment implements java.io.Serializable {

    private final String salt;
    private final List<String> arms;
    private final double[] upper;

    /**
     * @param weights arm name → weight (≥ 0, at least one positive); the order does not matter
     * @param salt    names the experiment; change it to re-draw the arms
     */
    public ArmAssignment(Map<String, Double> weights, String salt) {
        if (weights.isEmpty()) {
            throw new IllegalArgumentException("an A/B test needs at least one arm");
        }
        this.salt = salt == null ? "" : salt;
        this.arms = new ArrayList<>(new java.util.TreeSet<>(weights.keySet()));
        double total = 0;
        for (String a : arms) {
            double w = weights.get(a);
            if (!(w >= 0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException("arm " + a + ": weight must be a number >= 0, got " + w);
            }
            total += w;
        }
        if (total <= 0) {
            throw new IllegalArgumentException("at least one arm needs a positive weight");
        }
        this.upper = new double[arms.size()];
        double acc = 0;
        for (int i = 0; i < arms.size(); i++) {
            acc += weights.get(arms.get(i)) / total;
            upper[i] = acc;
        }
        upper[arms.size() - 1] = 1.0;
    }

    /** Parses {@code "default=0.8,p99-aggressive=0.2"}. */
    public static ArmAssignment parse(String spec, String salt) {
        Map<String, Double> w = new LinkedHashMap<>();
        for (String part : spec.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            String[] kv = part.split("=", 2);
            if (kv.length != 2 || kv[0].isBlank()) {
                throw new IllegalArgumentException("arm weights look like name=weight,name=weight; got '" + part.strip() + "'");
            }
            try {
                w.put(kv[0].strip(), Double.parseDouble(kv[1].strip()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("arm " + kv[0].strip() + ": weight '" + kv[1].strip() + "' is not a number");
            }
        }
        return new ArmAssignment(w, salt);
    }

    public List<String> arms() {
        return List.copyOf(arms);
    }

    public String armOf(String tenantId, String workloadId) {
        double u = point(salt + "/" + tenantId + "/" + workloadId);
        for (int i = 0; i < upper.length; i++) {
            if (u < upper[i]) {
                return arms.get(i);
            }
        }
        return arms.get(arms.size() - 1);
    }

    /**
     * One digest per thread: {@code MessageDigest.getInstance} looks the algorithm up among the
     * security providers on every call, which cost more than the hash itself (the shadow arms ask
     * for every workload's arm on every bucket).
     */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    });

    /** A uniform point in [0, 1) from the key. */
    static double point(String key) {
        byte[] h = SHA256.get().digest(key.getBytes(StandardCharsets.UTF_8)); // digest() resets it
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (h[i] & 0xff);
        }
        return (v >>> 11) * 0x1.0p-53;
    }
}
