package io.shadowscale.jobs.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.shadowscale.jobs.iceberg.IcebergSinks;
import io.shadowscale.jobs.iceberg.IcebergTables;
import io.shadowscale.schema.TelemetryRollup;
import io.shadowscale.udf.logic.forecast.ForecastBacktest.Series;
import io.shadowscale.udf.logic.forecast.ModelFeatures;

/** Training samples from the job's telemetry_rollups table, written through the job's Iceberg sink. */
class RollupSeriesTest {
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1)
                    .setConfiguration(config()).build());

    static Configuration config() {
        Configuration c = new Configuration();
        c.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        return c;
    }

    static final Instant T0 = Instant.parse("2024-03-01T00:00:00Z");
    static final int BUCKETS = 2 * 288;

    static TelemetryRollup rollup(String workload, Instant bucket, long bucketMs, double cpu) {
        return TelemetryRollup.newBuilder().setTenantId("acme").setWorkloadId(workload).setBucketStart(bucket)
                .setBucketMs(bucketMs).setSamples(5).setCpuAvg(cpu).setCpuMax(cpu * 2).setMemoryAvg(1e9 + cpu)
                .setMemoryMax(2e9).setNetworkInBytesPerSec(100).setNetworkOutBytesPerSec(200).setStorageMax(5e10)
                .setDbQueries(0L).setRequests(0L).setActiveSessionsAvg(0).setSessionDurationMsAvg(0)
                .setDataKinds(Map.of()).setRegion(null).build();
    }

    static double cpu(int t) {
        return 1 + Math.sin(2 * Math.PI * t / 288);
    }

    @Test
    void exportsTheJobsRollupsThroughTheSameFeatureBuilder(@TempDir Path dir) throws Exception {
        Path warehouse = dir.resolve("warehouse");
        List<TelemetryRollup> rows = new ArrayList<>();
        for (int t = 0; t < BUCKETS; t++) {
            if (t == 408) continue; // a bucket without telemetry
            rows.add(rollup("web-1", T0.plusSeconds(300L * t), 300_000, cpu(t)));
        }
        rows.add(rollup("web-2", T0, 60_000, 1)); // one-minute buckets: not this model's grid
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.enableCheckpointing(100); // Iceberg commits on checkpoints
        IcebergSinks.append(env.fromData(rows, new AvroTypeInfo<>(TelemetryRollup.class)).uid("rollups").name("rollups"),
                IcebergTables.TELEMETRY_ROLLUPS, IcebergTables.catalogLoader(warehouse.toString()));
        env.execute("rollups");

        List<Series> series = RollupSeries.read(warehouse.toString(), 300_000);
        assertThat(series).hasSize(1);
        Series s = series.get(0);
        assertThat(s.id()).isEqualTo("acme/web-1");
        assertThat(s.start()).isEqualTo(T0.toEpochMilli());
        assertThat(s.length()).isEqualTo(BUCKETS);
        assertThat(s.values()).hasNumberOfRows(5);
        assertThat(s.values()[0][10]).isEqualTo(cpu(10));
        assertThat(s.values()[0][408]).isNaN();
        assertThat(s.values()[1][10]).isEqualTo(1e9 + cpu(10));
        assertThat(s.values()[3][10]).isEqualTo(200);

        Path out = dir.resolve("samples");
        int[] kinds = {0, 1, 2, 2, 3};
        TrainingExport.Summary summary = TrainingExport.write(series, kinds, out, 6, Long.MAX_VALUE, i -> {});
        // origins from one day in, every 6th, while 12 targets follow; the origin at the gap is skipped
        long origins = 0;
        for (int t = ModelFeatures.DAY; t + ModelFeatures.HORIZON < BUCKETS; t += 6) if (t != 408) origins++;
        assertThat(summary.samples()).isEqualTo(5 * origins);
        String meta = Files.readString(out.resolve("meta.json"));
        assertThat(meta).contains("\"until\": null", "\"series\": [\"acme/web-1\"]", "\"spec_version\": \"" + ModelFeatures.SPEC_VERSION + "\"");

        // the first sample is CPU at origin 288, exactly as the job's feature builder computes it
        float[] expected = new float[ModelFeatures.SIZE];
        double[] cpu = s.values()[0];
        ModelFeatures.build(lag -> cpu[ModelFeatures.DAY - lag], s.start() + ModelFeatures.DAY * 300_000L, 0, expected, 0);
        ByteBuffer x = ByteBuffer.wrap(Files.readAllBytes(out.resolve("X.f32"))).order(ByteOrder.LITTLE_ENDIAN);
        float[] first = new float[ModelFeatures.SIZE];
        for (int i = 0; i < first.length; i++) first[i] = x.getFloat();
        assertThat(first).containsExactly(expected);
    }
}
