package io.shadowscale.jobs.iceberg;

import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.flink.CatalogLoader;

/** Cheap facts about the tables (from snapshot metadata, without scanning data files). */
public final class TableStats {
    private TableStats() {}

    /** Rows in the table's current snapshot; 0 when the table does not exist or has no snapshot. */
    public static long rowCount(CatalogLoader loader, TableDef<?> def) {
        Catalog catalog = loader.loadCatalog();
        try {
            Table t = catalog.loadTable(def.identifier());
            Snapshot s = t.currentSnapshot();
            if (s == null) {
                return 0;
            }
            String total = s.summary().get("total-records");
            return total == null ? 0 : Long.parseLong(total);
        } catch (NoSuchTableException e) {
            return 0;
        } finally {
            IcebergTables.close(catalog);
        }
    }

    /** Where the table's files live. */
    public static String location(CatalogLoader loader, TableDef<?> def) {
        Catalog catalog = loader.loadCatalog();
        try {
            return catalog.loadTable(def.identifier()).location();
        } finally {
            IcebergTables.close(catalog);
        }
    }
}
