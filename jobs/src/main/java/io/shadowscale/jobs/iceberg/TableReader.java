package io.shadowscale.jobs.iceberg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.io.CloseableIterable;

/**
 * Reads rows of a shadowscale table back into its Avro records with Iceberg's generic reader —
 * no Flink job, so a CLI command that needs one workload's rows answers in a second, not in the
 * ten of a Flink SQL query. Filters are pushed down to partition and file pruning.
 */
public final class TableReader {

    private TableReader() {}

    /** @throws QueryException when the table does not exist yet */
    public static <T extends IndexedRecord> List<T> read(CatalogLoader loader, TableDef<T> def, Expression filter) throws QueryException {
        Catalog catalog = loader.loadCatalog();
        try {
            Table table;
            try {
                table = catalog.loadTable(def.identifier());
            } catch (NoSuchTableException e) {
                throw new QueryException("table " + def.name() + " does not exist in the warehouse yet (run the job or the demo first)", e);
            }
            List<T> out = new ArrayList<>();
            try (CloseableIterable<Record> rows = IcebergGenerics.read(table).where(filter).build()) {
                Schema avro = SpecificData.get().getSchema(def.recordClass());
                for (Record r : rows) {
                    out.add(toAvro(def, avro, r));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out;
        } finally {
            IcebergTables.close(catalog);
        }
    }

    @SuppressWarnings("unchecked")
    static <T extends IndexedRecord> T toAvro(TableDef<T> def, Schema avro, Record r) {
        T rec = (T) SpecificData.get().newRecord(null, avro);
        List<org.apache.iceberg.types.Types.NestedField> columns = def.schema().columns();
        for (Schema.Field f : avro.getFields()) {
            Object v = r.getField(columns.get(f.pos()).name());
            rec.put(f.pos(), convert(f.schema(), v));
        }
        return rec;
    }

    private static Object convert(Schema s, Object v) {
        if (v == null) {
            return null;
        }
        if (s.isUnion()) {
            for (Schema branch : s.getTypes()) {
                if (branch.getType() != Schema.Type.NULL) {
                    return convert(branch, v);
                }
            }
        }
        switch (s.getType()) {
            case LONG:
                if (s.getLogicalType() instanceof LogicalTypes.TimestampMillis && v instanceof OffsetDateTime t) {
                    return t.toInstant();
                }
                return ((Number) v).longValue();
            case INT:
                return ((Number) v).intValue();
            case DOUBLE:
                return ((Number) v).doubleValue();
            case FLOAT:
                return ((Number) v).floatValue();
            case STRING:
                return v.toString();
            case ENUM:
                return SpecificData.get().createEnum(v.toString(), s);
            case MAP: {
                Map<String, Object> m = new java.util.LinkedHashMap<>();
                for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                    m.put(e.getKey().toString(), convert(s.getValueType(), e.getValue()));
                }
                return m;
            }
            case ARRAY: {
                List<Object> l = new ArrayList<>();
                for (Object o : (List<?>) v) {
                    l.add(convert(s.getElementType(), o));
                }
                return l;
            }
            case RECORD: {
                Record nested = (Record) v;
                IndexedRecord out = (IndexedRecord) SpecificData.get().newRecord(null, s);
                for (Schema.Field f : s.getFields()) {
                    out.put(f.pos(), convert(f.schema(), nested.getField(TableDef.snakeCase(f.name()))));
                }
                return out;
            }
            default:
                return v;
        }
    }
}
