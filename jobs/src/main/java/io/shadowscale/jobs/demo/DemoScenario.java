package io.shadowscale.jobs.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

import io.shadowscale.schema.AnomalyType;
import io.shadowscale.schema.ExternalEvent;
import io.shadowscale.schema.ExternalEventKind;
import io.shadowscale.schema.TelemetryEvent;
import io.shadowscale.schema.WireFormat;

/**
 * The demo's data: several days of generated telemetry for a handful of tenants, with
 * known marketing campaigns and injected anomalies whose ground truth is returned.
 *
 * <p>Every workload is sampled every 60 s (each at its own second within the minute) from
 * {@code start} for {@code days} days; {@link #events()} yields all samples of all workloads in
 * event-time order, generated lazily. The same (tenants, days, start, seed) always gives the
 * same events, campaigns, anomalies and malformed samples.
 *
 * <p>Workload archetypes, all in the tenant's local time (its region's time zone):
 * <ul>
 *   <li>{@link Archetype#TRANSACTIONS}: requests and DB queries with a business-hours peak
 *       (about 11:00 and 15:00), a small evening shoulder, quiet nights and weekends at about
 *       half the weekday business load; CPU, network and memory follow the requests, storage grows
 *       with every transaction.</li>
 *   <li>{@link Archetype#INTERACTIVE}: user sessions lasting minutes with an evening peak
 *       (about 20:40) and a smaller midday one, slightly busier weekends; moderate CPU,
 *       egress per request (web) or per session (media).</li>
 *   <li>{@link Archetype#BATCH}: near idle by day, a nightly window of about 3.3 h
 *       (extract: network in; transform: heavy CPU and memory; load: storage writes and egress),
 *       lighter after weekend days.</li>
 * </ul>
 * Noise is multiplicative: a slowly wandering AR(1) factor on load plus white noise per metric.
 */
public final class DemoScenario {

    public static final int DEFAULT_TENANTS = 6;
    public static final int DEFAULT_DAYS = 3;
    public static final long DEFAULT_SEED = 42L;
    public static final Duration SAMPLE_INTERVAL = Duration.ofSeconds(60);
    public static final int SAMPLES_PER_DAY = 1440;
    /** Where the generated records say they came from ({@code ExternalEvent.source}). */
    public static final String SOURCE = "shadowscale-demo";

    private static final long INTERVAL_MS = SAMPLE_INTERVAL.toMillis();
    private static final long MINUTE_MS = 60_000L;
    private static final double GIB = 1L << 30;
    private static final double MIB = 1L << 20;

    private static final double AR_RHO = 0.98;
    private static final double AR_SD = 0.07;
    private static final double AR_INNOVATION = AR_SD * Math.sqrt(1 - AR_RHO * AR_RHO);
    private static final double MEMORY_ALPHA = 1 - Math.exp(-1.0 / 20); // ~20 min lag behind load
    private static final int DRAWS_PER_SAMPLE = 10;

    private static final double SPIKE_CPU_FACTOR = 5.0;
    private static final double SURGE_LOAD_FACTOR = 3.0;
    private static final double DROP_LOAD_FACTOR = 0.02;
    private static final double EGRESS_FACTOR = 6.0;

    public enum Archetype { BATCH, TRANSACTIONS, INTERACTIVE }

    /** One generated workload; {@code sampleOffset} is where in each minute its samples fall. */
    public record Workload(String tenantId, String workloadId, Archetype archetype, String dataKind,
                           String region, ZoneId zone, Duration sampleOffset) {
        /** The Kafka key of its telemetry. */
        public String key() {
            return tenantId + "/" + workloadId;
        }
    }

    /**
     * Ground truth of one injected anomaly ({@code end} exclusive). {@code resource} names the
     * resource that shows it, as in {@code ResourceShadow}: cpu, memory, networkIn, networkOut, storage.
     */
    public record InjectedAnomaly(String tenantId, String workloadId, AnomalyType kind, String resource,
                                  Instant start, Instant end, String description) {
        public boolean covers(Instant t) {
            return !t.isBefore(start) && t.isBefore(end);
        }
    }

    /**
     * A bad payload and a keyword a validator's reason should contain (case-insensitively): the
     * phrase {@link WireFormat#decode} uses for undecodable bytes, else the offending field's name.
     */
    public record MalformedSample(byte[] payload, String expectedReasonKeyword, String description) {
        @Override
        public String toString() {
            return "MalformedSample[" + payload.length + " bytes, " + expectedReasonKeyword + ": " + description + "]";
        }
    }

    // ---- catalogue: fixed so the demo's story (who has a campaign, where anomalies are) is stable

    private record WorkloadSpec(Archetype archetype, String workloadId, String dataKind, double size,
                                double sessionMinutes, double requestsPerSessionMinute, LocalTime batchStart) {
    }

    private record TenantSpec(String tenantId, String region, ZoneId zone, List<WorkloadSpec> workloads) {
    }

    private static WorkloadSpec transactions(String id, double peakRequestsPerMinute) {
        return new WorkloadSpec(Archetype.TRANSACTIONS, id, "transactions", peakRequestsPerMinute, 0.75, 0, null);
    }

    private static WorkloadSpec interactive(String id, String dataKind, double peakSessions, double sessionMinutes,
                                            double requestsPerSessionMinute) {
        return new WorkloadSpec(Archetype.INTERACTIVE, id, dataKind, peakSessions, sessionMinutes,
                requestsPerSessionMinute, null);
    }

    private static WorkloadSpec batch(String id, double peakCores, LocalTime start) {
        return new WorkloadSpec(Archetype.BATCH, id, "batch", peakCores, 0, 0, start);
    }

    private static TenantSpec tenant(String id, String region, String zone, WorkloadSpec... workloads) {
        return new TenantSpec(id, region, ZoneId.of(zone), List.of(workloads));
    }

    private static final List<TenantSpec> CATALOGUE = List.of(
            tenant("acme-retail", "eu-west-1", "Europe/Dublin",
                    transactions("checkout-api", 90_000),
                    interactive("web-frontend", "interactive", 12_000, 7, 3.5)),
            tenant("globex-bank", "us-east-1", "America/New_York",
                    transactions("payments-api", 60_000),
                    batch("nightly-etl", 24, LocalTime.of(1, 0))),
            tenant("initech-media", "us-west-2", "America/Los_Angeles",
                    interactive("video-portal", "media", 5_000, 24, 0.9)),
            tenant("umbrella-analytics", "eu-central-1", "Europe/Berlin",
                    batch("nightly-etl", 26, LocalTime.of(23, 45)),
                    interactive("customer-portal", "interactive", 4_000, 9, 4.0)),
            tenant("hooli-travel", "ap-southeast-1", "Asia/Singapore",
                    transactions("booking-api", 40_000)),
            tenant("stark-games", "us-east-2", "America/Chicago",
                    interactive("game-lobby", "interactive", 15_000, 15, 3.0),
                    batch("match-history-etl", 16, LocalTime.of(3, 0))),
            tenant("wayne-health", "eu-west-2", "Europe/London",
                    transactions("claims-api", 30_000),
                    batch("claims-etl", 12, LocalTime.of(2, 0))),
            tenant("soylent-foods", "sa-east-1", "America/Sao_Paulo",
                    transactions("order-api", 50_000)));

    private record CampaignPlan(String eventId, String name, String preferredTenant, LocalTime localStart,
                                Duration length, double expectedUplift, boolean lastDay) {
    }

    private static final List<CampaignPlan> CAMPAIGN_PLANS = List.of(
            new CampaignPlan("campaign-spring-flash-sale", "Spring flash sale", "acme-retail",
                    LocalTime.of(18, 0), Duration.ofHours(4), 2.0, false),
            new CampaignPlan("campaign-season-launch", "Season launch livestream", "stark-games",
                    LocalTime.of(13, 0), Duration.ofHours(4), 1.8, true));

    private record AnomalyPlan(AnomalyType kind, String tenantId, String workloadId, List<Archetype> archetypes,
                               LocalTime localStart, Duration length, String resource, String description) {
    }

    private static final List<AnomalyPlan> ANOMALY_PLANS = List.of(
            new AnomalyPlan(AnomalyType.SPIKE, "globex-bank", "payments-api",
                    List.of(Archetype.TRANSACTIONS, Archetype.INTERACTIVE), LocalTime.of(10, 40), Duration.ofMinutes(4),
                    "cpu", "CPU at 5x normal for 4 min (runaway thread pool); requests and traffic unchanged"),
            new AnomalyPlan(AnomalyType.UNEXPLAINED_SURGE, "initech-media", "video-portal",
                    List.of(Archetype.INTERACTIVE, Archetype.TRANSACTIONS), LocalTime.of(12, 30), Duration.ofMinutes(50),
                    "cpu", "load 3x normal for 50 min (unannounced viral traffic), no campaign active"),
            new AnomalyPlan(AnomalyType.DROP, "hooli-travel", "booking-api",
                    List.of(Archetype.TRANSACTIONS, Archetype.INTERACTIVE), LocalTime.of(14, 30), Duration.ofMinutes(30),
                    "cpu", "outage for 30 min: requests, CPU and sessions near zero (crash-looping pods)"),
            new AnomalyPlan(AnomalyType.EGRESS_WITHOUT_LOAD, "umbrella-analytics", "customer-portal",
                    List.of(Archetype.INTERACTIVE, Archetype.TRANSACTIONS), LocalTime.of(15, 0), Duration.ofMinutes(60),
                    "networkOut", "network egress 6x normal for 60 min while CPU and requests stay normal (bulk export)"));

    // ---- the scenario

    private record Profile(int index, Workload workload, WorkloadSpec spec, double scale, double phaseHours) {
    }

    private record CampaignEffect(String tenantId, long startMs, long endMs, double uplift) {
    }

    private final int tenants;
    private final int days;
    private final Instant start;
    private final long seed;
    private final boolean withAnomalies;
    private final List<Profile> profiles;
    private final List<Workload> workloads;
    private final List<ExternalEvent> campaigns;
    private final List<CampaignEffect> campaignEffects;
    private final List<InjectedAnomaly> anomalies;

    /**
     * @param tenants number of tenants (the first ones of a fixed catalogue, repeated with a
     *                numeric suffix beyond its 8 entries), at least 1
     * @param days    number of days of samples, at least 1; campaigns and anomalies need 2 or more
     *                to be comparable with an earlier day
     * @param start   event time of the first minute (the demo uses {@link #defaultStart})
     * @param seed    everything random derives from it
     */
    public DemoScenario(int tenants, int days, Instant start, long seed) {
        this(tenants, days, start, seed, true);
    }

    private DemoScenario(int tenants, int days, Instant start, long seed, boolean withAnomalies) {
        if (tenants < 1) {
            throw new IllegalArgumentException("tenants must be at least 1, got " + tenants);
        }
        if (days < 1) {
            throw new IllegalArgumentException("days must be at least 1, got " + days);
        }
        this.tenants = tenants;
        this.days = days;
        this.start = start.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        this.seed = seed;
        this.withAnomalies = withAnomalies;
        this.profiles = buildProfiles();
        this.workloads = profiles.stream().map(Profile::workload).toList();
        this.campaigns = new ArrayList<>();
        this.campaignEffects = new ArrayList<>();
        planCampaigns();
        this.anomalies = planAnomalies();
    }

    /** The demo's defaults: 6 tenants, 3 days ending at today's midnight UTC, seed 42. */
    public static DemoScenario defaults() {
        return new DemoScenario(DEFAULT_TENANTS, DEFAULT_DAYS,
                defaultStart(LocalDate.now(Clock.systemUTC()), DEFAULT_DAYS), DEFAULT_SEED);
    }

    /** Midnight UTC of {@code reference} minus {@code days} days: the data ends where {@code reference} begins. */
    public static Instant defaultStart(LocalDate reference, int days) {
        return reference.minusDays(days).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /**
     * The same scenario (same noise, same campaigns) without the injected anomalies: what the
     * data would have been, for tests and for scoring detections against the counterfactual.
     */
    public DemoScenario baseline() {
        return new DemoScenario(tenants, days, start, seed, false);
    }

    public int tenants() {
        return tenants;
    }

    public int days() {
        return days;
    }

    public Instant start() {
        return start;
    }

    /** End of the span (exclusive): start plus {@code days} days. */
    public Instant end() {
        return start.plus(Duration.ofDays(days));
    }

    public long seed() {
        return seed;
    }

    public List<Workload> workloads() {
        return workloads;
    }

    public long samplesPerWorkload() {
        return (long) days * SAMPLES_PER_DAY;
    }

    /** Number of events {@link #events()} yields: workloads × days × 1440. */
    public long eventCount() {
        return workloads.size() * samplesPerWorkload();
    }

    /** The marketing campaigns (kind CAMPAIGN) that really raise their tenants' load; fresh copies. */
    public List<ExternalEvent> campaigns() {
        return campaigns.stream().map(e -> ExternalEvent.newBuilder(e).build()).toList();
    }

    /** Ground truth of the injected anomalies, all on the last day; empty for {@link #baseline()}. */
    public List<InjectedAnomaly> injectedAnomalies() {
        return withAnomalies ? anomalies : List.of();
    }

    /** Every sample of every workload in event-time order, generated as it is consumed. */
    public Iterator<TelemetryEvent> events() {
        WorkloadGenerator[] gens = profiles.stream()
                .sorted(Comparator.comparing((Profile p) -> p.workload().sampleOffset()).thenComparingInt(Profile::index))
                .map(WorkloadGenerator::new)
                .toArray(WorkloadGenerator[]::new);
        long ticks = samplesPerWorkload();
        return new Iterator<>() {
            private long tick;
            private int next;

            @Override
            public boolean hasNext() {
                return tick < ticks;
            }

            @Override
            public TelemetryEvent next() {
                if (tick >= ticks) {
                    throw new NoSuchElementException();
                }
                TelemetryEvent e = gens[next].sample(tick);
                if (++next == gens.length) {
                    next = 0;
                    tick++;
                }
                return e;
            }
        };
    }

    /** {@link #events()} as a sequential, ordered, sized stream. */
    public Stream<TelemetryEvent> stream() {
        return StreamSupport.stream(Spliterators.spliterator(events(), eventCount(),
                Spliterator.ORDERED | Spliterator.NONNULL | Spliterator.SIZED), false);
    }

    // ---- set-up

    private List<Profile> buildProfiles() {
        List<Profile> out = new ArrayList<>();
        for (int t = 0; t < tenants; t++) {
            TenantSpec ts = CATALOGUE.get(t % CATALOGUE.size());
            int round = t / CATALOGUE.size();
            String tenantId = round == 0 ? ts.tenantId() : ts.tenantId() + "-" + (round + 1);
            for (WorkloadSpec ws : ts.workloads()) {
                int index = out.size();
                SplittableRandom r = random(1, index);
                double scale = 0.8 + 0.45 * r.nextDouble();
                double phase = -0.5 + r.nextDouble();
                Duration offset = Duration.ofSeconds(r.nextInt(60));
                Workload w = new Workload(tenantId, ws.workloadId(), ws.archetype(), ws.dataKind(), ts.region(), ts.zone(), offset);
                out.add(new Profile(index, w, ws, scale, phase));
            }
        }
        return List.copyOf(out);
    }

    private void planCampaigns() {
        Set<String> present = new HashSet<>();
        workloads.forEach(w -> present.add(w.tenantId()));
        Set<String> targeted = new HashSet<>();
        for (int i = 0; i < CAMPAIGN_PLANS.size(); i++) {
            CampaignPlan plan = CAMPAIGN_PLANS.get(i);
            String target = present.contains(plan.preferredTenant()) ? plan.preferredTenant() : null;
            for (int k = workloads.size() - 1; target == null && k > 0; k--) {
                String candidate = workloads.get(k).tenantId();
                if (!targeted.contains(candidate) && !candidate.equals(workloads.get(0).tenantId())) {
                    target = candidate;
                }
            }
            if (target == null || targeted.contains(target)) {
                continue;
            }
            targeted.add(target);
            String tenantId = target;
            ZoneId zone = workloads.stream().filter(w -> w.tenantId().equals(tenantId)).findFirst().orElseThrow().zone();
            int day = plan.lastDay() ? days - 1 : Math.max(0, days - 2);
            Instant s = atLocal(day, plan.localStart(), zone, plan.length());
            Instant e = s.plus(plan.length());
            double realised = plan.expectedUplift() * (0.9 + 0.2 * random(2, i).nextDouble());
            campaignEffects.add(new CampaignEffect(tenantId, s.toEpochMilli(), e.toEpochMilli(), realised));
            campaigns.add(ExternalEvent.newBuilder()
                    .setEventId(plan.eventId())
                    .setKind(ExternalEventKind.CAMPAIGN)
                    .setName(plan.name())
                    .setStartTime(s)
                    .setEndTime(e)
                    .setExpectedUplift(plan.expectedUplift())
                    .setTenants(List.of(tenantId))
                    .setSource(SOURCE)
                    .build());
        }
    }

    private List<InjectedAnomaly> planAnomalies() {
        int day = days - 1;
        Set<Workload> used = new HashSet<>();
        List<InjectedAnomaly> out = new ArrayList<>();
        for (AnomalyPlan plan : ANOMALY_PLANS) {
            Workload w = chooseTarget(plan, used, day);
            used.add(w);
            Instant s = atLocal(day, plan.localStart(), w.zone(), plan.length());
            out.add(new InjectedAnomaly(w.tenantId(), w.workloadId(), plan.kind(), plan.resource(), s,
                    s.plus(plan.length()), plan.description()));
        }
        return List.copyOf(out);
    }

    // preferred workload, then by archetype, then anything; never during a campaign of the same
    // tenant (a surge must be unexplained), reusing a workload only when there are too few
    private Workload chooseTarget(AnomalyPlan plan, Set<Workload> used, int day) {
        List<Workload> order = new ArrayList<>();
        workloads.stream().filter(w -> w.tenantId().equals(plan.tenantId()) && w.workloadId().equals(plan.workloadId()))
                .forEach(order::add);
        for (Archetype a : plan.archetypes()) {
            workloads.stream().filter(w -> w.archetype() == a).forEach(order::add);
        }
        order.addAll(workloads);
        for (boolean allowReuse : new boolean[] {false, true}) {
            for (Workload w : order) {
                if ((allowReuse || !used.contains(w)) && !duringCampaign(w, plan, day)) {
                    return w;
                }
            }
        }
        return order.get(0);
    }

    private boolean duringCampaign(Workload w, AnomalyPlan plan, int day) {
        long s = atLocal(day, plan.localStart(), w.zone(), plan.length()).toEpochMilli();
        long e = s + plan.length().toMillis();
        return campaignEffects.stream().anyMatch(c -> c.tenantId().equals(w.tenantId()) && c.startMs() < e && s < c.endMs());
    }

    // the instant within day `day` of the span whose local time is `time`, kept inside the day
    private Instant atLocal(int day, LocalTime time, ZoneId zone, Duration length) {
        Instant dayStart = start.plus(Duration.ofDays(day));
        Instant dayEnd = dayStart.plus(Duration.ofDays(1));
        LocalDate date = dayStart.atZone(zone).toLocalDate();
        Instant at = ZonedDateTime.of(date, time, zone).toInstant();
        if (at.isBefore(dayStart)) {
            at = ZonedDateTime.of(date.plusDays(1), time, zone).toInstant();
        }
        if (!at.isBefore(dayEnd)) {
            at = ZonedDateTime.of(date.minusDays(1), time, zone).toInstant();
        }
        if (at.plus(length).isAfter(dayEnd)) {
            at = dayEnd.minus(length);
        }
        return at.isBefore(dayStart) ? dayStart : at;
    }

    private SplittableRandom random(long stream, long index) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + stream * 0xBF58476D1CE4E5B9L + index);
    }

    // ---- generation

    private final class WorkloadGenerator {
        private final Profile p;
        private final Workload w;
        private final WorkloadSpec spec;
        private final SplittableRandom rnd;
        private final double[] z = new double[DRAWS_PER_SAMPLE];
        private final long offsetMs;
        private final long startMs = start.toEpochMilli();
        private final List<CampaignEffect> myCampaigns;
        private final List<InjectedAnomaly> myAnomalies;

        private double ar;
        private double memoryEma = Double.NaN;
        private double storage;
        private boolean wasInWindow;
        private long lastWindowMs;

        // set per sample by effects(); multipliers on load and on single resources
        private double fxLoad;
        private double fxCpu;
        private double fxMemory;
        private double fxEgress;

        // set per sample by batchWindow()
        private double windowProgress;
        private double windowEdge;
        private double windowVolume;
        private long windowMs;

        WorkloadGenerator(Profile p) {
            this.p = p;
            this.w = p.workload();
            this.spec = p.spec();
            this.rnd = random(3, p.index());
            this.offsetMs = w.sampleOffset().toMillis();
            this.ar = AR_SD * rnd.nextGaussian();
            this.myCampaigns = w.archetype() == Archetype.BATCH ? List.of()
                    : campaignEffects.stream().filter(c -> c.tenantId().equals(w.tenantId())).toList();
            this.myAnomalies = injectedAnomalies().stream()
                    .filter(a -> a.tenantId().equals(w.tenantId()) && a.workloadId().equals(w.workloadId())).toList();
            this.storage = switch (w.archetype()) {
                case TRANSACTIONS -> 320 * GIB * p.scale();
                case INTERACTIVE -> ("media".equals(w.dataKind()) ? 4096 : 80) * GIB * p.scale();
                case BATCH -> 2048 * GIB * p.scale();
            };
        }

        TelemetryEvent sample(long tick) {
            long t = startMs + offsetMs + tick * INTERVAL_MS;
            // a fixed number of draws per sample: anomalies and branches never shift the noise
            for (int i = 0; i < z.length; i++) {
                z[i] = rnd.nextGaussian();
            }
            ar = AR_RHO * ar + AR_INNOVATION * z[0];
            double noise = Math.exp(ar - AR_SD * AR_SD / 2);
            ZonedDateTime local = Instant.ofEpochMilli(t).atZone(w.zone());
            double hour = local.getHour() + local.getMinute() / 60.0 + local.getSecond() / 3600.0;
            double h = hour - p.phaseHours();
            effects(t);
            double campaign = campaignFactor(t);
            return switch (w.archetype()) {
                case TRANSACTIONS -> transactions(t, local, hour, h, noise * campaign);
                case INTERACTIVE -> interactive(t, local, hour, h, noise * campaign);
                case BATCH -> batch(t, local, noise);
            };
        }

        private TelemetryEvent transactions(long t, ZonedDateTime local, double hour, double h, double drivers) {
            double week = weekBlend(local, hour, 1.0, 0.5);
            double shape = 0.10 + week * (0.62 * bump(h, 10.8, 2.3) + 0.55 * bump(h, 15.2, 2.4)) + 0.16 * bump(h, 20.0, 2.0);
            double load = shape * drivers * fxLoad;
            double rpm = spec.size() * p.scale() * load * white(1, 0.04);
            double cpu = (0.45 * p.scale() + rpm / 60 * 0.0105 * white(2, 0.05)) * fxCpu;
            memoryEma = Double.isNaN(memoryEma) ? load : memoryEma + MEMORY_ALPHA * (load - memoryEma);
            double memory = (6 * GIB + 18 * GIB * memoryEma) * p.scale() * white(3, 0.02) * fxMemory;
            double netIn = rpm * 1_800 * white(4, 0.05);
            double netOut = (rpm * 6_500 + 1.5e6) * white(5, 0.05) * fxEgress;
            double queries = rpm * 3.2 * white(6, 0.06);
            storage += rpm * 350;
            double sessions = rpm / 25 * white(7, 0.05);
            double duration = spec.sessionMinutes() * MINUTE_MS * white(8, 0.10);
            return event(t, cpu, memory, netIn, netOut, queries, rpm, sessions, duration);
        }

        private TelemetryEvent interactive(long t, ZonedDateTime local, double hour, double h, double drivers) {
            boolean media = "media".equals(w.dataKind());
            double week = weekBlend(local, hour, 1.0, media ? 1.25 : 1.12);
            double shape = 0.07 + week * (0.30 * bump(h, 12.5, 2.5) + 0.85 * bump(h, 20.7, 2.1));
            double sessions = spec.size() * p.scale() * shape * drivers * fxLoad * white(1, 0.03);
            double rpm = sessions * spec.requestsPerSessionMinute() * white(2, 0.05);
            double cpu = (0.3 * p.scale() + sessions * (media ? 0.0018 : 0.00045) + rpm / 60 * 0.006) * white(3, 0.05) * fxCpu;
            double memory = ((media ? 4 : 2.5) * GIB * p.scale() + sessions * (media ? 1.6 : 0.6) * MIB)
                    * white(4, 0.02) * fxMemory;
            double netIn = (rpm * 1_200 + 2e5) * white(5, 0.05);
            double netOut = ((media ? sessions * 3.0e6 : rpm * 45_000) + 1e6) * white(6, 0.05) * fxEgress;
            double queries = rpm * 0.6 * white(7, 0.06);
            storage += sessions * (media ? 40_000 : 1_000);
            double evening = bump(h, 21, 3);
            double duration = spec.sessionMinutes() * MINUTE_MS * (0.85 + 0.45 * evening) * white(8, 0.12);
            return event(t, cpu, memory, netIn, netOut, queries, rpm, sessions, duration);
        }

        private TelemetryEvent batch(long t, ZonedDateTime local, double noise) {
            boolean inWindow = batchWindow(t, local.toLocalDate());
            double u = windowProgress;
            double extract = inWindow ? 1 - smooth((u - 0.22) / 0.06) : 0;
            double loadPhase = inWindow ? smooth((u - 0.72) / 0.06) : 0;
            double transform = inWindow ? Math.max(0, 1 - extract - loadPhase) : 0;
            double activity = inWindow ? windowEdge * windowVolume * noise * fxLoad : 0;
            double ratio = spec.size() / 28;

            double cpu = (0.25 * white(1, 0.15) + spec.size() * p.scale() * (0.45 * extract + transform + 0.6 * loadPhase)
                    * activity * white(2, 0.04)) * fxCpu;
            double memory = (1.5 * GIB * white(3, 0.05)
                    + 44 * GIB * ratio * p.scale() * (0.55 * extract + transform + 0.7 * loadPhase) * activity) * fxMemory;
            double netIn = 3e6 * white(4, 0.3) + 2.4e9 * ratio * p.scale() * extract * activity * white(5, 0.05);
            double netOut = (1e6 * white(6, 0.3) + 1.1e9 * ratio * p.scale() * loadPhase * activity * white(5, 0.05)) * fxEgress;
            double queries = 3 * white(7, 0.3) + (1_200 * extract + 2_500 * loadPhase) * activity;
            double requests = (2 + 25 * activity) * white(8, 0.2);
            if (inWindow) {
                double loadMinutes = 0.28 * windowMs / (double) MINUTE_MS;
                storage += 45 * GIB * ratio * p.scale() * windowVolume * loadPhase * activity / loadMinutes;
            }
            double sessions = inWindow ? 2 + Math.round(windowEdge) : (z[9] > 1.28 ? 1 : 0);
            // the job's driver session ends with the window: report its length once
            double duration = !inWindow && wasInWindow ? lastWindowMs : 0;
            if (inWindow) {
                lastWindowMs = windowMs;
            }
            wasInWindow = inWindow;
            return event(t, cpu, memory, netIn, netOut, queries, requests, sessions, duration);
        }

        // nightly window that started on the local date or the one before
        private boolean batchWindow(long t, LocalDate date) {
            for (int back = 0; back <= 1; back++) {
                LocalDate d = date.minusDays(back);
                long ws = ZonedDateTime.of(d, spec.batchStart(), w.zone()).toInstant().toEpochMilli();
                LocalDate processed = spec.batchStart().isAfter(LocalTime.NOON) ? d : d.minusDays(1);
                double volume = isWeekend(processed.getDayOfWeek()) ? 0.75 : 1.0;
                double jitter = 0.9 + 0.22 * random(4, p.index() * 100_000L + d.toEpochDay()).nextDouble();
                long length = (long) (200 * MINUTE_MS * volume * jitter);
                if (t >= ws && t < ws + length) {
                    windowProgress = (t - ws) / (double) length;
                    windowEdge = smooth((t - ws) / (10.0 * MINUTE_MS)) * smooth((ws + length - t) / (8.0 * MINUTE_MS));
                    windowVolume = volume;
                    windowMs = length;
                    return true;
                }
            }
            windowProgress = 0;
            windowEdge = 0;
            windowVolume = 0;
            return false;
        }

        private void effects(long t) {
            fxLoad = 1;
            fxCpu = 1;
            fxMemory = 1;
            fxEgress = 1;
            for (InjectedAnomaly a : myAnomalies) {
                long s = a.start().toEpochMilli();
                long e = a.end().toEpochMilli();
                if (t < s || t >= e) {
                    continue;
                }
                switch (a.kind()) {
                    case SPIKE -> {
                        fxCpu *= SPIKE_CPU_FACTOR;
                        fxMemory *= 1.08;
                    }
                    case UNEXPLAINED_SURGE -> fxLoad *= 1 + (SURGE_LOAD_FACTOR - 1) * ramp(t, s, e, 5 * MINUTE_MS, 5 * MINUTE_MS);
                    case DROP -> {
                        fxLoad *= DROP_LOAD_FACTOR;
                        fxCpu *= 0.1;
                        fxMemory *= 0.35;
                    }
                    case EGRESS_WITHOUT_LOAD -> fxEgress *= 1 + (EGRESS_FACTOR - 1) * ramp(t, s, e, 2 * MINUTE_MS, 2 * MINUTE_MS);
                    default -> throw new IllegalStateException("not generated: " + a.kind());
                }
            }
        }

        private double campaignFactor(long t) {
            double f = 1;
            for (CampaignEffect c : myCampaigns) {
                if (t >= c.startMs() && t < c.endMs()) {
                    f *= 1 + (c.uplift() - 1) * ramp(t, c.startMs(), c.endMs(), 30 * MINUTE_MS, 45 * MINUTE_MS);
                }
            }
            return f;
        }

        private double white(int k, double sd) {
            return Math.exp(sd * z[k] - sd * sd / 2);
        }

        private TelemetryEvent event(long t, double cpu, double memory, double netIn, double netOut, double queries,
                                     double requests, double sessions, double sessionDurationMs) {
            return new TelemetryEvent(w.tenantId(), w.workloadId(), Instant.ofEpochMilli(t),
                    Math.round(Math.max(0, cpu) * 1000) / 1000.0,
                    Math.round(Math.max(0, memory)),
                    Math.round(Math.max(0, netIn)),
                    Math.round(Math.max(0, netOut)),
                    Math.round(storage),
                    Math.round(Math.max(0, queries)),
                    Math.round(Math.max(0, requests)),
                    (int) Math.round(Math.max(0, sessions)),
                    (double) Math.round(Math.max(0, sessionDurationMs)),
                    w.dataKind(),
                    INTERVAL_MS,
                    w.region());
        }
    }

    // ---- shapes

    /** Gaussian bump around {@code centre} (hours, wrapping at midnight). */
    private static double bump(double hour, double centre, double width) {
        double d = Math.abs(hour - centre) % 24;
        d = Math.min(d, 24 - d);
        return Math.exp(-0.5 * (d / width) * (d / width));
    }

    private static double smooth(double x) {
        double c = Math.max(0, Math.min(1, x));
        return c * c * (3 - 2 * c);
    }

    private static double ramp(long t, long s, long e, long up, long down) {
        return Math.min(smooth((t - s) / (double) up), smooth((e - t) / (double) down));
    }

    private static boolean isWeekend(DayOfWeek d) {
        return d == DayOfWeek.SATURDAY || d == DayOfWeek.SUNDAY;
    }

    // weekday/weekend level, blended over the 4 hours around midnight so there is no step
    private static double weekBlend(ZonedDateTime local, double hour, double weekday, double weekend) {
        DayOfWeek d = local.getDayOfWeek();
        double today = isWeekend(d) ? weekend : weekday;
        if (hour < 2) {
            double previous = isWeekend(d.minus(1)) ? weekend : weekday;
            return previous + (today - previous) * smooth((hour + 2) / 4);
        }
        if (hour > 22) {
            double next = isWeekend(d.plus(1)) ? weekend : weekday;
            return today + (next - today) * smooth((hour - 22) / 4);
        }
        return today;
    }

    // ---- malformed input

    /**
     * About ten bad payloads for the dead-letter path. The undecodable ones carry the phrase
     * {@link WireFormat#decode} puts in its reason ("not Avro", "undecodable", "unknown writer
     * schema"); the others are valid single-object encodings with one semantically bad field,
     * so only validation after decoding catches them.
     */
    public List<MalformedSample> malformedSamples() {
        TelemetryEvent good = events().next();
        Instant t = good.getEventTime().plusSeconds(30);
        String tenant = good.getTenantId();
        String workload = good.getWorkloadId();
        byte[] encoded = WireFormat.encode(good);

        byte[] truncated = Arrays.copyOf(encoded, encoded.length * 3 / 5);
        byte[] unknownSchema = encoded.clone();
        for (int i = 2; i < 10; i++) {
            unknownSchema[i] ^= (byte) 0x5A;
        }

        List<MalformedSample> out = new ArrayList<>();
        out.add(new MalformedSample(("{\"tenantId\":\"" + tenant + "\",\"workloadId\":\"" + workload
                + "\",\"cpuCores\":3.5}").getBytes(StandardCharsets.UTF_8),
                "not Avro", "a JSON document instead of Avro"));
        out.add(new MalformedSample(new byte[0], "not Avro", "an empty value"));
        out.add(new MalformedSample(plainAvro(good), "not Avro",
                "plain Avro binary without the single-object header and schema fingerprint"));
        out.add(new MalformedSample(truncated, "undecodable", "an Avro record cut off after 60% of its bytes"));
        out.add(new MalformedSample(unknownSchema, "unknown writer schema",
                "a schema fingerprint no known TelemetryEvent version has"));
        out.add(bad(TelemetryEvent.newBuilder(good).setEventTime(t).setTenantId(""),
                "tenantId", "an empty tenantId"));
        out.add(bad(TelemetryEvent.newBuilder(good).setEventTime(t).setCpuCores(-2.5),
                "cpuCores", "a negative CPU value (-2.5 cores)"));
        out.add(bad(TelemetryEvent.newBuilder(good).setEventTime(t).setCpuCores(Double.NaN),
                "cpuCores", "CPU is NaN"));
        out.add(bad(TelemetryEvent.newBuilder(good).setEventTime(t).setMemoryBytes(-(1L << 30)),
                "memoryBytes", "negative memory (-1 GiB)"));
        out.add(bad(TelemetryEvent.newBuilder(good).setEventTime(t).setNetworkOutBytes(-4_096),
                "networkOutBytes", "a negative network counter (networkOutBytes -4096)"));
        out.add(bad(TelemetryEvent.newBuilder(good).setEventTime(end().plus(Duration.ofDays(3653))),
                "eventTime", "an event time 10 years in the future"));
        return List.copyOf(out);
    }

    private static MalformedSample bad(TelemetryEvent.Builder record, String keyword, String description) {
        return new MalformedSample(WireFormat.encode(record.build()), keyword, description);
    }

    private static byte[] plainAvro(TelemetryEvent event) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
            new SpecificDatumWriter<>(TelemetryEvent.class).write(event, encoder);
            encoder.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
