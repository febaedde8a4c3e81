package io.shadowscale.jobs.cli;

import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.shadowscale.jobs.ab.AbReport;
import io.shadowscale.jobs.iceberg.IcebergTables;
import io.shadowscale.jobs.iceberg.QueryException;
import io.shadowscale.jobs.iceberg.TableReader;
import io.shadowscale.jobs.plot.ScatterPlot;
import io.shadowscale.schema.StrategyOutcome;
import io.shadowscale.udf.logic.ab.PairedBootstrap;
import io.shadowscale.udf.logic.ab.StrategyCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code shadowscale ab report}: the A/B test of scaling strategies, from {@code strategy_outcomes}. */
@Command(name = "ab", mixinStandardHelpOptions = true, subcommands = AbCommand.Report.class,
        description = "A/B testing of scaling strategies (flink-conf/strategies.properties).")
final class AbCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        new picocli.CommandLine(this).usage(System.out);
        return 0;
    }

    @Command(name = "report", mixinStandardHelpOptions = true,
            description = {"Per strategy: cost, under-provisioned minutes and actions over the workloads in strategy_outcomes, and the",
                    "difference to the default strategy on the same workloads with a 95% paired-bootstrap interval; names a winner",
                    "only when an interval excludes zero."})
    static final class Report implements Callable<Integer> {

        @Option(names = "--warehouse", paramLabel = "DIR", description = "Iceberg warehouse (default: .shadowscale/warehouse of the project).")
        Path warehouse;

        @Option(names = "--since", paramLabel = "TIME", description = "Only hours starting at or after TIME (ISO instant).")
        String since;

        @Option(names = "--strategies", paramLabel = "FILE", description = "Strategy catalogue naming the default (ab.default); default: the bundled one.")
        Path strategies;

        @Option(names = "--json", description = "Print one JSON object.")
        boolean json;

        @Option(names = "--plot", paramLabel = "FILE.png", description = "Draw cost against under-provisioned minutes per strategy.")
        Path plot;

        @Override
        public Integer call() throws Exception {
            Path dir = warehouse != null ? warehouse : Main.defaultWarehouse();
            if (!Files.isDirectory(dir)) {
                throw new CliException("no warehouse at " + dir + " (run `shadowscale demo` first, or pass --warehouse DIR)");
            }
            Expression filter = Expressions.alwaysTrue();
            if (since != null) {
                try {
                    filter = Expressions.greaterThanOrEqual("hour_start", Instant.parse(since).toEpochMilli() * 1000);
                } catch (DateTimeParseException e) {
                    throw new CliException("--since '" + since + "' is not an ISO instant, e.g. 2026-11-27T00:00:00Z");
                }
            }
            String def;
            try {
                def = (strategies != null ? StrategyCatalog.load(strategies) : StrategyCatalog.bundled()).defaultStrategy();
            } catch (IllegalArgumentException e) {
                throw new CliException(e.getMessage(), e);
            }
            List<StrategyOutcome> outcomes;
            try {
                outcomes = TableReader.read(IcebergTables.catalogLoader(dir.toString()), IcebergTables.STRATEGY_OUTCOMES, filter);
            } catch (QueryException e) {
                throw new CliException(e.getMessage(), e);
            }
            if (outcomes.isEmpty()) {
                throw new CliException("strategy_outcomes has no rows" + (since != null ? " since " + since : "") + " (run the job or the demo first)");
            }
            AbReport.Result r;
            try {
                r = AbReport.of(outcomes, def);
            } catch (IllegalArgumentException e) {
                throw new CliException(e.getMessage(), e);
            }
            if (plot != null) {
                ScatterPlot p = new ScatterPlot("Strategies: cost against under-provisioning (" + r.rows().get(0).workloads() + " workloads)",
                        "cost ($)", "under-provisioned minutes");
                Color[] colors = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd), new Color(0xff7f0e)};
                int i = 0;
                for (AbReport.Row row : r.rows()) {
                    p.point(row.strategy() + (row.strategy().equals(def) ? " (default)" : ""), row.cost(), row.underprovisionedMinutes(), colors[i++ % colors.length]);
                }
                p.write(plot, 900, 600);
            }
            if (json) {
                System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(AbReport.json(r)));
                return 0;
            }
            System.out.printf(Locale.ROOT, "A/B report over %d workloads (differences to the default strategy, %s, with %.0f%% paired-bootstrap intervals; * = excludes zero)%n",
                    r.rows().get(0).workloads(), def, AbReport.LEVEL * 100);
            System.out.println("  strategy         live   hours      cost $   under min  actions   cost diff $ [interval]          under-prov diff min [interval]");
            for (AbReport.Row row : r.rows()) {
                System.out.printf(Locale.ROOT, "  %-15s %5d %7.1f %11.2f %11.1f %8d   %s   %s%n", row.strategy(), row.liveWorkloads(), row.hours(), row.cost(),
                        row.underprovisionedMinutes(), row.actions(), diff(row.costDifference(), "%+.2f"), diff(row.underprovisionedDifference(), "%+.1f"));
            }
            System.out.println(r.recommendation());
            if (plot != null) {
                System.out.println("Plot: " + plot);
            }
            return 0;
        }

        private static String diff(PairedBootstrap.Interval i, String fmt) {
            if (i == null) {
                return String.format(Locale.ROOT, "%-30s", "(default)");
            }
            return String.format(Locale.ROOT, "%-30s", String.format(Locale.ROOT, fmt + " [" + fmt + ", " + fmt + "]%s", i.difference(), i.low(), i.high(),
                    i.excludesZero() ? " *" : ""));
        }
    }
}
