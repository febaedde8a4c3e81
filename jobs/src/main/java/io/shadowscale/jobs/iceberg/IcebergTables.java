package io.shadowscale.jobs.iceberg;

import io.shadowscale.schema.Anomaly;
import io.shadowscale.schema.PoolShadow;
import io.shadowscale.schema.StrategyOutcome;
import io.shadowscale.schema.ResourceShadow;
import io.shadowscale.schema.ScalingCommand;
import io.shadowscale.schema.TelemetryRollup;
import io.shadowscale.schema.WorkloadProfile;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.flink.CatalogLoader;

/**
 * The shadowscale Iceberg tables: one {@link TableDef} per record type, all in namespace {@code
 * shadowscale} of a Hadoop catalog (a warehouse directory on any Hadoop file system, usually
 * local).
 *
 * <p>Every table is format v2, Parquet, partitioned by {@code day(<main time column>)} and {@code
 * bucket(16, tenant_id)}. Natural keys are documented (table comment, {@link
 * TableDef#naturalKey()}) but not declared as Iceberg identifier fields: the Flink sink would then
 * treat them as equality fields and write delete files, and the job only appends.
 *
 * <pre>{@code
 * CatalogLoader loader = IcebergTables.catalogLoader("/tmp/shadowscale/warehouse");
 * IcebergTables.ensureTables(loader);
 * }</pre>
 */
public final class IcebergTables {
  public static final String NAMESPACE_NAME = "shadowscale";
  public static final Namespace NAMESPACE = Namespace.of(NAMESPACE_NAME);
  /** Name of the catalog for {@link CatalogLoader} and Flink SQL. */
  public static final String CATALOG_NAME = "shadowscale";

  /** Natural key: tenant_id, workload_id, bucket_start. */
  public static final TableDef<TelemetryRollup> TELEMETRY_ROLLUPS =
      TableDef.fromAvro(
          "telemetry_rollups",
          TelemetryRollup.class,
          TelemetryRollup.getClassSchema(),
          Map.of(),
          "bucket_start",
          List.of("tenant_id", "workload_id", "bucket_start"));

  /**
   * Natural key: tenant_id, workload_id, generated_at, step. Avro's {@code timestamp} becomes
   * {@code target_time}: {@code timestamp} is a reserved word in SQL.
   */
  public static final TableDef<ResourceShadow> RESOURCE_SHADOWS =
      TableDef.fromAvro(
          "resource_shadows",
          ResourceShadow.class,
          ResourceShadow.getClassSchema(),
          Map.of("timestamp", "target_time"),
          "target_time",
          List.of("tenant_id", "workload_id", "generated_at", "step"));

  /** Natural key: command_id (a hash of the decision, stable across replays). */
  public static final TableDef<ScalingCommand> SCALING_COMMANDS =
      TableDef.fromAvro(
          "scaling_commands",
          ScalingCommand.class,
          ScalingCommand.getClassSchema(),
          Map.of(),
          "effective_at",
          List.of("command_id"));

  /** Natural key: anomaly_id. */
  public static final TableDef<Anomaly> ANOMALIES =
      TableDef.fromAvro(
          "anomalies",
          Anomaly.class,
          Anomaly.getClassSchema(),
          Map.of(),
          "start_time",
          List.of("anomaly_id"));

  /**
   * Natural key: tenant_id, workload_id, profiled_at. Written hourly per workload and on change:
   * the latest row of a workload is its current profile (highest profiled_at).
   */
  public static final TableDef<WorkloadProfile> PROFILES =
      TableDef.fromAvro(
          "profiles",
          WorkloadProfile.class,
          WorkloadProfile.getClassSchema(),
          Map.of(),
          "profiled_at",
          List.of("tenant_id", "workload_id", "profiled_at"));

  /**
   * Natural key: pool, generated_at, step. Summed demand of the workloads sharing a region, with
   * quantiles that account for them not peaking together.
   */
  public static final TableDef<PoolShadow> POOL_SHADOWS =
      TableDef.fromAvro(
          "pool_shadows",
          PoolShadow.class,
          PoolShadow.getClassSchema(),
          Map.of("timestamp", "target_time"),
          "target_time",
          List.of("pool", "generated_at", "step"));

  /**
   * Natural key: strategy, tenant_id, workload_id, hour_start. Every strategy simulated on every
   * workload's actual use, per hour (the A/B test's shadow arms).
   */
  public static final TableDef<StrategyOutcome> STRATEGY_OUTCOMES =
      TableDef.fromAvro(
          "strategy_outcomes",
          StrategyOutcome.class,
          StrategyOutcome.getClassSchema(),
          Map.of(),
          "hour_start",
          List.of("strategy", "tenant_id", "workload_id", "hour_start"));

  public static final List<TableDef<?>> ALL =
      List.of(TELEMETRY_ROLLUPS, RESOURCE_SHADOWS, SCALING_COMMANDS, ANOMALIES, PROFILES, POOL_SHADOWS,
          STRATEGY_OUTCOMES);

  private IcebergTables() {}

  /**
   * A Hadoop catalog on {@code warehouse}: a plain path (made absolute), a {@code file:} URI, or
   * any other Hadoop file system URI ({@code hdfs://...}, {@code s3a://...}), used as given.
   */
  public static CatalogLoader catalogLoader(String warehouse) {
    return CatalogLoader.hadoop(
        CATALOG_NAME,
        new Configuration(),
        Map.of(CatalogProperties.WAREHOUSE_LOCATION, warehouseLocation(warehouse)));
  }

  /**
   * The warehouse as an absolute location: {@code file:/abs/dir} for local paths, so a {@code
   * fs.defaultFS} in some core-site.xml cannot redirect it.
   */
  public static String warehouseLocation(String warehouse) {
    Path local = localWarehouse(warehouse);
    if (local == null) {
      return stripTrailingSlash(warehouse);
    }
    return stripTrailingSlash(local.toUri().toString());
  }

  /** The local directory of a plain path or {@code file:} URI; null for other file systems. */
  static Path localWarehouse(String warehouse) {
    if (warehouse == null || warehouse.isBlank()) {
      throw new IllegalArgumentException("warehouse must be a directory path or URI");
    }
    if (warehouse.startsWith("file:")) {
      URI uri = URI.create(warehouse);
      // "file:relative/dir" has no absolute path component: treat it as a plain path
      return uri.getPath() == null
          ? Paths.get(uri.getSchemeSpecificPart()).toAbsolutePath().normalize()
          : Paths.get(uri.getPath()).toAbsolutePath().normalize();
    }
    if (warehouse.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
      return null;
    }
    return Paths.get(warehouse).toAbsolutePath().normalize();
  }

  /** Creates the namespace and every table in {@link #ALL} that is missing; safe to repeat. */
  public static void ensureTables(CatalogLoader loader) {
    Catalog catalog = loader.loadCatalog();
    try {
      for (TableDef<?> def : ALL) {
        ensureTable(catalog, def);
      }
    } finally {
      close(catalog);
    }
  }

  /** Creates one table if missing; fails if it exists with other columns. Safe to repeat. */
  public static Table ensureTable(CatalogLoader loader, TableDef<?> def) {
    Catalog catalog = loader.loadCatalog();
    try {
      return ensureTable(catalog, def);
    } finally {
      close(catalog);
    }
  }

  private static Table ensureTable(Catalog catalog, TableDef<?> def) {
    if (catalog instanceof SupportsNamespaces namespaces && !namespaces.namespaceExists(NAMESPACE)) {
      try {
        namespaces.createNamespace(NAMESPACE);
      } catch (AlreadyExistsException concurrentlyCreated) {
        // another process got there first: fine
      }
    }
    Table table;
    if (catalog.tableExists(def.identifier())) {
      table = catalog.loadTable(def.identifier());
    } else {
      try {
        table =
            catalog
                .buildTable(def.identifier(), def.schema())
                .withPartitionSpec(def.spec())
                .withProperties(
                    Map.of(
                        TableProperties.FORMAT_VERSION, "2",
                        TableProperties.DEFAULT_FILE_FORMAT, "parquet",
                        "comment", def.comment()))
                .create();
      } catch (AlreadyExistsException concurrentlyCreated) {
        table = catalog.loadTable(def.identifier());
      }
    }
    checkColumns(table, def);
    return table;
  }

  /**
   * The sink writes rows by position from the record type: a table created from an older schema
   * would get values in the wrong columns, so refuse it. Evolving tables is not automated yet.
   */
  static void checkColumns(Table table, TableDef<?> def) {
    Map<String, String> expected = TableDef.signature(def.schema());
    Map<String, String> actual = TableDef.signature(table.schema());
    if (!expected.equals(actual)) {
      throw new IllegalStateException(
          "Iceberg table "
              + def
              + " has columns "
              + actual
              + " but "
              + def.recordClass().getSimpleName()
              + " needs "
              + expected
              + "; migrate or drop the table");
    }
  }

  static void close(Catalog catalog) {
    if (catalog instanceof Closeable closeable) {
      try {
        closeable.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static String stripTrailingSlash(String s) {
    String out = s;
    while (out.endsWith("/") && !out.endsWith(":/") && !out.endsWith("://")) {
      out = out.substring(0, out.length() - 1);
    }
    return out;
  }
}
