package io.shadowscale.udf;

import static io.shadowscale.udf.TestData.BUCKET;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import io.shadowscale.schema.ShadowHorizon;
import io.shadowscale.schema.StrategyOutcome;

class StrategyEvaluatorTest {

    @Test
    void everyStrategyGetsAnOutcomePerHourAndIdleStateIsDroppedWithTheOpenHour() throws Exception {
        ShadowOptions o = ShadowOptions.defaults();
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new StrategyEvaluator(o)), new Keys.OfCompact(), Types.STRING);
        h.open();
        long t0 = Instant.parse("2026-11-27T10:00:00Z").toEpochMilli();
        for (int b = 1; b <= 18; b++) { // 10:00 to 11:30
            ShadowHorizon s = TestData.horizon("acme", "web", t0 + b * BUCKET, 3.0, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3);
            h.processElement(new StreamRecord<>(TestData.compact(s), t0 + b * BUCKET - 1));
        }
        int strategies = o.strategyCatalog().names().size();
        List<StrategyOutcome> out = h.extractOutputValues();
        assertThat(out).hasSize(strategies); // the 10:00 hour of each strategy
        assertThat(out).allSatisfy(x -> assertThat(x.getHourStart()).isEqualTo(Instant.ofEpochMilli(t0)));
        assertThat(out).filteredOn(StrategyOutcome::getLive).hasSize(1);
        assertThat(h.numKeyedStateEntries()).isPositive();
        h.processWatermark(t0 + 18 * BUCKET + o.idleStateTimeoutMs + 1);
        assertThat(h.extractOutputValues()).hasSize(2 * strategies); // the half hour still open, flushed
        assertThat(h.numKeyedStateEntries()).isZero();
        h.close();
    }
}
