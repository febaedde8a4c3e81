package io.shadowscale.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;


import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code shadowscale bench} at a tiny size through the command line: the JSON carries every key with
 * sane values, and the whole graph ran (every bucket of every workload became a rollup and a
 * 12-step shadow). A functional test: no figure is compared with a time.
 */
class BenchCommandTest {

    @Test
    void tinyBenchPrintsTheFiguresAsJson() throws Exception {
        MainTest.Run r = MainTest.run("bench", "--tenants", "4", "--workloads-per-tenant", "5", "--events", "3000",
                "--parallelism", "1", "--state-workloads", "10", "--state-days", "2", "--latency-samples", "10", "--latency-rate", "2000", "--json");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.err()).contains("pass-through, parallelism 1").contains("pipeline, parallelism 1").contains("latency: 65 samples")
                .contains("savepoint");
        // the test log configuration also writes to stdout: the JSON is its own line
        String json = r.out().lines().filter(l -> l.startsWith("{\"pipeline_eps\"")).findFirst().orElseThrow(() -> new AssertionError(r.out()));
        JsonNode j = new ObjectMapper().readTree(json);
        for (String key : new String[] {"pipeline_eps", "passthrough_eps", "ratio", "latency_p50_ms", "latency_p99_ms",
                "state_bytes_per_workload", "onnx_cpu_share"}) {
            assertThat(j.has(key)).as(key).isTrue();
            assertThat(j.get(key).isNumber()).as(key + " = " + j.get(key)).isTrue();
        }
        double pipeline = j.get("pipeline_eps").asDouble(), passThrough = j.get("passthrough_eps").asDouble();
        assertThat(pipeline).isPositive();
        assertThat(passThrough).isPositive();
        assertThat(j.get("ratio").asDouble()).isCloseTo(pipeline / passThrough, org.assertj.core.data.Offset.offset(0.01));
        assertThat(j.get("latency_p50_ms").asDouble()).isBetween(0.0, j.get("latency_p99_ms").asDouble());
        // profile (~29 KB) + forecaster (~12 KB) + a little of everything else: between 16 and 128 KB
        assertThat(j.get("state_bytes_per_workload").asDouble()).isBetween(16_000.0, 128_000.0);
        assertThat(j.get("onnx_cpu_share").asDouble()).isBetween(0.0, 1.0);
        assertThat(j.get("workloads").asInt()).isEqualTo(20);

        // 20 workloads × 150 one-minute samples = 30 five-minute buckets each, all closed at the end
        JsonNode outputs = j.get("by_parallelism").get(0).get("outputs");
        assertThat(outputs.get("rollups").asLong()).isEqualTo(20 * 30);
        assertThat(outputs.get("shadows").asLong()).isEqualTo(20 * 30 * 12);
        assertThat(outputs.get("deadLetters").asLong()).isZero();
        // latency is measured for buckets ending after the warm-up (65 samples): ends 65..150 min, and in
        // the paced run (65 + 10 samples) ends 65, 70, 75
        assertThat(j.get("by_parallelism").get(0).get("saturated_latency_samples").asLong()).isEqualTo(20 * 18);
        assertThat(j.get("latency_samples").asLong()).isEqualTo(20 * 3);
        assertThat(j.get("state_bytes_by_operator").has("profile-workload")).isTrue();
        assertThat(j.get("targets").has("ratio_at_least_0.5")).isTrue();
    }

    @Test
    void fifteenSecondSamplesFillFiveMinuteBucketsWithTwenty() throws Exception {
        MainTest.Run r = MainTest.run("bench", "--tenants", "4", "--workloads-per-tenant", "5", "--events", "2400", "--sample-interval", "15",
                "--parallelism", "1", "--state-workloads", "0", "--latency-samples", "0", "--no-profile", "--json");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.err()).contains("a sample every 15 s");
        String json = r.out().lines().filter(l -> l.startsWith("{\"pipeline_eps\"")).findFirst().orElseThrow(() -> new AssertionError(r.out()));
        JsonNode j = new ObjectMapper().readTree(json);
        assertThat(j.get("sample_interval_s").asInt()).isEqualTo(15);
        // 20 workloads × 120 samples of 15 s = 6 five-minute buckets each
        JsonNode outputs = j.get("by_parallelism").get(0).get("outputs");
        assertThat(outputs.get("rollups").asLong()).isEqualTo(20 * 6);
        assertThat(outputs.get("shadows").asLong()).isEqualTo(20 * 6 * 12);
        assertThat(outputs.get("deadLetters").asLong()).isZero();
    }

    @Test
    void badOptions() {
        assertThat(MainTest.run("bench", "--sample-interval", "7").err()).startsWith("error: --sample-interval must divide the 5-minute bucket");
        assertThat(MainTest.run("bench", "--parallelism", "0").err()).startsWith("error: --parallelism takes numbers from 1 to 64");
        assertThat(MainTest.run("bench", "--forecaster", "magic").err()).startsWith("error: --forecaster must be onnx or fallback");
        assertThat(MainTest.run("bench", "--tenants", "0").status()).isEqualTo(2);
    }
}
