package io.shadowscale.jobs.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Queries the warehouse the sinks wrote. No MiniClusterExtension here on purpose: the query runs on
 * the local Flink that {@link IcebergQuery} configures itself, as the CLI does.
 */
class IcebergQueryTest {
  @TempDir static Path warehouse;
  static IcebergQuery query;

  @BeforeAll
  static void writeWarehouse() throws Exception {
    Configuration conf = new Configuration();
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none"); // STACK.md trap 2
    TestWarehouse.write(
        StreamExecutionEnvironment.getExecutionEnvironment(conf),
        IcebergTables.catalogLoader(warehouse.toString()));
    query = new IcebergQuery(warehouse.toString());
  }

  @Test
  void countMatchesTheRecordsWritten() throws QueryException {
    long start = System.nanoTime();
    QueryResult result = query.execute("SELECT count(*) AS n FROM resource_shadows;", 1000);
    System.out.printf("first count(*) took %d ms%n", (System.nanoTime() - start) / 1_000_000);
    assertThat(result.columns()).containsExactly("n");
    assertThat(result.rows()).containsExactly(List.of((long) TestWarehouse.SHADOWS.size()));
    assertThat(result.truncated()).isFalse();

    start = System.nanoTime();
    QueryResult fresh =
        IcebergQuery.run(warehouse.toUri().toString(), "select count(*) from anomalies", 10);
    System.out.printf("count(*) with a fresh engine took %d ms%n", (System.nanoTime() - start) / 1_000_000);
    assertThat(fresh.rows()).containsExactly(List.of((long) TestWarehouse.ANOMALIES.size()));
  }

  @Test
  void whereOnTenantAndGroupBy() throws QueryException {
    QueryResult acme =
        query.execute(
            "SELECT workload_id, step, target_time FROM resource_shadows"
                + " WHERE tenant_id = 'acme' ORDER BY step",
            1000);
    assertThat(acme.rows())
        .containsExactly(
            List.of("web-1", 1, Instant.parse("2024-03-01T10:01:00Z")),
            List.of("web-1", 2, Instant.parse("2024-03-01T10:02:00Z")),
            List.of("web-1", 3, Instant.parse("2024-03-01T10:03:00Z")));

    QueryResult perTenant =
        query.execute(
            "SELECT tenant_id, count(*) AS n, max(cpu_p90) AS max_cpu_p90 FROM resource_shadows"
                + " GROUP BY tenant_id ORDER BY tenant_id",
            1000);
    assertThat(perTenant.rows())
        .containsExactly(List.of("acme", 3L, 2.7), List.of("globex", 2L, 1.8));
    assertThat(perTenant.format(QueryResult.Format.TABLE))
        .isEqualTo(
            "tenant_id | n | max_cpu_p90\n"
                + "----------+---+------------\n"
                + "acme      | 3 |         2.7\n"
                + "globex    | 2 |         1.8\n"
                + "(2 rows)\n");
    assertThat(perTenant.format(QueryResult.Format.CSV))
        .isEqualTo("tenant_id,n,max_cpu_p90\r\nacme,3,2.7\r\nglobex,2,1.8\r\n");
    assertThat(perTenant.format(QueryResult.Format.JSON))
        .isEqualTo(
            "{\"tenant_id\":\"acme\",\"n\":3,\"max_cpu_p90\":2.7}\n"
                + "{\"tenant_id\":\"globex\",\"n\":2,\"max_cpu_p90\":1.8}\n");
  }

  @Test
  void enumsMapsNullsAndTimestampsComeBackReadable() throws QueryException {
    QueryResult rollups =
        query.execute(
            "SELECT bucket_start, data_kinds, region FROM telemetry_rollups"
                + " WHERE tenant_id = 'acme' ORDER BY bucket_start",
            1000);
    assertThat(rollups.format(QueryResult.Format.JSON))
        .isEqualTo(
            "{\"bucket_start\":\"2024-03-01T10:00:00Z\",\"data_kinds\":{\"cpu\":12,\"memory\":11},"
                + "\"region\":\"eu-west-1\"}\n"
                + "{\"bucket_start\":\"2024-03-01T10:01:00Z\",\"data_kinds\":{},\"region\":null}\n");
    assertThat(rollups.rows().get(0).get(1)).isEqualTo(Map.of("cpu", 12L, "memory", 11L));

    QueryResult commands =
        query.execute(
            "SELECT command_id, action, reason FROM scaling_commands WHERE action = 'SCALE_OUT'", 1000);
    assertThat(commands.format(QueryResult.Format.CSV))
        .isEqualTo(
            "command_id,action,reason\r\n"
                + "cmd-1,SCALE_OUT,\"cpu p90 2.9 > 80% of 3.0 in 7 min, \"\"peak\"\" ahead\"\r\n");
  }

  @Test
  void limitTruncatesAndSaysSo() throws QueryException {
    QueryResult result = query.execute("SELECT * FROM resource_shadows", 2);
    assertThat(result.rows()).hasSize(2);
    assertThat(result.truncated()).isTrue();
    assertThat(result.columns()).hasSize(IcebergTables.RESOURCE_SHADOWS.schema().columns().size());
    assertThat(result.format(QueryResult.Format.TABLE))
        .endsWith("(2 rows; stopped at --limit 2, more rows exist)\n");

    QueryResult exact = query.execute("SELECT * FROM anomalies", TestWarehouse.ANOMALIES.size());
    assertThat(exact.truncated()).isFalse();
    assertThat(exact.rows()).hasSize(TestWarehouse.ANOMALIES.size());
  }

  @Test
  void showAndDescribeWork() throws QueryException {
    assertThat(query.execute("SHOW TABLES", 100).rows())
        .containsExactly(
            List.of("anomalies"),
            List.of("resource_shadows"),
            List.of("scaling_commands"),
            List.of("telemetry_rollups"));
    assertThat(query.tables())
        .containsExactly("anomalies", "resource_shadows", "scaling_commands", "telemetry_rollups");
  }

  @Test
  void missingOrEmptyWarehouseSaysRunTheDemo(@TempDir Path empty) throws Exception {
    Path missing = empty.resolve("nope");
    assertThatThrownBy(() -> new IcebergQuery(missing.toString()))
        .isInstanceOf(QueryException.class)
        .hasMessage(
            "no shadowscale warehouse at "
                + missing
                + " — run `bin/shadowscale demo` first or pass --warehouse DIR");
    assertThatThrownBy(() -> IcebergQuery.run(empty.toString(), "SELECT 1", 10))
        .isInstanceOf(QueryException.class)
        .hasMessageStartingWith("no shadowscale warehouse at " + empty + " — run");
    Files.createDirectories(empty.resolve("shadowscale"));
    assertThatThrownBy(() -> new IcebergQuery(empty.toString()))
        .hasMessageStartingWith("no shadowscale warehouse at " + empty + " — run");
  }

  @Test
  void unknownTableListsTheTables() {
    assertThatThrownBy(() -> query.execute("SELECT * FROM foo", 10))
        .isInstanceOf(QueryException.class)
        .hasMessage(
            "Object 'foo' not found; tables in shadowscale: "
                + "anomalies, resource_shadows, scaling_commands, telemetry_rollups");
  }

  @Test
  void sqlErrorsKeepFlinksFirstUsefulLine() {
    assertThatThrownBy(() -> query.execute("SELECT count(*) FORM resource_shadows", 10))
        .isInstanceOf(QueryException.class)
        .satisfies(e -> System.out.println("parse error: " + e.getMessage()))
        .hasMessageContaining("Encountered")
        .hasMessageContaining("line 1, column")
        .hasMessageNotContaining("\n");
    assertThatThrownBy(() -> query.execute("SELECT no_such_column FROM anomalies", 10))
        .isInstanceOf(QueryException.class)
        .satisfies(e -> System.out.println("validation error: " + e.getMessage()))
        .hasMessageContaining("Column 'no_such_column' not found")
        .hasMessageNotContaining("\n");
  }

  @Test
  void writesAreRefused() {
    assertThatThrownBy(
            () -> query.execute("INSERT INTO anomalies SELECT * FROM anomalies", 10))
        .isInstanceOf(QueryException.class)
        .hasMessage(
            "only read-only statements run here (SELECT, WITH, VALUES, SHOW, DESCRIBE, EXPLAIN), not INSERT");
    assertThatThrownBy(() -> query.execute("  -- comment\n DROP TABLE anomalies", 10))
        .hasMessageEndingWith("not DROP");
  }
}
