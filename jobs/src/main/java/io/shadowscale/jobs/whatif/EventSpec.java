package io.shadowscale.jobs.whatif;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

import io.shadowscale.schema.ExternalEvent;
import io.shadowscale.schema.ExternalEventKind;
import io.shadowscale.udf.logic.events.CovariateBuilder;

/**
 * A hypothetical event on the what-if command line:
 * {@code campaign:NAME[,start=TIME][,end=TIME][,uplift=X]}. TIME is an ISO-8601 instant
 * ({@code 2026-11-27T14:00:00Z}) or an offset from the forecast origin ({@code +30m}, {@code +2h});
 * start and end default to the coming hour; uplift to {@value CovariateBuilder#DEFAULT_UPLIFT}.
 */
public final class EventSpec {

    private EventSpec() {}

    /** @throws IllegalArgumentException saying what part is wrong and what is expected */
    public static ExternalEvent parse(String spec, String tenantId, long originMs) {
        String s = spec.strip();
        int colon = s.indexOf(':');
        if (colon <= 0) {
            throw bad(spec, "expected KIND:NAME first");
        }
        String kind = s.substring(0, colon).toLowerCase(Locale.ROOT);
        if (!kind.equals("campaign")) {
            throw bad(spec, "only campaign events move a forecast in what-if (got '" + kind + "')");
        }
        String[] parts = s.substring(colon + 1).split(",");
        String name = parts[0].strip();
        if (name.isEmpty() || name.contains("=")) {
            throw bad(spec, "the campaign needs a name: campaign:NAME,...");
        }
        long start = originMs, end = originMs + Duration.ofHours(1).toMillis();
        double uplift = CovariateBuilder.DEFAULT_UPLIFT;
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].strip();
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw bad(spec, "'" + p + "' should be key=value (start, end or uplift)");
            }
            String key = p.substring(0, eq).strip(), value = p.substring(eq + 1).strip();
            switch (key) {
                case "start" -> start = time(spec, value, originMs);
                case "end" -> end = time(spec, value, originMs);
                case "uplift" -> {
                    try {
                        uplift = Double.parseDouble(value);
                    } catch (NumberFormatException e) {
                        throw bad(spec, "uplift '" + value + "' is not a number (e.g. uplift=2.5 for 2.5× normal load)");
                    }
                    if (!(uplift > 0) || uplift > 100) {
                        throw bad(spec, "uplift must be a multiplier between 0 and 100, got " + value);
                    }
                }
                default -> throw bad(spec, "unknown key '" + key + "' (start, end or uplift)");
            }
        }
        if (end <= start) {
            throw bad(spec, "end must be after start");
        }
        return ExternalEvent.newBuilder()
                .setEventId("whatif:" + name)
                .setKind(ExternalEventKind.CAMPAIGN)
                .setName(name)
                .setStartTime(Instant.ofEpochMilli(start))
                .setEndTime(Instant.ofEpochMilli(end))
                .setExpectedUplift(uplift)
                .setTenants(List.of(tenantId))
                .setSource("what-if")
                .build();
    }

    private static long time(String spec, String value, long originMs) {
        if (value.startsWith("+")) {
            String v = value.substring(1).toLowerCase(Locale.ROOT);
            try {
                if (v.endsWith("m")) {
                    return originMs + Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1))).toMillis();
                }
                if (v.endsWith("h")) {
                    return originMs + Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1))).toMillis();
                }
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
            throw bad(spec, "offset '" + value + "' should look like +30m or +2h");
        }
        try {
            return Instant.parse(value).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw bad(spec, "time '" + value + "' is neither an ISO instant (2026-11-27T14:00:00Z) nor an offset (+30m)");
        }
    }

    private static IllegalArgumentException bad(String spec, String why) {
        return new IllegalArgumentException("--event '" + spec + "': " + why);
    }
}
