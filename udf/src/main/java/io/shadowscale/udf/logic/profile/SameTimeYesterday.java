package io.shadowscale.udf.logic.profile;

import java.util.Arrays;

import io.shadowscale.udf.model.Resource;

/**
 * The highest each resource ran near the same time one day earlier, from the profile's hourly
 * maxima of bucket values: the hours that overlap {@code [t - 1 d - 30 min, t - 1 d + 30 min]}
 * for the bucket starting at {@code t}. The anomaly patterns do not flag load a workload already
 * carried at this time yesterday — a forecast that missed a daily batch start is not an incident —
 * and a workload without a yesterday (its first day, or a gap) is still learning.
 */
public final class SameTimeYesterday {

    static final long DAY_MS = 86_400_000L;
    static final long SLACK_MS = 30 * 60_000L;

    /** Profile metric of each {@link Resource}, by ordinal. */
    private static final ProfileMetric[] METRIC = {
            ProfileMetric.CPU, ProfileMetric.MEMORY, ProfileMetric.NETWORK_IN, ProfileMetric.NETWORK_OUT, ProfileMetric.STORAGE};

    private SameTimeYesterday() {}

    /** Per {@link Resource}: yesterday's peak near this time, NaN where the profile holds no bucket of those hours. */
    public static double[] peaks(ProfileState s, long bucketStart) {
        double[] out = new double[Resource.COUNT];
        Arrays.fill(out, Double.NaN);
        long t = bucketStart - DAY_MS;
        int first = (int) Math.floorDiv(t - SLACK_MS, ProfileState.HOUR_MS);
        int last = (int) Math.floorDiv(t + SLACK_MS, ProfileState.HOUR_MS);
        for (int hour = first; hour <= last; hour++) {
            int h = Math.floorMod(hour, ProfileState.HOURS);
            if (s.hourOf[h] != hour || s.hourCount[h] == 0) {
                continue;
            }
            for (int r = 0; r < Resource.COUNT; r++) {
                float v = s.hourMax[METRIC[r].ordinal() * ProfileState.HOURS + h];
                if (v != Float.NEGATIVE_INFINITY && !(v <= out[r])) { // NaN out[r]: the first value
                    out[r] = v;
                }
            }
        }
        return out;
    }
}
