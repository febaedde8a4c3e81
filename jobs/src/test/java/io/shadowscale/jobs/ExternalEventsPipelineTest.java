package io.shadowscale.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.shadowscale.schema.AllocationUpdate;
import io.shadowscale.schema.ExternalEvent;
import io.shadowscale.schema.ExternalEventKind;
import io.shadowscale.schema.TelemetryEvent;
import io.shadowscale.udf.ShadowOptions;
import io.shadowscale.udf.logic.events.Covariates;
import io.shadowscale.udf.model.EnrichedRollup;
import io.shadowscale.udf.model.RawTelemetry;

/**
 * The pipeline on a MiniCluster at parallelism 2 from in-memory sources: a campaign for one
 * tenant changes the covariates of that tenant's workload and of no other.
 */
class ExternalEventsPipelineTest {

    @RegisterExtension
    static final MiniClusterExtension MINI = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    static final long MIN = 60_000L;
    /** Counted down when the campaign leaves its source (same JVM: the MiniCluster's tasks). */
    static final java.util.concurrent.CountDownLatch CAMPAIGN_SENT = new java.util.concurrent.CountDownLatch(1);
    static final Instant T0 = Instant.parse("2026-11-27T00:00:00Z");
    static final Instant CAMPAIGN_START = T0.plusSeconds(2 * 3600), CAMPAIGN_END = T0.plusSeconds(3 * 3600);

    static TelemetryEvent sample(String tenant, long t) {
        return TelemetryEvent.newBuilder().setTenantId(tenant).setWorkloadId("api").setEventTime(Instant.ofEpochMilli(t))
                .setCpuCores(2).setMemoryBytes(4L << 30).setNetworkInBytes(1000).setNetworkOutBytes(2000).setStorageBytes(1L << 30)
                .setRequests(600).setDbQueries(1800).setIntervalMs(MIN).setRegion("eu-west-1").build();
    }

    @Test
    void aCampaignChangesTheCovariatesOfItsTenantOnly() throws Exception {
        List<RawTelemetry> raw = new ArrayList<>();
        for (long t = T0.toEpochMilli(); t < T0.toEpochMilli() + 4 * 3600_000L; t += MIN) {
            for (String tenant : List.of("acme", "globex", "initech")) {
                RawTelemetry r = new RawTelemetry();
                r.event = sample(tenant, t);
                r.recordTimestamp = t;
                raw.add(r);
            }
        }
        ExternalEvent campaign = ExternalEvent.newBuilder().setEventId("cyber-monday").setKind(ExternalEventKind.CAMPAIGN)
                .setName("Cyber Monday").setStartTime(CAMPAIGN_START).setEndTime(CAMPAIGN_END).setExpectedUplift(3.0)
                .setTenants(List.of("acme")).build();

        ShadowOptions options = ShadowOptions.defaults();
        options.maxPartitionDriftMs = 0; // bounded in-memory input: no alignment
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        ShadowPipeline.Outputs out = ShadowPipeline.build(env, new ShadowPipeline.Sources() {
            @Override
            public DataStream<RawTelemetry> telemetry(StreamExecutionEnvironment e, WatermarkStrategy<RawTelemetry> watermarks) {
                // the telemetry waits for the campaign to be sent: the profiler applies events as
                // they arrive, and a campaign source deployed late would otherwise lose the race
                // to the first rollups (all of them close at the first watermark)
                return e.fromData(raw, TypeInformation.of(RawTelemetry.class)).setParallelism(1)
                        .map(r -> {
                            CAMPAIGN_SENT.await(60, java.util.concurrent.TimeUnit.SECONDS);
                            return r;
                        }).returns(RawTelemetry.class).setParallelism(1)
                        .assignTimestampsAndWatermarks(watermarks);
            }

            @Override
            public DataStream<AllocationUpdate> allocations(StreamExecutionEnvironment e) {
                return null;
            }

            @Override
            public DataStream<ExternalEvent> externalEvents(StreamExecutionEnvironment e) {
                return e.fromData(List.of(campaign), TypeInformation.of(ExternalEvent.class)).setParallelism(1)
                        .map(c -> {
                            CAMPAIGN_SENT.countDown();
                            return c;
                        }).returns(ExternalEvent.class).setParallelism(1);
            }
        }, options);

        List<EnrichedRollup> enriched = new ArrayList<>();
        try (CloseableIterator<EnrichedRollup> it = out.enriched.executeAndCollect("external-events-it")) {
            it.forEachRemaining(enriched::add);
        }
        assertThat(enriched).hasSize(3 * 48);
        for (EnrichedRollup e : enriched) {
            String tenant = e.rollup.getTenantId();
            for (int s = 0; s < e.steps; s++) {
                long mid = e.originMs + s * e.stepMs + e.stepMs / 2;
                boolean running = mid >= CAMPAIGN_START.toEpochMilli() && mid < CAMPAIGN_END.toEpochMilli();
                double expected = tenant.equals("acme") && running ? 2.0 : 0.0;
                assertThat(e.covariate(s, Covariates.CAMPAIGN_INTENSITY)).as("%s step %d of %s", tenant, s, Instant.ofEpochMilli(e.originMs))
                        .isEqualTo(expected);
            }
            boolean touches = e.originMs + e.steps * e.stepMs > CAMPAIGN_START.toEpochMilli() && e.originMs < CAMPAIGN_END.toEpochMilli();
            assertThat(e.eventIds).as("%s at %s", tenant, Instant.ofEpochMilli(e.originMs))
                    .isEqualTo(tenant.equals("acme") && touches ? new String[] {"cyber-monday"} : new String[0]);
        }
        // the acme workload saw the campaign on 23 horizons: 11 that reach into it and 12 that start within it
        assertThat(enriched.stream().filter(e -> e.eventIds.length > 0).count()).isEqualTo(23);
    }
}
