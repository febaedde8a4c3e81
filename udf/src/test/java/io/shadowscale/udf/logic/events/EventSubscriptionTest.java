package io.shadowscale.udf.logic.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.shadowscale.schema.ExternalEvent;

class EventSubscriptionTest {

    static final EventSubscription.Config CONFIG = EventSubscription.parseConfig(
            "acme:keywords=Black Friday|cyber monday;globex:subdivision=ny");
    static final EventSubscription ACME = EventSubscription.of("acme", "eu-west-1", List.of("interactive"), CONFIG);
    static final EventSubscription GLOBEX = EventSubscription.of("globex", "us-east-1", List.of("high-volume-transactions"), CONFIG);
    static final EventSubscription INITECH = EventSubscription.of("initech", "us-west-2", List.of(), CONFIG);

    @Test
    void countryAndZoneComeFromTheCloudRegion() {
        assertThat(ACME.country).isEqualTo("IE");
        assertThat(GLOBEX.country).isEqualTo("US");
        assertThat(GLOBEX.zone.getId()).isEqualTo("America/New_York");
        assertThat(EventSubscription.of("x", "mars-north-1", List.of(), CONFIG).country).isNull();
    }

    @Test
    void tenantsTagsCountryRegionAndKeywordsScopeAnEvent() {
        ExternalEvent forAcme = Events.campaign("c", "2026-11-27T00:00:00Z", "2026-11-28T00:00:00Z", 2.0, "acme").build();
        assertThat(ACME.matches(forAcme)).isTrue();
        assertThat(GLOBEX.matches(forAcme)).isFalse();

        ExternalEvent forTag = Events.campaign("t", "2026-11-27T00:00:00Z", "2026-11-28T00:00:00Z", 2.0).setTags(List.of("interactive")).build();
        assertThat(ACME.matches(forTag)).isTrue();
        assertThat(GLOBEX.matches(forTag)).isFalse();

        ExternalEvent usHoliday = Events.holiday("h", "2026-11-26", "US").build();
        assertThat(GLOBEX.matches(usHoliday)).isTrue();
        assertThat(INITECH.matches(usHoliday)).isTrue();
        assertThat(ACME.matches(usHoliday)).isFalse();

        ExternalEvent nyHoliday = Events.holiday("ny", "2026-02-12", "US").setRegion("ny").build();
        assertThat(GLOBEX.matches(nyHoliday)).as("subscribed subdivision").isTrue();
        assertThat(INITECH.matches(nyHoliday)).isFalse();

        ExternalEvent regional = Events.campaign("r", "2026-11-27T00:00:00Z", "2026-11-28T00:00:00Z", 2.0).setRegion("us-west-2").build();
        assertThat(INITECH.matches(regional)).isTrue();
        assertThat(GLOBEX.matches(regional)).isFalse();

        ExternalEvent everyone = Events.campaign("all", "2026-11-27T00:00:00Z", "2026-11-28T00:00:00Z", 1.2).build();
        assertThat(List.of(ACME, GLOBEX, INITECH)).allMatch(s -> s.matches(everyone));

        ExternalEvent trend = Events.trend("black friday", 0, 1).build();
        assertThat(ACME.matches(trend)).as("keywords are case-insensitive").isTrue();
        assertThat(GLOBEX.matches(trend)).as("trends need a keyword subscription").isFalse();

        assertThat(ACME.matches(ExternalEvent.newBuilder(forAcme).setCancelled(true).build())).isFalse();
    }

    @Test
    void badConfigurationNamesThePart() {
        assertThatThrownBy(() -> EventSubscription.parseConfig("acme:colour=red")).hasMessageContaining("unknown key 'colour'");
        assertThatThrownBy(() -> EventSubscription.parseConfig("acme")).hasMessageContaining("tenant:key=value");
        assertThatThrownBy(() -> EventSubscription.parseConfig("acme:zone=Mars/Olympus")).hasMessageContaining("Mars/Olympus");
    }

    @Test
    void eventCalendarKeepsTheHighestRevisionAndDropsEndedEvents() {
        ExternalEvent r2 = Events.campaign("c", "2026-11-27T00:00:00Z", "2026-11-28T00:00:00Z", 2.0).setRevision(2).build();
        ExternalEvent r1 = ExternalEvent.newBuilder(r2).setRevision(1).build();
        long day = 86_400_000L;
        assertThat(EventCalendar.decide(null, r1, Long.MIN_VALUE, day)).isEqualTo(EventCalendar.Decision.STORE);
        assertThat(EventCalendar.decide(r2, r1, Long.MIN_VALUE, day)).isEqualTo(EventCalendar.Decision.STALE_REVISION);
        assertThat(EventCalendar.decide(r2, r2, Long.MIN_VALUE, day)).isEqualTo(EventCalendar.Decision.STORE);
        long end = r2.getEndTime().toEpochMilli();
        assertThat(EventCalendar.decide(null, r2, end + day - 1, day)).isEqualTo(EventCalendar.Decision.STORE);
        assertThat(EventCalendar.decide(null, r2, end + day, day)).isEqualTo(EventCalendar.Decision.LATE);
        assertThat(EventCalendar.expired(r2, end + day, day)).isTrue();
    }
}
