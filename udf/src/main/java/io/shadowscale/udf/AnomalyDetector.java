package io.shadowscale.udf;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.cep.CEP;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.Collector;

import io.shadowscale.schema.Anomaly;
import io.shadowscale.schema.AnomalyType;
import io.shadowscale.schema.Severity;
import io.shadowscale.udf.logic.NoveltyScorer;
import io.shadowscale.udf.model.Residual;
import io.shadowscale.udf.model.Resource;

/**
 * Flink CEP patterns over the residual stream (actual vs the shadow that predicted it), in event
 * time, keyed per workload:
 * <ul>
 *   <li>{@code SPIKE}: one bucket of CPU beyond p99 by {@link ShadowOptions#spikeBandWidths} band widths;</li>
 *   <li>{@code SUSTAINED_SURGE}: {@link ShadowOptions#surgeBuckets} consecutive buckets of CPU above p90
 *       and {@link ShadowOptions#surgeMinRelativeExcess} above p50 while an external event (campaign,
 *       holiday, elevated trend) is in force for the workload — the explanation names it;</li>
 *   <li>{@code UNEXPLAINED_SURGE}: the same surge while no external event applies to the workload
 *       (possible abuse or attack). A surge is one or the other, never both;</li>
 *   <li>{@code DROP}: {@link ShadowOptions#dropBuckets} consecutive buckets of CPU under 30% of p50 and
 *       under the mirrored lower band p50 − (p99 − p50);</li>
 *   <li>{@code EGRESS_WITHOUT_LOAD}: two consecutive buckets of network out above p99 while CPU stays under p90.</li>
 *   <li>New records ({@link #recordType}): {@link ResidualNovelty} scores every residual against all the
 *       workload has shown before; a new high of CPU's value or volatility is a {@code SPIKE}, of its
 *       level or of its residual against the band a surge (explained or not, as above), a new low a
 *       {@code DROP}, a new high of network out while CPU sets none and stays under p90
 *       {@code EGRESS_WITHOUT_LOAD}. One bucket suffices: a record is rare by construction, and the
 *       scorer keeps each channel quiet for a while after it alarmed.</li>
 * </ul>
 * Every pattern also needs the workload's yesterday: load above what it carried near this time one
 * day earlier (spike 1.5×, surge 1 + {@link ShadowOptions#surgeMinRelativeExcess}, egress 2×), and a
 * drop a yesterday at all. The first day of a workload is its learning period.
 * The conditions are static methods so they are unit-tested without CEP.
 */
public final class AnomalyDetector {

    private AnomalyDetector() {}

    /** Scores the residuals' novelty per workload, runs the CEP patterns over them and returns their anomalies as one stream. */
    public static DataStream<Anomaly> detect(DataStream<Residual> residuals, ShadowOptions o) {
        return detect(residuals.keyBy(new Keys.OfResidual()), o);
    }

    /**
     * The same on residuals already partitioned by workload ({@link Keys.OfResidual}), e.g. the
     * forecaster's side output reinterpreted as keyed: novelty and patterns then chain to the
     * forecaster and no residual is serialised on the way.
     */
    public static DataStream<Anomaly> detect(KeyedStream<Residual, String> keyed, ShadowOptions o) {
        return patterns(scoreNovelty(keyed, o), o);
    }

    /** The residuals with their novelty ({@link ResidualNovelty}), still partitioned by workload. */
    public static SingleOutputStreamOperator<Residual> scoreNovelty(DataStream<Residual> residuals, ShadowOptions o) {
        return scoreNovelty(residuals.keyBy(new Keys.OfResidual()), o);
    }

    static SingleOutputStreamOperator<Residual> scoreNovelty(KeyedStream<Residual, String> keyed, ShadowOptions o) {
        return keyed.process(new ResidualNovelty(o)).uid("residual-novelty").name("Residual novelty");
    }

    /** Builds the CEP operators (uid'd) over residuals scored by {@link #scoreNovelty} and returns their anomalies as one stream. */
    public static DataStream<Anomaly> patterns(SingleOutputStreamOperator<Residual> scored, ShadowOptions o) {
        return patterns(scored, o, true);
    }

    /**
     * The same; with {@code candidatesOnly} each pattern reads only the residuals its condition
     * accepts (a chained filter in front of its CEP operator), else every residual.
     *
     * <p>Why the filter changes no match: the CEP operator buffers every element in keyed map
     * state, registers a timer for it and feeds it to the NFA on the watermark — per pattern, for
     * every workload and bucket, although almost every residual starts and extends nothing (17% of
     * the job's CPU in the bench profile before the filter). What a residual that fails the
     * condition does to a pattern is only to break a {@code consecutive()} run, and the runs are also
     * bounded {@code within} their length in buckets: a workload has one residual per bucket,
     * stamped in its bucket, so {@code n} residuals that fit in {@code n} buckets (the NFA prunes a
     * partial match at {@code now - start >= within}) are at adjacent buckets, with no residual
     * between them to drop. The single-event patterns (spike, new record) have no run to break.
     * {@code AnomalyDetectorTest} runs both forms over random streams with gaps and compares.
     */
    static DataStream<Anomaly> patterns(SingleOutputStreamOperator<Residual> scored, ShadowOptions o, boolean candidatesOnly) {
        long bucketMs = o.bucketMs;
        DataStream<Anomaly> spikes = CEP.pattern(candidates(scored, "spike", r -> isSpike(r, o), candidatesOnly), spikePattern(o))
                .process(new Emit(AnomalyType.SPIKE, "spike"))
                .uid("cep-spike").name("CEP: spike");
        DataStream<Anomaly> surges = CEP.pattern(candidates(scored, "sustained-surge", r -> isExplainedSurge(r, o), candidatesOnly),
                        surgePattern(o, bucketMs))
                .process(new Emit(AnomalyType.SUSTAINED_SURGE, "surge"))
                .uid("cep-sustained-surge").name("CEP: sustained surge");
        DataStream<Anomaly> unexplained = CEP.pattern(candidates(scored, "unexplained-surge", r -> isUnexplainedSurge(r, o), candidatesOnly),
                        unexplainedSurgePattern(o, bucketMs))
                .process(new Emit(AnomalyType.UNEXPLAINED_SURGE, "unexplained"))
                .uid("cep-unexplained-surge").name("CEP: unexplained surge");
        DataStream<Anomaly> drops = CEP.pattern(candidates(scored, "drop", r -> isDropped(r, o), candidatesOnly), dropPattern(o, bucketMs))
                .process(new Emit(AnomalyType.DROP, "drop"))
                .uid("cep-drop").name("CEP: drop");
        DataStream<Anomaly> egress = CEP.pattern(candidates(scored, "egress", r -> isEgressWithoutLoad(r, o), candidatesOnly),
                        egressPattern(o, bucketMs))
                .process(new Emit(AnomalyType.EGRESS_WITHOUT_LOAD, "egress"))
                .uid("cep-egress").name("CEP: egress without load");
        DataStream<Anomaly> records = CEP.pattern(candidates(scored, "new-record", r -> recordType(r, o) != null, candidatesOnly),
                        recordPattern(o))
                .process(new EmitRecord(o))
                .uid("cep-new-record").name("CEP: new record");
        return spikes.union(surges, unexplained, drops, egress, records);
    }

    /** The residuals one pattern reads, still partitioned by workload: the CEP operator reads them without another shuffle. */
    private static KeyedStream<Residual, String> candidates(SingleOutputStreamOperator<Residual> scored, String pattern,
                                                          FilterFunction<Residual> condition, boolean candidatesOnly) {
        if (!candidatesOnly) {
            return DataStreamUtils.reinterpretAsKeyedStream(scored, new Keys.OfResidual());
        }
        return DataStreamUtils.reinterpretAsKeyedStream(
                scored.filter(condition).uid("cep-" + pattern + "-candidates").name("CEP candidates: " + pattern), new Keys.OfResidual());
    }

    // --- conditions

    /** How much higher than yesterday's peak near this time a spike must be. */
    static final double SPIKE_OVER_YESTERDAY = 1.5;
    /** How much higher than yesterday's peak near this time network out must be for egress without load. */
    static final double EGRESS_OVER_YESTERDAY = 2.0;

    /**
     * Whether {@code res} is above {@code factor} × the highest it ran near this time yesterday.
     * False without a yesterday: a workload's first day (or a day after a gap) is its learning
     * period, in which the shadow has no daily memory and misses every routine (a batch start, a
     * morning ramp), so nothing it misses is evidence yet.
     */
    public static boolean beyondYesterday(Residual r, Resource res, double factor) {
        double y = r.yesterdayPeak(res);
        return !Double.isNaN(y) && r.actual(res) > factor * y;
    }

    public static boolean isSpike(Residual r, ShadowOptions o) {
        double band = r.p99(Resource.CPU) - r.p50(Resource.CPU);
        double actual = r.actual(Resource.CPU);
        return actual > r.p99(Resource.CPU) + o.spikeBandWidths * band
                && actual - r.p50(Resource.CPU) >= 2 * o.minCpuExcessCores
                && beyondYesterday(r, Resource.CPU, SPIKE_OVER_YESTERDAY);
    }

    public static boolean isAboveP90(Residual r, ShadowOptions o) {
        double actual = r.actual(Resource.CPU);
        double p50 = r.p50(Resource.CPU);
        // forecast errors are autocorrelated, so three buckets just over a calibrated p90 are common:
        // a surge must also be well above the median, and above what the workload did at this time yesterday
        return actual > r.p90(Resource.CPU) && actual - p50 >= o.minCpuExcessCores && actual >= (1 + o.surgeMinRelativeExcess) * p50
                && beyondYesterday(r, Resource.CPU, 1 + o.surgeMinRelativeExcess);
    }

    /** A surge bucket with an external event in force that could explain it. */
    public static boolean isExplainedSurge(Residual r, ShadowOptions o) {
        return isAboveP90(r, o) && r.explained();
    }

    /** A surge bucket while no campaign, holiday or elevated trend applies to the workload. */
    public static boolean isUnexplainedSurge(Residual r, ShadowOptions o) {
        return isAboveP90(r, o) && !r.explained();
    }

    /**
     * Under 30% of the median and below the lower band, p50 − (p99 − p50): the bands are upper
     * quantiles, mirrored here. A forecast unsure whether load goes on (a batch job near its usual
     * end) has a wide band and no lower band above zero, so its end is not an outage.
     */
    public static boolean isDropped(Residual r, ShadowOptions o) {
        double expected = r.p50(Resource.CPU);
        double lower = expected - (r.p99(Resource.CPU) - expected);
        double actual = r.actual(Resource.CPU);
        return expected >= 2 * o.minCpuExcessCores && actual < 0.3 * expected && actual < lower
                && !Double.isNaN(r.yesterdayPeak(Resource.CPU));
    }

    public static boolean isEgressWithoutLoad(Residual r, ShadowOptions o) {
        double out = r.actual(Resource.NETWORK_OUT);
        double p50 = r.p50(Resource.NETWORK_OUT);
        return out > r.p99(Resource.NETWORK_OUT) && out > 2 * p50 && out - p50 > 1 << 20 // 1 MiB/s above the median
                && beyondYesterday(r, Resource.NETWORK_OUT, EGRESS_OVER_YESTERDAY)
                && r.actual(Resource.CPU) <= r.p90(Resource.CPU);
    }

    /**
     * What the novelty record of this bucket raises, or null: none before
     * {@link ShadowOptions#noveltyWarmupBuckets} or under {@link ShadowOptions#noveltyMinScore}; CPU first — a new high of its value or volatility
     * a {@code SPIKE} (2 × {@link ShadowOptions#minCpuExcessCores} off the median), of its level or
     * residual a surge ({@code SUSTAINED_SURGE} with an event in force, else {@code UNEXPLAINED_SURGE}),
     * a new low a {@code DROP} (both {@link ShadowOptions#minCpuExcessCores} off the median, so idle
     * noise setting records is not flagged); then a new high of network out while CPU stays under its
     * p90, 1 MiB/s above its median: {@code EGRESS_WITHOUT_LOAD}.
     */
    public static AnomalyType recordType(Residual r, ShadowOptions o) {
        if (r.noveltySeen < o.noveltyWarmupBuckets) {
            return null;
        }
        int cpu = r.noveltyRecord(Resource.CPU);
        if (cpu != 0 && r.novelty(Resource.CPU) >= o.noveltyMinScore) {
            double off = Math.abs(r.actual(Resource.CPU) - r.p50(Resource.CPU));
            NoveltyScorer.Channel channel = NoveltyScorer.Channel.values()[Math.abs(cpu) - 1];
            if (cpu < 0) {
                return off >= o.minCpuExcessCores ? AnomalyType.DROP : null;
            }
            if (channel == NoveltyScorer.Channel.VALUE || channel == NoveltyScorer.Channel.VOLATILITY) {
                return off >= 2 * o.minCpuExcessCores ? AnomalyType.SPIKE : null;
            }
            return off < o.minCpuExcessCores ? null : r.explained() ? AnomalyType.SUSTAINED_SURGE : AnomalyType.UNEXPLAINED_SURGE;
        }
        int net = r.noveltyRecord(Resource.NETWORK_OUT);
        if (net > 0 && net != NoveltyScorer.Channel.VOLATILITY.ordinal() + 1 && r.novelty(Resource.NETWORK_OUT) >= o.noveltyMinScore
                && r.actual(Resource.NETWORK_OUT) - r.p50(Resource.NETWORK_OUT) > 1 << 20
                && r.actual(Resource.CPU) <= r.p90(Resource.CPU)) {
            return AnomalyType.EGRESS_WITHOUT_LOAD;
        }
        return null;
    }

    // --- patterns

    static Pattern<Residual, Residual> recordPattern(ShadowOptions o) {
        return Pattern.<Residual>begin("record").where(SimpleCondition.of(r -> recordType(r, o) != null));
    }

    static Pattern<Residual, Residual> spikePattern(ShadowOptions o) {
        return Pattern.<Residual>begin("spike").where(SimpleCondition.of(r -> isSpike(r, o)));
    }

    static Pattern<Residual, Residual> surgePattern(ShadowOptions o, long bucketMs) {
        return Pattern.<Residual>begin("surge", AfterMatchSkipStrategy.skipPastLastEvent()).where(SimpleCondition.of(r -> isExplainedSurge(r, o)))
                .times(o.surgeBuckets).consecutive()
                .within(Duration.ofMillis(bucketMs * o.surgeBuckets));
    }

    static Pattern<Residual, Residual> unexplainedSurgePattern(ShadowOptions o, long bucketMs) {
        return Pattern.<Residual>begin("unexplained", AfterMatchSkipStrategy.skipPastLastEvent()).where(SimpleCondition.of(r -> isUnexplainedSurge(r, o)))
                .times(o.surgeBuckets).consecutive()
                .within(Duration.ofMillis(bucketMs * o.surgeBuckets));
    }

    static Pattern<Residual, Residual> dropPattern(ShadowOptions o, long bucketMs) {
        return Pattern.<Residual>begin("drop", AfterMatchSkipStrategy.skipPastLastEvent()).where(SimpleCondition.of(r -> isDropped(r, o)))
                .times(o.dropBuckets).consecutive()
                .within(Duration.ofMillis(bucketMs * o.dropBuckets));
    }

    static Pattern<Residual, Residual> egressPattern(ShadowOptions o, long bucketMs) {
        return Pattern.<Residual>begin("egress", AfterMatchSkipStrategy.skipPastLastEvent()).where(SimpleCondition.of(r -> isEgressWithoutLoad(r, o)))
                .times(2).consecutive()
                .within(Duration.ofMillis(bucketMs * 2));
    }

    /** Turns a match into an {@link Anomaly} with expected vs actual and an explanation. */
    static final class Emit extends PatternProcessFunction<Residual, Anomaly> {
        private final AnomalyType type;
        private final String name;

        Emit(AnomalyType type, String name) {
            this.type = type;
            this.name = name;
        }

        @Override
        public void processMatch(Map<String, List<Residual>> match, Context ctx, Collector<Anomaly> out) {
            List<Residual> rs = match.get(name);
            out.collect(toAnomaly(type, rs));
        }
    }

    /** Turns a new record into an {@link Anomaly} of the type it raises, saying which record it is. */
    static final class EmitRecord extends PatternProcessFunction<Residual, Anomaly> {
        private final ShadowOptions o;

        EmitRecord(ShadowOptions o) {
            this.o = o;
        }

        @Override
        public void processMatch(Map<String, List<Residual>> match, Context ctx, Collector<Anomaly> out) {
            Residual r = match.get("record").get(0);
            AnomalyType type = recordType(r, o);
            if (type != null) {
                out.collect(recordAnomaly(type, r));
            }
        }
    }

    /** The anomaly of a new record: as {@link #toAnomaly} for one bucket, explained by the record. */
    public static Anomaly recordAnomaly(AnomalyType type, Residual r) {
        Anomaly a = toAnomaly(type, List.of(r));
        Resource res = type == AnomalyType.EGRESS_WITHOUT_LOAD ? Resource.NETWORK_OUT : Resource.CPU;
        int code = r.noveltyRecord(res);
        boolean high = code > 0;
        String what;
        switch (NoveltyScorer.Channel.values()[Math.abs(code) - 1]) {
            case VALUE:
                what = high ? "higher than anything this workload ran before" : "lower than anything this workload ran before";
                break;
            case LEVEL:
                what = high ? "its recent average is higher than ever before" : "its recent average is lower than ever before";
                break;
            case RESIDUAL:
                what = high ? "the forecast has never been this far below it for this long" : "the forecast has never been this far above it for this long";
                break;
            default:
                what = "it changes from bucket to bucket more than ever before";
        }
        String name = res == Resource.CPU ? "CPU" : "Network out";
        String tail;
        switch (type) {
            case UNEXPLAINED_SURGE:
                tail = ", with no campaign, holiday or trend in force for the tenant: possible abuse or attack";
                break;
            case SUSTAINED_SURGE:
                tail = r.explained() ? ", during " + String.join(", ", new TreeSet<>(List.of(r.activeEventIds))) + " (more than it explains)" : "";
                break;
            case DROP:
                tail = "; outage or lost traffic";
                break;
            case EGRESS_WITHOUT_LOAD:
                tail = " while CPU stays inside its band: possible exfiltration";
                break;
            default:
                tail = "";
        }
        a.setExplanation(String.format(Locale.ROOT, res == Resource.CPU
                        ? "%s %.2f cores against a forecast median of %.2f (p99 %.2f): %s (new record, novelty %.2f)%s."
                        : "%s %.0f bytes/s against a forecast median of %.0f (p99 %.0f): %s (new record, novelty %.2f)%s.",
                name, r.actual(res), r.p50(res), r.p99(res), what, r.novelty(res), tail));
        return a;
    }

    public static Anomaly toAnomaly(AnomalyType type, List<Residual> rs) {
        Resource res = type == AnomalyType.EGRESS_WITHOUT_LOAD ? Resource.NETWORK_OUT : Resource.CPU;
        Residual first = rs.get(0);
        Residual last = rs.get(rs.size() - 1);
        double actual = 0, expected = 0, upper = 0, score = 0, yesterday = 0;
        Set<String> events = new TreeSet<>();
        for (Residual r : rs) {
            actual += r.actual(res);
            expected += r.p50(res);
            upper += type == AnomalyType.SUSTAINED_SURGE || type == AnomalyType.UNEXPLAINED_SURGE ? r.p90(res) : r.p99(res);
            if (r.activeEventIds != null) { // null in residuals restored from before the field existed
                events.addAll(List.of(r.activeEventIds));
            }
            score = Math.max(score, Math.abs(r.bandScore(res)));
            yesterday += r.yesterdayPeak(res);
        }
        int n = rs.size();
        actual /= n;
        expected /= n;
        upper /= n;
        yesterday /= n;
        String thenNote = Double.isNaN(yesterday) ? ""
                : String.format(Locale.ROOT, res == Resource.CPU ? "; yesterday near this time at most %.2f" : "; yesterday near this time at most %.0f", yesterday);
        if (type == AnomalyType.DROP) {
            score = expected <= 0 ? 0 : 1 - actual / expected; // share of the expected load that is missing
        }
        Severity severity = type == AnomalyType.DROP || type == AnomalyType.EGRESS_WITHOUT_LOAD || score >= 3
                ? Severity.CRITICAL : score >= 1.5 ? Severity.WARNING : Severity.INFO;
        if (type == AnomalyType.UNEXPLAINED_SURGE && severity == Severity.INFO) {
            severity = Severity.WARNING; // nothing known explains it: possibly abuse, never just informational
        }
        String unit = res == Resource.CPU ? "cores" : "bytes/s";
        String explanation;
        switch (type) {
            case SPIKE:
                explanation = String.format(Locale.ROOT, "CPU %.2f %s in one bucket, %.1f band widths above the forecast median %.2f (p99 %.2f%s).",
                        actual, unit, score, expected, upper, thenNote);
                break;
            case SUSTAINED_SURGE:
                explanation = String.format(Locale.ROOT, "CPU above its p90 for %d consecutive buckets: mean %.2f %s vs forecast median %.2f (p90 %.2f%s)%s.",
                        n, actual, unit, expected, upper, thenNote, events.isEmpty() ? "" : ", during " + String.join(", ", events) + " (more than it explains)");
                break;
            case UNEXPLAINED_SURGE:
                explanation = String.format(Locale.ROOT, "CPU above its p90 for %d consecutive buckets: mean %.2f %s vs forecast median %.2f (p90 %.2f%s), "
                        + "with no campaign, holiday or trend in force for the tenant: possible abuse or attack.", n, actual, unit, expected, upper, thenNote);
                break;
            case DROP:
                explanation = String.format(Locale.ROOT, "CPU fell to %.2f %s for %d buckets where %.2f was expected (%.0f%% missing): outage or lost traffic?",
                        actual, unit, n, expected, score * 100);
                break;
            default:
                explanation = String.format(Locale.ROOT, "Network out %.0f %s (%.1f× the forecast median, p99 %.0f%s) for %d buckets while CPU stays inside its band: possible exfiltration.",
                        actual, unit, expected <= 0 ? 0 : actual / expected, upper, thenNote, n);
        }
        long start = first.bucketStart;
        String id = UUID.nameUUIDFromBytes((first.tenantId + "|" + first.workloadId + "|" + type + "|" + start)
                .getBytes(StandardCharsets.UTF_8)).toString();
        return Anomaly.newBuilder()
                .setAnomalyId(id)
                .setTenantId(first.tenantId)
                .setWorkloadId(first.workloadId)
                .setType(type)
                .setResource(res.label)
                .setStartTime(Instant.ofEpochMilli(start))
                .setEndTime(Instant.ofEpochMilli(last.bucketStart + last.bucketMs))
                .setSeverity(severity)
                .setScore(score)
                .setExpected(expected)
                .setExpectedUpper(upper)
                .setActual(actual)
                .setExplanation(explanation)
                .build();
    }
}
