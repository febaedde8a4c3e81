package io.shadowscale.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.shadowscale.jobs.embedded.EmbeddedKafka;
import io.shadowscale.jobs.events.EventFiles;
import io.shadowscale.jobs.kafka.TopicAdmin;
import io.shadowscale.schema.ExternalEvent;

/** {@code shadowscale events}: what a user types and sees. */
class EventsCommandTest {

    static final String GOOD = String.join("\r\n", "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//t//t//EN",
            "BEGIN:VEVENT", "UID:sale@acme", "DTSTAMP:20261101T120000Z", "DTSTART:20261127T180000Z", "DTEND:20261127T220000Z",
            "SUMMARY:Flash sale", "END:VEVENT", "END:VCALENDAR", "");
    static final String BROKEN = GOOD.replace("DTEND:20261127T220000Z", "DTEND:tomorrow evening"); // line 8

    @Test
    void holidaysOfTheUsFor2026AreWrittenAsJsonLines(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("h.jsonl");
        MainTest.Run r = MainTest.run("events", "holidays", "--country", "US", "--year", "2026", "--out", out.toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("wrote ").contains(" events to " + out);
        List<ExternalEvent> events = EventFiles.read(out);
        assertThat(events).anySatisfy(e -> {
            assertThat(e.getStartTime().toString()).isEqualTo("2026-11-26T00:00:00Z");
            assertThat(e.getName()).containsIgnoringCase("thanksgiving");
        });
    }

    @Test
    void aBrokenCalendarFailsWithItsLineAndWritesNothing(@TempDir Path dir) throws Exception {
        Path ics = dir.resolve("campaigns.ics");
        Files.writeString(ics, BROKEN);
        Path out = dir.resolve("c.jsonl");
        MainTest.Run r = MainTest.run("events", "import", ics.toString(), "--out", out.toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("error: campaigns.ics line 8: ").endsWith("; nothing was published")
                .doesNotContain("\tat ");
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(out).doesNotExist();
    }

    @Test
    void aBrokenCalendarPublishesNothingAndAGoodOneIsPublishedWhole(@TempDir Path dir) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"))) {
            String bootstrap = kafka.bootstrapServers();
            TopicAdmin.ensureTopics(bootstrap, Map.of("external-events", 2));
            Path broken = dir.resolve("broken.ics");
            Files.writeString(broken, BROKEN);
            MainTest.Run r = MainTest.run("events", "import", broken.toString(), "--bootstrap", bootstrap);
            assertThat(r.status()).isEqualTo(2);
            assertThat(TopicAdmin.countRecords(bootstrap, "external-events", false)).isZero();

            Path good = dir.resolve("good.ics");
            Files.writeString(good, GOOD);
            r = MainTest.run("events", "import", good.toString(), "--bootstrap", bootstrap, "--tenants", "acme-retail");
            assertThat(r.status()).as(r.err()).isZero();
            assertThat(r.out()).contains("published 1 events to topic 'external-events'");
            // the commit marker is written asynchronously: the last stable offset moves shortly after commit returns
            long committed = 0;
            for (int i = 0; i < 50 && committed == 0; i++) {
                committed = TopicAdmin.countRecords(bootstrap, "external-events", true);
                Thread.sleep(200);
            }
            assertThat(committed).isEqualTo(1);
            assertThat(TopicAdmin.countRecords(bootstrap, "external-events", false)).as("and nothing of the broken file").isEqualTo(1);
        }
    }

    @Test
    void withoutADestinationOrWithAnUnknownKindOfFileItSaysSo(@TempDir Path dir) throws Exception {
        Path ics = dir.resolve("c.ics");
        Files.writeString(ics, GOOD);
        assertThat(MainTest.run("events", "import", ics.toString()).err())
                .startsWith("error: say where the events go: --out FILE and/or --bootstrap HOST:PORT");
        Path txt = dir.resolve("c.txt");
        Files.writeString(txt, GOOD);
        assertThat(MainTest.run("events", "import", txt.toString(), "--out", dir.resolve("o").toString()).err())
                .startsWith("error: cannot tell what c.txt holds");
        assertThat(MainTest.run("events", "holidays", "--country", "XX", "--year", "2026", "--out", dir.resolve("o").toString()).err())
                .startsWith("error: no holiday calendar for country 'XX'");
    }
}
