package io.shadowscale.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Errors a user can cause: one line starting with "error:", exit status 2, no stack trace. */
class MainTest {

    record Run(int status, String out, String err) {}

    static Run run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int status = Main.run(args);
            return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void unknownCommand() {
        Run r = run("bogus");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: Unmatched argument at index 0: 'bogus'").contains("--help");
    }

    @Test
    void queryWithoutAWarehouse(@TempDir Path dir) {
        Run r = run("query", "SELECT 1", "--warehouse", dir.resolve("missing").toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("error: no shadowscale warehouse at " + dir.resolve("missing")
                + " — run `bin/shadowscale demo` first or pass --warehouse DIR");
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void verboseAddsTheStackTrace(@TempDir Path dir) {
        Run r = run("query", "SELECT 1", "--warehouse", dir.resolve("missing").toString(), "--verbose");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("QueryException").contains("\tat ");
    }

    @Test
    void badOptionValues(@TempDir Path dir) throws Exception {
        assertThat(run("query", "SELECT 1", "--format", "xml").err()).startsWith("error: unknown --format 'xml': use table, csv or json");
        assertThat(run("demo", "--tenants", "0").err()).startsWith("error: --tenants must be between 1 and 1000, got 0");
        assertThat(run("demo", "--days", "x").err()).startsWith("error: Invalid value for option '--days'");
        assertThat(run("demo", "--events", dir.resolve("none.jsonl").toString()).err())
                .startsWith("error: --events " + dir.resolve("none.jsonl") + ": no such file");
        Path foreign = Files.createDirectories(dir.resolve("foreign"));
        Files.writeString(foreign.resolve("precious.txt"), "keep me");
        Run r = run("demo", "--warehouse", foreign.toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("already holds data that a previous demo did not write").contains("--reset");
        assertThat(foreign.resolve("precious.txt")).exists();
    }

    @Test
    void helpListsTheCommands() {
        Run r = run("--help");
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("demo").contains("query");
    }
}
