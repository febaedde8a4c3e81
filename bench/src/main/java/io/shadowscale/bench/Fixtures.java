package io.shadowscale.bench;

import java.time.Instant;
import java.util.Map;
import java.util.SplittableRandom;

import io.shadowscale.schema.TelemetryEvent;
import io.shadowscale.schema.TelemetryRollup;
import io.shadowscale.udf.logic.FallbackForecaster;
import io.shadowscale.udf.logic.ForecasterState;

/** Realistic inputs for the microbenchmarks: samples, rollups, a day of forecaster history. */
final class Fixtures {
    static final long BUCKET_MS = 300_000L;
    static final long T0 = Instant.parse("2026-11-16T00:00:00Z").toEpochMilli();

    private Fixtures() {}

    static TelemetryEvent event(int i, long t) {
        double load = 0.5 + 0.4 * Math.sin(i / 30.0);
        return TelemetryEvent.newBuilder()
                .setTenantId("tenant-00042").setWorkloadId("transactions-03")
                .setEventTime(Instant.ofEpochMilli(t))
                .setCpuCores(2.5 * load).setMemoryBytes((long) (6e9 * load)).setNetworkInBytes((long) (4e6 * load))
                .setNetworkOutBytes((long) (1.2e7 * load)).setStorageBytes(320L << 30).setDbQueries(9_000).setRequests(3_000)
                .setActiveSessions(120).setSessionDurationMs(45_000).setDataKind("transactions").setIntervalMs(60_000)
                .setRegion("eu-west-1").build();
    }

    static TelemetryRollup rollup(long bucketStart, SplittableRandom rnd) {
        double hour = Math.floorMod(bucketStart, 86_400_000L) / 3_600_000.0;
        double cpu = 1 + Math.exp(-0.5 * Math.pow((hour - 13) / 3, 2)) * 3 * (0.9 + 0.2 * rnd.nextDouble());
        return TelemetryRollup.newBuilder().setTenantId("tenant-00042").setWorkloadId("transactions-03")
                .setBucketStart(Instant.ofEpochMilli(bucketStart)).setBucketMs(BUCKET_MS).setSamples(5)
                .setCpuAvg(cpu).setCpuMax(cpu * 1.2).setMemoryAvg(4e9 + 1e9 * cpu).setMemoryMax(4.2e9 + 1e9 * cpu)
                .setNetworkInBytesPerSec(1e5 * cpu).setNetworkOutBytesPerSec(2e5 * cpu).setStorageMax(1e11)
                .setDbQueries((long) (3000 * cpu)).setRequests((long) (1000 * cpu)).setActiveSessionsAvg(40).setSessionDurationMsAvg(45_000)
                .setDataKinds(Map.of("transactions", 5L)).setRegion("eu-west-1").build();
    }

    static double[] actuals(TelemetryRollup r) {
        return io.shadowscale.udf.logic.forecast.ShadowAssembly.actuals(r);
    }

    /** A forecaster state after {@code days} of buckets. */
    static ForecasterState history(FallbackForecaster f, int days) {
        ForecasterState s = f.newState();
        SplittableRandom rnd = new SplittableRandom(7);
        for (long t = T0; t < T0 + days * 86_400_000L; t += BUCKET_MS) {
            f.observeAndForecast(s, t, actuals(rollup(t, rnd)));
        }
        return s;
    }
}
