package io.shadowscale.jobs.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import io.shadowscale.jobs.demo.DemoScenario.Archetype;
import io.shadowscale.jobs.demo.DemoScenario.InjectedAnomaly;
import io.shadowscale.jobs.demo.DemoScenario.MalformedSample;
import io.shadowscale.jobs.demo.DemoScenario.Workload;
import io.shadowscale.schema.AnomalyType;
import io.shadowscale.schema.ExternalEvent;
import io.shadowscale.schema.ExternalEventKind;
import io.shadowscale.schema.TelemetryEvent;
import io.shadowscale.schema.WireFormat;

class DemoScenarioTest {

    // Tue, Wed, Thu: the last two days are both weekdays, so "a day earlier" is comparable
    private static final Instant TUESDAY = Instant.parse("2025-03-04T00:00:00Z");
    // a full week, Monday to Sunday, for the weekly cycle
    private static final Instant MONDAY = Instant.parse("2025-03-03T00:00:00Z");
    private static final Duration DAY = Duration.ofDays(1);

    private static DemoScenario scenario;
    private static Map<String, List<TelemetryEvent>> series;

    @BeforeAll
    static void generate() {
        scenario = new DemoScenario(DemoScenario.DEFAULT_TENANTS, DemoScenario.DEFAULT_DAYS, TUESDAY, DemoScenario.DEFAULT_SEED);
        series = bySeries(scenario.events());
    }

    @Test
    void sameSeedGivesSameData() {
        DemoScenario again = new DemoScenario(6, 3, TUESDAY, DemoScenario.DEFAULT_SEED);
        Iterator<TelemetryEvent> a = scenario.events();
        Iterator<TelemetryEvent> b = again.events();
        long n = 0;
        while (a.hasNext()) {
            assertThat(b.hasNext()).isTrue();
            assertThat(b.next()).isEqualTo(a.next());
            n++;
        }
        assertThat(b.hasNext()).isFalse();
        assertThat(n).isEqualTo(scenario.eventCount());
        assertThat(again.campaigns()).isEqualTo(scenario.campaigns());
        assertThat(again.injectedAnomalies()).isEqualTo(scenario.injectedAnomalies());

        Iterator<TelemetryEvent> other = new DemoScenario(6, 3, TUESDAY, 7).events();
        Iterator<TelemetryEvent> mine = scenario.events();
        int same = 0;
        for (int i = 0; i < 10_000; i++) {
            if (other.next().equals(mine.next())) {
                same++;
            }
        }
        assertThat(same).isLessThan(10);
    }

    @Test
    void eventsAreInEventTimeOrderAndComplete() {
        assertThat(scenario.workloads()).hasSize(10);
        assertThat(scenario.eventCount()).isEqualTo(10L * 3 * 1440).isEqualTo(43_200);

        Instant previous = Instant.MIN;
        long count = 0;
        Set<String> keysInFirstMinute = new HashSet<>();
        for (Iterator<TelemetryEvent> it = scenario.events(); it.hasNext(); ) {
            TelemetryEvent e = it.next();
            assertThat(e.getEventTime()).isAfterOrEqualTo(previous);
            previous = e.getEventTime();
            if (count < 10) {
                keysInFirstMinute.add(e.getTenantId() + "/" + e.getWorkloadId());
            }
            count++;
        }
        assertThat(count).isEqualTo(scenario.eventCount());
        // interleaved: the first ten events are one sample of each workload
        assertThat(keysInFirstMinute).hasSize(10);
        assertThat(previous).isBefore(scenario.end()).isAfter(scenario.end().minusSeconds(60));

        for (Workload w : scenario.workloads()) {
            List<TelemetryEvent> s = series.get(w.key());
            assertThat(s).hasSize(3 * 1440);
            for (int i = 1; i < s.size(); i++) {
                assertThat(Duration.between(s.get(i - 1).getEventTime(), s.get(i).getEventTime())).isEqualTo(Duration.ofMinutes(1));
            }
        }
        Map<String, Long> perTenant = new LinkedHashMap<>();
        scenario.workloads().forEach(w -> perTenant.merge(w.tenantId(), 1L, Long::sum));
        assertThat(perTenant).hasSize(6).allSatisfy((t, n) -> assertThat(n).isBetween(1L, 2L));
        assertThat(scenario.stream().count()).isEqualTo(43_200);

        DemoScenario nine = new DemoScenario(9, 1, TUESDAY, 1);
        assertThat(nine.workloads()).extracting(Workload::tenantId).contains("acme-retail", "acme-retail-2");
        assertThat(nine.eventCount()).isEqualTo(nine.workloads().size() * 1440L).isEqualTo(nine.stream().count());
    }

    @Test
    void valuesArePhysicallyPlausible() {
        for (Workload w : scenario.workloads()) {
            for (TelemetryEvent e : series.get(w.key())) {
                assertThat(e.getCpuCores()).isFinite().isBetween(0.0, 200.0);
                assertThat(e.getMemoryBytes()).isGreaterThan(100L << 20);
                assertThat(e.getNetworkInBytes()).isNotNegative();
                assertThat(e.getNetworkOutBytes()).isNotNegative();
                assertThat(e.getStorageBytes()).isGreaterThan(1L << 30);
                assertThat(e.getIntervalMs()).isEqualTo(60_000L);
                assertThat(e.getRegion()).isEqualTo(w.region());
                assertThat(e.getDataKind()).isEqualTo(w.dataKind());
            }
            List<TelemetryEvent> s = series.get(w.key());
            double peakCpu = s.stream().filter(e -> !inAnomaly(e)).mapToDouble(TelemetryEvent::getCpuCores).max().orElseThrow();
            assertThat(peakCpu).as("peak CPU of %s", w.key()).isBetween(2.0, 40.0);
            // storage only grows, and does grow
            for (int i = 1; i < s.size(); i++) {
                assertThat(s.get(i).getStorageBytes()).isGreaterThanOrEqualTo(s.get(i - 1).getStorageBytes());
            }
            assertThat(s.get(s.size() - 1).getStorageBytes()).isGreaterThan(s.get(0).getStorageBytes());
        }
        assertThat(scenario.workloads()).extracting(Workload::dataKind)
                .contains("transactions", "batch", "interactive", "media");
    }

    @Test
    void transactionsPeakInBusinessHours() {
        for (Workload w : of(Archetype.TRANSACTIONS)) {
            List<TelemetryEvent> s = clean(series.get(w.key()));
            double business = mean(s, e -> localHour(e, w) >= 9 && localHour(e, w) < 17, TelemetryEvent::getCpuCores);
            double night = mean(s, e -> localHour(e, w) < 5, TelemetryEvent::getCpuCores);
            assertThat(business).as("%s business/night CPU", w.key()).isGreaterThanOrEqualTo(2 * night);
            double reqBusiness = mean(s, e -> localHour(e, w) >= 9 && localHour(e, w) < 17, e -> e.getRequests());
            double reqNight = mean(s, e -> localHour(e, w) < 5, e -> e.getRequests());
            assertThat(reqBusiness).isGreaterThanOrEqualTo(4 * reqNight);
            // DB queries and traffic follow the requests
            double qPerReq = mean(s, e -> true, e -> e.getDbQueries()) / mean(s, e -> true, e -> e.getRequests());
            assertThat(qPerReq).isBetween(2.0, 5.0);
            assertThat(mean(s, e -> true, e -> e.getNetworkOutBytes() / (double) e.getRequests())).isBetween(3_000.0, 20_000.0);
        }
    }

    @Test
    void batchRunsAtNight() {
        for (Workload w : of(Archetype.BATCH)) {
            List<TelemetryEvent> s = clean(series.get(w.key()));
            Predicate<TelemetryEvent> night = e -> localHour(e, w) >= 22 || localHour(e, w) < 7;
            Predicate<TelemetryEvent> day = e -> localHour(e, w) >= 9 && localHour(e, w) < 18;
            assertThat(mean(s, night, TelemetryEvent::getCpuCores)).as("%s night/day CPU", w.key())
                    .isGreaterThanOrEqualTo(3 * mean(s, day, TelemetryEvent::getCpuCores));
            assertThat(mean(s, day, TelemetryEvent::getCpuCores)).isLessThan(0.5);
            assertThat(mean(s, night, e -> e.getMemoryBytes())).isGreaterThanOrEqualTo(3 * mean(s, day, e -> e.getMemoryBytes()));
            // storage is written during the night, hardly by day
            assertThat(growth(s, night)).isGreaterThan(20 * growth(s, day) + 1);
            assertThat(mean(s, e -> true, e -> e.getActiveSessions())).isLessThan(2);
        }
    }

    @Test
    void interactivePeaksInTheEveningWithMinutesLongSessions() {
        for (Workload w : of(Archetype.INTERACTIVE)) {
            List<TelemetryEvent> s = clean(series.get(w.key()));
            double evening = mean(s, e -> localHour(e, w) >= 19 && localHour(e, w) < 22, e -> e.getActiveSessions());
            double morning = mean(s, e -> localHour(e, w) >= 9 && localHour(e, w) < 12, e -> e.getActiveSessions());
            assertThat(evening).as("%s evening/morning sessions", w.key()).isGreaterThanOrEqualTo(2 * morning);
            assertThat(mean(s, e -> true, TelemetryEvent::getSessionDurationMs)).isBetween(2 * 60_000.0, 60 * 60_000.0);
        }
    }

    @Test
    void transactionsAreQuieterAtWeekends() {
        DemoScenario week = new DemoScenario(2, 7, MONDAY, DemoScenario.DEFAULT_SEED);
        Map<String, List<TelemetryEvent>> weekSeries = bySeries(week.events());
        Predicate<TelemetryEvent> free = e -> week.injectedAnomalies().stream()
                .noneMatch(a -> a.covers(e.getEventTime()) && a.workloadId().equals(e.getWorkloadId()))
                && week.campaigns().stream().noneMatch(c -> c.getTenants().contains(e.getTenantId())
                && !e.getEventTime().isBefore(c.getStartTime()) && e.getEventTime().isBefore(c.getEndTime()));
        List<Workload> tx = week.workloads().stream().filter(w -> w.archetype() == Archetype.TRANSACTIONS).toList();
        assertThat(tx).hasSize(2);
        for (Workload w : tx) {
            List<TelemetryEvent> s = weekSeries.get(w.key()).stream().filter(free).toList();
            Predicate<TelemetryEvent> business = e -> localHour(e, w) >= 9 && localHour(e, w) < 17;
            double weekday = mean(s, business.and(e -> !weekend(e, w)), e -> e.getRequests());
            double weekendMean = mean(s, business.and(e -> weekend(e, w)), e -> e.getRequests());
            assertThat(weekendMean).as("%s weekend/weekday requests", w.key()).isLessThanOrEqualTo(0.75 * weekday);
        }
        Workload web = week.workloads().stream().filter(w -> w.workloadId().equals("web-frontend")).findFirst().orElseThrow();
        List<TelemetryEvent> s = weekSeries.get(web.key()).stream().filter(free).toList();
        Predicate<TelemetryEvent> evening = e -> localHour(e, web) >= 19 && localHour(e, web) < 22;
        assertThat(mean(s, evening.and(e -> weekend(e, web)), e -> e.getActiveSessions()))
                .isGreaterThan(mean(s, evening.and(e -> !weekend(e, web)), e -> e.getActiveSessions()));
    }

    @Test
    void campaignsRaiseTheirTenantsLoad() {
        List<ExternalEvent> campaigns = scenario.campaigns();
        assertThat(campaigns).hasSize(2);
        assertThat(campaigns).extracting(ExternalEvent::getKind).containsOnly(ExternalEventKind.CAMPAIGN);
        assertThat(campaigns).flatExtracting(ExternalEvent::getTenants).containsExactly("acme-retail", "stark-games");
        assertThat(campaigns).extracting(ExternalEvent::getEventId).doesNotHaveDuplicates();
        for (ExternalEvent c : campaigns) {
            assertThat(c.getExpectedUplift()).isBetween(1.5, 3.0);
            assertThat(c.getStartTime()).isAfterOrEqualTo(scenario.start().plus(DAY));
            assertThat(c.getEndTime()).isBefore(scenario.end()).isAfter(c.getStartTime());
            // the plateau, without the ramps
            Instant from = c.getStartTime().plus(Duration.ofMinutes(30));
            Instant to = c.getEndTime().minus(Duration.ofMinutes(45));
            for (Workload w : scenario.workloads()) {
                if (!c.getTenants().contains(w.tenantId())) {
                    continue;
                }
                List<TelemetryEvent> s = series.get(w.key());
                double during = mean(between(s, from, to), e -> true, e -> e.getRequests());
                double dayBefore = mean(between(s, from.minus(DAY), to.minus(DAY)), e -> true, e -> e.getRequests());
                if (w.archetype() == Archetype.BATCH) {
                    assertThat(during / dayBefore).as("%s is not a campaign target", w.key()).isBetween(0.7, 1.4);
                } else {
                    assertThat(during).as("%s during %s vs a day earlier", w.key(), c.getName())
                            .isGreaterThanOrEqualTo(1.5 * dayBefore);
                    assertThat(during).isLessThanOrEqualTo(3.0 * dayBefore);
                }
            }
        }
    }

    @Test
    void anomaliesAreOnTheLastDayOnDifferentWorkloads() {
        List<InjectedAnomaly> anomalies = scenario.injectedAnomalies();
        assertThat(anomalies).extracting(InjectedAnomaly::kind).containsExactlyInAnyOrder(
                AnomalyType.SPIKE, AnomalyType.UNEXPLAINED_SURGE, AnomalyType.DROP, AnomalyType.EGRESS_WITHOUT_LOAD);
        assertThat(anomalies).extracting(a -> a.tenantId() + "/" + a.workloadId()).doesNotHaveDuplicates();
        Instant lastDay = scenario.end().minus(DAY);
        for (InjectedAnomaly a : anomalies) {
            assertThat(a.start()).isAfterOrEqualTo(lastDay);
            assertThat(a.end()).isAfter(a.start()).isBeforeOrEqualTo(scenario.end());
            assertThat(series).containsKey(a.tenantId() + "/" + a.workloadId());
            assertThat(a.description()).isNotBlank();
            // no campaign of the tenant explains it
            assertThat(scenario.campaigns()).noneMatch(c -> c.getTenants().contains(a.tenantId())
                    && c.getStartTime().isBefore(a.end()) && a.start().isBefore(c.getEndTime()));
        }
        Duration spike = length(AnomalyType.SPIKE);
        assertThat(spike).isLessThanOrEqualTo(Duration.ofMinutes(10));
        assertThat(length(AnomalyType.UNEXPLAINED_SURGE)).isBetween(Duration.ofMinutes(30), Duration.ofMinutes(60));
        assertThat(length(AnomalyType.DROP)).isBetween(Duration.ofMinutes(20), Duration.ofMinutes(40));
        assertThat(scenario.baseline().injectedAnomalies()).isEmpty();
    }

    @Test
    void eachAnomalyIsVisibleAgainstTheDayBefore() {
        for (InjectedAnomaly a : scenario.injectedAnomalies()) {
            List<TelemetryEvent> s = series.get(a.tenantId() + "/" + a.workloadId());
            List<TelemetryEvent> during = between(s, a.start(), a.end());
            List<TelemetryEvent> before = between(s, a.start().minus(DAY), a.end().minus(DAY));
            assertThat(during).hasSameSizeAs(before).isNotEmpty();
            double cpu = ratio(during, before, TelemetryEvent::getCpuCores);
            double requests = ratio(during, before, e -> e.getRequests());
            switch (a.kind()) {
                case SPIKE -> {
                    assertThat(cpu).as("spike CPU vs a day earlier").isGreaterThanOrEqualTo(3);
                    assertThat(requests).isCloseTo(1, within(0.3));
                }
                case UNEXPLAINED_SURGE -> {
                    assertThat(requests).as("surge requests vs a day earlier").isGreaterThanOrEqualTo(2);
                    assertThat(cpu).isGreaterThanOrEqualTo(1.8);
                }
                case DROP -> {
                    assertThat(requests).as("drop requests vs a day earlier").isLessThanOrEqualTo(0.2);
                    assertThat(cpu).isLessThanOrEqualTo(0.2);
                }
                case EGRESS_WITHOUT_LOAD -> {
                    assertThat(ratio(during, before, e -> e.getNetworkOutBytes())).as("egress vs a day earlier")
                            .isGreaterThanOrEqualTo(4);
                    assertThat(cpu).isCloseTo(1, within(0.3));
                    assertThat(requests).isCloseTo(1, within(0.3));
                    assertThat(ratio(during, before, e -> e.getNetworkInBytes())).isCloseTo(1, within(0.3));
                }
                default -> throw new AssertionError("unexpected kind " + a.kind());
            }
        }
    }

    @Test
    void anomaliesChangeTheDataOnlyInsideTheirWindows() {
        Iterator<TelemetryEvent> withAnomalies = scenario.events();
        Iterator<TelemetryEvent> baseline = scenario.baseline().events();
        Map<AnomalyType, Integer> changed = new LinkedHashMap<>();
        while (withAnomalies.hasNext()) {
            TelemetryEvent a = withAnomalies.next();
            TelemetryEvent b = baseline.next();
            assertThat(a.getEventTime()).isEqualTo(b.getEventTime());
            InjectedAnomaly in = scenario.injectedAnomalies().stream()
                    .filter(x -> x.tenantId().equals(a.getTenantId()) && x.workloadId().equals(a.getWorkloadId())
                            && x.covers(a.getEventTime()))
                    .findFirst().orElse(null);
            if (in == null) {
                // memory and storage carry state (memory lag, written bytes), the rest does not
                assertThat(a.getCpuCores()).isEqualTo(b.getCpuCores());
                assertThat(a.getRequests()).isEqualTo(b.getRequests());
                assertThat(a.getNetworkOutBytes()).isEqualTo(b.getNetworkOutBytes());
                assertThat(a.getActiveSessions()).isEqualTo(b.getActiveSessions());
            } else if (a.getCpuCores() != b.getCpuCores() || a.getNetworkOutBytes() != b.getNetworkOutBytes()) {
                changed.merge(in.kind(), 1, Integer::sum);
            }
        }
        for (InjectedAnomaly a : scenario.injectedAnomalies()) {
            long minutes = Duration.between(a.start(), a.end()).toMinutes();
            assertThat(changed.getOrDefault(a.kind(), 0)).as("%s samples changed", a.kind())
                    .isGreaterThanOrEqualTo((int) minutes - 1);
        }
    }

    @Test
    void fewerTenantsStillGetCampaignsAndAnomalies() {
        DemoScenario one = new DemoScenario(1, 2, TUESDAY, 3);
        assertThat(one.campaigns()).hasSize(1);
        assertThat(one.injectedAnomalies()).hasSize(4)
                .allSatisfy(a -> assertThat(a.start()).isAfterOrEqualTo(TUESDAY.plus(DAY)));
        DemoScenario three = new DemoScenario(3, 2, TUESDAY, 3);
        assertThat(three.campaigns()).hasSize(2);
        assertThat(three.injectedAnomalies()).extracting(a -> a.tenantId() + "/" + a.workloadId()).doesNotHaveDuplicates();
    }

    @Test
    void malformedSamplesFailWhereTheyShould() throws Exception {
        List<MalformedSample> bad = scenario.malformedSamples();
        assertThat(bad).hasSizeBetween(8, 14);
        Set<String> undecodable = Set.of("not Avro", "undecodable", "unknown writer schema");
        int decodeFailures = 0;
        for (MalformedSample m : bad) {
            assertThat(m.description()).isNotBlank();
            if (undecodable.contains(m.expectedReasonKeyword())) {
                decodeFailures++;
                assertThatThrownBy(() -> WireFormat.decode(TelemetryEvent.class, m.payload()))
                        .as(m.description())
                        .isInstanceOf(WireFormat.MalformedRecordException.class)
                        .hasMessageContaining(m.expectedReasonKeyword());
                continue;
            }
            TelemetryEvent e = WireFormat.decode(TelemetryEvent.class, m.payload());
            switch (m.expectedReasonKeyword()) {
                case "tenantId" -> assertThat(e.getTenantId()).isEmpty();
                case "cpuCores" -> assertThat(e.getCpuCores() < 0 || Double.isNaN(e.getCpuCores())).isTrue();
                case "memoryBytes" -> assertThat(e.getMemoryBytes()).isNegative();
                case "networkOutBytes" -> assertThat(e.getNetworkOutBytes()).isNegative();
                case "eventTime" -> assertThat(e.getEventTime()).isAfter(scenario.end().plus(Duration.ofDays(9 * 365)));
                default -> throw new AssertionError("unexpected keyword " + m.expectedReasonKeyword());
            }
            // everything else about it is ordinary
            assertThat(e.getIntervalMs()).isEqualTo(60_000L);
        }
        assertThat(decodeFailures).isEqualTo(5);
        assertThat(bad).extracting(MalformedSample::expectedReasonKeyword)
                .contains("not Avro", "undecodable", "tenantId", "cpuCores", "networkOutBytes", "eventTime");
        assertThat(bad).filteredOn(m -> m.expectedReasonKeyword().equals("cpuCores")).hasSize(2);
        assertThat(new String(bad.get(0).payload(), StandardCharsets.UTF_8)).startsWith("{");
    }

    @Nested
    class ProgressBarOutput {

        @Test
        void rendersBarPercentCountsAndRate() {
            assertThat(ProgressBar.render(12_345, 27_000, 8_123.4, "events"))
                    .isEqualTo("[#############.................]  45% 12,345/27,000 events 8,123/s");
            assertThat(ProgressBar.render(27_000, 27_000, 0, "events")).startsWith("[" + "#".repeat(30) + "] 100%");
            assertThat(ProgressBar.render(500, 0, 10, "events")).isEqualTo("500 events 10/s");
        }

        @Test
        void plainLinesEveryTenPercentWithoutATerminal() {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            AtomicLong clock = new AtomicLong();
            ProgressBar bar = new ProgressBar(1_000, "events", new PrintStream(bytes, true, StandardCharsets.UTF_8),
                    false, clock::get);
            for (long i = 1; i <= 1_000; i++) {
                clock.addAndGet(1_000_000); // 1 ms per event: 1,000/s
                bar.accept(i);
            }
            bar.finish();
            String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
            assertThat(lines).hasSize(10);
            assertThat(lines[0]).contains(" 10% 100/1,000 events 1,000/s");
            assertThat(lines[9]).contains("100% 1,000/1,000");
            assertThat(bytes.toString(StandardCharsets.UTF_8)).doesNotContain("\r");
        }

        @Test
        void redrawsOneLineOnATerminal() {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            AtomicLong clock = new AtomicLong();
            ProgressBar bar = new ProgressBar(100, "events", new PrintStream(bytes, true, StandardCharsets.UTF_8),
                    true, clock::get);
            for (long i = 1; i <= 100; i++) {
                clock.addAndGet(50_000_000); // 50 ms apart: every other update is drawn
                bar.accept(i);
            }
            bar.finish();
            String out = bytes.toString(StandardCharsets.UTF_8);
            assertThat(out.chars().filter(c -> c == '\n').count()).isEqualTo(1);
            assertThat(out.chars().filter(c -> c == '\r').count()).isBetween(50L, 52L);
            assertThat(out.trim()).endsWith("100/100 events 20/s");
        }
    }

    // ---- helpers

    private static Map<String, List<TelemetryEvent>> bySeries(Iterator<TelemetryEvent> events) {
        Map<String, List<TelemetryEvent>> out = new LinkedHashMap<>();
        events.forEachRemaining(e -> out.computeIfAbsent(e.getTenantId() + "/" + e.getWorkloadId(), k -> new ArrayList<>()).add(e));
        return out;
    }

    private static List<Workload> of(Archetype archetype) {
        List<Workload> out = scenario.workloads().stream().filter(w -> w.archetype() == archetype).toList();
        assertThat(out).isNotEmpty();
        return out;
    }

    private static boolean inAnomaly(TelemetryEvent e) {
        return scenario.injectedAnomalies().stream().anyMatch(a -> a.tenantId().equals(e.getTenantId())
                && a.workloadId().equals(e.getWorkloadId()) && a.covers(e.getEventTime()));
    }

    private static boolean inCampaign(TelemetryEvent e) {
        return scenario.campaigns().stream().anyMatch(c -> c.getTenants().contains(e.getTenantId())
                && !e.getEventTime().isBefore(c.getStartTime()) && e.getEventTime().isBefore(c.getEndTime()));
    }

    // without anomalies and campaigns: the archetype's own shape
    private static List<TelemetryEvent> clean(List<TelemetryEvent> s) {
        return s.stream().filter(e -> !inAnomaly(e) && !inCampaign(e)).toList();
    }

    private static double localHour(TelemetryEvent e, Workload w) {
        ZonedDateTime z = e.getEventTime().atZone(w.zone());
        return z.getHour() + z.getMinute() / 60.0;
    }

    private static boolean weekend(TelemetryEvent e, Workload w) {
        DayOfWeek d = e.getEventTime().atZone(w.zone()).getDayOfWeek();
        return d == DayOfWeek.SATURDAY || d == DayOfWeek.SUNDAY;
    }

    private static double mean(List<TelemetryEvent> s, Predicate<TelemetryEvent> filter, ToDoubleFunction<TelemetryEvent> f) {
        List<TelemetryEvent> chosen = s.stream().filter(filter).toList();
        assertThat(chosen).as("samples to average").isNotEmpty();
        return chosen.stream().mapToDouble(f).average().orElseThrow();
    }

    private static double ratio(List<TelemetryEvent> during, List<TelemetryEvent> before, ToDoubleFunction<TelemetryEvent> f) {
        return mean(during, e -> true, f) / mean(before, e -> true, f);
    }

    private static List<TelemetryEvent> between(List<TelemetryEvent> s, Instant from, Instant to) {
        return s.stream().filter(e -> !e.getEventTime().isBefore(from) && e.getEventTime().isBefore(to)).toList();
    }

    // storage bytes added by samples matching the filter
    private static double growth(List<TelemetryEvent> s, Predicate<TelemetryEvent> filter) {
        double sum = 0;
        for (int i = 1; i < s.size(); i++) {
            if (filter.test(s.get(i)) && s.get(i).getEventTime().minusSeconds(60).equals(s.get(i - 1).getEventTime())) {
                sum += s.get(i).getStorageBytes() - s.get(i - 1).getStorageBytes();
            }
        }
        return sum;
    }

    private static Duration length(AnomalyType kind) {
        InjectedAnomaly a = scenario.injectedAnomalies().stream().filter(x -> x.kind() == kind).findFirst().orElseThrow();
        return Duration.between(a.start(), a.end());
    }
}
