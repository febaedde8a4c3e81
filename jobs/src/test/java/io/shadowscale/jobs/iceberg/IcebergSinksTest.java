package io.shadowscale.jobs.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;
import org.apache.flink.table.runtime.typeutils.RowDataSerializer;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The four sinks in one streaming job at parallelism 2 with checkpoints, read back from Iceberg. */
class IcebergSinksTest {
  @RegisterExtension
  static final MiniClusterExtension MINI_CLUSTER =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .setConfiguration(flinkConfig())
              .build());

  @TempDir static Path warehouse;
  static CatalogLoader loader;
  static Catalog catalog;
  static StreamGraph graph;

  @BeforeAll
  static void writeAllKinds() throws Exception {
    loader = IcebergTables.catalogLoader(warehouse.toString());
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    env.enableCheckpointing(100); // ms: rows are committed on completed checkpoints
    graph = TestWarehouse.buildJob(env, loader);
    long start = System.nanoTime();
    env.execute(graph);
    System.out.printf("sink job took %d ms%n", (System.nanoTime() - start) / 1_000_000);
    catalog = loader.loadCatalog();
  }

  @AfterAll
  static void closeCatalog() {
    IcebergTables.close(catalog);
  }

  static Configuration flinkConfig() {
    Configuration conf = new Configuration();
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none"); // STACK.md trap 2
    return conf;
  }

  @Test
  void telemetryRollupRowHasEveryColumn() throws IOException {
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("tenant_id", "acme");
    expected.put("workload_id", "web-1");
    expected.put("bucket_start", utc(TestWarehouse.T0));
    expected.put("bucket_ms", 60_000L);
    expected.put("samples", 12);
    expected.put("cpu_avg", 1.25);
    expected.put("cpu_max", 2.5);
    expected.put("memory_avg", 1.0e9);
    expected.put("memory_max", 1.5e9);
    expected.put("network_in_bytes_per_sec", 1000.5);
    expected.put("network_out_bytes_per_sec", 2000.25);
    expected.put("storage_max", 5.0e10);
    expected.put("db_queries", 42L);
    expected.put("requests", 1012L);
    expected.put("active_sessions_avg", 3.5);
    expected.put("session_duration_ms_avg", 1234.5);
    expected.put("data_kinds", Map.of("cpu", 12L, "memory", 11L));
    expected.put("region", "eu-west-1");

    List<Map<String, Object>> rows = read(IcebergTables.TELEMETRY_ROLLUPS);
    assertThat(rows).hasSize(3).contains(expected);
    Map<String, Object> secondBucket = find(rows, "bucket_start", utc(TestWarehouse.T0.plusSeconds(60)));
    assertThat(secondBucket.get("region")).isNull();
    assertThat(secondBucket.get("data_kinds")).isEqualTo(Map.of());
  }

  @Test
  void resourceShadowRowHasEveryColumn() throws IOException {
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("tenant_id", "globex");
    expected.put("workload_id", "db-1");
    expected.put("target_time", utc(TestWarehouse.DAY2.plusSeconds(120)));
    expected.put("step", 2);
    expected.put("step_ms", 60_000L);
    expected.put("generated_at", utc(TestWarehouse.DAY2));
    expected.put("cpu_p50", 1.0);
    expected.put("cpu_p90", 1.8);
    expected.put("cpu_p99", 1.98);
    expected.put("memory_p50", 5.0e8);
    expected.put("memory_p90", 9.0e8);
    expected.put("memory_p99", 9.9e8);
    expected.put("network_in_p50", 50.0);
    expected.put("network_in_p90", 90.0);
    expected.put("network_in_p99", 99.0);
    expected.put("network_out_p50", 5.0);
    expected.put("network_out_p90", 9.0);
    expected.put("network_out_p99", 9.9);
    expected.put("storage_p50", 1.0e10);
    expected.put("storage_p90", 1.1e10);
    expected.put("storage_p99", 1.2e10);
    expected.put("model_id", "lstm-quantile");
    expected.put("model_version", "3");
    expected.put("fallback", true);
    expected.put("fallback_reason", "model timeout");

    List<Map<String, Object>> rows = read(IcebergTables.RESOURCE_SHADOWS);
    assertThat(rows).hasSize(5).contains(expected);
    assertThat(find(rows, "target_time", utc(TestWarehouse.T0.plusSeconds(60))).get("fallback_reason"))
        .isNull();
  }

  @Test
  void scalingCommandRowHasEveryColumn() throws IOException {
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("command_id", "cmd-1");
    expected.put("tenant_id", "acme");
    expected.put("workload_id", "web-1");
    expected.put("action", "SCALE_OUT");
    expected.put("from_replicas", 2);
    expected.put("to_replicas", 4);
    expected.put("from_cpu_per_replica", 1.0);
    expected.put("to_cpu_per_replica", 1.5);
    expected.put("from_memory_per_replica_bytes", 2_147_483_648L);
    expected.put("to_memory_per_replica_bytes", 4_294_967_296L);
    expected.put("from_storage_bytes", 10_000_000_000L);
    expected.put("to_storage_bytes", 20_000_000_000L);
    expected.put("decided_at", utc(TestWarehouse.T0));
    expected.put("effective_at", utc(TestWarehouse.T0.plusSeconds(300)));
    expected.put("expires_at", utc(TestWarehouse.T0.plusSeconds(900)));
    expected.put("dry_run", true);
    expected.put("policy", "threshold");
    expected.put("fallback_forecast", false);
    expected.put("reason", "cpu p90 2.9 > 80% of 3.0 in 7 min, \"peak\" ahead");
    expected.put("summary", "Scale out 2 → 4 replicas");
    expected.put("triggered_by", "FORECAST");
    expected.put("resource", "cpu");
    expected.put("quantile", 90);
    expected.put("target_utilization", 0.8);
    expected.put("required_capacity", 3.625);
    expected.put("limit_applied", "instance-limit");
    expected.put("drivers", "campaign spring-sale: +31% CPU at 14:05Z");
    expected.put("factors", Map.of("quantile", 90.0, "cost_delta_per_hour", 0.25));
    expected.put("capacity_class", "MIXED");
    expected.put("spot_share", 0.5);
    expected.put("cost_before_per_hour", 0.25);
    expected.put("cost_after_per_hour", 0.5);
    expected.put("currency", "USD");
    expected.put("pricing", "*/*");
    expected.put("dry_run_reason", "dry-run-tenant");

    List<Map<String, Object>> rows = read(IcebergTables.SCALING_COMMANDS);
    assertThat(rows).hasSize(2).contains(expected);
    assertThat(find(rows, "command_id", "cmd-2").get("action")).isEqualTo("SCALE_IN");
  }

  @Test
  void anomalyRowHasEveryColumn() throws IOException {
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("anomaly_id", "an-1");
    expected.put("tenant_id", "acme");
    expected.put("workload_id", "web-1");
    expected.put("type", "UNEXPLAINED_SURGE");
    expected.put("resource", "cpu");
    expected.put("start_time", utc(TestWarehouse.T0));
    expected.put("end_time", utc(TestWarehouse.T0.plusSeconds(180)));
    expected.put("severity", "CRITICAL");
    expected.put("score", 4.5);
    expected.put("expected", 1.2);
    expected.put("expected_upper", 2.0);
    expected.put("actual", 3.9);
    expected.put("explanation", "cpu 3.9 above p99 2.0 for 3 buckets");

    assertThat(read(IcebergTables.ANOMALIES)).hasSize(2).contains(expected);
  }

  @Test
  void everyRecordIsWrittenExactlyOnce() throws IOException {
    Map<TableDef<?>, Integer> written =
        Map.of(
            IcebergTables.TELEMETRY_ROLLUPS, TestWarehouse.ROLLUPS.size(),
            IcebergTables.RESOURCE_SHADOWS, TestWarehouse.SHADOWS.size(),
            IcebergTables.SCALING_COMMANDS, TestWarehouse.COMMANDS.size(),
            IcebergTables.ANOMALIES, TestWarehouse.ANOMALIES.size());
    for (Map.Entry<TableDef<?>, Integer> e : written.entrySet()) {
      TableDef<?> def = e.getKey();
      List<Map<String, Object>> rows = read(def);
      Set<List<Object>> keys = new HashSet<>();
      for (Map<String, Object> row : rows) {
        keys.add(def.naturalKey().stream().map(row::get).collect(Collectors.toList()));
      }
      assertThat(rows).as(def.name()).hasSize(e.getValue());
      assertThat(keys).as(def.name() + " natural keys").hasSize(e.getValue());
      Table table = catalog.loadTable(def.identifier());
      Snapshot snapshot = table.currentSnapshot();
      assertThat(snapshot).as(def.name() + " committed").isNotNull();
      assertThat(snapshot.summary()).containsEntry("total-records", String.valueOf(e.getValue()));
    }
  }

  @Test
  void sinkOperatorsAreUidedAndRowsUseRowDataTypeInfo() {
    Map<String, StreamNode> byUid = new HashMap<>();
    for (StreamNode node : graph.getStreamNodes()) {
      if (node.getTransformationUID() != null) {
        byUid.put(node.getTransformationUID(), node);
      }
    }
    for (TableDef<?> def : List.of(IcebergTables.TELEMETRY_ROLLUPS, IcebergTables.RESOURCE_SHADOWS, IcebergTables.SCALING_COMMANDS, IcebergTables.ANOMALIES)) { // the four this job writes
      String prefix = "iceberg-" + def.name();
      assertThat(byUid).containsKeys(prefix + "-rowdata", prefix + "-writer", prefix + "-committer");
      assertThat(byUid.get(prefix + "-writer").getParallelism()).isEqualTo(2);
      assertThat(byUid.get(prefix + "-committer").getParallelism()).isEqualTo(1);
      assertThat(byUid.get(prefix + "-rowdata").getOperatorName()).isEqualTo(prefix + "-rowdata");
      // RowData and Avro serializers, not Kryo
      assertThat(byUid.get(prefix + "-rowdata").getTypeSerializerOut())
          .isInstanceOf(RowDataSerializer.class);
      assertThat(byUid.get(def.recordClass().getSimpleName() + "-source").getTypeSerializerOut())
          .isInstanceOf(AvroSerializer.class);
    }
  }

  private static List<Map<String, Object>> read(TableDef<?> def) throws IOException {
    Table table = catalog.loadTable(def.identifier());
    List<Map<String, Object>> rows = new ArrayList<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      for (Record record : records) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (Types.NestedField column : table.schema().columns()) {
          row.put(column.name(), record.getField(column.name()));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  private static Map<String, Object> find(List<Map<String, Object>> rows, String column, Object value) {
    return rows.stream()
        .filter(r -> value.equals(r.get(column)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no row with " + column + " = " + value + " in " + rows));
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
