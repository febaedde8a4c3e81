package io.shadowscale.jobs.iceberg;

import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.generic.IndexedRecord;
import org.apache.flink.table.data.GenericMapData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * One Iceberg table fed from one Avro record type: its name, schema, partition spec, natural key
 * and the converter from the record to Flink's {@link RowData} (column order = schema order).
 *
 * <p>The schema is derived from the Avro schema ({@link #fromAvro}) so every Avro field becomes a
 * column by construction: names in snake_case, enums as strings, {@code timestamp-millis} as
 * {@code timestamptz}, maps as {@code map<string, ...>}, {@code ["null", X]} unions as optional
 * columns, Avro docs as column docs. A field type it does not know fails at class initialisation,
 * so a schema change cannot silently drop a column.
 */
public final class TableDef<T extends IndexedRecord> implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final Class<T> recordClass;
  private final Schema schema;
  private final PartitionSpec spec;
  private final List<String> naturalKey;
  private final RowConverter<T> converter;

  private TableDef(
      String name,
      Class<T> recordClass,
      Schema schema,
      PartitionSpec spec,
      List<String> naturalKey,
      RowConverter<T> converter) {
    this.name = name;
    this.recordClass = recordClass;
    this.schema = schema;
    this.spec = spec;
    this.naturalKey = List.copyOf(naturalKey);
    this.converter = converter;
  }

  /**
   * Derives a table from an Avro record type.
   *
   * @param renames Avro field name to column name, where snake_case of the field name is not wanted
   * @param dayColumn the row's main time column: partitioned by its day and {@code bucket(16,
   *     tenant_id)} (or of the first natural-key column where there is no tenant)
   * @param naturalKey columns that identify a row; documented in the table comment, not enforced
   */
  static <T extends IndexedRecord> TableDef<T> fromAvro(
      String name,
      Class<T> recordClass,
      org.apache.avro.Schema avro,
      Map<String, String> renames,
      String dayColumn,
      List<String> naturalKey) {
    // top-level ids 1..n first, nested (map key/value) ids after them: Iceberg's own convention
    AtomicInteger nextNestedId = new AtomicInteger(avro.getFields().size() + 1);
    List<Types.NestedField> columns = new ArrayList<>();
    List<ValueConverter> converters = new ArrayList<>();
    for (org.apache.avro.Schema.Field field : avro.getFields()) {
      String column = renames.getOrDefault(field.name(), snakeCase(field.name()));
      org.apache.avro.Schema fieldSchema = field.schema();
      boolean optional = false;
      if (fieldSchema.isUnion()) {
        fieldSchema = nonNullBranch(field);
        optional = true;
      }
      Type type = icebergType(field.name(), fieldSchema, nextNestedId);
      int id = field.pos() + 1;
      columns.add(
          optional
              ? Types.NestedField.optional(id, column, type, field.doc())
              : Types.NestedField.required(id, column, type, field.doc()));
      converters.add(valueConverter(type));
    }
    Schema schema = new Schema(columns);
    for (String key : naturalKey) {
      Objects.requireNonNull(schema.findField(key), () -> name + ": no natural-key column " + key);
    }
    // per-tenant tables spread by tenant; the others (pools) by their first key column
    String bucketColumn = schema.findField("tenant_id") != null ? "tenant_id" : naturalKey.get(0);
    PartitionSpec spec =
        PartitionSpec.builderFor(schema).day(dayColumn).bucket(bucketColumn, 16).build();
    return new TableDef<>(
        name,
        recordClass,
        schema,
        spec,
        naturalKey,
        new RowConverter<>(converters.toArray(new ValueConverter[0])));
  }

  public String name() {
    return name;
  }

  public Class<T> recordClass() {
    return recordClass;
  }

  public Schema schema() {
    return schema;
  }

  public PartitionSpec spec() {
    return spec;
  }

  /** Columns that identify a row (one row per key is expected, not enforced by Iceberg). */
  public List<String> naturalKey() {
    return naturalKey;
  }

  public TableIdentifier identifier() {
    return TableIdentifier.of(IcebergTables.NAMESPACE, name);
  }

  /** Table comment, stored as the table's {@code comment} property (Flink SQL shows it). */
  public String comment() {
    return "natural key (not enforced): " + String.join(", ", naturalKey);
  }

  public RowConverter<T> converter() {
    return converter;
  }

  public RowData toRowData(T record) {
    return converter.toRowData(record);
  }

  @Override
  public String toString() {
    return IcebergTables.NAMESPACE + "." + name;
  }

  static String snakeCase(String camel) {
    StringBuilder out = new StringBuilder(camel.length() + 8);
    for (int i = 0; i < camel.length(); i++) {
      char c = camel.charAt(i);
      if (Character.isUpperCase(c)) {
        if (i > 0) {
          out.append('_');
        }
        out.append(Character.toLowerCase(c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static org.apache.avro.Schema nonNullBranch(org.apache.avro.Schema.Field field) {
    List<org.apache.avro.Schema> branches = new ArrayList<>(field.schema().getTypes());
    branches.removeIf(s -> s.getType() == org.apache.avro.Schema.Type.NULL);
    if (branches.size() != 1 || branches.size() == field.schema().getTypes().size()) {
      throw new IllegalArgumentException(
          "field " + field.name() + ": only [\"null\", X] unions map to a column");
    }
    return branches.get(0);
  }

  private static Type icebergType(
      String field, org.apache.avro.Schema s, AtomicInteger nextNestedId) {
    LogicalType logical = s.getLogicalType();
    switch (s.getType()) {
      case STRING:
      case ENUM:
        return Types.StringType.get();
      case INT:
        if (logical == null) {
          return Types.IntegerType.get();
        }
        break;
      case LONG:
        if (logical == null) {
          return Types.LongType.get();
        }
        if (logical instanceof LogicalTypes.TimestampMillis) {
          return Types.TimestampType.withZone();
        }
        break;
      case DOUBLE:
        return Types.DoubleType.get();
      case FLOAT:
        return Types.FloatType.get();
      case BOOLEAN:
        return Types.BooleanType.get();
      case MAP:
        {
          int keyId = nextNestedId.getAndIncrement();
          int valueId = nextNestedId.getAndIncrement();
          return Types.MapType.ofRequired(
              keyId,
              valueId,
              Types.StringType.get(),
              icebergType(field, s.getValueType(), nextNestedId));
        }
      default:
        break;
    }
    throw new IllegalArgumentException(
        "field " + field + ": no Iceberg column type for Avro " + s + " (extend TableDef)");
  }

  private static ValueConverter valueConverter(Type type) {
    switch (type.typeId()) {
      case STRING:
        return v -> StringData.fromString(v.toString()); // enums and Utf8 alike
      case TIMESTAMP:
        return v -> TimestampData.fromInstant((Instant) v);
      case MAP:
        {
          ValueConverter values = valueConverter(type.asMapType().valueType());
          return v -> {
            Map<?, ?> in = (Map<?, ?>) v;
            Map<Object, Object> out = new HashMap<>(in.size() * 2);
            in.forEach((k, x) -> out.put(StringData.fromString(k.toString()), convert(values, x)));
            return new GenericMapData(out);
          };
        }
      default:
        return v -> v; // Integer, Long, Double, Float, Boolean are Flink's internal types already
    }
  }

  private static Object convert(ValueConverter c, Object v) {
    return v == null ? null : c.convert(v);
  }

  @FunctionalInterface
  interface ValueConverter extends Serializable {
    Object convert(Object avroValue);
  }

  /** Avro record to {@link RowData}, by field position; serializable so operators can hold it. */
  public static final class RowConverter<T extends IndexedRecord> implements Serializable {
    private static final long serialVersionUID = 1L;
    private final ValueConverter[] fields;

    private RowConverter(ValueConverter[] fields) {
      this.fields = fields;
    }

    public RowData toRowData(T record) {
      GenericRowData row = new GenericRowData(fields.length);
      for (int i = 0; i < fields.length; i++) {
        row.setField(i, convert(fields[i], record.get(i)));
      }
      return row;
    }
  }

  /** Column name to type string, in order: compares schemas without field ids or docs. */
  static Map<String, String> signature(Schema schema) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Types.NestedField f : schema.columns()) {
      out.put(f.name(), (f.isOptional() ? "optional " : "required ") + f.type());
    }
    return Collections.unmodifiableMap(out);
  }
}
