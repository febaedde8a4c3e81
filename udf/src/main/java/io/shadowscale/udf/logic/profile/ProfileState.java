package io.shadowscale.udf.logic.profile;

import java.util.Arrays;
import java.util.Map;

/**
 * The Behavioral Profiler's memory of one workload, as ring buffers of primitives (Flink
 * serialises it as a POJO of primitive arrays: no Kryo, no per-bucket objects).
 *
 * <ul>
 *   <li>{@code recent}: one day of closed buckets ({@code slots} = 1 day / bucket length) per
 *       {@link ProfileMetric}, as floats; {@code recentBucket[slot]} says which bucket (bucket start /
 *       bucket length) a slot holds, so gaps need no clearing: a slot whose bucket is outside a
 *       window is simply not counted. The 1 h and 24 h windows are read from here.</li>
 *   <li>{@code hourSum}, {@code hourMax}: 168 hourly aggregates per metric (one week), with
 *       {@code hourOf[slot]} (hours since the epoch) marking which hour a slot holds,
 *       {@code hourCount} the buckets folded in and {@code hourSessions} the buckets that had a
 *       session duration. The 7 d window and the daily/weekly rules are read from here.</li>
 *   <li>{@code kinds}/{@code kindHour}: samples per kind of data processed per hour, for at most
 *       {@link #MAX_KINDS} kinds (further kinds count as "other").</li>
 * </ul>
 *
 * Floats rather than doubles halve the state; seven significant digits are plenty for
 * statistics of resource use. About 27 KB per workload at 5-minute buckets (see the README's
 * state-size section for measured heap and RocksDB figures).
 */
public class ProfileState {
    public static final int HOURS = 168;
    public static final int MAX_KINDS = 8;
    public static final long HOUR_MS = 3_600_000L;
    static final String OTHER_KIND = "other";

    public long bucketMs;
    public int slots;
    public long firstBucketStart = Long.MIN_VALUE;
    public long lastBucketStart = Long.MIN_VALUE;
    /** [metric * slots + slot] */
    public float[] recent;
    /** Bucket number held by each slot of {@link #recent}, or -1. */
    public int[] recentBucket;
    /** [metric * HOURS + slot] */
    public float[] hourSum;
    public float[] hourMax;
    /** Hour number (hours since the epoch) held by each hourly slot, or -1. */
    public int[] hourOf;
    public short[] hourCount;
    public short[] hourSessions;
    public String[] kinds = new String[0];
    /** [kind * HOURS + slot] samples of that kind. */
    public float[] kindHour = new float[0];
    public String region;

    // --- what the profiler last emitted (to emit again hourly and on change)
    public long lastProfileHour = Long.MIN_VALUE;
    public String lastTags = "";
    public String lastEvents = "";
    /** The behavioural tags last derived (sorted) and the hour they were derived in. */
    public String[] tags = new String[0];
    public long tagsHour = Long.MIN_VALUE;

    public ProfileState() {}

    public static ProfileState create(long bucketMs) {
        ProfileState s = new ProfileState();
        s.bucketMs = bucketMs;
        s.slots = (int) Math.max(1, 86_400_000L / bucketMs);
        s.recent = new float[ProfileMetric.COUNT * s.slots];
        s.recentBucket = new int[s.slots];
        Arrays.fill(s.recentBucket, -1);
        s.hourSum = new float[ProfileMetric.COUNT * HOURS];
        s.hourMax = new float[ProfileMetric.COUNT * HOURS];
        s.hourOf = new int[HOURS];
        Arrays.fill(s.hourOf, -1);
        s.hourCount = new short[HOURS];
        s.hourSessions = new short[HOURS];
        return s;
    }

    /**
     * Folds in one closed bucket. Returns false (and changes nothing) for a bucket not after the
     * last one: the bucketer emits each bucket once and in order, so this only guards replays.
     */
    public boolean add(long bucketStart, double[] values, Map<String, Long> dataKinds, String bucketRegion) {
        if (lastBucketStart != Long.MIN_VALUE && bucketStart <= lastBucketStart) {
            return false;
        }
        if (firstBucketStart == Long.MIN_VALUE) {
            firstBucketStart = bucketStart;
        }
        lastBucketStart = bucketStart;
        if (bucketRegion != null) {
            region = bucketRegion;
        }
        int bucket = (int) Math.floorDiv(bucketStart, bucketMs);
        int slot = Math.floorMod(bucket, slots);
        recentBucket[slot] = bucket;
        for (int m = 0; m < ProfileMetric.COUNT; m++) {
            recent[m * slots + slot] = (float) values[m];
        }

        int hour = (int) Math.floorDiv(bucketStart, HOUR_MS);
        int h = Math.floorMod(hour, HOURS);
        if (hourOf[h] != hour) {
            hourOf[h] = hour;
            hourCount[h] = 0;
            hourSessions[h] = 0;
            for (int m = 0; m < ProfileMetric.COUNT; m++) {
                hourSum[m * HOURS + h] = 0;
                hourMax[m * HOURS + h] = Float.NEGATIVE_INFINITY;
            }
            for (int k = 0; k < kinds.length; k++) {
                kindHour[k * HOURS + h] = 0;
            }
        }
        hourCount[h]++;
        for (int m = 0; m < ProfileMetric.COUNT; m++) {
            double v = values[m];
            if (Double.isNaN(v)) {
                continue;
            }
            if (m == ProfileMetric.SESSION_DURATION_MS.ordinal()) {
                hourSessions[h]++;
            }
            hourSum[m * HOURS + h] += (float) v;
            hourMax[m * HOURS + h] = Math.max(hourMax[m * HOURS + h], (float) v);
        }
        if (dataKinds != null) {
            for (Map.Entry<String, Long> e : dataKinds.entrySet()) {
                int k = kindIndex(e.getKey(), hour);
                kindHour[k * HOURS + h] += e.getValue();
            }
        }
        return true;
    }

    private int kindIndex(String kind, int currentHour) {
        for (int k = 0; k < kinds.length; k++) {
            if (kinds[k].equals(kind)) {
                return k;
            }
        }
        if (kinds.length == MAX_KINDS) {
            for (int k = 0; k < kinds.length; k++) {
                if (kinds[k].equals(OTHER_KIND)) {
                    return k;
                }
            }
            kind = OTHER_KIND; // the last slot becomes "other"
            kinds[MAX_KINDS - 1] = OTHER_KIND;
            return MAX_KINDS - 1;
        }
        int k = kinds.length;
        kinds = Arrays.copyOf(kinds, k + 1);
        kinds[k] = kind;
        kindHour = Arrays.copyOf(kindHour, (k + 1) * HOURS);
        return k;
    }

    /** Bucket number of the last bucket folded in. */
    public int lastBucket() {
        return (int) Math.floorDiv(lastBucketStart, bucketMs);
    }

    /** Hour number of the last bucket folded in. */
    public int lastHour() {
        return (int) Math.floorDiv(lastBucketStart, HOUR_MS);
    }

    /** Length of history held, from the first bucket to the end of the last one. */
    public long historyMs() {
        return firstBucketStart == Long.MIN_VALUE ? 0 : lastBucketStart + bucketMs - firstBucketStart;
    }

    /** Bytes of the primitive arrays and fields as held on the heap (object headers included, 16 bytes per array). */
    public long heapBytes() {
        long b = 4L * (recent.length + recentBucket.length + hourSum.length + hourMax.length + hourOf.length + kindHour.length)
                + 2L * (hourCount.length + hourSessions.length) + 16L * 9 + 96;
        for (String k : kinds) {
            b += 40 + k.length();
        }
        return b;
    }
}
