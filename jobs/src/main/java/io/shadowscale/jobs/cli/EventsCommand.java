package io.shadowscale.jobs.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import io.shadowscale.jobs.events.EventFiles;
import io.shadowscale.jobs.events.EventPublisher;
import io.shadowscale.jobs.events.EventScope;
import io.shadowscale.jobs.events.HolidayImporter;
import io.shadowscale.jobs.events.IcsImporter;
import io.shadowscale.jobs.events.ImportException;
import io.shadowscale.jobs.events.TrendCsvImporter;
import io.shadowscale.schema.ExternalEvent;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code shadowscale events}: importers of external events. Each reads and checks everything
 * first and then publishes the lot in one Kafka transaction ({@code --bootstrap}) and/or writes
 * JSON lines ({@code --out FILE}, replayable with {@code demo --events FILE}); a bad file fails
 * with one line naming the file and line, and nothing of it is published or written.
 */
@Command(name = "events", mixinStandardHelpOptions = true,
        description = "Import external events (marketing calendars, trend volumes, public holidays) for the job.",
        subcommands = {EventsCommand.Import.class, EventsCommand.Holidays.class})
final class EventsCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 0;
    }

    /** Where imported events go. */
    static final class Target {
        @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Publish to Kafka at this bootstrap address.")
        String bootstrap;

        @Option(names = "--topic", defaultValue = "external-events", description = "Topic to publish to (default: ${DEFAULT-VALUE}).")
        String topic;

        @Option(names = "--out", paramLabel = "FILE", description = "Write Avro JSON lines to FILE (replay with demo --events FILE).")
        Path out;

        void check() {
            if (bootstrap == null && out == null) {
                throw new CliException("say where the events go: --out FILE and/or --bootstrap HOST:PORT");
            }
        }

        String deliver(List<ExternalEvent> events) throws IOException {
            List<String> done = new ArrayList<>();
            if (out != null) {
                EventFiles.write(out, events);
                done.add("wrote " + events.size() + " events to " + out);
            }
            if (bootstrap != null) {
                EventPublisher.publish(bootstrap, topic, events);
                done.add("published " + events.size() + " events to topic '" + topic + "' at " + bootstrap);
            }
            return String.join("; ", done);
        }
    }

    /** Scope options for events whose file does not set them. */
    static final class Scope {
        @Option(names = "--tenants", split = ",", paramLabel = "ID", description = "Target tenants (comma-separated) for events that name none.")
        List<String> tenants = new ArrayList<>();

        @Option(names = "--tags", split = ",", paramLabel = "TAG", description = "Target behavioural tags for events that name none.")
        List<String> tags = new ArrayList<>();

        @Option(names = "--uplift", description = "Expected load multiplier of campaigns that give none, e.g. 2.5.")
        Double uplift;

        EventScope toScope(String country, String region) {
            if (uplift != null && !(uplift > 0)) {
                throw new CliException("--uplift must be a positive multiplier, got " + uplift);
            }
            return new EventScope(List.copyOf(tenants), List.copyOf(tags), country, region, uplift);
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Import FILE.ics (iCalendar marketing calendar) or FILE.csv (trend volumes: timestamp,keyword,count).")
    static final class Import implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FILE", description = "A .ics or .csv file.")
        Path file;

        @CommandLine.Mixin
        Target target = new Target();

        @CommandLine.Mixin
        Scope scope = new Scope();

        @Option(names = "--country", description = "Country (ISO code) for calendar events that name none.")
        String country;

        @Option(names = "--region", description = "Region (cloud region or holiday subdivision) for events that name none.")
        String region;

        @Option(names = "--zone", defaultValue = "UTC", description = "Time zone of all-day dates and floating times in .ics files (default: ${DEFAULT-VALUE}).")
        String zone;

        @Override
        public Integer call() throws Exception {
            target.check();
            if (!Files.isRegularFile(file)) {
                throw new CliException("no such file: " + file);
            }
            ZoneId z;
            try {
                z = ZoneId.of(zone);
            } catch (RuntimeException e) {
                throw new CliException("unknown --zone '" + zone + "'");
            }
            EventScope s = scope.toScope(country == null ? null : country.toUpperCase(Locale.ROOT), region);
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            List<ExternalEvent> events;
            try {
                if (name.endsWith(".ics") || name.endsWith(".ical") || name.endsWith(".ifb")) {
                    events = new IcsImporter(z, s, Clock.systemUTC()).read(file);
                } else if (name.endsWith(".csv")) {
                    events = new TrendCsvImporter(s).read(file);
                } else {
                    throw new CliException("cannot tell what " + file.getFileName() + " holds: expected a .ics (iCalendar) or .csv (trend volumes) file");
                }
            } catch (ImportException e) {
                throw new CliException(e.getMessage() + "; nothing was published");
            }
            System.out.println(target.deliver(events));
            return 0;
        }
    }

    @Command(name = "holidays", mixinStandardHelpOptions = true,
            description = "Public holidays of a country (and optionally a region) for a year, from the Jollyday calendars.")
    static final class Holidays implements Callable<Integer> {
        @Option(names = "--country", required = true, description = "ISO 3166-1 country code, e.g. US.")
        String country;

        @Option(names = "--year", required = true, description = "Year, e.g. 2026.")
        int year;

        @Option(names = "--region", description = "Subdivision as the calendar names it, e.g. ny for New York.")
        String region;

        @CommandLine.Mixin
        Target target = new Target();

        @CommandLine.Mixin
        Scope scope = new Scope();

        @Override
        public Integer call() throws Exception {
            target.check();
            if (year < 1900 || year > 2200) {
                throw new CliException("--year must be between 1900 and 2200, got " + year);
            }
            List<ExternalEvent> events = HolidayImporter.holidays(country, year, region, scope.toScope(null, null));
            System.out.println(target.deliver(events));
            return 0;
        }
    }
}
