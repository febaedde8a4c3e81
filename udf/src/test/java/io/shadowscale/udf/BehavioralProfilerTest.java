package io.shadowscale.udf;

import static io.shadowscale.udf.TestData.BUCKET;
import static io.shadowscale.udf.TestData.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

import io.shadowscale.schema.ExternalEvent;
import io.shadowscale.schema.TelemetryRollup;
import io.shadowscale.schema.WorkloadProfile;
import io.shadowscale.udf.logic.events.Covariates;
import io.shadowscale.udf.logic.events.Events;
import io.shadowscale.udf.model.EnrichedRollup;

/** The keyed-broadcast profiler: scope matching, revisions, cancellations, late events, state clean-up, profiles. */
class BehavioralProfilerTest {

    static final long HOUR = 3_600_000L;
    /** 2024-03-04T12:00Z: campaigns below run 12:30-14:00. */
    static final long NOON = T0 + 12 * HOUR;

    final ShadowOptions options = options();

    static ShadowOptions options() {
        ShadowOptions o = ShadowOptions.defaults();
        o.profileMinHistoryMs = HOUR; // profiles after an hour of history, to keep the tests short
        return o;
    }

    KeyedBroadcastOperatorTestHarness<String, TelemetryRollup, ExternalEvent, EnrichedRollup> harness() throws Exception {
        var h = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new BehavioralProfiler(options), new Keys.OfRollup(), Types.STRING, Descriptors.EXTERNAL_EVENTS);
        h.processBroadcastWatermark(Long.MAX_VALUE); // as in the pipeline: the events input never holds time back
        return h;
    }

    static TelemetryRollup rollup(String tenant, long bucketStart) {
        return TelemetryRollup.newBuilder(TestData.rollup(tenant, "w", bucketStart, 2.0)).setRegion("us-east-1").build();
    }

    static void send(KeyedBroadcastOperatorTestHarness<String, TelemetryRollup, ExternalEvent, EnrichedRollup> h, TelemetryRollup r)
            throws Exception {
        long end = r.getBucketStart().toEpochMilli() + BUCKET;
        h.processElement(r, end - 1);
        h.processWatermark(end - 1);
    }

    static ExternalEvent campaign(int revision, double uplift, String... tenants) {
        return Events.campaign("spring-sale", iso(NOON + HOUR / 2), iso(NOON + 2 * HOUR), uplift, tenants).setRevision(revision).build();
    }

    static String iso(long t) {
        return Instant.ofEpochMilli(t).toString();
    }

    static EnrichedRollup last(KeyedBroadcastOperatorTestHarness<String, TelemetryRollup, ExternalEvent, EnrichedRollup> h, String tenant) {
        List<EnrichedRollup> out = h.extractOutputValues().stream().filter(e -> e.rollup.getTenantId().equals(tenant)).collect(Collectors.toList());
        return out.get(out.size() - 1);
    }

    /** Campaign intensity of the step whose bucket starts at {@code t}. */
    static double intensityAt(EnrichedRollup e, long t) {
        return e.covariate((int) ((t - e.originMs) / e.stepMs), Covariates.CAMPAIGN_INTENSITY);
    }

    @Test
    void aCampaignOnlyChangesTheCovariatesOfItsTenant() throws Exception {
        try (var h = harness()) {
            h.processBroadcastElement(campaign(1, 2.5, "a"), 0);
            send(h, rollup("a", NOON));
            send(h, rollup("b", NOON));
            EnrichedRollup a = last(h, "a"), b = last(h, "b");
            assertThat(a.originMs).isEqualTo(NOON + BUCKET);
            assertThat(a.steps).isEqualTo(12);
            assertThat(a.features).isEqualTo(Covariates.COUNT);
            assertThat(intensityAt(a, NOON + BUCKET)).as("12:05, before the campaign").isZero();
            assertThat(intensityAt(a, NOON + HOUR / 2)).isEqualTo(1.5);
            assertThat(a.eventIds).containsExactly("spring-sale");
            assertThat(intensityAt(b, NOON + HOUR / 2)).isZero();
            assertThat(b.eventIds).isEmpty();
            assertThat(a.rollup).isEqualTo(rollup("a", NOON));
        }
    }

    @Test
    void eachBucketSaysWhichEventsAreInForceDuringIt() throws Exception {
        try (var h = harness()) {
            h.processBroadcastElement(campaign(1, 2.5, "a"), 0);
            send(h, rollup("a", NOON));
            // the campaign touches the horizon after 12:00 but is not running in the 12:00 bucket itself
            assertThat(last(h, "a").eventIds).containsExactly("spring-sale");
            assertThat(last(h, "a").activeEventIds).isEmpty();
            send(h, rollup("a", NOON + HOUR / 2));
            assertThat(last(h, "a").activeEventIds).containsExactly("spring-sale");
            send(h, rollup("b", NOON + HOUR / 2));
            assertThat(last(h, "b").activeEventIds).as("another tenant's campaign explains nothing here").isEmpty();
            send(h, rollup("a", NOON + 2 * HOUR));
            assertThat(last(h, "a").activeEventIds).as("the campaign has ended").isEmpty();
        }
    }

    @Test
    void aHigherRevisionReplacesAndALowerOneIsIgnored() throws Exception {
        try (var h = harness()) {
            h.processBroadcastElement(campaign(1, 2.0, "a"), 0);
            h.processBroadcastElement(campaign(3, 3.0, "a"), 0);
            h.processBroadcastElement(campaign(2, 1.2, "a"), 0); // arrives late, stale
            send(h, rollup("a", NOON));
            assertThat(intensityAt(last(h, "a"), NOON + HOUR / 2)).isEqualTo(2.0);
            assertThat(h.getBroadcastState(Descriptors.EXTERNAL_EVENTS).get("spring-sale").getRevision()).isEqualTo(3);
        }
    }

    @Test
    void aCancellationRemovesTheEffectAndOlderRevisionsCannotBringItBack() throws Exception {
        try (var h = harness()) {
            h.processBroadcastElement(campaign(1, 2.0, "a"), 0);
            send(h, rollup("a", NOON));
            assertThat(last(h, "a").eventIds).containsExactly("spring-sale");
            h.processBroadcastElement(ExternalEvent.newBuilder(campaign(2, 2.0, "a")).setCancelled(true).build(), 0);
            h.processBroadcastElement(campaign(1, 2.0, "a"), 0);
            send(h, rollup("a", NOON + BUCKET));
            assertThat(last(h, "a").eventIds).isEmpty();
            assertThat(intensityAt(last(h, "a"), NOON + HOUR / 2)).isZero();
        }
    }

    @Test
    void anEventThatEndedBeforeItArrivedIsNotStoredAndEndedEventsAreDropped() throws Exception {
        try (var h = harness()) {
            h.processBroadcastElement(campaign(1, 2.0, "a"), 0);
            long afterEnd = NOON + 2 * HOUR + options.eventRetentionMs;
            send(h, rollup("a", afterEnd));
            // a late event: its end plus retention is behind the watermark
            h.processBroadcastElement(Events.campaign("old", iso(NOON - HOUR), iso(NOON), 2.0, "a").build(), 0);
            assertThat(h.getBroadcastState(Descriptors.EXTERNAL_EVENTS).get("old")).isNull();
            // the ended campaign went when that event arrived
            assertThat(h.getBroadcastState(Descriptors.EXTERNAL_EVENTS).entries()).isEmpty();
        }
    }

    @Test
    void endedEventsAreDroppedAtACheckpointToo() throws Exception {
        try (var h = harness()) {
            h.processBroadcastElement(campaign(1, 2.0, "a"), 0);
            send(h, rollup("a", NOON));
            h.snapshot(1, 1);
            assertThat(h.getBroadcastState(Descriptors.EXTERNAL_EVENTS).entries()).hasSize(1);
            send(h, rollup("a", NOON + 2 * HOUR + options.eventRetentionMs));
            h.snapshot(2, 2);
            assertThat(h.getBroadcastState(Descriptors.EXTERNAL_EVENTS).entries()).isEmpty();
        }
    }

    @Test
    void theProfileOfAWorkloadWithoutTelemetryIsDropped() throws Exception {
        try (var h = harness()) {
            send(h, rollup("a", NOON));
            send(h, rollup("b", NOON + HOUR));
            assertThat(keyedEntries(h)).isEqualTo(4); // profile + idle timer each
            assertThat(h.numEventTimeTimers()).isEqualTo(2);
            h.processWatermark(NOON + BUCKET + options.profileStateTtlMs);
            assertThat(keyedEntries(h)).as("a is idle for the TTL, b is not").isEqualTo(2);
            h.processWatermark(Long.MAX_VALUE);
            assertThat(keyedEntries(h)).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void aWorkloadActiveAfterItsTimerWasArmedIsKeptUntilTheTtlAfterItsLastBucket() throws Exception {
        try (var h = harness()) {
            send(h, rollup("a", NOON));
            send(h, rollup("a", NOON + HOUR)); // the timer stays at NOON + BUCKET + TTL
            assertThat(h.numEventTimeTimers()).isEqualTo(1);
            h.processWatermark(NOON + BUCKET + options.profileStateTtlMs);
            assertThat(keyedEntries(h)).as("the timer fired and moved to the real expiry").isEqualTo(2);
            assertThat(h.numEventTimeTimers()).isEqualTo(1);
            h.processWatermark(NOON + HOUR + BUCKET + options.profileStateTtlMs - 1);
            assertThat(keyedEntries(h)).isEqualTo(2);
            h.processWatermark(NOON + HOUR + BUCKET + options.profileStateTtlMs);
            assertThat(keyedEntries(h)).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void profilesAreWrittenHourlyAndWhenTheEventsTouchingTheHorizonChange() throws Exception {
        try (var h = harness()) {
            h.processBroadcastElement(campaign(1, 2.0, "a"), 0);
            for (long t = NOON - HOUR; t < NOON + HOUR; t += BUCKET) {
                send(h, rollup("a", t));
            }
            List<WorkloadProfile> profiles = profiles(h);
            // history reaches one hour at 12:00, when the campaign (12:30) is already within the
            // one-hour horizon: that profile says why; then one per hour
            assertThat(profiles).extracting(p -> p.getProfiledAt().toEpochMilli() + "/" + p.getReason())
                    .containsExactly(NOON + "/" + BehavioralProfiler.REASON_EVENTS, (NOON + HOUR) + "/" + BehavioralProfiler.REASON_HOURLY);
            WorkloadProfile p = profiles.get(1);
            assertThat(p.getEventsInForce()).containsEntry("spring-sale", "CAMPAIGN: Campaign spring-sale");
            assertThat(p.getExternalSources()).containsEntry("tenant", "a").containsEntry("country", "US")
                    .containsEntry("zone", "America/New_York");
            assertThat(p.getFirstSeen().toEpochMilli()).isEqualTo(NOON - HOUR);
            assertThat(p.getWindow1h()).containsEntry("cpu_mean", 2.0).containsEntry("coverage", 1.0);
            assertThat(p.getWindow1h().get("requests_per_sec")).isCloseTo(500 / 300.0, org.assertj.core.data.Offset.offset(1e-6)); // floats in state
            assertThat(p.getDataKinds()).containsEntry("transactions", 1.0);
            assertThat(p.getModelId()).isEqualTo("fallback-seasonal-naive");
        }
    }

    @Test
    void aRestoredProfilerKeepsItsEventsAndProfiles() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.processBroadcastElement(campaign(1, 2.0, "a"), 0);
            send(h, rollup("a", NOON));
            snapshot = h.snapshot(1, 1);
        }
        var restored = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new BehavioralProfiler(options), new Keys.OfRollup(), Types.STRING, Descriptors.EXTERNAL_EVENTS);
        restored.close();
        var h = new KeyedBroadcastOperatorTestHarness<>(
                new org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator<>(new BehavioralProfiler(options),
                        List.of(Descriptors.EXTERNAL_EVENTS)),
                new Keys.OfRollup(), Types.STRING, 1, 1, 0);
        h.setup();
        h.initializeState(snapshot);
        h.open();
        h.processBroadcastWatermark(Long.MAX_VALUE);
        send(h, rollup("a", NOON + BUCKET));
        EnrichedRollup e = last(h, "a");
        assertThat(e.eventIds).containsExactly("spring-sale");
        assertThat(keyedEntries(h)).isEqualTo(2);
        h.close();
    }

    static List<WorkloadProfile> profiles(KeyedBroadcastOperatorTestHarness<String, TelemetryRollup, ExternalEvent, EnrichedRollup> h) {
        List<WorkloadProfile> out = new ArrayList<>();
        var side = h.getSideOutput(Descriptors.PROFILES);
        if (side != null) {
            for (StreamRecord<WorkloadProfile> r : side) {
                out.add(r.getValue());
            }
        }
        return out;
    }

    static int keyedEntries(KeyedBroadcastOperatorTestHarness<?, ?, ?, ?> h) {
        var backend = ((AbstractStreamOperator<?>) h.getTwoInputOperator()).getKeyedStateBackend();
        return ((HeapKeyedStateBackend<?>) backend).numKeyValueStateEntries();
    }
}
