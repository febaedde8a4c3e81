package io.shadowscale.udf.logic;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import io.shadowscale.schema.TelemetryEvent;
import io.shadowscale.schema.TelemetryRollup;

/**
 * Running aggregate of one event-time bucket of one workload. Primitive fields and parallel
 * arrays only, so Flink serialises it as a POJO (no Kryo) and it stays small in state.
 */
public class BucketAccumulator {
    public long bucketStart;
    public int samples;
    public double cpuSum;
    public double cpuMax;
    public double memorySum;
    public double memoryMax;
    public long networkInBytes;
    public long networkOutBytes;
    /** Sum of the sampling intervals the counters cover, to turn bytes into rates. */
    public long intervalMsSum;
    public double storageMax;
    public long dbQueries;
    public long requests;
    public long activeSessionsSum;
    public double sessionDurationSum;
    public int sessionDurationSamples;
    public String[] dataKinds = new String[0];
    public long[] dataKindCounts = new long[0];
    public String region;

    public BucketAccumulator() {}

    public static BucketAccumulator start(long bucketStart) {
        BucketAccumulator a = new BucketAccumulator();
        a.bucketStart = bucketStart;
        return a;
    }

    public void add(TelemetryEvent e) {
        samples++;
        cpuSum += e.getCpuCores();
        cpuMax = Math.max(cpuMax, e.getCpuCores());
        memorySum += e.getMemoryBytes();
        memoryMax = Math.max(memoryMax, e.getMemoryBytes());
        networkInBytes += e.getNetworkInBytes();
        networkOutBytes += e.getNetworkOutBytes();
        intervalMsSum += e.getIntervalMs();
        storageMax = Math.max(storageMax, e.getStorageBytes());
        dbQueries += e.getDbQueries();
        requests += e.getRequests();
        activeSessionsSum += e.getActiveSessions();
        if (e.getSessionDurationMs() > 0) {
            sessionDurationSum += e.getSessionDurationMs();
            sessionDurationSamples++;
        }
        if (e.getDataKind() != null) {
            countKind(e.getDataKind());
        }
        if (e.getRegion() != null) {
            region = e.getRegion();
        }
    }

    /**
     * Folds in a partial aggregate of the same bucket that holds samples which arrived after this
     * one's (local pre-aggregation): sums and counts add, maxima take the larger, the region is the
     * later partial's when it has one — what adding the samples one by one gives (sums up to the
     * order of floating-point additions when a bucket arrives in more than one partial).
     */
    public void merge(BucketAccumulator o) {
        if (o.bucketStart != bucketStart) {
            throw new IllegalArgumentException("bucket " + o.bucketStart + " merged into bucket " + bucketStart);
        }
        samples += o.samples;
        cpuSum += o.cpuSum;
        cpuMax = Math.max(cpuMax, o.cpuMax);
        memorySum += o.memorySum;
        memoryMax = Math.max(memoryMax, o.memoryMax);
        networkInBytes += o.networkInBytes;
        networkOutBytes += o.networkOutBytes;
        intervalMsSum += o.intervalMsSum;
        storageMax = Math.max(storageMax, o.storageMax);
        dbQueries += o.dbQueries;
        requests += o.requests;
        activeSessionsSum += o.activeSessionsSum;
        sessionDurationSum += o.sessionDurationSum;
        sessionDurationSamples += o.sessionDurationSamples;
        for (int i = 0; i < o.dataKinds.length; i++) {
            countKind(o.dataKinds[i], o.dataKindCounts[i]);
        }
        if (o.region != null) {
            region = o.region;
        }
    }

    private void countKind(String kind) {
        countKind(kind, 1);
    }

    private void countKind(String kind, long n) {
        for (int i = 0; i < dataKinds.length; i++) {
            if (dataKinds[i].equals(kind)) {
                dataKindCounts[i] += n;
                return;
            }
        }
        String[] k = java.util.Arrays.copyOf(dataKinds, dataKinds.length + 1);
        long[] c = java.util.Arrays.copyOf(dataKindCounts, dataKindCounts.length + 1);
        k[k.length - 1] = kind;
        c[c.length - 1] = n;
        dataKinds = k;
        dataKindCounts = c;
    }

    public TelemetryRollup toRollup(String tenantId, String workloadId, long bucketMs) {
        double seconds = Math.max(intervalMsSum, 1) / 1000.0;
        Map<String, Long> kinds = new HashMap<>();
        for (int i = 0; i < dataKinds.length; i++) {
            kinds.put(dataKinds[i], dataKindCounts[i]);
        }
        return TelemetryRollup.newBuilder()
                .setTenantId(tenantId)
                .setWorkloadId(workloadId)
                .setBucketStart(Instant.ofEpochMilli(bucketStart))
                .setBucketMs(bucketMs)
                .setSamples(samples)
                .setCpuAvg(cpuSum / samples)
                .setCpuMax(cpuMax)
                .setMemoryAvg(memorySum / samples)
                .setMemoryMax(memoryMax)
                .setNetworkInBytesPerSec(networkInBytes / seconds)
                .setNetworkOutBytesPerSec(networkOutBytes / seconds)
                .setStorageMax(storageMax)
                .setDbQueries(dbQueries)
                .setRequests(requests)
                .setActiveSessionsAvg((double) activeSessionsSum / samples)
                .setSessionDurationMsAvg(sessionDurationSamples == 0 ? 0 : sessionDurationSum / sessionDurationSamples)
                .setDataKinds(kinds)
                .setRegion(region)
                .build();
    }

    public static long bucketStartOf(long eventTime, long bucketMs) {
        return Math.floorDiv(eventTime, bucketMs) * bucketMs;
    }
}
