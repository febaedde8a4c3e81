package io.shadowscale.jobs.iceberg;

import io.shadowscale.schema.Anomaly;
import io.shadowscale.schema.AnomalyType;
import io.shadowscale.schema.ResourceShadow;
import io.shadowscale.schema.ScalingAction;
import io.shadowscale.schema.ScalingCommand;
import io.shadowscale.schema.Severity;
import io.shadowscale.schema.TelemetryRollup;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.iceberg.flink.CatalogLoader;

/** Known records of each kind, and the streaming job that writes them through the sinks. */
final class TestWarehouse {
  static final Instant T0 = Instant.parse("2024-03-01T10:00:00Z");
  static final Instant DAY2 = Instant.parse("2024-03-02T23:59:00Z");

  static final List<TelemetryRollup> ROLLUPS =
      List.of(
          rollup("acme", "web-1", T0, 12, "eu-west-1", Map.of("cpu", 12L, "memory", 11L)),
          rollup("acme", "web-1", T0.plusSeconds(60), 6, null, Map.of()),
          rollup("globex", "db-1", DAY2, 3, "us-east-1", Map.of("network", 3L)));

  static final List<ResourceShadow> SHADOWS = new ArrayList<>();

  static {
    for (int step = 1; step <= 3; step++) {
      SHADOWS.add(shadow("acme", "web-1", step, false));
    }
    for (int step = 1; step <= 2; step++) {
      SHADOWS.add(shadow("globex", "db-1", step, true));
    }
  }

  static final List<ScalingCommand> COMMANDS =
      List.of(
          ScalingCommand.newBuilder()
              .setCommandId("cmd-1")
              .setTenantId("acme")
              .setWorkloadId("web-1")
              .setAction(ScalingAction.SCALE_OUT)
              .setFromReplicas(2)
              .setToReplicas(4)
              .setFromCpuPerReplica(1.0)
              .setToCpuPerReplica(1.5)
              .setFromMemoryPerReplicaBytes(2_147_483_648L)
              .setToMemoryPerReplicaBytes(4_294_967_296L)
              .setFromStorageBytes(10_000_000_000L)
              .setToStorageBytes(20_000_000_000L)
              .setDecidedAt(T0)
              .setEffectiveAt(T0.plusSeconds(300))
              .setExpiresAt(T0.plusSeconds(900))
              .setDryRun(true)
              .setPolicy("threshold")
              .setFallbackForecast(false)
              .setReason("cpu p90 2.9 > 80% of 3.0 in 7 min, \"peak\" ahead")
              .setSummary("Scale out 2 → 4 replicas")
              .setTriggeredBy(io.shadowscale.schema.ScalingTrigger.FORECAST)
              .setResource("cpu")
              .setQuantile(90)
              .setTargetUtilization(0.8)
              .setRequiredCapacity(3.625)
              .setLimitApplied("instance-limit")
              .setDrivers("campaign spring-sale: +31% CPU at 14:05Z")
              .setFactors(java.util.Map.of("quantile", 90.0, "cost_delta_per_hour", 0.25))
              .setCapacityClass(io.shadowscale.schema.CapacityClass.MIXED)
              .setSpotShare(0.5)
              .setCostBeforePerHour(0.25)
              .setCostAfterPerHour(0.5)
              .setPricing("*/*")
              .setDryRunReason("dry-run-tenant")
              .build(),
          ScalingCommand.newBuilder(commandTemplate())
              .setCommandId("cmd-2")
              .setTenantId("globex")
              .setWorkloadId("db-1")
              .setAction(ScalingAction.SCALE_IN)
              .setEffectiveAt(DAY2)
              .build());

  static final List<Anomaly> ANOMALIES =
      List.of(
          Anomaly.newBuilder()
              .setAnomalyId("an-1")
              .setTenantId("acme")
              .setWorkloadId("web-1")
              .setType(AnomalyType.UNEXPLAINED_SURGE)
              .setResource("cpu")
              .setStartTime(T0)
              .setEndTime(T0.plusSeconds(180))
              .setSeverity(Severity.CRITICAL)
              .setScore(4.5)
              .setExpected(1.2)
              .setExpectedUpper(2.0)
              .setActual(3.9)
              .setExplanation("cpu 3.9 above p99 2.0 for 3 buckets")
              .build(),
          Anomaly.newBuilder()
              .setAnomalyId("an-2")
              .setTenantId("globex")
              .setWorkloadId("db-1")
              .setType(AnomalyType.DROP)
              .setResource("network_out")
              .setStartTime(DAY2)
              .setEndTime(DAY2.plusSeconds(60))
              .setSeverity(Severity.INFO)
              .setScore(1.1)
              .setExpected(100.0)
              .setExpectedUpper(150.0)
              .setActual(10.0)
              .setExplanation("drop")
              .build());

  private TestWarehouse() {}

  /**
   * Adds one bounded source per record kind, each at parallelism 2, and the four Iceberg sinks; the
   * caller executes the returned graph.
   */
  static StreamGraph buildJob(StreamExecutionEnvironment env, CatalogLoader loader) {
    IcebergSinks.append(source(env, TelemetryRollup.class, ROLLUPS), IcebergTables.TELEMETRY_ROLLUPS, loader);
    IcebergSinks.append(source(env, ResourceShadow.class, SHADOWS), IcebergTables.RESOURCE_SHADOWS, loader);
    IcebergSinks.append(source(env, ScalingCommand.class, COMMANDS), IcebergTables.SCALING_COMMANDS, loader);
    IcebergSinks.append(source(env, Anomaly.class, ANOMALIES), IcebergTables.ANOMALIES, loader);
    StreamGraph graph = env.getStreamGraph();
    graph.setJobName("iceberg-sinks-test");
    return graph;
  }

  static void write(StreamExecutionEnvironment env, CatalogLoader loader) throws Exception {
    env.setParallelism(2);
    env.enableCheckpointing(100); // ms: commits happen on completed checkpoints (STACK.md trap 9)
    env.execute(buildJob(env, loader));
  }

  private static <T extends SpecificRecordBase>
      org.apache.flink.streaming.api.datastream.DataStream<T> source(
          StreamExecutionEnvironment env, Class<T> type, List<T> records) {
    return env.fromData(records, new AvroTypeInfo<>(type))
        .setParallelism(2)
        .name(type.getSimpleName() + "-source")
        .uid(type.getSimpleName() + "-source");
  }

  private static TelemetryRollup rollup(
      String tenant, String workload, Instant bucket, int samples, String region, Map<String, Long> kinds) {
    return TelemetryRollup.newBuilder()
        .setTenantId(tenant)
        .setWorkloadId(workload)
        .setBucketStart(bucket)
        .setBucketMs(60_000L)
        .setSamples(samples)
        .setCpuAvg(1.25)
        .setCpuMax(2.5)
        .setMemoryAvg(1.0e9)
        .setMemoryMax(1.5e9)
        .setNetworkInBytesPerSec(1000.5)
        .setNetworkOutBytesPerSec(2000.25)
        .setStorageMax(5.0e10)
        .setDbQueries(42L)
        .setRequests(1000L + samples)
        .setActiveSessionsAvg(3.5)
        .setSessionDurationMsAvg(1234.5)
        .setDataKinds(new LinkedHashMap<>(kinds))
        .setRegion(region)
        .build();
  }

  private static ResourceShadow shadow(String tenant, String workload, int step, boolean fallback) {
    Instant generated = tenant.equals("acme") ? T0 : DAY2;
    return ResourceShadow.newBuilder()
        .setTenantId(tenant)
        .setWorkloadId(workload)
        .setTimestamp(generated.plusSeconds(60L * step))
        .setStep(step)
        .setStepMs(60_000L)
        .setGeneratedAt(generated)
        .setCpuP50(0.5 * step)
        .setCpuP90(0.9 * step)
        .setCpuP99(0.99 * step)
        .setMemoryP50(5.0e8)
        .setMemoryP90(9.0e8)
        .setMemoryP99(9.9e8)
        .setNetworkInP50(50.0)
        .setNetworkInP90(90.0)
        .setNetworkInP99(99.0)
        .setNetworkOutP50(5.0)
        .setNetworkOutP90(9.0)
        .setNetworkOutP99(9.9)
        .setStorageP50(1.0e10)
        .setStorageP90(1.1e10)
        .setStorageP99(1.2e10)
        .setModelId("lstm-quantile")
        .setModelVersion("3")
        .setFallback(fallback)
        .setFallbackReason(fallback ? "model timeout" : null)
        .build();
  }

  private static ScalingCommand commandTemplate() {
    return ScalingCommand.newBuilder()
        .setCommandId("template")
        .setTenantId("t")
        .setWorkloadId("w")
        .setAction(ScalingAction.RESIZE_IN_PLACE)
        .setFromReplicas(3)
        .setToReplicas(2)
        .setFromCpuPerReplica(2.0)
        .setToCpuPerReplica(2.0)
        .setFromMemoryPerReplicaBytes(1L)
        .setToMemoryPerReplicaBytes(1L)
        .setFromStorageBytes(1L)
        .setToStorageBytes(1L)
        .setDecidedAt(DAY2)
        .setEffectiveAt(DAY2)
        .setExpiresAt(DAY2.plusSeconds(600))
        .setDryRun(false)
        .setPolicy("threshold")
        .setFallbackForecast(true)
        .setReason("load fell")
        .build();
  }
}
