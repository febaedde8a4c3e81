package io.shadowscale.jobs.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.shadowscale.jobs.iceberg.IcebergQuery;
import io.shadowscale.jobs.iceberg.QueryException;
import io.shadowscale.jobs.iceberg.QueryResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code shadowscale query "<SQL>"}: Flink SQL (batch) over the Iceberg tables. */
@Command(name = "query", mixinStandardHelpOptions = true,
        description = {"Runs one SQL statement over the shadowscale Iceberg tables (Flink SQL, batch mode).",
                "Tables: telemetry_rollups, resource_shadows, scaling_commands, anomalies.",
                "Example: shadowscale query \"SELECT action, count(*) FROM scaling_commands GROUP BY action\""})
final class QueryCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SQL", description = "The statement, quoted.")
    String sql;

    @Option(names = "--warehouse", paramLabel = "DIR", description = "Iceberg warehouse (default: .shadowscale/warehouse of the project).")
    Path warehouse;

    @Option(names = "--format", paramLabel = "table|csv|json", defaultValue = "table",
            description = "Output format (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "" + IcebergQuery.DEFAULT_LIMIT,
            description = "At most N rows (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
        QueryResult.Format fmt;
        try {
            fmt = QueryResult.Format.parse(format);
        } catch (IllegalArgumentException e) {
            throw new CliException("unknown --format '" + format + "': use table, csv or json");
        }
        if (limit < 0) {
            throw new CliException("--limit must not be negative");
        }
        Path dir = warehouse != null ? warehouse : Main.defaultWarehouse();
        try {
            QueryResult result = IcebergQuery.run(dir.toString(), sql, limit);
            System.out.print(result.format(fmt));
            System.out.flush();
            return 0;
        } catch (QueryException e) {
            throw new CliException(e.getMessage(), e);
        }
    }
}
