package io.shadowscale.jobs.nab;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;

import io.shadowscale.schema.Anomaly;
import io.shadowscale.schema.AnomalyType;
import io.shadowscale.udf.AnomalyCooldown;
import io.shadowscale.udf.AnomalyDetector;
import io.shadowscale.udf.ShadowOptions;
import io.shadowscale.udf.logic.nab.NabBenchmark;
import io.shadowscale.udf.logic.nab.NabCorpus;
import io.shadowscale.udf.logic.nab.NabResiduals;
import io.shadowscale.udf.logic.nab.NabSeries;
import io.shadowscale.udf.model.Residual;
import io.shadowscale.udf.model.Resource;

/**
 * The NAB harness's detector: the job's own anomaly stages — {@code ResidualNovelty}, the CEP
 * patterns of {@link AnomalyDetector} and the {@link AnomalyCooldown} — as one bounded Flink job over
 * every series of a NAB corpus, keyed per series.
 *
 * <pre>
 *  series names (one source subtask, in order)
 *     │ flatMap: NabResiduals (fallback forecaster's one-step band; series i from base + i · 60 days)
 *  monotonous event time
 *     │ keyBy(series) → novelty → CEP patterns → keyBy(series, type) → cool-down
 *  collect → on the row where each anomaly was raised (its last bucket): that bucket's novelty (at least 0.5); 0 elsewhere
 * </pre>
 *
 * A series is a workload (tenant {@code nab}, workload = its path); its values take CPU's place.
 * Rows in NAB's probation period score 0 (NAB ignores detections there; the detector learns in it).
 */
public final class NabJob {

    /** Where series {@code i} starts on the event-time axis: far enough apart that no series overlaps the next. */
    static final long T0 = 1_388_534_400_000L; // 2014-01-01
    static final long SERIES_SPACING_MS = 400L * 86_400_000L;

    private NabJob() {}

    /**
     * The one configuration used for every series: the job's defaults, except what assumes CPU in
     * cores (NAB's values are tweets, CPU percent, bytes, prices: no minimum excess), the novelty
     * scorer's learning day (NAB's probation period is the learning period) and the minimum novelty
     * (every record raises; the row's score is its novelty, and NAB's threshold decides).
     */
    public static ShadowOptions options() {
        ShadowOptions o = ShadowOptions.defaults();
        o.minCpuExcessCores = 0;
        o.noveltyWarmupBuckets = 0;
        o.noveltyMinScore = 0.5; // NAB's threshold sweep picks among the records itself
        return o;
    }

    /**
     * The detector for {@link NabBenchmark#run}, on {@code env} at its parallelism; {@code raised}
     * (may be null) receives the number of anomalies of each type the job raised outside probation.
     * {@code withYesterday}: give the residuals yesterday's peaks, as the profiler does in the job, so
     * the band patterns run too (on NAB they cost about 3 points: see the README).
     */
    public static NabBenchmark.Detector detector(StreamExecutionEnvironment env, Path corpusRoot, ShadowOptions o, boolean withYesterday,
                                                 Map<AnomalyType, Integer> raised) {
        return new NabBenchmark.Detector() {
            @Override
            public String name() {
                return "shadowscale";
            }

            @Override
            public Map<String, double[]> score(List<NabSeries> series, NabBenchmark.Progress progress) throws Exception {
                return NabJob.score(env, corpusRoot, series, o, withYesterday, progress, raised);
            }
        };
    }

    /** Builds the job on {@code env}, runs it to the end and returns each series' row scores. */
    static Map<String, double[]> score(StreamExecutionEnvironment env, Path corpusRoot, List<NabSeries> series, ShadowOptions o, boolean withYesterday,
                                      NabBenchmark.Progress progress, Map<AnomalyType, Integer> raised) throws Exception {
        List<String> names = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        for (NabSeries s : series) {
            index.put(s.relativePath(), names.size());
            names.add(s.relativePath());
        }
        DataStream<Residual> residuals = env.fromData(names).setParallelism(1).name("NAB series")
                .flatMap(new SeriesResiduals(corpusRoot.toString(), o.bucketMs, withYesterday)).setParallelism(1).name("Residuals (fallback one-step band)")
                .assignTimestampsAndWatermarks(WatermarkStrategy.<Residual>forMonotonousTimestamps()
                        .withTimestampAssigner((r, ts) -> r.bucketStart + r.bucketMs - 1)).setParallelism(1).name("Residual event time");
        SingleOutputStreamOperator<Residual> scored = AnomalyDetector.scoreNovelty(residuals, o);
        DataStream<Anomaly> anomalies = AnomalyDetector.patterns(scored, o)
                .keyBy(new AnomalyCooldown.ByWorkloadAndType())
                .process(new AnomalyCooldown(o.anomalyCooldownMs))
                .uid("anomaly-cooldown").name("De-duplicate anomalies");
        long bucketMs = o.bucketMs;
        // what the harness reads: each anomaly (on its last bucket) and the novelty of every bucket that set a record
        DataStream<Hit> hits = anomalies.map(a -> Hit.of(a, bucketMs)).returns(Hit.class).name("Anomaly rows")
                .union(scored.filter(r -> r.novelty(Resource.CPU) > 0).map(Hit::of).returns(Hit.class).name("Record rows"));

        Map<String, double[]> scores = new LinkedHashMap<>();
        Map<String, Map<Long, Double>> novelty = new HashMap<>();
        List<Hit> raisedAt = new ArrayList<>();
        for (NabSeries s : series) {
            scores.put(s.relativePath(), new double[s.size()]);
        }
        int done = 0;
        try (CloseableIterator<Hit> it = hits.executeAndCollect("shadowscale nab")) {
            while (it.hasNext()) {
                Hit h = it.next();
                int i = index.get(h.series);
                // the source emits series in order: a hit of series i says the ones before it are through
                for (; progress != null && done < i; done++) {
                    progress.seriesDone(series.get(done), done + 1, series.size());
                }
                if (h.type == null) {
                    novelty.computeIfAbsent(h.series, k -> new HashMap<>()).put(h.time, h.novelty);
                } else {
                    raisedAt.add(h);
                }
            }
        }
        // a row's score: where the job raised an anomaly, the novelty of that bucket (at least 0.5), so NAB's
        // threshold can tell a record far beyond the range from one just past it; 0 elsewhere
        Map<String, NabResiduals.Built> built = new HashMap<>();
        for (Hit h : raisedAt) {
            int i = index.get(h.series);
            NabSeries s = series.get(i);
            int row = built.computeIfAbsent(h.series, p -> NabResiduals.build(s, p, base(i), bucketMs, withYesterday)).rowAt(h.time);
            if (row >= s.probationLength()) {
                double n = novelty.getOrDefault(h.series, Map.of()).getOrDefault(h.time, 0.0);
                double[] sc = scores.get(h.series);
                sc[row] = Math.max(sc[row], Math.max(0.5, n));
                if (raised != null) {
                    raised.merge(AnomalyType.valueOf(h.type), 1, Integer::sum);
                }
            }
        }
        for (; progress != null && done < series.size(); done++) {
            progress.seriesDone(series.get(done), done + 1, series.size());
        }
        return scores;
    }

    /** A row the harness reads: an anomaly raised on a bucket ({@link #type} set), or a bucket's record ({@link #novelty}). A POJO. */
    public static final class Hit {
        public String series;
        public long time;
        public String type;
        public double novelty;

        public Hit() {}

        static Hit of(Anomaly a, long bucketMs) {
            Hit h = new Hit();
            h.series = a.getWorkloadId();
            h.time = a.getEndTime().toEpochMilli() - bucketMs;
            h.type = a.getType().name();
            return h;
        }

        static Hit of(Residual r) {
            Hit h = new Hit();
            h.series = r.workloadId;
            h.time = r.bucketStart;
            h.novelty = r.novelty(Resource.CPU);
            return h;
        }
    }

    static long base(int seriesIndex) {
        return T0 + seriesIndex * SERIES_SPACING_MS;
    }

    /** Loads the corpus once per subtask and turns each named series into its residuals, in order. */
    static final class SeriesResiduals extends RichFlatMapFunction<String, Residual> {
        private final String root;
        private final long bucketMs;
        private final boolean withYesterday;
        private transient Map<String, NabSeries> series;
        private transient Map<String, Integer> order;

        SeriesResiduals(String root, long bucketMs, boolean withYesterday) {
            this.root = root;
            this.bucketMs = bucketMs;
            this.withYesterday = withYesterday;
        }

        @Override
        public void open(OpenContext ctx) throws Exception {
            series = new HashMap<>();
            order = new HashMap<>();
            for (NabSeries s : NabCorpus.load(Path.of(root)).series()) {
                order.put(s.relativePath(), order.size());
                series.put(s.relativePath(), s);
            }
        }

        @Override
        public void flatMap(String name, Collector<Residual> out) {
            NabSeries s = series.get(name);
            for (Residual r : NabResiduals.build(s, name, base(order.get(name)), bucketMs, withYesterday).residuals()) {
                out.collect(r);
            }
        }
    }
}
