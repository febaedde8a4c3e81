package io.shadowscale.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The deployment files: flink-conf/config.yaml as Flink reads it, docker/compose.yaml and the
 * Kubernetes FlinkDeployment parsed as YAML and checked for what they must wire up. No Docker
 * engine runs here; {@code docker compose config} validates the compose file where the compose
 * plugin is installed and is skipped (with the reason) where it is not.
 */
class DeploymentFilesTest {

    static final Path HOME = Path.of(System.getProperty("shadowscale.home")).toAbsolutePath();

    @Test
    void flinkConfigHasCheckpointingRocksDbRestartsJava17FlagsAndPrometheus() throws Exception {
        Configuration c = GlobalConfiguration.loadConfiguration(HOME.resolve("flink-conf").toString());
        assertThat(get(c, "state.backend.type")).isEqualTo("rocksdb");
        assertThat(get(c, "execution.checkpointing.incremental")).isEqualTo("true");
        assertThat(get(c, "execution.checkpointing.mode")).isEqualTo("EXACTLY_ONCE");
        assertThat(get(c, "restart-strategy.type")).isEqualTo("fixed-delay");
        assertThat(Integer.parseInt(get(c, "restart-strategy.fixed-delay.attempts"))).isBetween(1, 100);
        assertThat(get(c, "env.java.default-opts.all")).contains("--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED");
        assertThat(get(c, "metrics.reporter.prom.factory.class")).isEqualTo("org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        assertThat(get(c, "classloader.parent-first-patterns.additional")).contains("ai.onnxruntime");
        assertThat(Files.readString(path("flink-conf/sql-client-init.sql"))).contains("'type' = 'iceberg'", "USE CATALOG shadowscale");
        assertThat(path("flink-conf/log4j.properties")).isRegularFile();
    }

    @Test
    @SuppressWarnings("unchecked")
    void composeFileRunsKafkaFlinkObjectStoreAndRestCatalog() throws Exception {
        Map<String, Object> compose = yaml("docker/compose.yaml");
        Map<String, Object> services = (Map<String, Object>) compose.get("services");
        assertThat(services).containsKeys("kafka", "jobmanager", "taskmanager", "minio", "iceberg-rest");
        for (String flink : List.of("jobmanager", "taskmanager")) {
            Map<String, Object> s = (Map<String, Object>) services.get(flink);
            assertThat((String) s.get("image")).startsWith("flink:2.1");
            assertThat((List<String>) s.get("volumes")).anyMatch(v -> v.contains("-job.jar:/opt/flink/usrlib/"))
                    .anyMatch(v -> v.contains("onnxruntime.jar:/opt/flink/lib/"));
            String props = (String) ((Map<String, Object>) s.get("environment")).get("FLINK_PROPERTIES");
            assertThat(props).contains("state.backend.type: rocksdb", "restart-strategy.type: fixed-delay", "PrometheusReporterFactory");
        }
        List<String> args = (List<String>) ((Map<String, Object>) services.get("jobmanager")).get("command");
        assertThat(args).containsSubsequence("--catalog-type", "rest").contains("io.shadowscale.jobs.ShadowJob", "--s3-endpoint");
        // secrets only through the env file, never on a command line
        for (Object s : services.values()) {
            Object cmd = ((Map<String, Object>) s).get("command");
            assertThat(String.valueOf(cmd).toLowerCase()).doesNotContain("password", "secret-access", "shadowscale-demo-only");
        }
        assertThat(path("docker/minio.env")).isRegularFile();
    }

    @Test
    @SuppressWarnings("unchecked")
    void kubernetesFlinkDeploymentRunsTheJobWithSavepointUpgrades() throws Exception {
        Map<String, Object> d = yaml("docker/kubernetes/flink-deployment.yaml");
        assertThat(d).containsEntry("apiVersion", "flink.apache.org/v1beta1").containsEntry("kind", "FlinkDeployment");
        Map<String, Object> spec = (Map<String, Object>) d.get("spec");
        assertThat(spec).containsEntry("flinkVersion", "v2_1");
        Map<String, Object> job = (Map<String, Object>) spec.get("job");
        assertThat(job).containsEntry("entryClass", "io.shadowscale.jobs.ShadowJob").containsEntry("upgradeMode", "savepoint");
        assertThat((String) job.get("jarURI")).startsWith("local:///opt/flink/usrlib/");
        assertThat((List<String>) job.get("args")).contains("--bootstrap", "--kafka-properties");
        Map<String, Object> conf = (Map<String, Object>) spec.get("flinkConfiguration");
        assertThat(conf).containsEntry("state.backend.type", "rocksdb").containsEntry("restart-strategy.type", "fixed-delay");
    }

    @Test
    void dockerComposeConfigAcceptsTheComposeFile() throws Exception {
        List<String> compose = composeCommand();
        assumeTrue(compose != null, "no `docker compose` plugin (or docker-compose) on this machine: the compose file was only checked as YAML");
        List<String> cmd = new ArrayList<>(compose);
        cmd.addAll(List.of("-f", path("docker/compose.yaml").toString(), "config", "-q"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    static List<String> composeCommand() {
        for (List<String> c : List.of(List.of("docker", "compose"), List.of("docker-compose"))) {
            try {
                List<String> v = new ArrayList<>(c);
                v.add("version");
                Process p = new ProcessBuilder(v).redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return c;
                }
            } catch (Exception e) {
                // not installed
            }
        }
        return null;
    }

    static String get(Configuration c, String key) {
        return c.get(ConfigOptions.key(key).stringType().noDefaultValue());
    }

    static Path path(String relative) {
        return HOME.resolve(relative);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> yaml(String relative) throws Exception {
        return (Map<String, Object>) mergeKeys(new Load(LoadSettings.builder().build()).loadFromString(Files.readString(path(relative))));
    }

    /** Resolves YAML 1.1 merge keys ({@code <<: *anchor}), which compose files use and YAML 1.2 parsers leave as keys. */
    @SuppressWarnings("unchecked")
    static Object mergeKeys(Object node) {
        if (node instanceof Map<?, ?> m) {
            Map<String, Object> out = new java.util.LinkedHashMap<>();
            Object merge = m.get("<<");
            if (merge != null) {
                for (Object base : merge instanceof List<?> l ? l : List.of(merge)) {
                    out.putAll((Map<String, Object>) mergeKeys(base));
                }
            }
            m.forEach((k, v) -> {
                if (!"<<".equals(k)) {
                    out.put(String.valueOf(k), mergeKeys(v));
                }
            });
            return out;
        }
        if (node instanceof List<?> l) {
            return l.stream().map(DeploymentFilesTest::mergeKeys).collect(java.util.stream.Collectors.toList());
        }
        return node;
    }
}
