package io.shadowscale.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code bin/shadowscale}'s main class as its own JVM, as a user would (the script itself is
 * not used: it would start a Maven build inside this one). The classpath is this test's, which
 * holds the CLI's (jobs' classes and dependencies, Flink).
 */
final class CliProcess {

    record Result(int exit, String stdout, String stderr) {
        String all() {
            return stdout + stderr;
        }
    }

    private final Path home;
    private final Path logDir;

    CliProcess(Path home, Path logDir) {
        this.home = home;
        this.logDir = logDir;
    }

    static String testClasspath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    Result run(long timeoutSeconds, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx1g");
        cmd.addAll(Arrays.asList(System.getProperty("shadowscale.java.opens", "").trim().split("\\s+")));
        cmd.add("-Dlog4j.configurationFile=" + home.resolve("flink-conf").resolve("log4j-cli.properties").toUri());
        cmd.add("-Dshadowscale.log.file=" + logDir.resolve("cli.log"));
        cmd.add("-Dshadowscale.home=" + home);
        cmd.add("-cp");
        cmd.add(testClasspath());
        cmd.add("io.shadowscale.jobs.cli.Main");
        cmd.addAll(Arrays.asList(args));
        cmd.removeIf(String::isEmpty);
        Files.createDirectories(logDir);
        String name = "cli-" + System.nanoTime();
        Path out = logDir.resolve(name + ".out");
        Path err = logDir.resolve(name + ".err");
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError("shadowscale " + String.join(" ", args) + " did not finish within " + timeoutSeconds
                    + " s; output so far: " + Files.readString(out) + Files.readString(err));
        }
        Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        System.out.println("$ shadowscale " + String.join(" ", args) + "  -> exit " + r.exit());
        System.out.print(r.stdout());
        System.out.print(r.stderr());
        return r;
    }
}
