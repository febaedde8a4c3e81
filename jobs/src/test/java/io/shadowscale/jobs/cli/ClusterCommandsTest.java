package io.shadowscale.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.shadowscale.jobs.embedded.EmbeddedKafka;
import io.shadowscale.jobs.kafka.TopicAdmin;

/**
 * The cluster, submit and produce commands as a user calls them: errors a user can cause are one
 * line with exit status 2; produce sends a CSV's good rows to a real broker and reports the bad
 * ones by line number. (The commands against a running cluster are in the cluster module's
 * end-to-end test.)
 */
class ClusterCommandsTest {

    @TempDir
    static Path dir;
    static EmbeddedKafka kafka;

    @BeforeAll
    static void broker() {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        PrintStream out0 = System.out, err0 = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = Main.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out0);
            System.setErr(err0);
        }
    }

    @Test
    void statusAndStopOfAFolderWithoutACluster() {
        Run status = run("cluster", "status", "--dir", dir.resolve("none").toString());
        assertThat(status.exit()).isEqualTo(3);
        assertThat(status.out()).contains("No cluster is running in");
        Run stop = run("cluster", "stop", "--dir", dir.resolve("none").toString());
        assertThat(stop.exit()).isZero();
    }

    @Test
    void submitWithoutAClusterIsOneLineError() {
        Run r = run("submit", "--cluster-dir", dir.resolve("none").toString(), "--jar", dir.resolve("x.jar").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("error: no job JAR at").doesNotContain("\n");
    }

    @Test
    void submitToAnUnreachableRestEndpoint() throws Exception {
        Path jar = Files.writeString(dir.resolve("job.jar"), "not really a jar");
        Run r = run("submit", "--rest", "http://127.0.0.1:1", "--jar", jar.toString(), "--bootstrap", "127.0.0.1:9", "--warehouse", dir.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: no Flink REST endpoint answers at http://127.0.0.1:1");
        Run noBootstrap = run("submit", "--rest", "http://127.0.0.1:1", "--jar", jar.toString());
        assertThat(noBootstrap.err()).startsWith("error: missing --bootstrap HOST:PORT");
    }

    @Test
    void produceNeedsOneSourceAndABroker() {
        assertThat(run("produce", "--bootstrap", kafka.bootstrapServers()).err()).startsWith("error: say what to send: --from-csv FILE or --generate");
        assertThat(run("produce", "--generate", "--from-csv", "x.csv").err()).contains("mutually exclusive");
        Run r = run("produce", "--generate", "--cluster-dir", dir.resolve("none").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: no --bootstrap given and no local cluster broker is running");
    }

    @Test
    void produceSendsTheGoodRowsOfACsvAndReportsTheBadOnes() throws Exception {
        Path csv = dir.resolve("telemetry.csv");
        Files.write(csv, List.of(
                "tenant_id,workload_id,event_time,cpu_cores,memory_bytes,network_in_bytes,network_out_bytes,storage_bytes",
                "acme,api,2025-03-04T10:00:00Z,1.5,1000,10,20,30",
                "acme,api,2025-03-04T10:01:00Z,NaN,1000,10,20,30",
                "acme,api,2025-03-04T10:02:00Z,1.7,1000,10,20,30",
                "acme,api,not-a-time,1.7,1000,10,20,30",
                "acme,api,2025-03-04T10:03:00Z,1.8,1000,10,20,30"));
        Run r = run("produce", "--bootstrap", kafka.bootstrapServers(), "--topic-prefix", "csv-", "--from-csv", csv.toString(), "--rate", "100");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("bad row at line 3:", "bad row at line 5: event_time");
        assertThat(r.out()).contains("Sent 3 records", "skipped 2 bad rows");
        assertThat(TopicAdmin.countRecords(kafka.bootstrapServers(), "csv-telemetry", true)).isEqualTo(3);

        Run bad = run("produce", "--bootstrap", kafka.bootstrapServers(), "--from-csv", dir.resolve("missing.csv").toString());
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).startsWith("error: no CSV file at");
    }
}
