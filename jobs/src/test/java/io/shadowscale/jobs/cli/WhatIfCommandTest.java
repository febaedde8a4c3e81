package io.shadowscale.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.shadowscale.jobs.iceberg.IcebergSinks;
import io.shadowscale.jobs.iceberg.IcebergTables;
import io.shadowscale.schema.TelemetryRollup;

/** {@code whatif} on a warehouse written by the job's own Iceberg sink: a day and a half of one workload. */
class WhatIfCommandTest {

    static final long BUCKET = 300_000L;
    static final Instant T0 = Instant.parse("2026-11-26T00:00:00Z");

    @TempDir
    static Path warehouse;

    @BeforeAll
    static void writeHistory() throws Exception {
        List<TelemetryRollup> rollups = new ArrayList<>();
        for (int i = 0; i < 432; i++) {
            double cpu = 4 + Math.sin(2 * Math.PI * i / 288.0);
            rollups.add(TelemetryRollup.newBuilder()
                    .setTenantId("acme").setWorkloadId("web")
                    .setBucketStart(T0.plusMillis(i * BUCKET)).setBucketMs(BUCKET).setSamples(5)
                    .setCpuAvg(cpu).setCpuMax(cpu).setMemoryAvg(4e9).setMemoryMax(4e9)
                    .setNetworkInBytesPerSec(1e6).setNetworkOutBytesPerSec(2e6).setStorageMax(5e9)
                    .setDbQueries(10).setRequests(100).setActiveSessionsAvg(5).setSessionDurationMsAvg(1000)
                    .setDataKinds(Map.of("transactions", 5L)).setRegion("us-east-1").build());
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.enableCheckpointing(100); // the Iceberg sink commits on checkpoints
        IcebergSinks.append(env.fromData(rollups, new AvroTypeInfo<>(TelemetryRollup.class)),
                IcebergTables.TELEMETRY_ROLLUPS, IcebergTables.catalogLoader(warehouse.toString()));
        env.execute("write history");
    }

    @Test
    void aCampaignTurnsNoCommandIntoAScaleUpThatNamesIt() throws Exception {
        MainTest.Run base = MainTest.run("whatif", "--tenant", "acme", "--workload", "web", "--warehouse", warehouse.toString(),
                "--forecaster", "fallback", "--json");
        assertThat(base.status()).as(base.err()).isZero();
        JsonNode b = new ObjectMapper().readTree(base.out());
        assertThat(b.get("shadow")).hasSize(12);
        assertThat(b.get("origin").asText()).isEqualTo(T0.plusMillis(432 * BUCKET).toString());

        MainTest.Run sale = MainTest.run("whatif", "--tenant", "acme", "--workload", "web", "--warehouse", warehouse.toString(),
                "--forecaster", "fallback", "--event", "campaign:spring-sale,start=+15m,uplift=6", "--json");
        assertThat(sale.status()).as(sale.err()).isZero();
        JsonNode s = new ObjectMapper().readTree(sale.out());
        assertThat(s.get("command").isNull()).isFalse();
        assertThat(cpuAfter(s.get("command"))).isGreaterThan(cpuBefore(s.get("command")));
        // no allocation on record: both start from the one the job assumes; the campaign asks for far more
        JsonNode without = s.get("command_without_hypothetical_events");
        double withoutCpu = without.isNull() ? cpuBefore(s.get("command")) : cpuAfter(without);
        assertThat(cpuAfter(s.get("command"))).as("bounded by the maximum step").isGreaterThan(1.5 * withoutCpu);
        assertThat(b.get("command")).isEqualTo(without);
        assertThat(s.get("drivers").get(0).get("text").asText()).startsWith("campaign spring-sale: +");

        MainTest.Run text = MainTest.run("whatif", "--tenant", "acme", "--workload", "web", "--warehouse", warehouse.toString(),
                "--forecaster", "fallback", "--event", "campaign:spring-sale,start=+15m,uplift=6");
        assertThat(text.out()).contains("(hypothetical)").contains("campaign spring-sale: +").contains("Without the hypothetical changes: ");
    }

    static double cpuAfter(JsonNode c) {
        return c.get("to_replicas").asInt() * c.get("to_cpu_per_replica").asDouble();
    }

    static double cpuBefore(JsonNode c) {
        return c.get("from_replicas").asInt() * c.get("from_cpu_per_replica").asDouble();
    }

    @Test
    void mistakesGetOneLineThatSaysWhatToDo() {
        MainTest.Run tenant = MainTest.run("whatif", "--tenant", "acm", "--workload", "web", "--warehouse", warehouse.toString());
        assertThat(tenant.status()).isEqualTo(2);
        assertThat(tenant.err()).contains("unknown tenant 'acm' (tenants with history: acme)");
        MainTest.Run workload = MainTest.run("whatif", "--tenant", "acme", "--workload", "api", "--warehouse", warehouse.toString());
        assertThat(workload.err()).contains("tenant acme has no workload 'api' (its workloads: web)");
        MainTest.Run early = MainTest.run("whatif", "--tenant", "acme", "--workload", "web", "--warehouse", warehouse.toString(),
                "--at", "2026-11-25T00:00:00Z");
        assertThat(early.err()).contains("has no history before 2026-11-25T00:00:00Z");
        MainTest.Run spec = MainTest.run("whatif", "--tenant", "acme", "--workload", "web", "--warehouse", warehouse.toString(),
                "--event", "holiday:xmas");
        assertThat(spec.err()).contains("only campaign events move a forecast");
        MainTest.Run time = MainTest.run("whatif", "--tenant", "acme", "--workload", "web", "--warehouse", warehouse.toString(),
                "--event", "campaign:x,start=tomorrow");
        assertThat(time.err()).contains("time 'tomorrow' is neither an ISO instant");
        MainTest.Run strategy = MainTest.run("whatif", "--tenant", "acme", "--workload", "web", "--warehouse", warehouse.toString(),
                "--strategy", "nope");
        assertThat(strategy.err()).contains("unknown strategy 'nope'");
    }
}
