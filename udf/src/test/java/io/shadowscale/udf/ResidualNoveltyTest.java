package io.shadowscale.udf;

import static io.shadowscale.udf.TestData.BUCKET;
import static io.shadowscale.udf.TestData.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import io.shadowscale.udf.logic.NoveltyScorer;
import io.shadowscale.udf.model.Residual;
import io.shadowscale.udf.model.Resource;

class ResidualNoveltyTest {

    final ShadowOptions o = ShadowOptions.defaults();

    KeyedOneInputStreamOperatorTestHarness<String, Residual, Residual> harness() throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new ResidualNovelty(o)), new Keys.OfResidual(), Types.STRING);
        h.open();
        return h;
    }

    /** CPU alternating 1..3 cores around a forecast of 2. */
    static Residual normal(String workload, int b) {
        return TestData.residual("t", workload, T0 + b * BUCKET, 1 + (b % 3), 2.0);
    }

    @SuppressWarnings("unchecked")
    static List<Residual> outputs(KeyedOneInputStreamOperatorTestHarness<String, Residual, Residual> h) {
        return h.getOutput().stream().map(e -> ((StreamRecord<Residual>) e).getValue()).toList();
    }

    @Test
    void annotatesEachResidualWithItsRecordAndKeepsWorkloadsApart() throws Exception {
        var h = harness();
        for (int b = 0; b < 100; b++) {
            h.processElement(normal("w1", b), T0 + b * BUCKET);
            h.processElement(normal("w2", b), T0 + b * BUCKET);
        }
        h.processElement(TestData.residual("t", "w1", T0 + 100 * BUCKET, 9.0, 2.0), T0 + 100 * BUCKET);
        h.processElement(normal("w2", 100), T0 + 100 * BUCKET);
        List<Residual> out = outputs(h);
        assertThat(out).hasSize(202);
        Residual spike = out.get(200);
        assertThat(spike.workloadId).isEqualTo("w1");
        assertThat(spike.noveltySeen).isEqualTo(100);
        assertThat(spike.novelty(Resource.CPU)).isGreaterThan(NoveltyScorer.ALARM);
        assertThat(spike.noveltyRecord(Resource.CPU)).as("a new high of the value").isEqualTo(NoveltyScorer.Channel.VALUE.ordinal() + 1);
        assertThat(spike.noveltyRecord(Resource.NETWORK_OUT)).as("network out did not move").isZero();
        Residual other = out.get(201);
        assertThat(other.workloadId).isEqualTo("w2");
        assertThat(other.noveltyRecord(Resource.CPU)).as("w1's spike is not w2's").isZero();
        // a repeated bucket is passed on unscored
        h.processElement(TestData.residual("t", "w1", T0 + 100 * BUCKET, 9.0, 2.0), T0 + 100 * BUCKET);
        assertThat(outputs(h).get(202).novelty).isNull();
        h.close();
    }

    @Test
    void stateSurvivesSnapshotAndRestoreAndIsDroppedWhenIdle() throws Exception {
        var h = harness();
        for (int b = 0; b < 100; b++) {
            h.processElement(normal("w1", b), T0 + b * BUCKET);
        }
        OperatorSubtaskState snap = h.snapshot(1, 1);
        h.close();
        var restored = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new ResidualNovelty(o)), new Keys.OfResidual(), Types.STRING);
        restored.initializeState(snap);
        restored.open();
        restored.processElement(TestData.residual("t", "w1", T0 + 100 * BUCKET, 9.0, 2.0), T0 + 100 * BUCKET);
        Residual spike = outputs(restored).get(0);
        assertThat(spike.noveltySeen).as("the history came back").isEqualTo(100);
        assertThat(spike.noveltyRecord(Resource.CPU)).isEqualTo(1);
        assertThat(restored.numKeyedStateEntries()).isPositive();
        restored.processWatermark(T0 + 100 * BUCKET + o.idleStateTimeoutMs - 1);
        assertThat(restored.numKeyedStateEntries()).isPositive();
        restored.processWatermark(T0 + 100 * BUCKET + o.idleStateTimeoutMs + 1);
        assertThat(restored.numKeyedStateEntries()).as("idle for a day: dropped").isZero();
        restored.close();
    }
}
