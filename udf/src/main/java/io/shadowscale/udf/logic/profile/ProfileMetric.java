package io.shadowscale.udf.logic.profile;

import io.shadowscale.schema.TelemetryRollup;

/**
 * The metrics the Behavioral Profiler keeps rolling windows of, in the order of every
 * per-metric array in {@link ProfileState}. Counters are turned into rates per second so that
 * windows of different bucket lengths compare.
 */
public enum ProfileMetric {
    CPU("cpu"),
    /** Highest sample within the bucket, so window maxima are true peaks, not maxima of means. */
    CPU_PEAK("cpu_peak"),
    MEMORY("memory"),
    NETWORK_IN("network_in"),
    NETWORK_OUT("network_out"),
    STORAGE("storage"),
    REQUESTS_PER_SEC("requests_per_sec"),
    DB_QUERIES_PER_SEC("db_queries_per_sec"),
    SESSIONS("sessions"),
    /** Mean duration of the sessions that ended in the bucket; NaN (missing) when none ended. */
    SESSION_DURATION_MS("session_duration_ms");

    public static final int COUNT = values().length;

    public final String label;

    ProfileMetric(String label) {
        this.label = label;
    }

    /** The value of every metric in one closed bucket, indexed by ordinal. */
    public static double[] of(TelemetryRollup r) {
        double seconds = Math.max(1, r.getBucketMs()) / 1000.0;
        double[] v = new double[COUNT];
        v[CPU.ordinal()] = r.getCpuAvg();
        v[CPU_PEAK.ordinal()] = r.getCpuMax();
        v[MEMORY.ordinal()] = r.getMemoryAvg();
        v[NETWORK_IN.ordinal()] = r.getNetworkInBytesPerSec();
        v[NETWORK_OUT.ordinal()] = r.getNetworkOutBytesPerSec();
        v[STORAGE.ordinal()] = r.getStorageMax();
        v[REQUESTS_PER_SEC.ordinal()] = r.getRequests() / seconds;
        v[DB_QUERIES_PER_SEC.ordinal()] = r.getDbQueries() / seconds;
        v[SESSIONS.ordinal()] = r.getActiveSessionsAvg();
        v[SESSION_DURATION_MS.ordinal()] = r.getSessionDurationMsAvg() > 0 ? r.getSessionDurationMsAvg() : Double.NaN;
        return v;
    }
}
