package io.shadowscale.jobs.events;

import java.time.LocalDate;
import java.time.Year;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import de.focus_shift.jollyday.core.Holiday;
import de.focus_shift.jollyday.core.HolidayManager;
import de.focus_shift.jollyday.core.HolidayType;
import de.focus_shift.jollyday.core.ManagerParameters;

import io.shadowscale.schema.ExternalEvent;
import io.shadowscale.schema.ExternalEventKind;

/**
 * Public holidays of a country (and optionally one of its subdivisions, e.g. a US state) for a
 * year, from the Jollyday library's maintained calendars, as {@code HOLIDAY} events.
 *
 * <p>A holiday is a calendar date, written as midnight UTC of that date to midnight UTC of the
 * next; the covariate builder compares it with each workload's local date. Where a holiday is
 * observed on another day (e.g. July 4 on a Saturday, observed on Friday the 3rd), the observed
 * date is the day off and is the one written. Only public holidays: bank holidays and
 * observances do not close offices. The event id is {@code holiday:<country>[:<region>]:<date>},
 * so importing the same calendar again replaces rather than duplicates.
 */
public final class HolidayImporter {

    static final String SOURCE = "jollyday";

    private HolidayImporter() {}

    /**
     * @param country ISO 3166-1 alpha-2 code, e.g. US
     * @param region  a subdivision as the calendar names it (e.g. "ny"), or null for the country's own holidays
     * @throws IllegalArgumentException for an unknown country or region, naming the known ones
     */
    public static List<ExternalEvent> holidays(String country, int year, String region, EventScope scope) {
        Set<String> supported = HolidayManager.getSupportedCalendarCodes();
        String code = supported.stream().filter(c -> c.equalsIgnoreCase(country.trim())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no holiday calendar for country '" + country + "'; known: "
                        + String.join(", ", new TreeSet<>(supported))));
        String cc = code.toLowerCase(Locale.ROOT);
        HolidayManager manager = HolidayManager.getInstance(ManagerParameters.create(code));
        String[] args = region == null || region.isBlank() ? new String[0] : new String[] {region.trim().toLowerCase(Locale.ROOT)};
        if (args.length == 1 && !manager.getCalendarHierarchy().getChildren().containsKey(args[0])) {
            throw new IllegalArgumentException("no region '" + region + "' in the holiday calendar of " + cc.toUpperCase(Locale.ROOT)
                    + "; known: " + String.join(", ", new TreeSet<>(manager.getCalendarHierarchy().getChildren().keySet())));
        }
        List<Holiday> found = new ArrayList<>(manager.getHolidays(Year.of(year), HolidayType.PUBLIC_HOLIDAY, args));
        found.sort(Comparator.comparing(Holiday::getDate));
        List<ExternalEvent> out = new ArrayList<>();
        String countryCode = cc.toUpperCase(Locale.ROOT);
        for (Holiday h : found) {
            LocalDate day = h.getObservedDate().orElse(h.getDate());
            String name = h.getDescription(Locale.ENGLISH);
            if (!day.equals(h.getActualDate())) {
                name = name + " (observed)";
            }
            ExternalEvent.Builder b = ExternalEvent.newBuilder()
                    .setEventId("holiday:" + cc + (args.length == 1 ? ":" + args[0] : "") + ":" + day)
                    .setKind(ExternalEventKind.HOLIDAY)
                    .setName(name)
                    .setStartTime(day.atStartOfDay(ZoneOffset.UTC).toInstant())
                    .setEndTime(day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant())
                    .setCountry(countryCode)
                    .setRegion(args.length == 1 ? args[0] : null)
                    .setSource(SOURCE);
            out.add(scope.applyTo(b).build());
        }
        return out;
    }
}
