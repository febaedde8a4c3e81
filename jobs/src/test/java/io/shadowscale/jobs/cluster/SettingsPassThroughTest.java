package io.shadowscale.jobs.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import org.apache.flink.util.ParameterTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.shadowscale.jobs.ShadowJob;
import io.shadowscale.jobs.iceberg.CatalogSettings;
import io.shadowscale.jobs.kafka.KafkaClientProperties;

/** Kafka security settings and the Iceberg catalog choice reach the job; secrets never reach a message. */
class SettingsPassThroughTest {

    @TempDir
    Path dir;

    @Test
    void kafkaPropertiesFromAFileAndNoValueInAnyMessage() throws Exception {
        Path f = dir.resolve("client.properties");
        Files.writeString(f, "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n"
                + "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"hunter2\";\n");
        ShadowJob.Settings s = ShadowJob.Settings.fromArgs(new String[] {"--bootstrap", "k:9092", "--warehouse", dir.toString(),
                "--kafka-properties", f.toString()});
        assertThat(s.kafkaProperties.getProperty("security.protocol")).isEqualTo("SASL_SSL");
        assertThat(s.kafkaProperties.getProperty("sasl.jaas.config")).contains("hunter2");
        assertThat(KafkaClientProperties.keys(s.kafkaProperties)).containsExactly("sasl.jaas.config", "sasl.mechanism", "security.protocol");

        Files.writeString(f, "bootstrap.servers=x:1\nssl.key.password=hunter2\ngroup.id=g\n");
        assertThatThrownBy(() -> KafkaClientProperties.load(f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[bootstrap.servers, group.id]").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> KafkaClientProperties.load(dir.resolve("nope"))).hasMessageContaining("no Kafka properties file");
    }

    @Test
    void restCatalogOnS3FromOptionsWithCredentialsFromAFile() throws Exception {
        Path f = dir.resolve("catalog.properties");
        Files.writeString(f, "s3.access-key-id=AKIA\ns3.secret-access-key=hunter2\n");
        CatalogSettings c = CatalogSettings.fromArgs(ParameterTool.fromArgs(new String[] {"--catalog-type", "rest",
                "--catalog-uri", "http://iceberg-rest:8181", "--warehouse", "s3://warehouse/", "--s3-endpoint", "http://minio:9000",
                "--catalog-properties", f.toString()}));
        assertThat(c.catalogProperties())
                .containsEntry("uri", "http://iceberg-rest:8181")
                .containsEntry("warehouse", "s3://warehouse/")
                .containsEntry("io-impl", "org.apache.iceberg.aws.s3.S3FileIO")
                .containsEntry("s3.endpoint", "http://minio:9000")
                .containsEntry("s3.path-style-access", "true")
                .containsEntry("s3.secret-access-key", "hunter2");
        assertThat(c.describe()).contains("rest catalog http://iceberg-rest:8181", "s3.access-key-id").doesNotContain("hunter2");
        assertThat(c.loader()).isNotNull();

        CatalogSettings hadoop = CatalogSettings.fromArgs(ParameterTool.fromArgs(new String[] {"--warehouse", dir.toString()}));
        assertThat(hadoop.type).isEqualTo(CatalogSettings.Type.HADOOP);
        assertThat(hadoop.catalogProperties().get("warehouse")).startsWith("file:");
        assertThatThrownBy(() -> CatalogSettings.fromArgs(ParameterTool.fromArgs(new String[] {"--catalog-type", "rest"})))
                .hasMessageContaining("missing --catalog-uri");
        assertThatThrownBy(() -> CatalogSettings.fromArgs(ParameterTool.fromArgs(new String[] {"--catalog-type", "glue"})))
                .hasMessageContaining("unknown --catalog-type 'glue'");
        assertThatThrownBy(() -> ShadowJob.Settings.fromArgs(new String[] {"--bootstrap", "k:1"})).hasMessageContaining("missing --warehouse");
    }

    @Test
    void kafkaClientSettingsGoUnderTheOnesTheJobNeeds() {
        Properties client = new Properties();
        client.setProperty("security.protocol", "SSL");
        client.setProperty("linger.ms", "5");
        Properties merged = KafkaClientProperties.merged(new Properties(), client);
        assertThat(merged).containsEntry("security.protocol", "SSL");
        assertThat(List.copyOf(KafkaClientProperties.keys(merged))).containsExactly("linger.ms", "security.protocol");
    }
}
