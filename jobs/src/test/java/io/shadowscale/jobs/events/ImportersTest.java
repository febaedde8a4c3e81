package io.shadowscale.jobs.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.shadowscale.schema.ExternalEvent;
import io.shadowscale.schema.ExternalEventKind;

/** The importers on valid and broken files. */
class ImportersTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-20T00:00:00Z"), ZoneOffset.UTC);

    static final String CALENDAR = String.join("\r\n",
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Marketing//Campaigns//EN",
            "BEGIN:VTIMEZONE",
            "TZID:Europe/Dublin",
            "BEGIN:STANDARD",
            "DTSTART:19701025T020000",
            "TZOFFSETFROM:+0100",
            "TZOFFSETTO:+0000",
            "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
            "END:STANDARD",
            "END:VTIMEZONE",
            "BEGIN:VEVENT",
            "UID:black-friday-2026@acme",
            "SEQUENCE:2",
            "DTSTAMP:20261101T120000Z",
            "DTSTART;TZID=Europe/Dublin:20261127T180000",
            "DTEND;TZID=Europe/Dublin:20261127T220000",
            "SUMMARY:Black Friday flash sale",
            "DESCRIPTION:uplift: 2.5\\ntenants: acme-retail",
            "END:VEVENT",
            "BEGIN:VEVENT",
            "UID:launch@acme",
            "DTSTAMP:20261101T120000Z",
            "DTSTART:20261201T130000Z",
            "DURATION:PT3H",
            "SUMMARY:Winter launch",
            "X-SHADOWSCALE-TAGS:interactive",
            "STATUS:CANCELLED",
            "END:VEVENT",
            "END:VCALENDAR", "");

    @Test
    void anExportedMarketingCalendarBecomesCampaigns() throws Exception {
        List<ExternalEvent> events = new IcsImporter(ZoneOffset.UTC, EventScope.NONE, CLOCK).parse("campaigns.ics", CALENDAR);
        assertThat(events).hasSize(2);
        ExternalEvent bf = events.get(0);
        assertThat(bf.getEventId()).isEqualTo("black-friday-2026@acme");
        assertThat(bf.getRevision()).isEqualTo(3);
        assertThat(bf.getKind()).isEqualTo(ExternalEventKind.CAMPAIGN);
        assertThat(bf.getName()).isEqualTo("Black Friday flash sale");
        assertThat(bf.getStartTime()).isEqualTo(Instant.parse("2026-11-27T18:00:00Z")); // Dublin is on UTC in winter
        assertThat(bf.getEndTime()).isEqualTo(Instant.parse("2026-11-27T22:00:00Z"));
        assertThat(bf.getExpectedUplift()).isEqualTo(2.5);
        assertThat(bf.getTenants()).containsExactly("acme-retail");
        assertThat(bf.getCancelled()).isFalse();
        ExternalEvent launch = events.get(1);
        assertThat(launch.getEndTime()).isEqualTo(Instant.parse("2026-12-01T16:00:00Z"));
        assertThat(launch.getTags()).containsExactly("interactive");
        assertThat(launch.getCancelled()).isTrue();
    }

    @Test
    void commandLineScopeFillsWhatTheCalendarLeavesOpen() throws Exception {
        EventScope scope = new EventScope(List.of("globex-bank"), List.of(), null, null, 1.3);
        List<ExternalEvent> events = new IcsImporter(ZoneOffset.UTC, scope, CLOCK).parse("campaigns.ics", CALENDAR);
        assertThat(events.get(0).getTenants()).containsExactly("acme-retail"); // the calendar's own
        assertThat(events.get(0).getExpectedUplift()).isEqualTo(2.5);
        assertThat(events.get(1).getTenants()).containsExactly("globex-bank");
        assertThat(events.get(1).getExpectedUplift()).isEqualTo(1.3);
    }

    @Test
    void aSyntaxErrorFailsWithItsLineNumber() {
        String broken = CALENDAR.replace("DTSTART:20261201T130000Z", "DTSTART:next tuesday"); // line 25
        assertThatThrownBy(() -> new IcsImporter(ZoneOffset.UTC, EventScope.NONE, CLOCK).parse("broken.ics", broken))
                .isInstanceOf(ImportException.class)
                .hasMessageStartingWith("broken.ics line 25: ")
                .extracting(e -> ((ImportException) e).line()).isEqualTo(25);
        String badZonedDate = CALENDAR.replace("20261127T220000", "2026112T220000"); // line 18, a TZID date
        assertThatThrownBy(() -> new IcsImporter(ZoneOffset.UTC, EventScope.NONE, CLOCK).parse("broken.ics", badZonedDate))
                .hasMessageStartingWith("broken.ics line 18: ");
        // an event left open: iCalendar allows nested components, so the parser notices at END:VCALENDAR (line 30)
        String unclosed = CALENDAR.replace("END:VEVENT\r\nBEGIN:VEVENT", "BEGIN:VEVENT");
        assertThatThrownBy(() -> new IcsImporter(ZoneOffset.UTC, EventScope.NONE, CLOCK).parse("broken.ics", unclosed))
                .hasMessage("broken.ics line 30: Expected [VEVENT], read [VCALENDAR]");
    }

    @Test
    void aMissingEndOrUpliftThatIsNoNumberFailsAtItsEvent() {
        String noEnd = CALENDAR.replace("DURATION:PT3H\r\n", "");
        assertThatThrownBy(() -> new IcsImporter(ZoneOffset.UTC, EventScope.NONE, CLOCK).parse("c.ics", noEnd))
                .hasMessage("c.ics line 22: VEVENT 'launch@acme': has neither DTEND nor DURATION (a campaign needs an end)");
        String badUplift = CALENDAR.replace("uplift: 2.5", "uplift: lots");
        assertThatThrownBy(() -> new IcsImporter(ZoneOffset.UTC, EventScope.NONE, CLOCK).parse("c.ics", badUplift))
                .hasMessageStartingWith("c.ics line 13: VEVENT 'black-friday-2026@acme': uplift 'lots' is not a number");
    }

    @Test
    void recurringCampaignsBecomeOneEventPerOccurrence() throws Exception {
        String weekly = CALENDAR.replace("SUMMARY:Winter launch", "SUMMARY:Winter launch\r\nRRULE:FREQ=WEEKLY;COUNT=4")
                .replace("STATUS:CANCELLED\r\n", "");
        List<ExternalEvent> events = new IcsImporter(ZoneOffset.UTC, EventScope.NONE, CLOCK).parse("c.ics", weekly);
        assertThat(events).extracting(e -> e.getEventId()).containsExactly("black-friday-2026@acme",
                "launch@acme@2026-12-01T13:00:00Z", "launch@acme@2026-12-08T13:00:00Z",
                "launch@acme@2026-12-15T13:00:00Z", "launch@acme@2026-12-22T13:00:00Z");
    }

    @Test
    void trendCsvBecomesOneTrendPerKeyword() throws Exception {
        List<ExternalEvent> events = new TrendCsvImporter(EventScope.NONE).parse("trends.csv", List.of(
                "timestamp,keyword,count",
                "2026-11-20T10:00:00Z,Black Friday,120",
                "2026-11-20T11:00:00Z,Black Friday,340",
                "2026-11-20T10:00:00Z,\"snow, storm\",5",
                "1763636400,\"snow, storm\",7"));
        assertThat(events).hasSize(2);
        ExternalEvent bf = events.get(0);
        assertThat(bf.getEventId()).isEqualTo("trend:black friday");
        assertThat(bf.getKeyword()).isEqualTo("black friday");
        assertThat(bf.getTrendPoints()).extracting(p -> p.getCount()).containsExactly(120L, 340L);
        assertThat(bf.getEndTime()).isEqualTo(Instant.parse("2026-11-20T12:00:00Z"));
        assertThat(events.get(1).getKeyword()).isEqualTo("snow, storm");
        assertThat(events.get(1).getTrendPoints()).hasSize(2);
    }

    @Test
    void aBrokenTrendLineFailsWithItsNumber() {
        assertThatThrownBy(() -> new TrendCsvImporter(EventScope.NONE).parse("t.csv", List.of(
                "timestamp,keyword,count", "2026-11-20T10:00:00Z,sale,12", "2026-11-20T11:00:00Z,sale,many")))
                .hasMessage("t.csv line 3: count 'many' is not a whole number");
        assertThatThrownBy(() -> new TrendCsvImporter(EventScope.NONE).parse("t.csv", List.of("yesterday,sale,1")))
                .hasMessageStartingWith("t.csv line 1: timestamp 'yesterday' is not ISO-8601");
        assertThatThrownBy(() -> new TrendCsvImporter(EventScope.NONE).parse("t.csv", List.of("2026-11-20,sale")))
                .hasMessage("t.csv line 1: expected 3 fields (timestamp,keyword,count), got 2");
    }

    @Test
    void usFederalHolidaysOf2026IncludeThanksgivingOnNovember26() {
        List<ExternalEvent> us = HolidayImporter.holidays("US", 2026, null, EventScope.NONE);
        assertThat(us).extracting(e -> e.getStartTime().toString().substring(0, 10))
                .contains("2026-01-01", "2026-01-19", "2026-05-25", "2026-06-19", "2026-07-03", "2026-09-07",
                        "2026-11-11", "2026-11-26", "2026-12-25");
        ExternalEvent thanksgiving = us.stream().filter(e -> e.getStartTime().equals(Instant.parse("2026-11-26T00:00:00Z"))).findFirst().orElseThrow();
        assertThat(thanksgiving.getKind()).isEqualTo(ExternalEventKind.HOLIDAY);
        assertThat(thanksgiving.getName()).containsIgnoringCase("thanksgiving");
        assertThat(thanksgiving.getEndTime()).isEqualTo(Instant.parse("2026-11-27T00:00:00Z"));
        assertThat(thanksgiving.getCountry()).isEqualTo("US");
        assertThat(thanksgiving.getEventId()).isEqualTo("holiday:us:2026-11-26");
    }

    @Test
    void unknownCountriesAndRegionsAreNamed() {
        assertThatThrownBy(() -> HolidayImporter.holidays("XX", 2026, null, EventScope.NONE)).hasMessageContaining("no holiday calendar for country 'XX'");
        assertThatThrownBy(() -> HolidayImporter.holidays("US", 2026, "zz", EventScope.NONE)).hasMessageContaining("no region 'zz'");
        assertThat(HolidayImporter.holidays("US", 2026, "ny", EventScope.NONE)).allSatisfy(e -> assertThat(e.getRegion()).isEqualTo("ny"));
    }

    @Test
    void jsonLinesRoundTrip(@TempDir Path dir) throws Exception {
        List<ExternalEvent> events = HolidayImporter.holidays("DE", 2026, null, EventScope.NONE);
        Path file = dir.resolve("h.jsonl");
        EventFiles.write(file, events);
        assertThat(Files.readAllLines(file)).hasSize(events.size());
        assertThat(EventFiles.read(file)).isEqualTo(events);
    }
}
