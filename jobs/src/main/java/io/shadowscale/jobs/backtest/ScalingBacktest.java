package io.shadowscale.jobs.backtest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

import io.shadowscale.schema.ResourceShadow;
import io.shadowscale.schema.ScalingAction;
import io.shadowscale.schema.ScalingCommand;
import io.shadowscale.schema.ShadowHorizon;
import io.shadowscale.udf.ShadowOptions;
import io.shadowscale.udf.logic.AllocationState;
import io.shadowscale.udf.logic.FallbackForecaster;
import io.shadowscale.udf.logic.Forecast;
import io.shadowscale.udf.logic.ForecasterState;
import io.shadowscale.udf.logic.ThresholdPolicy;
import io.shadowscale.udf.logic.forecast.Baselines;
import io.shadowscale.udf.logic.forecast.ForecastBacktest.Series;
import io.shadowscale.udf.logic.forecast.ModelForecaster;
import io.shadowscale.udf.logic.forecast.OnlineForecaster;
import io.shadowscale.udf.logic.forecast.OnnxQuantileModel;
import io.shadowscale.udf.logic.profile.BehaviourTags;
import io.shadowscale.udf.logic.profile.ProfileMetric;
import io.shadowscale.udf.logic.profile.ProfileState;
import io.shadowscale.udf.logic.scaling.PricingCatalog;
import io.shadowscale.udf.model.Resource;

/**
 * Replays CPU traces through scaling policies on one simulated platform and prices what each
 * held. Policies:
 * <ul>
 *   <li>{@code shadowscale}: the job's own code — the fallback forecaster's state and the bundled
 *       ONNX model through {@link ModelForecaster} (fallback on cold start), behavioural tags from
 *       {@link BehaviourTags}, and {@link ThresholdPolicy} with the job's options;</li>
 *   <li>{@code hpa}: Kubernetes' HPA algorithm on replicas of {@value #GRAIN} cores (the finest
 *       grain any policy gets): desired = ceil(replicas × use ÷ (capacity × target)), no change
 *       within a 10% tolerance, scale-down to the highest recommendation of the last 5 minutes;</li>
 *   <li>{@code vpa}: a VPA-style recommender, p90 of a decaying histogram (half-life one day) plus
 *       a 15% margin, applied in place when it differs from the allocation by more than 10%;</li>
 *   <li>{@code oracle}: perfect foresight — every bucket exactly the capacity its use needs, in
 *       place ahead of time: zero under-provisioning at the least capacity.</li>
 * </ul>
 * One platform model for all: a change is started when the command says (its effective time, or
 * at once) and is ready after the provisioning delay (in place: {@link ShadowOptions#leadTimeInPlaceMs},
 * new replicas: {@link ShadowOptions#leadTimeScaleOutMs}); capacity is removed at once. Every
 * policy decides at the end of each 5-minute bucket, having seen that bucket. Only CPU is scaled
 * and priced (memory of the traces is the VMs' own, not elastic demand). A bucket whose use is
 * missing (VM off, frozen monitor) is neither priced nor scored, and no policy sees it.
 */
public final class ScalingBacktest {

    public static final List<String> POLICIES = List.of("shadowscale", "hpa", "vpa", "oracle");
    static final double GRAIN = ThresholdPolicy.CPU_GRAIN;
    static final double HPA_TOLERANCE = 0.10;
    static final long HPA_STABILIZATION_MS = 5 * 60_000L;
    static final double VPA_MARGIN = 0.15;
    static final double VPA_UPDATE_THRESHOLD = 0.10;

    /** Totals of one policy (over all series when summed). */
    public static final class Totals {
        public double cost;
        public double costOnDemand;
        public double coreHours;
        public double spotCoreHours;
        public double underprovisionedMinutes;
        public long actions;
        public double scoredHours;

        void add(Totals o) {
            cost += o.cost;
            costOnDemand += o.costOnDemand;
            coreHours += o.coreHours;
            spotCoreHours += o.spotCoreHours;
            underprovisionedMinutes += o.underprovisionedMinutes;
            actions += o.actions;
            scoredHours += o.scoredHours;
        }
    }

    /** Demand and each policy's capacity per bucket (capacity at the bucket's end), and the times of their actions. */
    public record Timeline(long start, long bucketMs, double[] demand, Map<String, double[]> capacity, Map<String, List<Long>> actions) {}

    private final ShadowOptions options;
    private final PricingCatalog.Price price;
    private final long scoreFromMs;
    private final OnnxQuantileModel model;

    /** @param model the ONNX model (null: the fallback forecaster only) */
    public ScalingBacktest(ShadowOptions options, PricingCatalog.Price price, long scoreFromMs, OnnxQuantileModel model) {
        this.options = options;
        this.price = price;
        this.scoreFromMs = scoreFromMs;
        this.model = model;
    }

    public Map<String, Totals> run(List<Series> series, IntConsumer progress) {
        Map<String, Totals> sum = new LinkedHashMap<>();
        for (String p : POLICIES) sum.put(p, new Totals());
        // workloads are independent: replay them on the common pool, sum in input order
        java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
        List<Map<String, Totals>> each = series.parallelStream().map(s -> {
            Map<String, Totals> one = replay(s, null);
            synchronized (progress) {
                progress.accept(done.incrementAndGet());
            }
            return one;
        }).collect(java.util.stream.Collectors.toList());
        for (Map<String, Totals> one : each) {
            for (String p : POLICIES) sum.get(p).add(one.get(p));
        }
        return sum;
    }

    public Timeline timeline(Series s) {
        Timeline t = new Timeline(s.start(), s.bucketMs(), s.values()[0].clone(), new LinkedHashMap<>(), new LinkedHashMap<>());
        for (String p : POLICIES) {
            t.capacity().put(p, new double[s.length()]);
            t.actions().put(p, new ArrayList<>());
        }
        replay(s, t);
        return t;
    }

    /** The simulated platform of one policy: capacity over time, with changes in flight. */
    static final class Platform {
        double cores;
        double spotShare;
        /** pending changes: {time, cores, spotShare}, applied when the clock passes them */
        final List<double[]> pending = new ArrayList<>();
        final Totals totals = new Totals();

        Platform(double cores) {
            this.cores = cores;
        }

        /** A change started at {@code startAt}: capacity removed then, capacity added {@code delayMs} later. */
        void change(long startAt, long delayMs, double to, double spot) {
            long at = to < cores ? startAt : startAt + delayMs;
            pending.add(new double[] {at, to, spot});
            pending.sort((a, b) -> Double.compare(a[0], b[0]));
        }

        /** Prices and scores [from, to) with constant demand; applies the changes that fall in it. */
        void account(long from, long to, double demand, boolean scored, PricingCatalog.Price price) {
            long t = from;
            while (true) {
                long next = to;
                if (!pending.isEmpty() && pending.get(0)[0] < to) next = Math.max(t, (long) pending.get(0)[0]);
                if (scored && next > t) {
                    double hours = (next - t) / 3_600_000.0;
                    totals.coreHours += cores * hours;
                    totals.spotCoreHours += cores * spotShare * hours;
                    totals.costOnDemand += cores * price.vcpuHourOnDemand() * hours;
                    totals.cost += cores * (spotShare * price.vcpuHourSpot() + (1 - spotShare) * price.vcpuHourOnDemand()) * hours;
                    if (demand > cores + 1e-9) totals.underprovisionedMinutes += (next - t) / 60_000.0;
                    totals.scoredHours += hours;
                }
                t = next;
                if (next >= to) break;
                double[] c = pending.remove(0);
                cores = c[1];
                spotShare = c[2];
            }
        }
    }

    private Map<String, Totals> replay(Series s, Timeline trace) {
        long step = s.bucketMs();
        double[] cpu = s.values()[0];
        int n = s.length();
        double initial = Math.max(GRAIN, options.defaultCpuPerReplica);
        Map<String, Platform> platforms = new LinkedHashMap<>();
        for (String p : POLICIES) platforms.put(p, new Platform(initial));

        // shadowscale: the job's forecaster state, model, profile and policy
        FallbackForecaster fallback = new FallbackForecaster(step, options.horizonSteps);
        ForecasterState fs = fallback.newState();
        ModelForecaster mf = model == null ? null : new ModelForecaster(model, step);
        ProfileState profile = ProfileState.create(step);
        List<String> tags = List.of();
        ThresholdPolicy policy = new ThresholdPolicy(options);
        AllocationState alloc = new AllocationState();
        alloc.reported = true;
        alloc.replicas = 1;
        alloc.cpuPerReplica = initial;
        alloc.memoryPerReplicaBytes = options.defaultMemoryPerReplicaBytes;
        alloc.maxCpuPerReplica = options.maxCpuPerReplica;
        alloc.maxMemoryPerReplicaBytes = options.maxMemoryPerReplicaBytes;
        alloc.storageBytes = 1L << 30;

        // hpa
        int hpaReplicas = (int) Math.round(initial / GRAIN);
        double prevHpaRecommendation = Double.NaN;
        // vpa
        OnlineForecaster vpaHistogram = Baselines.create("percentile", step, 1, 1);
        double vpaCores = initial;

        double[] y = new double[Resource.COUNT];
        double[] profileValues = new double[ProfileMetric.COUNT];
        for (int t = 0; t < n; t++) {
            long bucketStart = s.start() + t * step;
            long end = bucketStart + step;
            double demand = cpu[t];
            boolean known = !Double.isNaN(demand);
            boolean scored = known && bucketStart >= scoreFromMs;
            // oracle: this bucket's exact need, ready at its start (it knew a delay ahead)
            Platform oracle = platforms.get("oracle");
            if (known) {
                double need = Math.max(GRAIN, roundUp(demand));
                if (Math.abs(need - oracle.cores) > 1e-9) {
                    oracle.change(bucketStart, 0, need, 0);
                    if (scored) oracle.totals.actions++;
                    if (trace != null) trace.actions().get("oracle").add(bucketStart);
                }
            }
            for (Platform p : platforms.values()) p.account(bucketStart, end, known ? demand : 0, scored, price);
            if (!known) {
                if (trace != null) for (String p : POLICIES) trace.capacity().get(p)[t] = platforms.get(p).cores;
                continue; // a gap: nobody sees a bucket
            }

            // --- shadowscale, at the end of bucket t
            Arrays.fill(y, 0);
            y[Resource.CPU.ordinal()] = demand;
            y[Resource.MEMORY.ordinal()] = nz(s.values()[1][t]);
            y[Resource.NETWORK_IN.ordinal()] = nz(s.values()[2][t]);
            Forecast f = fallback.observeAndForecast(fs, bucketStart, y);
            if (f != null) {
                Forecast m = mf == null ? null : mf.forecast(fs);
                boolean isFallback = m == null;
                if (m != null) f = m;
                Arrays.fill(profileValues, 0);
                profileValues[ProfileMetric.CPU.ordinal()] = demand;
                profileValues[ProfileMetric.CPU_PEAK.ordinal()] = demand;
                profileValues[ProfileMetric.SESSION_DURATION_MS.ordinal()] = Double.NaN;
                profile.add(bucketStart, profileValues, Map.of(), null);
                if (Math.floorMod(end, 3_600_000L) == 0) {
                    tags = List.copyOf(BehaviourTags.evaluate(profile, java.time.ZoneOffset.UTC).tags);
                }
                ShadowHorizon h = horizon(s.id(), f, end, demand, tags, isFallback);
                ScalingCommand c = policy.decide(h, alloc);
                if (c != null) {
                    long delay = c.getAction() == ScalingAction.SCALE_OUT ? options.leadTimeScaleOutMs : options.leadTimeInPlaceMs;
                    long startAt = Math.max(end, c.getEffectiveAt().toEpochMilli());
                    platforms.get("shadowscale").change(startAt, delay, c.getToReplicas() * c.getToCpuPerReplica(), c.getSpotShare());
                    if (bucketStart >= scoreFromMs) platforms.get("shadowscale").totals.actions++;
                    if (trace != null) trace.actions().get("shadowscale").add(startAt);
                }
            }

            // --- hpa
            double capacity = hpaReplicas * GRAIN;
            double ratio = demand / (capacity * options.targetCpuUtilization);
            double recommendation = Math.abs(ratio - 1) <= HPA_TOLERANCE ? hpaReplicas : Math.ceil(hpaReplicas * ratio - 1e-9);
            recommendation = Math.max(1, Math.min(10_000, recommendation));
            double desired = recommendation;
            if (desired < hpaReplicas) {
                // scale-down stabilisation: the highest recommendation of the window (this one and the one 5 min ago)
                double windowMax = Double.isNaN(prevHpaRecommendation) ? recommendation : Math.max(recommendation, prevHpaRecommendation);
                desired = Math.min(hpaReplicas, windowMax);
            }
            prevHpaRecommendation = HPA_STABILIZATION_MS >= step ? recommendation : Double.NaN;
            if ((int) desired != hpaReplicas) {
                hpaReplicas = (int) desired;
                platforms.get("hpa").change(end, options.leadTimeScaleOutMs, hpaReplicas * GRAIN, 0);
                if (bucketStart >= scoreFromMs) platforms.get("hpa").totals.actions++;
                if (trace != null) trace.actions().get("hpa").add(end);
            }

            // --- vpa
            double[] v = {demand};
            double p90 = vpaHistogram.observe(bucketStart, v)[1][0][0];
            if (!Double.isNaN(p90)) {
                double target = Math.max(GRAIN, roundUp(p90 * (1 + VPA_MARGIN)));
                if (Math.abs(target - vpaCores) > VPA_UPDATE_THRESHOLD * vpaCores) {
                    vpaCores = target;
                    platforms.get("vpa").change(end, options.leadTimeInPlaceMs, target, 0);
                    if (bucketStart >= scoreFromMs) platforms.get("vpa").totals.actions++;
                    if (trace != null) trace.actions().get("vpa").add(end);
                }
            }
            if (trace != null) for (String p : POLICIES) trace.capacity().get(p)[t] = platforms.get(p).cores;
        }
        Map<String, Totals> out = new LinkedHashMap<>();
        for (String p : POLICIES) out.put(p, platforms.get(p).totals);
        return out;
    }

    /** The forecast as the job hands it to the orchestrator (CPU only; memory and storage quiet). */
    private static ShadowHorizon horizon(String id, Forecast f, long generatedAt, double lastCpu, List<String> tags, boolean fallback) {
        List<ResourceShadow> steps = new ArrayList<>(f.steps());
        for (int i = 0; i < f.steps(); i++) {
            steps.add(ResourceShadow.newBuilder()
                    .setTenantId("bitbrains").setWorkloadId(id)
                    .setTimestamp(Instant.ofEpochMilli(f.targetTime(i))).setStep(i + 1).setStepMs(f.bucketMs)
                    .setGeneratedAt(Instant.ofEpochMilli(generatedAt))
                    .setCpuP50(f.p50[i][0]).setCpuP90(f.p90[i][0]).setCpuP99(f.p99[i][0])
                    .setMemoryP50(0).setMemoryP90(0).setMemoryP99(0)
                    .setNetworkInP50(0).setNetworkInP90(0).setNetworkInP99(0)
                    .setNetworkOutP50(0).setNetworkOutP90(0).setNetworkOutP99(0)
                    .setStorageP50(0).setStorageP90(0).setStorageP99(0)
                    .setModelId(fallback ? FallbackForecaster.MODEL_ID : "onnx").setModelVersion("1").setFallback(fallback)
                    .build());
        }
        return ShadowHorizon.newBuilder().setTenantId("bitbrains").setWorkloadId(id)
                .setGeneratedAt(Instant.ofEpochMilli(generatedAt)).setSteps(steps)
                .setLastCpu(lastCpu).setLastMemory(0).setLastStorage(0).setTags(tags).build();
    }

    /** {@code {"policies": {"shadowscale": {"cost": .., "underprovisioned_minutes": .., "actions": .., ...}, ...}, ...}}. */
    public static String json(Map<String, Totals> totals, int workloads, PricingCatalog.Price price) {
        StringBuilder sb = new StringBuilder("{\"policies\": {");
        boolean first = true;
        for (var e : totals.entrySet()) {
            Totals t = e.getValue();
            if (!first) sb.append(", ");
            first = false;
            sb.append(String.format(java.util.Locale.ROOT,
                    "\"%s\": {\"cost\": %.4f, \"underprovisioned_minutes\": %.1f, \"actions\": %d, \"cost_on_demand\": %.4f, \"core_hours\": %.2f, \"spot_core_hours\": %.2f}",
                    e.getKey(), t.cost, t.underprovisionedMinutes, t.actions, t.costOnDemand, t.coreHours, t.spotCoreHours));
        }
        Totals any = totals.values().iterator().next();
        return sb.append(String.format(java.util.Locale.ROOT, "}, \"workloads\": %d, \"scored_hours\": %.1f, \"pricing\": \"%s\"}",
                workloads, any.scoredHours, price.key())).toString();
    }

    private static double nz(double v) {
        return Double.isNaN(v) ? 0 : v;
    }

    static double roundUp(double v) {
        return Math.ceil(v / GRAIN - 1e-9) * GRAIN;
    }
}
