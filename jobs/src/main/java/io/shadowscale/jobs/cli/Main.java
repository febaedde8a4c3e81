package io.shadowscale.jobs.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/shadowscale}: the command line. Errors a user can cause print one line
 * ({@code error: ...}) and exit with 2; {@code --verbose} adds the stack trace.
 */
@Command(name = "shadowscale", mixinStandardHelpOptions = true, version = "shadowscale 0.1.0",
        description = "Predictive (shadow) resource scaling on Apache Flink.",
        subcommands = {DemoCommand.class, QueryCommand.class, BacktestCommand.class, ExportTrainingCommand.class, ClusterCommand.class, SubmitCommand.class, ProduceCommand.class,
                EventsCommand.class, NabCommand.class, WhatIfCommand.class, AbCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {

    @Option(names = "--verbose", description = "Print stack traces and more detail.", scope = CommandLine.ScopeType.INHERIT)
    boolean verbose;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            boolean verbose = parsed.hasMatchedOption("--verbose")
                    || (parsed.subcommand() != null && parsed.subcommand().hasMatchedOption("--verbose"));
            PrintWriter err = line.getErr();
            err.println("error: " + message(ex));
            if (verbose) {
                ex.printStackTrace(err);
            }
            err.flush();
            return 2;
        });
        cl.setParameterExceptionHandler((ex, params) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("error: " + ex.getMessage());
            err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
            err.flush();
            return 2;
        });
        return cl.execute(args);
    }

    static String message(Throwable ex) {
        if (ex instanceof CliException || ex instanceof IllegalArgumentException) {
            return ex.getMessage();
        }
        Throwable root = ex;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        String top = ex.getMessage() != null ? ex.getMessage() : ex.getClass().getSimpleName();
        return root != ex && m != null && !top.contains(m) ? top + " (cause: " + m + ")" : top;
    }

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 0;
    }

    /** The project's working folder for the embedded runtime: {@code $SHADOWSCALE_HOME/.shadowscale}. */
    static Path home() {
        String h = System.getProperty("shadowscale.home", System.getenv().getOrDefault("SHADOWSCALE_HOME", "."));
        return Path.of(h).toAbsolutePath().normalize().resolve(".shadowscale");
    }

    static Path defaultWarehouse() {
        return home().resolve("warehouse");
    }
}
