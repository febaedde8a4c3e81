package io.shadowscale.udf;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

import io.shadowscale.schema.ExternalEvent;
import io.shadowscale.schema.TelemetryRollup;
import io.shadowscale.schema.WorkloadProfile;
import io.shadowscale.udf.logic.FallbackForecaster;
import io.shadowscale.udf.logic.events.CovariateBuilder;
import io.shadowscale.udf.logic.events.Covariates;
import io.shadowscale.udf.logic.events.EventsInForce;
import io.shadowscale.udf.logic.profile.SameTimeYesterday;
import io.shadowscale.udf.logic.events.EventCalendar;
import io.shadowscale.udf.logic.events.EventSubscription;
import io.shadowscale.udf.logic.profile.BehaviourTags;
import io.shadowscale.udf.logic.profile.ProfileMetric;
import io.shadowscale.udf.logic.profile.ProfileState;
import io.shadowscale.udf.logic.profile.ProfileWindows;
import io.shadowscale.udf.model.EnrichedRollup;

/**
 * Behavioral Profiler and External Data Integrator in one keyed-broadcast function.
 *
 * <pre>
 *   rollups ── keyBy(tenant/workload) ──┐
 *                                       ├─ BehavioralProfiler ──► EnrichedRollup (rollup + covariates) ─► forecaster
 *   external events ── broadcast ───────┘        └─ side output PROFILES ─► profiles table
 * </pre>
 *
 * <p>Keyed side: each closed bucket is folded into the workload's {@link ProfileState} (rolling
 * 1 h / 24 h / 7 d windows as primitive rings), the behavioural tags are re-derived on the first
 * bucket of each hour and before each profile row ({@link BehaviourTags}), the events that affect the workload are picked from the broadcast
 * state by its {@link EventSubscription}, and the bucket goes on with the covariates of the
 * horizon after it ({@link CovariateBuilder}). A {@link WorkloadProfile} is written the first
 * time a bucket closes in a new hour (with the tags of that hour: a change of tags is seen there),
 * and at once when the touching events change —
 * once the workload has {@link ShadowOptions#profileMinHistoryMs} of history.
 *
 * <p>Broadcast side: events by id, with revisions, cancellations (tombstones) and late events
 * decided by {@link EventCalendar}. Ended events are dropped when the next event arrives and at
 * every checkpoint: the broadcast side has no timers, so the checkpoint is the regular moment
 * to clean up (the function reaches the same broadcast state through the operator state store).
 * All parallel instances see the same events and the same pruning rule, so their calendars
 * agree up to the moment each prunes.
 *
 * <p>Profile state has two clean-ups: an event-time timer drops it after
 * {@link ShadowOptions#profileStateTtlMs} without telemetry (deterministic on replays), and a
 * processing-time state TTL of the same length backs that up if event time stops.
 */
public class BehavioralProfiler extends KeyedBroadcastProcessFunction<String, TelemetryRollup, ExternalEvent, EnrichedRollup>
        implements CheckpointedFunction {

    public static final String REASON_HOURLY = "hourly";
    public static final String REASON_TAGS = "tags-changed";
    public static final String REASON_EVENTS = "events-changed";

    public static final ValueStateDescriptor<Long> IDLE_TIMER = new ValueStateDescriptor<>("profile-idle-timer", Types.LONG);

    private final ShadowOptions options;
    private transient EventSubscription.Config subscriptions;
    private transient ValueState<ProfileState> state;
    private transient IdleTimer idleTimer;
    private transient BroadcastState<String, ExternalEvent> eventsForPruning;
    private transient long lastWatermark;
    private transient Counter profilesWritten;
    private transient Counter eventsStored;
    private transient Counter eventsLate;
    private transient Counter eventsStale;

    public BehavioralProfiler(ShadowOptions options) {
        this.options = options;
    }

    /** The keyed state, with a processing-time TTL as backstop to the event-time clean-up. */
    public static ValueStateDescriptor<ProfileState> stateDescriptor(ShadowOptions options) {
        ValueStateDescriptor<ProfileState> d = new ValueStateDescriptor<>("profile", TypeInformation.of(ProfileState.class));
        d.enableTimeToLive(StateTtlConfig.newBuilder(Duration.ofMillis(options.profileStateTtlMs))
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                // one entry per state access instead of the default five: the sweep ran on each of the
                // two accesses per bucket and cost a third of the profiler's time; it still passes
                // over every workload's entry about once per bucket interval
                .cleanupIncrementally(1, false)
                .build());
        return d;
    }

    @Override
    public void open(OpenContext ctx) {
        subscriptions = EventSubscription.parseConfig(options.eventSubscriptions);
        state = getRuntimeContext().getState(stateDescriptor(options));
        idleTimer = new IdleTimer(getRuntimeContext().getState(IDLE_TIMER));
        var metrics = getRuntimeContext().getMetricGroup();
        profilesWritten = metrics.counter("profilesWritten");
        eventsStored = metrics.counter("externalEventsStored");
        eventsLate = metrics.counter("externalEventsLate");
        eventsStale = metrics.counter("externalEventsStaleRevision");
    }

    @Override
    public void initializeState(FunctionInitializationContext ctx) throws Exception {
        // the same broadcast state the operator gives processBroadcastElement (registered by name)
        eventsForPruning = ctx.getOperatorStateStore().getBroadcastState(Descriptors.EXTERNAL_EVENTS);
        lastWatermark = Long.MIN_VALUE;
    }

    @Override
    public void snapshotState(FunctionSnapshotContext ctx) throws Exception {
        prune(eventsForPruning, lastWatermark);
    }

    @Override
    public void processElement(TelemetryRollup r, ReadOnlyContext ctx, Collector<EnrichedRollup> out) throws Exception {
        // how far telemetry time has come, for pruning at checkpoints: the rollup's own timestamp
        // (its bucket's end) is where the watermark is about to be
        lastWatermark = Math.max(lastWatermark, ctx.timestamp() != null ? ctx.timestamp() : ctx.currentWatermark());
        ProfileState s = state.value();
        if (s == null) {
            s = ProfileState.create(options.bucketMs);
        }
        long bucketStart = r.getBucketStart().toEpochMilli();
        if (!s.add(bucketStart, ProfileMetric.of(r), r.getDataKinds(), r.getRegion())) {
            return; // a replayed bucket: already folded in and forwarded
        }
        long origin = bucketStart + options.bucketMs;

        long hour = Math.floorDiv(origin, ProfileState.HOUR_MS); // rows at whole hours: the bucket ending 10:00 writes the 10:00 profile
        // The tags are statistics of a day and a week: derived again on the first bucket of each hour
        // (and before every profile row), not on every bucket — they were the profiler's largest cost.
        BehaviourTags.Result tags = null;
        if (hour != s.tagsHour) {
            tags = evaluateTags(r.getTenantId(), s, hour);
        }
        List<String> tagList = List.of(s.tags);
        EventSubscription sub = EventSubscription.of(r.getTenantId(), s.region, tagList, subscriptions);

        List<ExternalEvent> matching = new ArrayList<>();
        for (Map.Entry<String, ExternalEvent> e : ctx.getBroadcastState(Descriptors.EXTERNAL_EVENTS).immutableEntries()) {
            ExternalEvent ev = e.getValue();
            if (!EventCalendar.expired(ev, ctx.currentWatermark(), options.eventRetentionMs) && sub.matches(ev)) {
                matching.add(ev);
            }
        }
        Covariates cov = CovariateBuilder.build(origin, options.bucketMs, options.horizonSteps, sub.zone, matching);

        EnrichedRollup enriched = new EnrichedRollup();
        enriched.rollup = r;
        enriched.originMs = origin;
        enriched.stepMs = options.bucketMs;
        enriched.steps = cov.steps;
        enriched.features = Covariates.COUNT;
        enriched.covariates = cov.matrix;
        enriched.eventIds = cov.eventIds.toArray(new String[0]);
        enriched.tags = s.tags;
        enriched.setCampaigns(cov.campaigns);
        enriched.activeEventIds = EventsInForce.during(bucketStart, options.bucketMs, sub.zone, matching).toArray(new String[0]);
        enriched.yesterdayPeak = SameTimeYesterday.peaks(s, bucketStart);
        out.collect(enriched);

        String tagString = String.join(",", s.tags);
        String eventString = String.join(",", cov.eventIds);
        String reason = null;
        if (s.historyMs() >= options.profileMinHistoryMs) {
            if (!tagString.equals(s.lastTags)) {
                reason = REASON_TAGS;
            } else if (!eventString.equals(s.lastEvents)) {
                reason = REASON_EVENTS;
            } else if (hour > s.lastProfileHour) {
                reason = REASON_HOURLY;
            }
        }
        if (reason != null) {
            if (tags == null) { // a row between the hourly evaluations (events changed): with fresh statistics
                tags = evaluateTags(r.getTenantId(), s, hour);
            }
            ctx.output(Descriptors.PROFILES, profile(r, s, origin, reason, tags, sub, matching, cov));
            profilesWritten.inc();
            s.lastProfileHour = hour;
            s.lastTags = tags.joined();
            s.lastEvents = eventString;
        }
        state.update(s);

        // armed once and moved forward only when it fires (onTimer): the state holds the last bucket
        idleTimer.armIfNone(ctx.timerService(), origin + options.profileStateTtlMs);
    }

    private BehaviourTags.Result evaluateTags(String tenantId, ProfileState s, long hour) {
        EventSubscription where = EventSubscription.of(tenantId, s.region, List.of(), subscriptions);
        BehaviourTags.Result tags = BehaviourTags.evaluate(s, where.zone);
        s.tags = tags.tags.toArray(new String[0]);
        s.tagsHour = hour;
        return tags;
    }

    @Override
    public void processBroadcastElement(ExternalEvent e, Context ctx, Collector<EnrichedRollup> out) throws Exception {
        BroadcastState<String, ExternalEvent> events = ctx.getBroadcastState(Descriptors.EXTERNAL_EVENTS);
        long watermark = ctx.currentWatermark();
        prune(events, watermark);
        ExternalEvent held = events.get(e.getEventId());
        switch (EventCalendar.decide(held, e, watermark, options.eventRetentionMs)) {
            case STORE -> {
                events.put(e.getEventId(), e);
                eventsStored.inc();
            }
            case STALE_REVISION -> eventsStale.inc();
            case LATE -> eventsLate.inc();
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<EnrichedRollup> out) throws Exception {
        ProfileState s = state.value();
        if (s != null && idleTimer.rearm(ctx.timerService(), timestamp, s.lastBucketStart + options.bucketMs + options.profileStateTtlMs)) {
            return; // telemetry came after the timer was armed
        }
        state.clear();
        idleTimer.clear();
    }

    private void prune(BroadcastState<String, ExternalEvent> events, long watermark) throws Exception {
        if (events == null || watermark == Long.MIN_VALUE) {
            return;
        }
        List<String> expired = new ArrayList<>();
        for (Map.Entry<String, ExternalEvent> e : events.entries()) {
            if (EventCalendar.expired(e.getValue(), watermark, options.eventRetentionMs)) {
                expired.add(e.getKey());
            }
        }
        for (String id : expired) {
            events.remove(id);
        }
    }

    private static WorkloadProfile profile(TelemetryRollup r, ProfileState s, long origin, String reason,
                                           BehaviourTags.Result tags, EventSubscription sub,
                                           List<ExternalEvent> matching, Covariates cov) {
        Map<String, String> inForce = new LinkedHashMap<>();
        for (ExternalEvent e : matching) {
            if (cov.eventIds.contains(e.getEventId())) {
                inForce.put(e.getEventId(), e.getKind() + ": " + e.getName());
            }
        }
        return WorkloadProfile.newBuilder()
                .setTenantId(r.getTenantId())
                .setWorkloadId(r.getWorkloadId())
                .setProfiledAt(Instant.ofEpochMilli(origin))
                .setFirstSeen(Instant.ofEpochMilli(s.firstBucketStart))
                .setRegion(s.region)
                .setReason(reason)
                .setTags(tags.joined())
                .setTagStatistics(new LinkedHashMap<>(tags.statistics))
                .setWindow1h(ProfileWindows.summary1h(s))
                .setWindow24h(ProfileWindows.summary24h(s))
                .setWindow7d(ProfileWindows.summary7d(s))
                .setDataKinds(ProfileWindows.dataKindShares(s))
                .setExternalSources(sub.describe())
                .setEventsInForce(inForce)
                // the forecaster has only the fallback until the ONNX models of the next issue arrive
                .setModelId(FallbackForecaster.MODEL_ID)
                .setModelVersion(FallbackForecaster.MODEL_VERSION)
                .build();
    }
}
