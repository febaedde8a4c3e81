package io.shadowscale.udf.logic.events;

import java.time.Instant;
import java.util.List;

import io.shadowscale.schema.ExternalEvent;
import io.shadowscale.schema.ExternalEventKind;
import io.shadowscale.schema.TrendPoint;

/** Builders of external events for tests. */
public final class Events {
    private Events() {}

    public static ExternalEvent.Builder campaign(String id, String start, String end, Double uplift, String... tenants) {
        return ExternalEvent.newBuilder().setEventId(id).setKind(ExternalEventKind.CAMPAIGN).setName("Campaign " + id)
                .setStartTime(Instant.parse(start)).setEndTime(Instant.parse(end)).setExpectedUplift(uplift)
                .setTenants(List.of(tenants));
    }

    public static ExternalEvent.Builder holiday(String id, String date, String country) {
        Instant d = Instant.parse(date + "T00:00:00Z");
        return ExternalEvent.newBuilder().setEventId(id).setKind(ExternalEventKind.HOLIDAY).setName("Holiday " + id)
                .setStartTime(d).setEndTime(d.plusSeconds(86_400)).setCountry(country);
    }

    public static ExternalEvent.Builder trend(String keyword, long... timeAndCount) {
        List<TrendPoint> points = new java.util.ArrayList<>();
        for (int i = 0; i < timeAndCount.length; i += 2) {
            points.add(new TrendPoint(Instant.ofEpochMilli(timeAndCount[i]), timeAndCount[i + 1]));
        }
        return ExternalEvent.newBuilder().setEventId("trend:" + keyword).setKind(ExternalEventKind.TREND).setName("Trend " + keyword)
                .setStartTime(points.get(0).getTime()).setEndTime(points.get(points.size() - 1).getTime().plusSeconds(3600))
                .setKeyword(keyword).setTrendPoints(points);
    }
}
