package io.shadowscale.jobs.iceberg;

import org.apache.avro.generic.IndexedRecord;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.runtime.typeutils.InternalTypeInfo;
import org.apache.iceberg.DistributionMode;
import org.apache.iceberg.flink.CatalogLoader;
import org.apache.iceberg.flink.FlinkSchemaUtil;
import org.apache.iceberg.flink.TableLoader;
import org.apache.iceberg.flink.sink.FlinkSink;

/**
 * Appends a stream of Avro records to its Iceberg table.
 *
 * <pre>
 *   records ──map(to RowData)──▶ keyBy(partition) ──▶ IcebergStreamWriter ×p ──▶ IcebergFilesCommitter ×1
 *   uid:  iceberg-&lt;table&gt;-rowdata    iceberg-&lt;table&gt;-writer      iceberg-&lt;table&gt;-committer
 * </pre>
 *
 * <p>Uses {@link FlinkSink} (the stable sink; {@code IcebergSink} is still {@code @Experimental} in
 * 1.11). Writers flush data files on each checkpoint; the committer commits them to the table when
 * the checkpoint completes (and at the end of a bounded input), so rows become visible once per
 * checkpoint and exactly once across restarts. Without checkpointing nothing is committed until a
 * bounded job ends.
 */
public final class IcebergSinks {
  private IcebergSinks() {}

  /**
   * Adds the sink for {@code def} to {@code stream}'s job, creating the table if missing. Writer
   * parallelism is the stream's parallelism.
   */
  public static <T extends IndexedRecord> DataStreamSink<Void> append(
      DataStream<T> stream, TableDef<T> def, CatalogLoader loader) {
    IcebergTables.ensureTable(loader, def);
    String prefix = "iceberg-" + def.name();
    int parallelism = stream.getParallelism();
    DataStream<RowData> rows =
        stream
            .map(new ToRowData<>(def.converter()))
            .returns(InternalTypeInfo.of(FlinkSchemaUtil.convert(def.schema())))
            .setParallelism(parallelism)
            .name(prefix + "-rowdata")
            .uid(prefix + "-rowdata");
    return FlinkSink.forRowData(rows)
        .tableLoader(TableLoader.fromCatalog(loader, def.identifier()))
        .writeParallelism(parallelism)
        // one writer per partition: fewer, larger files per checkpoint than round-robin writers
        .distributionMode(DistributionMode.HASH)
        .uidPrefix(prefix)
        .append();
  }

  static final class ToRowData<T extends IndexedRecord> implements MapFunction<T, RowData> {
    private static final long serialVersionUID = 1L;
    private final TableDef.RowConverter<T> converter;

    ToRowData(TableDef.RowConverter<T> converter) {
      this.converter = converter;
    }

    @Override
    public RowData map(T record) {
      return converter.toRowData(record);
    }
  }
}
