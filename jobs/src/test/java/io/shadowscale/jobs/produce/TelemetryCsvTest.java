package io.shadowscale.jobs.produce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TelemetryCsvTest {

    static final long NOW = Instant.parse("2025-03-05T00:00:00Z").toEpochMilli();
    static final String HEADER = "tenant_id,workload_id,event_time,cpu_cores,memory_bytes,network_in_bytes,network_out_bytes,storage_bytes,requests,region";

    @TempDir
    Path dir;

    List<TelemetryCsv.Row> rows(String... lines) throws Exception {
        Path f = dir.resolve("t.csv");
        Files.write(f, List.of(lines));
        List<TelemetryCsv.Row> out = new ArrayList<>();
        try (TelemetryCsv csv = new TelemetryCsv(f, () -> NOW, 3_600_000)) {
            csv.forEachRemaining(out::add);
        }
        return out;
    }

    @Test
    void parsesRowsInHeaderOrderWithDefaultsForOptionalColumns() throws Exception {
        List<TelemetryCsv.Row> r = rows(HEADER,
                "acme,checkout-api,2025-03-04T10:15:00Z,2.5,1073741824,1000,2000,5000000,1234,eu-west-1",
                "\"acme\",\"web, frontend\",1741083300000,0.5,1024,0,0,0,,");
        assertThat(r).allMatch(TelemetryCsv.Row::ok);
        assertThat(r.get(0).event().getCpuCores()).isEqualTo(2.5);
        assertThat(r.get(0).event().getRequests()).isEqualTo(1234);
        assertThat(r.get(0).event().getRegion()).isEqualTo("eu-west-1");
        assertThat(r.get(0).event().getIntervalMs()).isEqualTo(60_000);
        assertThat(r.get(1).event().getWorkloadId()).isEqualTo("web, frontend");
        assertThat(r.get(1).event().getEventTime()).isEqualTo(Instant.ofEpochMilli(1741083300000L));
        assertThat(r.get(1).event().getRegion()).isNull();
        assertThat(r.get(1).line()).isEqualTo(3);
    }

    @Test
    void badRowsCarryTheirLineNumberAndReason() throws Exception {
        List<TelemetryCsv.Row> r = rows(HEADER,
                "acme,api,2025-03-04T10:15:00Z,abc,1,0,0,0,0,eu",
                "",
                "# a comment",
                "acme,api,yesterday,1,1,0,0,0,0,eu",
                "acme,api,2025-03-04T10:15:00Z,1,1,0,0",
                "acme,api,2025-03-04T10:15:00Z,-1,1,0,0,0,0,eu",
                "acme,api,2035-03-04T10:15:00Z,1,1,0,0,0,0,eu",
                ",api,2025-03-04T10:15:00Z,1,1,0,0,0,0,eu",
                "acme,api,2025-03-04T10:16:00Z,1,1,0,0,0,0,eu");
        assertThat(r).extracting(TelemetryCsv.Row::line).containsExactly(2L, 5L, 6L, 7L, 8L, 9L, 10L);
        assertThat(r.get(0).error()).contains("cpu_cores", "abc");
        assertThat(r.get(1).error()).contains("event_time");
        assertThat(r.get(2).error()).contains("expected 10 fields, found 7");
        assertThat(r.get(3).error()).containsIgnoringCase("cpuCores");
        assertThat(r.get(4).error()).containsIgnoringCase("future");
        assertThat(r.get(5).error()).containsIgnoringCase("tenant");
        assertThat(r.get(6).ok()).isTrue();
    }

    @Test
    void headerMistakesAreOneLineErrors() {
        assertThatThrownBy(() -> rows("tenant_id,workload_id,event_time,cpu,memory_bytes"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown column 'cpu'");
        assertThatThrownBy(() -> rows("tenant_id,workload_id,event_time"))
                .hasMessageContaining("lacks the required column(s) cpu_cores, memory_bytes");
        assertThatThrownBy(() -> rows("")).hasMessageContaining("is empty");
        assertThatThrownBy(() -> new TelemetryCsv(dir.resolve("missing.csv"), () -> NOW, 1)).hasMessageContaining("no CSV file at");
    }

    @Test
    void splitsQuotedFields() {
        assertThat(TelemetryCsv.split("a,\"b,c\",\"d\"\"e\",")).containsExactly("a", "b,c", "d\"e", "");
        assertThatThrownBy(() -> TelemetryCsv.split("a,\"b")).hasMessageContaining("unterminated");
    }
}
