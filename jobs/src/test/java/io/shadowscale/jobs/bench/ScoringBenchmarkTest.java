package io.shadowscale.jobs.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import io.shadowscale.udf.logic.forecast.Baselines;
import io.shadowscale.udf.logic.forecast.OnnxQuantileModel;

/** The scoring benchmark's three paths run on the bundled model and report what the README documents (not its speed). */
class ScoringBenchmarkTest {

    @Test
    void measuresScorerBatchingAndRawForEveryBatchSize() throws Exception {
        try (OnnxQuantileModel model = OnnxQuantileModel.bundled(Baselines.DEFAULT_MODEL, 1)) {
            ScoringBenchmark bench = new ScoringBenchmark(model, 4);
            int[] progress = {0};
            List<ScoringBenchmark.Row> rows = bench.run(new int[] {1, 4}, 2, 16, n -> progress[0] = n);
            assertThat(progress[0]).isEqualTo(4);
            assertThat(rows).extracting(ScoringBenchmark.Row::batch).containsExactly(1, 4);
            for (ScoringBenchmark.Row r : rows) {
                assertThat(r.scorerPerSec()).isPositive().isFinite();
                assertThat(r.batchingPerSec()).isPositive().isFinite();
                assertThat(r.rawPerSec()).isPositive().isFinite();
            }
            JsonNode json = new ObjectMapper().readTree(bench.json(rows, 2));
            assertThat(json.get("repeats").asInt()).isEqualTo(2);
            JsonNode first = json.get("batches").get(0);
            for (String field : new String[] {"batch", "scorer_per_sec", "raw_ort_per_sec", "ratio", "batching_per_sec", "batching_ratio", "wall_ratio"}) {
                assertThat(first.has(field)).as(field).isTrue();
            }
            assertThat(first.get("ratio").asDouble()).isCloseTo(rows.get(0).ratio(), org.assertj.core.api.Assertions.within(1e-4));
            assertThat(bench.table(rows)).contains("batching alone");
        }
    }
}
