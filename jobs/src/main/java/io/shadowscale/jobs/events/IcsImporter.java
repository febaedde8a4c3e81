package io.shadowscale.jobs.events;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import net.fortuna.ical4j.data.CalendarBuilder;
import net.fortuna.ical4j.data.ParserException;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.Component;
import net.fortuna.ical4j.model.Period;
import net.fortuna.ical4j.model.Property;
import net.fortuna.ical4j.model.component.VEvent;
import net.fortuna.ical4j.model.property.DateProperty;

import io.shadowscale.schema.ExternalEvent;
import io.shadowscale.schema.ExternalEventKind;

/**
 * Marketing calendars in iCalendar (RFC 5545) — as Google Calendar, Outlook or any calendar tool
 * exports them — to {@link ExternalEvent}s of kind {@code CAMPAIGN}, parsed with iCal4j.
 *
 * <p>Per {@code VEVENT}: {@code UID} is the event id (plus the occurrence start for recurring
 * events), {@code SEQUENCE} + 1 the revision (a calendar tool increments SEQUENCE on every edit),
 * {@code SUMMARY} the name, {@code DTSTART}/{@code DTEND} (or {@code DURATION}) the span and
 * {@code STATUS:CANCELLED} a cancellation. Times with a {@code TZID} or in UTC are exact; floating
 * times and all-day dates are read in {@code zone}. The shadowscale scope a calendar tool has no
 * field for comes from properties {@code X-SHADOWSCALE-UPLIFT}, {@code -TENANTS}, {@code -TAGS},
 * {@code -COUNTRY}, {@code -REGION}, {@code -KIND} (CAMPAIGN or HOLIDAY), or from lines
 * {@code uplift: 2.5}, {@code tenants: a, b}, {@code tags: …}, {@code country: …},
 * {@code region: …} in the {@code DESCRIPTION} (what a marketer can type in any tool); what is
 * still unset comes from the command line ({@link EventScope}).
 *
 * <p>Recurring events ({@code RRULE}) become one event per occurrence starting between 31 days
 * before and 366 days after the import (at most {@value #MAX_OCCURRENCES} per event).
 *
 * <p>Any problem fails the whole file with its line number ({@link ImportException}): syntax
 * errors where iCal4j reports them, missing or contradictory properties at the {@code BEGIN:VEVENT}
 * line of the event.
 */
public final class IcsImporter {

    static final int MAX_OCCURRENCES = 500;
    static final String SOURCE_PREFIX = "ics:";

    static {
        // never reach out to tzurl.org for time-zone updates: the bundled definitions and the
        // VTIMEZONEs in the file are what we use (and there may be no network)
        System.setProperty("net.fortuna.ical4j.timezone.update.enabled", "false");
    }

    private final ZoneId zone;
    private final EventScope scope;
    private final Clock clock;

    public IcsImporter(ZoneId zone, EventScope scope, Clock clock) {
        this.zone = zone;
        this.scope = scope;
        this.clock = clock;
    }

    public List<ExternalEvent> read(Path file) throws ImportException, IOException {
        return parse(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8));
    }

    public List<ExternalEvent> parse(String fileName, String text) throws ImportException {
        Calendar calendar;
        try {
            calendar = new CalendarBuilder().build(new StringReader(text));
        } catch (ParserException e) {
            throw new ImportException(fileName, e.getLineNo(), parserMessage(e));
        } catch (java.time.DateTimeException e) {
            // iCal4j lets some value errors (a date with a TZID) out without a line: find the value's line
            throw new ImportException(fileName, lineOf(text, e.getMessage()), "bad date or time: " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            throw new ImportException(fileName, 0, "not an iCalendar file: " + e.getMessage());
        }
        List<Integer> eventLines = beginLines(text);
        List<VEvent> vevents = calendar.getComponents(Component.VEVENT);
        if (vevents.isEmpty()) {
            throw new ImportException(fileName, 0, "no VEVENT in the calendar");
        }
        List<ExternalEvent> out = new ArrayList<>();
        for (int i = 0; i < vevents.size(); i++) {
            int line = i < eventLines.size() ? eventLines.get(i) : 0;
            try {
                out.addAll(convert(vevents.get(i), fileName));
            } catch (java.time.DateTimeException e) {
                // a value iCal4j parses lazily: the line of the value itself when it can be found
                int valueLine = lineOf(text, e.getMessage());
                throw new ImportException(fileName, valueLine > 0 ? valueLine : line,
                        "VEVENT " + uid(vevents.get(i)) + ": bad date or time: " + e.getMessage());
            } catch (IllegalArgumentException | ClassCastException e) {
                throw new ImportException(fileName, line, "VEVENT " + uid(vevents.get(i)) + ": " + e.getMessage());
            }
        }
        return out;
    }

    private List<ExternalEvent> convert(VEvent v, String fileName) {
        String uid = text(v, Property.UID).orElseThrow(() -> new IllegalArgumentException("has no UID"));
        DateProperty<?> dtStart = v.<DateProperty<?>>getProperty(Property.DTSTART)
                .orElseThrow(() -> new IllegalArgumentException("has no DTSTART"));
        Temporal startT = dtStart.getDate();
        boolean allDay = startT instanceof LocalDate;
        Instant start = toInstant(startT);
        Instant end;
        Optional<DateProperty<?>> dtEnd = v.getProperty(Property.DTEND);
        Optional<net.fortuna.ical4j.model.property.Duration> duration = v.getProperty(Property.DURATION);
        if (dtEnd.isPresent()) {
            end = toInstant(dtEnd.get().getDate());
        } else if (duration.isPresent()) {
            end = toInstant(startT.plus(duration.get().getDuration()));
        } else if (allDay) {
            end = start.plus(Duration.ofDays(1)); // RFC 5545: an all-day event without end lasts the day
        } else {
            throw new IllegalArgumentException("has neither DTEND nor DURATION (a campaign needs an end)");
        }
        if (!end.isAfter(start)) {
            throw new IllegalArgumentException("ends (" + end + ") before it starts (" + start + ")");
        }
        int revision = 1;
        Optional<Property> seq = v.getProperty(Property.SEQUENCE);
        if (seq.isPresent()) {
            revision = Integer.parseInt(seq.get().getValue().trim()) + 1;
        }
        boolean cancelled = text(v, Property.STATUS).map(s -> s.equalsIgnoreCase("CANCELLED")).orElse(false);
        String description = text(v, Property.DESCRIPTION).orElse("");

        ExternalEvent.Builder b = ExternalEvent.newBuilder()
                .setEventId(uid)
                .setRevision(revision)
                .setKind(ExternalEventKind.valueOf(field(v, description, "kind").orElse("CAMPAIGN").toUpperCase(Locale.ROOT)))
                .setName(text(v, Property.SUMMARY).orElse(uid))
                .setStartTime(start)
                .setEndTime(end)
                .setCancelled(cancelled)
                .setSource(SOURCE_PREFIX + fileName);
        Optional<String> uplift = field(v, description, "uplift");
        if (uplift.isPresent()) {
            double u;
            try {
                u = Double.parseDouble(uplift.get().replace("x", "").replace("×", "").trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("uplift '" + uplift.get() + "' is not a number (e.g. 2.5 for 2.5× the usual load)");
            }
            if (!(u > 0) || Double.isInfinite(u)) {
                throw new IllegalArgumentException("uplift " + uplift.get() + " must be a positive multiplier");
            }
            b.setExpectedUplift(u);
        }
        field(v, description, "tenants").ifPresent(t -> b.setTenants(list(t)));
        field(v, description, "tags").ifPresent(t -> b.setTags(list(t)));
        field(v, description, "country").ifPresent(c -> b.setCountry(c.toUpperCase(Locale.ROOT)));
        field(v, description, "region").ifPresent(b::setRegion);
        scope.applyTo(b);
        ExternalEvent base = b.build();

        if (v.getProperty(Property.RRULE).isEmpty()) {
            return List.of(base);
        }
        Duration length = Duration.between(start, end);
        Instant now = clock.instant();
        Temporal from = startT instanceof LocalDate ? LocalDate.ofInstant(now.minus(Duration.ofDays(31)), zone)
                : ZonedDateTime.ofInstant(now.minus(Duration.ofDays(31)), zone);
        Temporal to = startT instanceof LocalDate ? LocalDate.ofInstant(now.plus(Duration.ofDays(366)), zone)
                : ZonedDateTime.ofInstant(now.plus(Duration.ofDays(366)), zone);
        @SuppressWarnings({"unchecked", "rawtypes"})
        Set<Period<Temporal>> periods = v.calculateRecurrenceSet(new Period(from, to));
        List<ExternalEvent> occurrences = new ArrayList<>();
        for (Period<Temporal> p : periods.stream()
                .sorted((a, c) -> toInstant(a.getStart()).compareTo(toInstant(c.getStart()))).limit(MAX_OCCURRENCES).toList()) {
            Instant s = toInstant(p.getStart());
            occurrences.add(ExternalEvent.newBuilder(base)
                    .setEventId(uid + "@" + s)
                    .setStartTime(s)
                    .setEndTime(s.plus(length))
                    .build());
        }
        return occurrences;
    }

    private Instant toInstant(Temporal t) {
        if (t instanceof Instant i) return i;
        if (t instanceof ZonedDateTime z) return z.toInstant();
        if (t instanceof OffsetDateTime o) return o.toInstant();
        if (t instanceof LocalDateTime l) return l.atZone(zone).toInstant();
        if (t instanceof LocalDate d) return d.atStartOfDay(zone).toInstant();
        throw new IllegalArgumentException("unsupported date value " + t);
    }

    private static Optional<String> text(Component c, String name) {
        return c.<Property>getProperty(name).map(Property::getValue).map(String::trim).filter(s -> !s.isEmpty());
    }

    /** {@code X-SHADOWSCALE-<KEY>} property, else a "key: value" line of the description. */
    private static Optional<String> field(Component c, String description, String key) {
        Optional<String> x = text(c, "X-SHADOWSCALE-" + key.toUpperCase(Locale.ROOT));
        if (x.isPresent()) {
            return x;
        }
        for (String line : description.split("\\R|\\\\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(key)) {
                String v = line.substring(colon + 1).trim();
                return v.isEmpty() ? Optional.empty() : Optional.of(v);
            }
        }
        return Optional.empty();
    }

    private static List<String> list(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toList());
    }

    private static String uid(VEvent v) {
        return text(v, Property.UID).map(u -> "'" + u + "'").orElse("(no UID)");
    }

    /** Line of the first line containing the value quoted in {@code message} ("Text 'x' could not be parsed"), else 0. */
    static int lineOf(String text, String message) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("'([^']+)'").matcher(message == null ? "" : message);
        if (m.find()) {
            String[] all = text.split("\\r?\\n", -1);
            for (int i = 0; i < all.length; i++) {
                if (all[i].contains(m.group(1))) {
                    return i + 1;
                }
            }
        }
        return 0;
    }

    /** Line numbers of each {@code BEGIN:VEVENT}, in order (they are never folded). */
    static List<Integer> beginLines(String text) {
        List<Integer> lines = new ArrayList<>();
        String[] all = text.split("\\r?\\n", -1);
        for (int i = 0; i < all.length; i++) {
            if (all[i].trim().equalsIgnoreCase("BEGIN:VEVENT")) {
                lines.add(i + 1);
            }
        }
        return lines;
    }

    /** iCal4j's message without its own "Error at line N:" prefix (we put the line first). */
    private static String parserMessage(ParserException e) {
        String m = e.getMessage() == null ? "syntax error" : e.getMessage();
        m = m.replaceFirst("^Error at line \\d+:\\s*", "");
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && !m.contains(cause.getMessage())) {
            m = m + " (" + cause.getMessage() + ")";
        }
        return m;
    }
}
