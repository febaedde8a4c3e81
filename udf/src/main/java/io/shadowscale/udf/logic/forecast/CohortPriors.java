package io.shadowscale.udf.logic.forecast;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import io.shadowscale.udf.logic.Forecast;
import io.shadowscale.udf.logic.ForecasterState;
import io.shadowscale.udf.model.Resource;

/**
 * Cold-start priors per behavioural tag, for the fallback while a workload is young.
 *
 * <p>A workload with less than a day of history has no "same time yesterday": the fallback
 * forecasts a flat EWMA level with a band from a handful of its own errors. But the behavioural
 * profiler may already know what kind of workload it is (it keeps a week of history, longer than
 * the forecaster's state, and tags a workload after 6 hours). Workloads with the same tag look
 * alike in shape, so the scorer learns per tag, online from the mature workloads it sees (a day of
 * history or more; once an hour each), the hour-of-day profile of each resource (value over the
 * day's mean) and the relative size of one-step errors. A young workload's fallback forecast is
 * then shaped by its cohort's profile (p50 × profile(target hour) / profile(current hour)) and its
 * band is at least as wide as the cohort's typical error. Without a tag, or before the cohort has
 * been seen {@value #MIN_UPDATES} times, the fallback is unchanged.
 *
 * <p>Learned per scorer instance (workloads are hashed over instances, so each sees a sample of
 * every cohort) and kept in its operator state; no broadcast, no coordination.
 */
public final class CohortPriors {

    static final int MIN_UPDATES = 24;
    static final double SIGMA_ALPHA = 0.05;
    static final double SHAPE_ALPHA = 0.1;
    static final double MAX_RATIO = 5;
    static final double Z90 = 1.2815516;
    static final double Z99 = 2.3263479;

    private final int resources = Resource.COUNT;
    private final Map<String, CohortPrior> byTag = new LinkedHashMap<>();

    public Collection<CohortPrior> priors() {
        return byTag.values();
    }

    /** Restores priors (from operator state); of two for the same tag the better informed wins. */
    public void restore(CohortPrior p) {
        CohortPrior had = byTag.get(p.tag);
        if (had == null || had.updates < p.updates) byTag.put(p.tag, p);
    }

    public CohortPrior prior(String tag) {
        return byTag.get(tag);
    }

    /** Learns from a workload with a day of history, once an hour (at the bucket that starts an hour). */
    public void learn(String[] tags, ForecasterState s, long bucketMs) {
        if (tags == null || tags.length == 0 || s.errorsSeen < s.season) return;
        long origin = s.lastBucketStart;
        if (Math.floorMod(origin, 3_600_000L) >= bucketMs) return;
        int hour = hour(origin);
        int season = s.season;
        int at = (int) Math.floorMod(Math.floorDiv(origin, bucketMs), (long) season);
        for (String tag : tags) {
            CohortPrior p = byTag.computeIfAbsent(tag, t -> CohortPrior.create(t, resources));
            for (int r = 0; r < resources; r++) {
                double level = s.level[r];
                if (level > 0) {
                    double rel = Math.sqrt(s.errorVariance[r]) / level;
                    p.relativeSigma[r] = p.updates == 0 ? rel : (1 - SIGMA_ALPHA) * p.relativeSigma[r] + SIGMA_ALPHA * rel;
                }
                double sum = 0;
                int known = 0;
                for (int i = 0; i < season; i++) {
                    double v = s.ring[r * season + i];
                    if (!Double.isNaN(v)) {
                        sum += v;
                        known++;
                    }
                }
                double v = s.ring[r * season + at];
                if (known == 0 || !(sum > 0) || Double.isNaN(v)) continue;
                int k = r * 24 + hour;
                double ratio = v / (sum / known);
                p.hourShape[k] = p.hourUpdates[k] == 0 ? ratio : (1 - SHAPE_ALPHA) * p.hourShape[k] + SHAPE_ALPHA * ratio;
                p.hourUpdates[k]++;
            }
            p.updates++;
        }
    }

    /**
     * The fallback forecast of a young workload (no step from yesterday's values) shaped and
     * widened by the prior of its first tag that has one; any other forecast as it is.
     */
    public Forecast adjust(String[] tags, ForecasterState s, Forecast f) {
        CohortPrior p = adjusting(tags, f.seasonalSteps);
        if (p == null) return f;
        int h = f.steps();
        int now = hour(f.lastBucketStart);
        double[][] p50 = new double[h][resources], p90 = new double[h][resources], p99 = new double[h][resources];
        for (int step = 0; step < h; step++) {
            int then = hour(f.targetTime(step));
            for (int r = 0; r < resources; r++) {
                double ratio = 1;
                int a = r * 24 + now, b = r * 24 + then;
                if (p.hourUpdates[a] > 0 && p.hourUpdates[b] > 0 && p.hourShape[a] > 0) {
                    ratio = Math.max(1 / MAX_RATIO, Math.min(MAX_RATIO, p.hourShape[b] / p.hourShape[a]));
                }
                double m = f.p50[step][r] * ratio;
                double sigma = p.relativeSigma[r] * m * Math.sqrt(step + 1);
                p50[step][r] = m;
                p90[step][r] = m + Math.max((f.p90[step][r] - f.p50[step][r]) * ratio, Z90 * sigma);
                p99[step][r] = m + Math.max((f.p99[step][r] - f.p50[step][r]) * ratio, Z99 * sigma);
            }
        }
        return new Forecast(f.lastBucketStart, f.bucketMs, p50, p90, p99, f.seasonalSteps);
    }

    /** Whether {@link #adjust} would change a fallback forecast with {@code seasonalSteps} seasonal steps. */
    public boolean adjusts(String[] tags, int seasonalSteps) {
        return adjusting(tags, seasonalSteps) != null;
    }

    /** The prior that shapes the forecast: of the first tag with a mature one, for a forecast without seasonal steps. */
    private CohortPrior adjusting(String[] tags, int seasonalSteps) {
        if (tags == null || seasonalSteps > 0) return null;
        for (String tag : tags) {
            CohortPrior c = byTag.get(tag);
            if (c != null && c.updates >= MIN_UPDATES) {
                return c;
            }
        }
        return null;
    }

    private static int hour(long t) {
        return (int) Math.floorMod(Math.floorDiv(t, 3_600_000L), 24L);
    }
}
