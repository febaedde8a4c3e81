package io.shadowscale.udf.logic.scaling;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.shadowscale.schema.ForecastDriver;
import io.shadowscale.udf.logic.ScalingFormat;

/**
 * Words for the factors behind a command: the forecast's drivers (measured by the forecaster with
 * counterfactual re-scoring) as "campaign spring-sale: +31% CPU at 14:05Z", and signed costs.
 */
public final class Explanations {
    private static final DateTimeFormatter HOUR_MINUTE = DateTimeFormatter.ofPattern("HH:mm'Z'").withZone(ZoneOffset.UTC);

    private Explanations() {}

    /**
     * Up to {@code max} drivers, those of {@code resource} first (the one that drove the decision),
     * then the others in the forecaster's order (largest first); drivers with no effect are left out.
     */
    public static List<ForecastDriver> top(List<ForecastDriver> drivers, String resource, int max) {
        List<ForecastDriver> out = new ArrayList<>();
        if (drivers == null) return out;
        for (int pass = 0; pass < 2 && out.size() < max; pass++) {
            for (ForecastDriver d : drivers) {
                if (out.size() >= max) break;
                boolean match = d.getResource().equalsIgnoreCase(resource);
                if ((pass == 0) == match && !out.contains(d) && d.getRelativeEffect() != 0) out.add(d);
            }
        }
        return out;
    }

    /** "campaign spring-sale: +31% CPU at 14:05Z". */
    public static String driver(ForecastDriver d) {
        return d.getName() + ": " + (d.getRelativeEffect() >= 0 ? "+" : "−") + ScalingFormat.fixed(Math.abs(d.getRelativeEffect()) * 100, 0)
                + "% " + resourceLabel(d.getResource()) + " at " + HOUR_MINUTE.format(Instant.ofEpochMilli(d.getPeakAt().toEpochMilli()));
    }

    /** Drivers joined with "; ", or "" when there are none. */
    public static String drivers(List<ForecastDriver> top) {
        List<String> parts = new ArrayList<>();
        for (ForecastDriver d : top) parts.add(driver(d));
        return String.join("; ", parts);
    }

    /** Adds {@code driver:<name>:<resource>} → relative effect for each driver. */
    public static void driverFactors(List<ForecastDriver> top, Map<String, Double> factors) {
        for (ForecastDriver d : top) {
            factors.put("driver:" + d.getName() + ":" + d.getResource(), d.getRelativeEffect());
        }
    }

    public static String resourceLabel(String resource) {
        switch (resource.toLowerCase(Locale.ROOT)) {
            case "cpu": return "CPU";
            case "network_in": return "network in";
            case "network_out": return "network out";
            default: return resource.toLowerCase(Locale.ROOT);
        }
    }

    /** "+$0.12/h", "−$0.05/h", "±$0.00/h". */
    public static String costDelta(double perHour) {
        if (Math.abs(perHour) < 0.005) return "±$0.00/h";
        return (perHour > 0 ? "+" : "−") + "$" + ScalingFormat.fixed(Math.abs(perHour), 2) + "/h";
    }

    public static String money(double perHour) {
        return "$" + ScalingFormat.fixed(perHour, 3) + "/h";
    }
}
