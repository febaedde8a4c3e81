package io.shadowscale.jobs.iceberg;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.SqlParserException;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.api.config.ExecutionConfigOptions;
import org.apache.flink.table.api.config.TableConfigOptions;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.flink.FlinkConfigOptions;

/**
 * The engine of {@code shadowscale query}: one read-only SQL statement in Flink SQL batch mode
 * against the warehouse, with catalog and database {@code shadowscale} current, so tables are named
 * unqualified ({@code SELECT count(*) FROM resource_shadows}).
 *
 * <pre>{@code
 * QueryResult r = new IcebergQuery("/tmp/shadowscale/warehouse").execute("SELECT count(*) FROM anomalies", 1000);
 * System.out.print(r.format(QueryResult.Format.TABLE));
 * }</pre>
 *
 * <p>Not thread-safe. Runs on an in-process Flink (parallelism 1, small managed memory) made on first use and kept
 * for later statements of the same instance. Timestamps are shown in UTC ({@code
 * table.local-time-zone}), the zone the tables are partitioned in. Only SELECT / WITH / VALUES /
 * SHOW / DESCRIBE / EXPLAIN run: a query command must not write to the tables the job commits to.
 */
public final class IcebergQuery {
  public static final int DEFAULT_LIMIT = 1000;

  private static final Set<String> QUERY_KEYWORDS = Set.of("SELECT", "WITH", "VALUES", "(");
  private static final Set<String> INFO_KEYWORDS = Set.of("SHOW", "DESCRIBE", "DESC", "EXPLAIN");
  private static final Pattern OBJECT_NOT_FOUND = Pattern.compile("Object '([^']*)' not found");

  private final String location;
  private final List<String> tables;
  private TableEnvironment tableEnv;

  /**
   * Checks that {@code warehouse} holds shadowscale tables; no Flink is started yet.
   *
   * @throws QueryException with "no shadowscale warehouse at DIR — ..." when it does not
   */
  public IcebergQuery(String warehouse) throws QueryException {
    Path local = IcebergTables.localWarehouse(warehouse);
    String shown = local != null ? local.toString() : warehouse;
    QueryException noWarehouse =
        new QueryException(
            "no shadowscale warehouse at "
                + shown
                + " — run `bin/shadowscale demo` first or pass --warehouse DIR");
    if (local != null && !Files.isDirectory(local)) {
      throw noWarehouse;
    }
    this.location = IcebergTables.warehouseLocation(warehouse);
    Catalog catalog = IcebergTables.catalogLoader(warehouse).loadCatalog();
    try {
      List<String> names = new ArrayList<>();
      for (TableIdentifier id : catalog.listTables(IcebergTables.NAMESPACE)) {
        names.add(id.name());
      }
      names.sort(null);
      this.tables = List.copyOf(names);
    } catch (NoSuchNamespaceException e) {
      throw noWarehouse;
    } catch (RuntimeException e) { // unreachable file system, permissions, ...
      throw new QueryException("cannot read the warehouse at " + shown + ": " + firstLine(rootCause(e)), e);
    } finally {
      IcebergTables.close(catalog);
    }
    if (tables.isEmpty()) {
      throw noWarehouse;
    }
  }

  /** One statement against {@code warehouse} with a fresh engine. */
  public static QueryResult run(String warehouse, String sql, int limit) throws QueryException {
    return new IcebergQuery(warehouse).execute(sql, limit);
  }

  /** Tables in the warehouse's shadowscale namespace, sorted. */
  public List<String> tables() {
    return tables;
  }

  /**
   * Runs {@code sql} (one statement; a trailing semicolon is fine) and returns at most {@code
   * limit} rows; the job is cancelled once {@code limit + 1} rows have been seen.
   */
  public QueryResult execute(String sql, int limit) throws QueryException {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0: " + limit);
    }
    String statement = sql.strip();
    while (statement.endsWith(";")) {
      statement = statement.substring(0, statement.length() - 1).stripTrailing();
    }
    String keyword = firstKeyword(statement);
    if (keyword.isEmpty()) {
      throw new QueryException("empty SQL statement");
    }
    boolean query = QUERY_KEYWORDS.contains(keyword);
    if (!query && !INFO_KEYWORDS.contains(keyword)) {
      throw new QueryException(
          "only read-only statements run here (SELECT, WITH, VALUES, SHOW, DESCRIBE, EXPLAIN), not "
              + keyword);
    }
    TableEnvironment env = tableEnv();
    try {
      TableResult result =
          query ? env.sqlQuery(statement).execute() : env.executeSql(statement);
      List<String> columns = result.getResolvedSchema().getColumnNames();
      List<List<Object>> rows = new ArrayList<>();
      boolean truncated = false;
      try (CloseableIterator<Row> it = result.collect()) {
        while (it.hasNext()) {
          Row row = it.next();
          if (rows.size() == limit) {
            truncated = true;
            break; // closing the iterator cancels the job
          }
          List<Object> values = new ArrayList<>(row.getArity());
          for (int i = 0; i < row.getArity(); i++) {
            values.add(row.getField(i));
          }
          rows.add(values);
        }
      }
      return new QueryResult(columns, rows, truncated, limit);
    } catch (SqlParserException e) {
      throw new QueryException(firstLine(e), e);
    } catch (ValidationException e) {
      throw new QueryException(validationMessage(e), e);
    } catch (Exception e) { // runtime failures: bad casts, division by zero, unreadable files
      throw new QueryException("query failed: " + firstLine(rootCause(e)), e);
    }
  }

  private synchronized TableEnvironment tableEnv() throws QueryException {
    if (tableEnv != null) {
      return tableEnv;
    }
    Configuration conf = new Configuration();
    // a laptop with 2 cores: one slot, one task per operator, modest managed memory
    conf.set(CoreOptions.DEFAULT_PARALLELISM, 1);
    conf.set(ExecutionConfigOptions.TABLE_EXEC_RESOURCE_DEFAULT_PARALLELISM, 1);
    conf.set(FlinkConfigOptions.TABLE_EXEC_ICEBERG_INFER_SOURCE_PARALLELISM, false);
    // the FLIP-27 Iceberg source needs flink-connector-files (in flink-dist, not on our
    // classpath); the InputFormat source reads these small tables just as well
    conf.set(FlinkConfigOptions.TABLE_EXEC_ICEBERG_USE_FLIP27_SOURCE, false);
    conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(64));
    conf.set(TableConfigOptions.LOCAL_TIME_ZONE, "UTC");
    TableEnvironment env =
        TableEnvironment.create(
            EnvironmentSettings.newInstance().inBatchMode().withConfiguration(conf).build());
    try {
      env.executeSql(
          "CREATE CATALOG "
              + IcebergTables.CATALOG_NAME
              + " WITH ('type'='iceberg', 'catalog-type'='hadoop', 'warehouse'='"
              + location.replace("'", "''")
              + "')");
      env.executeSql("USE CATALOG " + IcebergTables.CATALOG_NAME);
      env.executeSql("USE " + IcebergTables.NAMESPACE_NAME);
    } catch (RuntimeException e) {
      throw new QueryException(
          "cannot open the Iceberg catalog at " + location + ": " + firstLine(rootCause(e)), e);
    }
    tableEnv = env;
    return env;
  }

  private String validationMessage(ValidationException e) {
    // Flink nests the useful part: "SQL validation failed. From line 1, column 22 to ...: Object 'x' not found"
    String message = firstLine(rootCause(e));
    Matcher m = OBJECT_NOT_FOUND.matcher(message);
    if (m.find()) {
      return "Object '"
          + m.group(1)
          + "' not found; tables in "
          + IcebergTables.NAMESPACE_NAME
          + ": "
          + String.join(", ", tables);
    }
    return message;
  }

  /** The statement's first word in upper case, skipping comments; "(" for a parenthesised query. */
  static String firstKeyword(String sql) {
    int i = 0;
    while (i < sql.length()) {
      if (Character.isWhitespace(sql.charAt(i))) {
        i++;
      } else if (sql.startsWith("--", i)) {
        int end = sql.indexOf('\n', i);
        i = end < 0 ? sql.length() : end + 1;
      } else if (sql.startsWith("/*", i)) {
        int end = sql.indexOf("*/", i + 2);
        i = end < 0 ? sql.length() : end + 2;
      } else {
        break;
      }
    }
    if (i < sql.length() && sql.charAt(i) == '(') {
      return "(";
    }
    int start = i;
    while (i < sql.length() && Character.isLetter(sql.charAt(i))) {
      i++;
    }
    return sql.substring(start, i).toUpperCase(Locale.ROOT);
  }

  private static Throwable rootCause(Throwable t) {
    Throwable cause = t;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause;
  }

  private static String firstLine(Throwable t) {
    String message = t.getMessage();
    if (message == null || message.isBlank()) {
      return t.getClass().getSimpleName();
    }
    return message.strip().lines().findFirst().orElse("").strip();
  }
}
