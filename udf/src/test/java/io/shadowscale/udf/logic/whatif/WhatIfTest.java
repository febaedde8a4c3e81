package io.shadowscale.udf.logic.whatif;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.shadowscale.schema.DriverKind;
import io.shadowscale.schema.ExternalEvent;
import io.shadowscale.schema.ExternalEventKind;
import io.shadowscale.schema.TelemetryRollup;
import io.shadowscale.udf.ShadowOptions;
import io.shadowscale.udf.logic.AllocationState;

class WhatIfTest {

    static final long BUCKET = 300_000L;
    static final long T0 = Instant.parse("2026-11-26T00:00:00Z").toEpochMilli();

    /** Two days of a workload near 4 cores with a gentle daily wave. */
    static List<TelemetryRollup> history() {
        List<TelemetryRollup> out = new ArrayList<>();
        for (int i = 0; i < 2 * 288; i++) {
            double cpu = 4 + Math.sin(2 * Math.PI * i / 288.0);
            out.add(TelemetryRollup.newBuilder()
                    .setTenantId("acme").setWorkloadId("web")
                    .setBucketStart(Instant.ofEpochMilli(T0 + i * BUCKET)).setBucketMs(BUCKET).setSamples(5)
                    .setCpuAvg(cpu).setCpuMax(cpu).setMemoryAvg(4e9).setMemoryMax(4e9)
                    .setNetworkInBytesPerSec(1e6).setNetworkOutBytesPerSec(2e6).setStorageMax(5e9)
                    .setDbQueries(10).setRequests(100).setActiveSessionsAvg(5).setSessionDurationMsAvg(1000)
                    .setDataKinds(Map.of()).setRegion("us-east-1").build());
        }
        return out;
    }

    static AllocationState allocation() {
        AllocationState a = new AllocationState();
        a.reported = true;
        a.replicas = 4;
        a.cpuPerReplica = 2;
        a.memoryPerReplicaBytes = 4L << 30;
        a.storageBytes = 20L << 30;
        a.maxCpuPerReplica = 2; // no room to resize in place
        a.maxMemoryPerReplicaBytes = 4L << 30;
        return a;
    }

    static ExternalEvent campaign(long origin, double uplift) {
        return ExternalEvent.newBuilder().setEventId("whatif:sale").setKind(ExternalEventKind.CAMPAIGN).setName("sale")
                .setStartTime(Instant.ofEpochMilli(origin + 3 * BUCKET)).setEndTime(Instant.ofEpochMilli(origin + 12 * BUCKET))
                .setExpectedUplift(uplift).setTenants(List.of("acme")).build();
    }

    @Test
    void aHypotheticalCampaignChangesTheCommandAndIsNamedAsItsDriver() {
        ShadowOptions o = ShadowOptions.defaults();
        WhatIf w = new WhatIf(o, null);
        List<TelemetryRollup> h = history();
        long origin = h.get(h.size() - 1).getBucketStart().toEpochMilli() + BUCKET;

        WhatIf.Outcome asIs = w.run(h, ZoneOffset.UTC, List.of(), new String[0], allocation());
        assertThat(asIs.command()).as("4-5 cores on 8 at 70%% target: nothing to do").isNull();
        assertThat(asIs.horizon().getDrivers()).noneMatch(d -> d.getKind() == DriverKind.CAMPAIGN);

        WhatIf.Outcome sale = w.run(h, ZoneOffset.UTC, WhatIf.scenario(List.of(), List.of(campaign(origin, 3.0)), List.of()),
                new String[0], allocation());
        assertThat(sale.command()).isNotNull();
        assertThat(sale.command().getToReplicas()).isGreaterThan(4);
        assertThat(sale.command().getEffectiveAt().toEpochMilli()).as("before the campaign starts").isLessThan(origin + 3 * BUCKET);
        assertThat(sale.horizon().getDrivers().get(0).getName()).isEqualTo("campaign sale");
        assertThat(sale.horizon().getSteps().get(3).getCpuP50()).isGreaterThan(2 * asIs.horizon().getSteps().get(3).getCpuP50());
        assertThat(sale.allocationBefore().replicas).as("the caller's allocation is not changed").isEqualTo(4);
    }

    @Test
    void removingAnEventTakesItsEffectAway() {
        List<TelemetryRollup> h = history();
        long origin = h.get(h.size() - 1).getBucketStart().toEpochMilli() + BUCKET;
        ExternalEvent real = campaign(origin, 3.0);
        assertThat(WhatIf.scenario(List.of(real), List.of(), List.of("whatif:sale"))).isEmpty();
        WhatIf.Outcome without = new WhatIf(ShadowOptions.defaults(), null).run(h, ZoneOffset.UTC,
                WhatIf.scenario(List.of(real), List.of(), List.of("whatif:sale")), new String[0], allocation());
        assertThat(without.command()).isNull();
    }

    @Test
    void noHistoryIsAnError() {
        assertThatThrownBy(() -> new WhatIf(ShadowOptions.defaults(), null).run(List.of(), ZoneOffset.UTC, List.of(), new String[0], null))
                .hasMessageContaining("no history");
    }
}
