package io.shadowscale.jobs.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableUtil;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IcebergTablesTest {
  @TempDir Path warehouse;

  @Test
  void ensureTablesCreatesPartitionedV2TablesAndIsIdempotent() {
    CatalogLoader loader = IcebergTables.catalogLoader(warehouse.toString());
    IcebergTables.ensureTables(loader);
    Map<String, String> metadataFiles = metadataFiles(loader);

    IcebergTables.ensureTables(loader);
    IcebergTables.ensureTables(IcebergTables.catalogLoader(warehouse.toUri().toString()));

    assertThat(metadataFiles(loader)).isEqualTo(metadataFiles); // no new table versions
    Catalog catalog = loader.loadCatalog();
    assertThat(catalog.listTables(IcebergTables.NAMESPACE))
        .extracting(TableIdentifier::name)
        .containsExactlyInAnyOrder(
            "telemetry_rollups", "resource_shadows", "scaling_commands", "anomalies", "profiles",
            "pool_shadows", "strategy_outcomes");
    assertThat(partitioning(catalog, "telemetry_rollups"))
        .containsExactly("day(bucket_start)", "bucket[16](tenant_id)");
    assertThat(partitioning(catalog, "resource_shadows"))
        .containsExactly("day(target_time)", "bucket[16](tenant_id)");
    assertThat(partitioning(catalog, "scaling_commands"))
        .containsExactly("day(effective_at)", "bucket[16](tenant_id)");
    assertThat(partitioning(catalog, "anomalies"))
        .containsExactly("day(start_time)", "bucket[16](tenant_id)");
    assertThat(partitioning(catalog, "pool_shadows"))
        .containsExactly("day(target_time)", "bucket[16](pool)");
    for (TableDef<?> def : IcebergTables.ALL) {
      Table table = catalog.loadTable(def.identifier());
      assertThat(TableUtil.formatVersion(table)).isEqualTo(2);
      assertThat(table.properties())
          .containsEntry("write.format.default", "parquet")
          .containsEntry("comment", def.comment());
    }
    IcebergTables.close(catalog);
  }

  @Test
  void columnsAreSnakeCaseWithTimestamptzMapsAndOptionalUnions() {
    Schema rollups = IcebergTables.TELEMETRY_ROLLUPS.schema();
    assertThat(rollups.columns())
        .extracting(Types.NestedField::name)
        .containsExactly(
            "tenant_id", "workload_id", "bucket_start", "bucket_ms", "samples", "cpu_avg",
            "cpu_max", "memory_avg", "memory_max", "network_in_bytes_per_sec",
            "network_out_bytes_per_sec", "storage_max", "db_queries", "requests",
            "active_sessions_avg", "session_duration_ms_avg", "data_kinds", "region");
    assertThat(rollups.findField("bucket_start").type()).isEqualTo(Types.TimestampType.withZone());
    assertThat(rollups.findField("data_kinds").type().toString()).isEqualTo("map<string, long>");
    assertThat(rollups.findField("region").isOptional()).isTrue();
    assertThat(rollups.findField("tenant_id").isRequired()).isTrue();

    Schema shadows = IcebergTables.RESOURCE_SHADOWS.schema();
    assertThat(shadows.findField("timestamp")).isNull();
    assertThat(shadows.findField("target_time").type()).isEqualTo(Types.TimestampType.withZone());
    assertThat(shadows.findField("target_time").doc()).contains("target time");
    assertThat(shadows.findField("cpu_p50").type()).isEqualTo(Types.DoubleType.get());
    assertThat(shadows.findField("fallback_reason").isOptional()).isTrue();
    assertThat(shadows.columns()).hasSize(io.shadowscale.schema.ResourceShadow.getClassSchema().getFields().size());

    assertThat(IcebergTables.SCALING_COMMANDS.schema().findField("action").type())
        .isEqualTo(Types.StringType.get());
    assertThat(IcebergTables.ANOMALIES.schema().findField("severity").type())
        .isEqualTo(Types.StringType.get());
    assertThat(IcebergTables.ANOMALIES.naturalKey()).containsExactly("anomaly_id");
  }

  @Test
  void plainPathsAndFileUrisNameTheSameAbsoluteWarehouse() {
    String expected = "file://" + warehouse.toAbsolutePath();
    assertThat(IcebergTables.warehouseLocation(warehouse.toString())).isEqualTo(expected);
    assertThat(IcebergTables.warehouseLocation(warehouse.toUri().toString())).isEqualTo(expected);
    assertThat(IcebergTables.warehouseLocation("file:" + warehouse + "/")).isEqualTo(expected);
    assertThat(IcebergTables.warehouseLocation("relative/wh"))
        .isEqualTo("file://" + Path.of("relative/wh").toAbsolutePath());
    assertThat(IcebergTables.warehouseLocation("hdfs://nn:8020/wh/")).isEqualTo("hdfs://nn:8020/wh");
  }

  @Test
  void refusesATableWhoseColumnsDifferFromTheRecordType() {
    CatalogLoader loader = IcebergTables.catalogLoader(warehouse.toString());
    Catalog catalog = loader.loadCatalog();
    ((org.apache.iceberg.catalog.SupportsNamespaces) catalog).createNamespace(IcebergTables.NAMESPACE);
    catalog.createTable(
        IcebergTables.ANOMALIES.identifier(),
        new Schema(Types.NestedField.required(1, "anomaly_id", Types.StringType.get())));
    IcebergTables.close(catalog);

    assertThatThrownBy(() -> IcebergTables.ensureTables(loader))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("shadowscale.anomalies")
        .hasMessageContaining("migrate or drop");
  }

  private static List<String> partitioning(Catalog catalog, String table) {
    Table t = catalog.loadTable(TableIdentifier.of(IcebergTables.NAMESPACE, table));
    return t.spec().fields().stream()
        .map(f -> f.transform() + "(" + t.schema().findColumnName(f.sourceId()) + ")")
        .collect(Collectors.toList());
  }

  private static Map<String, String> metadataFiles(CatalogLoader loader) {
    Catalog catalog = loader.loadCatalog();
    try {
      return IcebergTables.ALL.stream()
          .collect(
              Collectors.toMap(
                  TableDef::name,
                  d ->
                      ((HasTableOperations) catalog.loadTable(d.identifier()))
                          .operations()
                          .current()
                          .metadataFileLocation()));
    } finally {
      IcebergTables.close(catalog);
    }
  }

}
