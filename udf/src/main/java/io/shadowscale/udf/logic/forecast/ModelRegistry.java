package io.shadowscale.udf.logic.forecast;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

import io.shadowscale.schema.ModelAlertKind;
import io.shadowscale.schema.ModelRelease;
import io.shadowscale.schema.ModelScope;

/**
 * Which model serves which workload, as model releases arrive (no Flink types; the scorer keeps
 * the accepted releases in broadcast state and replays them here on restore).
 *
 * <p>A release has a scope — every workload, the workloads with a behavioural tag (cohort), or
 * one tenant — and a rollout percent. A workload is served by the most specific scope that has a
 * model for it: its tenant's, then its tags' (in their sorted order), then the global one, then the
 * default (the bundled model or {@code --model-uri}). Within a scope the latest release serves
 * the workloads whose stable hash of "tenant/workload" falls below its rollout percent; the
 * others keep the scope's previous fully rolled-out release, or fall through to the next scope.
 *
 * <p>A release is accepted only once its model is fetched, its sha256 matches and ONNX Runtime
 * loads it; otherwise nothing changes and {@link #accept} returns the refusal for the alert.
 */
public final class ModelRegistry {

    /** A model for a workload, or why there is none. */
    public record Choice(OnnxQuantileModel model, String reason) {}

    /** Why a release was refused. */
    public record Refusal(ModelAlertKind kind, String reason, String scope, String keptModelId, String keptModelVersion) {}

    /** Loads a release's model (the job: {@link ModelSource}; tests may count calls). */
    public interface Loader {
        OnnxQuantileModel load(ModelRelease release) throws ModelSource.ModelLoadException;
    }

    /** The latest release of a scope and the last fully rolled-out one before it. */
    private static final class Slot {
        ModelRelease latest;
        OnnxQuantileModel latestModel;
        ModelRelease previous;
        OnnxQuantileModel previousModel;
    }

    private final Loader loader;
    private final Choice fallback;
    private final Map<String, Slot> scopes = new HashMap<>();

    /** @param defaultModel the model of workloads no release covers (null: the fallback, for {@code defaultReason}) */
    public ModelRegistry(Loader loader, OnnxQuantileModel defaultModel, String defaultReason) {
        this.loader = loader;
        this.fallback = new Choice(defaultModel, defaultModel == null ? defaultReason : null);
    }

    public static String scopeKey(ModelRelease r) {
        return switch (r.getScope()) {
            case GLOBAL -> "global";
            case COHORT -> "cohort:" + r.getScopeValue();
            case TENANT -> "tenant:" + r.getScopeValue();
        };
    }

    /**
     * Loads and swaps in a release.
     *
     * @return null when accepted, else the refusal (the current model stays)
     */
    public Refusal accept(ModelRelease r) {
        String problem = validate(r);
        String scope = problem == null ? scopeKey(r) : String.valueOf(r.getScope()).toLowerCase();
        Slot slot = scopes.get(scope);
        if (problem != null) {
            return refusal(ModelAlertKind.INVALID_RELEASE, problem, scope, slot);
        }
        OnnxQuantileModel m;
        try {
            m = loader.load(r);
        } catch (ModelSource.ModelLoadException e) {
            return refusal(e.shaMismatch ? ModelAlertKind.SHA256_MISMATCH : ModelAlertKind.LOAD_FAILED, e.getMessage(), scope, slot);
        }
        install(scope, r, m);
        return null;
    }

    /** Puts back releases accepted before a restore; their models are loaded again ({@code onFailure} when that fails). */
    public void restore(Map<String, ModelRelease[]> accepted, BiConsumer<ModelRelease, String> onFailure) {
        for (Map.Entry<String, ModelRelease[]> e : accepted.entrySet()) {
            Slot s = new Slot();
            ModelRelease[] pair = e.getValue();
            s.previous = pair[0];
            s.latest = pair[1];
            s.previousModel = tryLoad(s.previous, onFailure);
            s.latestModel = tryLoad(s.latest, onFailure);
            scopes.put(e.getKey(), s);
        }
    }

    /** The accepted releases per scope: {previous (or null), latest}, for the broadcast state. */
    public Map<String, ModelRelease[]> releases() {
        Map<String, ModelRelease[]> m = new HashMap<>();
        scopes.forEach((k, s) -> m.put(k, new ModelRelease[] {s.previous, s.latest}));
        return m;
    }

    /** The model for a workload (tags sorted, as the profiler gives them). */
    public Choice resolve(String tenantId, String[] tags, String workloadKey) {
        if (scopes.isEmpty()) {
            return fallback; // no release accepted yet: the default for every workload, without hashing its key
        }
        int bucket = rolloutBucket(workloadKey);
        OnnxQuantileModel m = pick(scopes.get("tenant:" + tenantId), bucket);
        if (m == null && tags != null) {
            for (String tag : tags) {
                m = pick(scopes.get("cohort:" + tag), bucket);
                if (m != null) break;
            }
        }
        if (m == null) m = pick(scopes.get("global"), bucket);
        return m != null ? new Choice(m, null) : fallback;
    }

    /** A workload's place in rollouts, 0–99: FNV-1a of its key, stable across runs and JVMs. */
    public static int rolloutBucket(String workloadKey) {
        int h = 0x811c9dc5;
        for (byte b : workloadKey.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x01000193;
        }
        h ^= h >>> 16; // FNV's low bits mix poorly for short keys
        return Math.floorMod(h, 100);
    }

    private static OnnxQuantileModel pick(Slot s, int bucket) {
        if (s == null) return null;
        if (s.latestModel != null && bucket < s.latest.getRolloutPercent()) return s.latestModel;
        return s.previousModel;
    }

    private void install(String scope, ModelRelease r, OnnxQuantileModel m) {
        Slot s = scopes.computeIfAbsent(scope, k -> new Slot());
        boolean sameModel = s.latest != null && s.latest.getModelId().equals(r.getModelId()) && s.latest.getVersion().equals(r.getVersion());
        if (s.latest != null && s.latest.getRolloutPercent() >= 100 && !sameModel) {
            s.previous = s.latest;
            s.previousModel = s.latestModel;
        }
        s.latest = r;
        s.latestModel = m;
    }

    private OnnxQuantileModel tryLoad(ModelRelease r, BiConsumer<ModelRelease, String> onFailure) {
        if (r == null) return null;
        try {
            return loader.load(r);
        } catch (ModelSource.ModelLoadException e) {
            onFailure.accept(r, e.getMessage());
            return null;
        }
    }

    private Refusal refusal(ModelAlertKind kind, String reason, String scope, Slot slot) {
        OnnxQuantileModel kept = slot == null ? null : slot.latestModel != null ? slot.latestModel : slot.previousModel;
        if (kept == null) kept = fallback.model();
        return new Refusal(kind, reason, scope, kept == null ? "fallback-seasonal-naive" : kept.id(), kept == null ? "1" : kept.version());
    }

    private static String validate(ModelRelease r) {
        if (r.getModelId() == null || r.getModelId().isBlank()) return "release without a model id";
        if (r.getUri() == null || r.getUri().isBlank()) return "release without a URI";
        if (r.getSha256() == null || !r.getSha256().strip().matches("[0-9a-fA-F]{64}")) return "release without a hex sha256";
        if (r.getRolloutPercent() < 0 || r.getRolloutPercent() > 100) return "rollout percent " + r.getRolloutPercent() + " is not within 0–100";
        if (r.getScope() != ModelScope.GLOBAL && (r.getScopeValue() == null || r.getScopeValue().isBlank())) {
            return r.getScope() + " release without a scope value (tag or tenant id)";
        }
        return null;
    }
}
