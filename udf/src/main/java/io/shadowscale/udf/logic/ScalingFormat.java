package io.shadowscale.udf.logic;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Number formats used in explanations, so every reason reads the same. */
public final class ScalingFormat {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("MM-dd HH:mm'Z'").withZone(ZoneOffset.UTC);

    private ScalingFormat() {}

    public static String cores(double c) {
        return String.format(Locale.ROOT, "%.2f cores", c);
    }

    public static String bytes(double b) {
        if (b >= 1L << 40) return String.format(Locale.ROOT, "%.1f TiB", b / (1L << 40));
        if (b >= 1L << 30) return String.format(Locale.ROOT, "%.1f GiB", b / (1L << 30));
        if (b >= 1L << 20) return String.format(Locale.ROOT, "%.0f MiB", b / (1L << 20));
        return String.format(Locale.ROOT, "%.0f B", b);
    }

    public static String time(long epochMs) {
        return TIME.format(Instant.ofEpochMilli(epochMs));
    }

    public static String pct(double share) {
        return String.format(Locale.ROOT, "%.0f%%", share * 100);
    }
}
