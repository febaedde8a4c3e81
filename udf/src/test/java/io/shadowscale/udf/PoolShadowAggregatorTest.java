package io.shadowscale.udf;

import static io.shadowscale.udf.TestData.BUCKET;
import static io.shadowscale.udf.TestData.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.util.List;
import java.util.SplittableRandom;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import io.shadowscale.schema.PoolShadow;
import io.shadowscale.schema.ShadowHorizon;
import io.shadowscale.udf.model.CompactHorizon;

class PoolShadowAggregatorTest {

    final ShadowOptions options = ShadowOptions.defaults();

    KeyedOneInputStreamOperatorTestHarness<String, CompactHorizon, PoolShadow> harness() throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new PoolShadowAggregator(options)), new PoolShadowAggregator.OfPool(), Types.STRING);
        h.open();
        return h;
    }

    static ShadowHorizon member(String tenant, String workload, String region, long origin, double lastCpu, double cpuP50) {
        double[] p50 = new double[12];
        java.util.Arrays.fill(p50, cpuP50);
        return ShadowHorizon.newBuilder(TestData.horizon(tenant, workload, origin, lastCpu, p50)).setRegion(region).build();
    }

    static void send(KeyedOneInputStreamOperatorTestHarness<String, CompactHorizon, PoolShadow> h, ShadowHorizon s) throws Exception {
        h.processElement(new StreamRecord<>(TestData.compact(s), s.getGeneratedAt().toEpochMilli() - 1));
    }

    @Test
    void membersOfARegionAreSummedOnceTheWatermarkPassesTheOrigin() throws Exception {
        try (var h = harness()) {
            long origin = T0 + BUCKET;
            send(h, member("a", "w1", "eu", origin, 2, 2.0));
            send(h, member("a", "w2", "eu", origin, 3, 3.0));
            send(h, member("b", "w3", "eu", origin, 5, 5.0));
            send(h, member("c", "w4", "us", origin, 7, 7.0));
            assertThat(h.extractOutputValues()).isEmpty();
            h.processWatermark(origin - 1);
            List<PoolShadow> out = h.extractOutputValues();
            assertThat(out).hasSize(24); // 12 steps × 2 pools
            PoolShadow eu = out.stream().filter(p -> p.getPool().equals("region:eu") && p.getStep() == 1).findFirst().orElseThrow();
            assertThat(eu.getMembers()).isEqualTo(3);
            assertThat(eu.getTenants()).isEqualTo(2);
            assertThat(eu.getCpuP50()).isCloseTo(10.0, offset(1e-9));
            // before any errors are seen the pool assumes its members peak together: the plain sum of p90s
            assertThat(eu.getCpuCorrelation()).isEqualTo(1.0);
            assertThat(eu.getCpuP90()).isCloseTo(11.0, offset(1e-9)); // TestData bands: p90 = 1.1 × p50
            assertThat(eu.getCpuSumOfP90()).isCloseTo(11.0, offset(1e-9));
            assertThat(eu.getTimestamp().toEpochMilli()).isEqualTo(origin);
            assertThat(out.stream().filter(p -> p.getPool().equals("region:us")).findFirst().orElseThrow().getCpuP50()).isEqualTo(7.0);
        }
    }

    @Test
    void eachOriginIsSummedApartEvenWhenSeveralAreInFlight() throws Exception {
        try (var h = harness()) {
            long origin = T0 + BUCKET;
            // catching up: two origins of both members arrive before the watermark passes either
            send(h, member("a", "w1", "eu", origin, 2, 2.0));
            send(h, member("a", "w1", "eu", origin + BUCKET, 2, 4.0));
            send(h, member("a", "w2", "eu", origin, 3, 3.0));
            send(h, member("a", "w2", "eu", origin + BUCKET, 3, 5.0));
            send(h, member("a", "w3", "eu", origin + BUCKET, 3, 1.0)); // joins one origin later
            h.processWatermark(origin + BUCKET - 1);
            List<PoolShadow> step1 = h.extractOutputValues().stream().filter(p -> p.getStep() == 1).toList();
            assertThat(step1).extracting(p -> p.getGeneratedAt().toEpochMilli()).containsExactly(origin, origin + BUCKET);
            assertThat(step1).extracting(PoolShadow::getMembers).containsExactly(2, 3);
            assertThat(step1).extracting(PoolShadow::getCpuP50).containsExactly(5.0, 10.0);
        }
    }

    @Test
    void independentMembersGetAPoolBandNarrowerThanTheSumOfTheirBands() throws Exception {
        try (var h = harness()) {
            SplittableRandom r = new SplittableRandom(3);
            int members = 8;
            long origin = T0;
            for (int b = 0; b < 60; b++) {
                origin += BUCKET;
                for (int m = 0; m < members; m++) {
                    // forecast p50 = 10, p90 = 11 (σ ≈ 0.78); actuals independent around it
                    double actual = 10 + 0.78 * gaussian(r);
                    send(h, member("t" + m, "w" + m, "eu", origin, actual, 10.0));
                }
                h.processWatermark(origin - 1);
            }
            List<PoolShadow> out = h.extractOutputValues();
            PoolShadow last = out.get(out.size() - 12);
            assertThat(last.getCpuCorrelation()).isLessThan(0.35);
            assertThat(last.getCpuP90()).isLessThan(last.getCpuSumOfP90() - 0.5 * (last.getCpuSumOfP90() - last.getCpuP50()));
            assertThat(last.getCpuP90()).isGreaterThan(last.getCpuP50());
        }
    }

    @Test
    void anIdlePoolLeavesNoState() throws Exception {
        try (var h = harness()) {
            long origin = T0 + BUCKET;
            send(h, member("a", "w1", "eu", origin, 2, 2.0));
            h.processWatermark(origin - 1);
            assertThat(h.numKeyedStateEntries()).isPositive();
            h.processWatermark(origin + options.idleStateTimeoutMs + 1);
            assertThat(h.numKeyedStateEntries()).isZero();
            // a forecast for an origin already emitted is dropped, not summed into a new partial pool
            send(h, member("a", "w1", "eu", origin, 2, 2.0));
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    static double gaussian(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }
}
