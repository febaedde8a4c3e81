package io.shadowscale.bench;

import java.time.ZoneId;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.shadowscale.schema.ExternalEvent;
import io.shadowscale.schema.ExternalEventKind;
import io.shadowscale.schema.TelemetryRollup;
import io.shadowscale.udf.logic.events.CovariateBuilder;
import io.shadowscale.udf.logic.events.Covariates;
import io.shadowscale.udf.logic.profile.BehaviourTags;
import io.shadowscale.udf.logic.profile.ProfileMetric;
import io.shadowscale.udf.logic.profile.ProfileState;

/** The behavioral profiler's per-bucket work on a workload with 7 days of history. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ProfileBench {
    private static final ZoneId ZONE = ZoneId.of("Europe/Dublin");
    private ProfileState state;
    private SplittableRandom rnd;
    private long next;

    @Setup
    public void setup() {
        state = ProfileState.create(Fixtures.BUCKET_MS);
        rnd = new SplittableRandom(5);
        long t = Fixtures.T0;
        for (; t < Fixtures.T0 + 7 * 86_400_000L; t += Fixtures.BUCKET_MS) {
            TelemetryRollup r = Fixtures.rollup(t, rnd);
            state.add(t, ProfileMetric.of(r), r.getDataKinds(), r.getRegion());
        }
        next = t;
    }

    /** Folding one closed bucket into the rolling windows. */
    @Benchmark
    public ProfileState add() {
        TelemetryRollup r = Fixtures.rollup(next, rnd);
        state.add(next, ProfileMetric.of(r), r.getDataKinds(), r.getRegion());
        next += Fixtures.BUCKET_MS;
        return state;
    }

    /** Deriving the behavioural tags from 24 h of buckets and 7 days of hourly aggregates. */
    @Benchmark
    public BehaviourTags.Result tags() {
        return BehaviourTags.evaluate(state, ZONE);
    }

    /** Two holidays (today's and next week's) and a campaign, as a workload subscribed to a national calendar sees them. */
    private List<ExternalEvent> events;

    private List<ExternalEvent> calendar(long now) {
        java.time.Instant day = java.time.Instant.ofEpochMilli(Math.floorDiv(now, 86_400_000L) * 86_400_000L);
        return List.of(
                ExternalEvent.newBuilder().setEventId("h1").setKind(ExternalEventKind.HOLIDAY).setName("today")
                        .setStartTime(day).setEndTime(day.plusSeconds(86_400)).setCountry("IE").build(),
                ExternalEvent.newBuilder().setEventId("h2").setKind(ExternalEventKind.HOLIDAY).setName("next week")
                        .setStartTime(day.plusSeconds(7 * 86_400)).setEndTime(day.plusSeconds(8 * 86_400)).setCountry("IE").build(),
                ExternalEvent.newBuilder().setEventId("c1").setKind(ExternalEventKind.CAMPAIGN).setName("sale")
                        .setStartTime(day).setEndTime(day.plusSeconds(3 * 86_400)).setExpectedUplift(2.0).build());
    }

    /** The covariates of the next hour with two holidays and a campaign. */
    @Benchmark
    public Covariates covariatesWithEvents() {
        if (events == null) events = calendar(state.lastBucketStart);
        return CovariateBuilder.build(state.lastBucketStart + Fixtures.BUCKET_MS, Fixtures.BUCKET_MS, 12, ZONE, events);
    }

    /** The covariates of the next hour (no events in force). */
    @Benchmark
    public Covariates covariates() {
        return CovariateBuilder.build(state.lastBucketStart + Fixtures.BUCKET_MS, Fixtures.BUCKET_MS, 12, ZONE, List.of());
    }
}
