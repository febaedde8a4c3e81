package io.shadowscale.udf.logic;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Number formats used in explanations, so every reason reads the same. */
public final class ScalingFormat {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("MM-dd HH:mm'Z'").withZone(ZoneOffset.UTC);

    private ScalingFormat() {}

    public static String cores(double c) {
        return fixed(c, 2) + " cores";
    }

    public static String bytes(double b) {
        if (b >= 1L << 40) return fixed(b / (1L << 40), 1) + " TiB";
        if (b >= 1L << 30) return fixed(b / (1L << 30), 1) + " GiB";
        if (b >= 1L << 20) return fixed(b / (1L << 20), 0) + " MiB";
        return fixed(b, 0) + " B";
    }

    /**
     * {@code String.format(Locale.ROOT, "%.<decimals>f", v)}, the same characters without a
     * {@link java.util.Formatter}: parsing the format on every call made the explanations of the
     * scaling commands 4% of the job's CPU in the bench profile. Both round the shortest decimal
     * form of {@code v} (what {@link Double#toString} prints) half up; a negative value that rounds
     * to zero keeps its sign, as the formatter's does. {@code ScalingFormatTest} compares the two.
     */
    public static String fixed(double v, int decimals) {
        if (!Double.isFinite(v)) {
            return String.format(Locale.ROOT, "%." + decimals + "f", v);
        }
        BigDecimal d = new BigDecimal(Double.toString(v)).setScale(decimals, RoundingMode.HALF_UP);
        String s = d.toPlainString();
        return d.signum() == 0 && (v < 0 || Double.doubleToRawLongBits(v) == Long.MIN_VALUE) ? "-" + s : s;
    }

    public static String time(long epochMs) {
        return TIME.format(Instant.ofEpochMilli(epochMs));
    }

    public static String pct(double share) {
        return fixed(share * 100, 0) + "%";
    }

    /**
     * {@code String.format(Locale.ROOT, template, args)} for templates of plain {@code %s} and
     * {@code %d} (and {@code %%}), which is all the explanations use, without parsing the template
     * with the formatter's regular expression on every command. Anything else is refused.
     */
    public static String fill(String template, Object... args) {
        StringBuilder sb = new StringBuilder(template.length() + 16 * args.length);
        int next = 0;
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c != '%') {
                sb.append(c);
                continue;
            }
            char k = ++i < template.length() ? template.charAt(i) : '?';
            if (k == '%') {
                sb.append('%');
                continue;
            }
            if (next == args.length) {
                throw new IllegalArgumentException(args.length + " arguments for more placeholders in: " + template);
            }
            Object a = args[next++];
            if (k == 's' || k == 'd' && (a instanceof Integer || a instanceof Long)) {
                sb.append(a);
            } else {
                throw new IllegalArgumentException("fill knows %s, %d (of an int or long) and %%, not %" + k + " with " + a + " in: " + template);
            }
        }
        if (next != args.length) {
            throw new IllegalArgumentException(args.length + " arguments for " + next + " placeholders in: " + template);
        }
        return sb.toString();
    }
}
