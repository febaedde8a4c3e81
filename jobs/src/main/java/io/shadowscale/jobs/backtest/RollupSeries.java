package io.shadowscale.jobs.backtest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;

import io.shadowscale.jobs.iceberg.IcebergTables;
import io.shadowscale.udf.logic.forecast.ForecastBacktest.Series;

/**
 * The job's own history as training series: the {@code telemetry_rollups} Iceberg table, one
 * series per tenant/workload on its 5-minute grid, with the resources the job forecasts and the
 * values it feeds its forecaster (ShadowForecaster): CPU and memory averages, network in and out,
 * storage maximum. Buckets without a row stay missing.
 */
public final class RollupSeries {

    /** Resources of a rollup series, in the job's order (Resource): kinds cpu, memory, network, network, storage. */
    public static final String[] RESOURCES = {"cpu", "memory", "network_in", "network_out", "storage"};

    private RollupSeries() {}

    /** @return one series per workload ("tenant/workload"), sorted by id; rows of another bucket size are skipped */
    public static List<Series> read(String warehouse, long bucketMs) {
        Catalog catalog = IcebergTables.catalogLoader(warehouse).loadCatalog();
        Table table = catalog.loadTable(IcebergTables.TELEMETRY_ROLLUPS.identifier());
        Map<String, TreeMap<Long, double[]>> byWorkload = new TreeMap<>();
        try (CloseableIterable<Record> rows = IcebergGenerics.read(table)
                .select("tenant_id", "workload_id", "bucket_start", "bucket_ms", "cpu_avg", "memory_avg",
                        "network_in_bytes_per_sec", "network_out_bytes_per_sec", "storage_max").build()) {
            for (Record r : rows) {
                if (((Number) r.getField("bucket_ms")).longValue() != bucketMs) continue;
                long start = ((OffsetDateTime) r.getField("bucket_start")).toInstant().toEpochMilli();
                String id = r.getField("tenant_id") + "/" + r.getField("workload_id");
                double[] v = {num(r, "cpu_avg"), num(r, "memory_avg"), num(r, "network_in_bytes_per_sec"),
                        num(r, "network_out_bytes_per_sec"), num(r, "storage_max")};
                // a bucket written twice (a replay) counts once: the later row wins
                byWorkload.computeIfAbsent(id, k -> new TreeMap<>()).put(Math.floorDiv(start, bucketMs), v);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + IcebergTables.TELEMETRY_ROLLUPS.identifier(), e);
        }
        List<Series> out = new ArrayList<>();
        for (var e : byWorkload.entrySet()) {
            TreeMap<Long, double[]> rows = e.getValue();
            long first = rows.firstKey();
            int n = (int) (rows.lastKey() - first + 1);
            double[][] values = new double[RESOURCES.length][n];
            for (double[] col : values) Arrays.fill(col, Double.NaN);
            for (var row : rows.entrySet()) {
                int t = (int) (row.getKey() - first);
                for (int k = 0; k < RESOURCES.length; k++) values[k][t] = row.getValue()[k];
            }
            out.add(new Series(e.getKey(), first * bucketMs, bucketMs, values));
        }
        return out;
    }

    private static double num(Record r, String column) {
        Object v = r.getField(column);
        return v == null ? Double.NaN : ((Number) v).doubleValue();
    }
}
