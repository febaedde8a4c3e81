package io.shadowscale.udf;

import static io.shadowscale.udf.TestData.BUCKET;
import static io.shadowscale.udf.TestData.T0;
import static io.shadowscale.udf.TestData.residual;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import io.shadowscale.schema.Anomaly;
import io.shadowscale.schema.AnomalyType;

class AnomalyCooldownTest {

    static final long COOLDOWN = 30 * 60_000L;

    static Anomaly anomaly(String workload, AnomalyType type, long startBucket, int buckets) {
        var rs = new java.util.ArrayList<io.shadowscale.udf.model.Residual>();
        for (int i = 0; i < buckets; i++) rs.add(residual("t", workload, T0 + (startBucket + i) * BUCKET, 5, 1));
        return AnomalyDetector.toAnomaly(type, rs);
    }

    @Test
    void repeatsWithinTheCooldownAreDroppedAndStateIsCleared() throws Exception {
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new AnomalyCooldown(COOLDOWN)),
                new AnomalyCooldown.ByWorkloadAndType(), Types.STRING)) {
            h.open();
            Anomaly first = anomaly("w", AnomalyType.SUSTAINED_SURGE, 0, 3);      // ends at bucket 3
            Anomaly repeat = anomaly("w", AnomalyType.SUSTAINED_SURGE, 3, 3);     // same incident goes on
            Anomaly otherType = anomaly("w", AnomalyType.SPIKE, 4, 1);
            Anomaly otherWorkload = anomaly("x", AnomalyType.SUSTAINED_SURGE, 4, 3);
            Anomaly later = anomaly("w", AnomalyType.SUSTAINED_SURGE, 6 + 6 + 1, 3); // 35 min after the extended end
            for (Anomaly a : List.of(first, repeat, otherType, otherWorkload)) {
                h.processElement(new StreamRecord<>(a, a.getEndTime().toEpochMilli()));
            }
            assertThat(h.extractOutputValues()).containsExactly(first, otherType, otherWorkload);
            h.processElement(new StreamRecord<>(later, later.getEndTime().toEpochMilli()));
            assertThat(h.extractOutputValues()).hasSize(4).last().isEqualTo(later);
            assertThat(h.numKeyedStateEntries()).isEqualTo(3);
            h.processWatermark(Long.MAX_VALUE);
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }
}
