package io.shadowscale.udf.logic.scaling;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What capacity costs: on-demand and spot prices per vCPU-hour and GiB-hour, storage per
 * GiB-month and network egress per GiB, per region and instance family. Read from
 * {@code flink-conf/pricing.csv} (bundled on the classpath as {@code pricing/pricing.csv}) or a
 * file given with {@code --pricing}. A lookup falls back from (region, family) to (region, *),
 * (*, family) and (*, *), so a catalogue needs at least the (*, *) row.
 */
public final class PricingCatalog implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String RESOURCE = "pricing/pricing.csv";
    static final String[] COLUMNS = {"region", "family", "vcpu_hour_on_demand", "vcpu_hour_spot", "gib_hour_on_demand",
            "gib_hour_spot", "storage_gib_month", "network_gib"};
    /** Hours in a month, as cloud bills count them. */
    static final double HOURS_PER_MONTH = 730;

    /** One row of the catalogue. */
    public record Price(String region, String family, double vcpuHourOnDemand, double vcpuHourSpot, double gibHourOnDemand,
                        double gibHourSpot, double storageGibMonth, double networkGib) implements Serializable {
        public String key() {
            return region + "/" + family;
        }

        /** Hourly price of {@code cores} and {@code memoryBytes} with {@code spotShare} of both on spot. */
        public double computePerHour(double cores, double memoryBytes, double spotShare) {
            double gib = memoryBytes / (1L << 30);
            return cores * (spotShare * vcpuHourSpot + (1 - spotShare) * vcpuHourOnDemand)
                    + gib * (spotShare * gibHourSpot + (1 - spotShare) * gibHourOnDemand);
        }

        public double storagePerHour(double storageBytes) {
            return storageBytes / (1L << 30) * storageGibMonth / HOURS_PER_MONTH;
        }

        public double networkPerHour(double bytesPerSec) {
            return bytesPerSec * 3600 / (1L << 30) * networkGib;
        }
    }

    private final Map<String, Price> prices;
    private final String source;

    private PricingCatalog(Map<String, Price> prices, String source) {
        this.prices = prices;
        this.source = source;
    }

    private static volatile PricingCatalog bundled;

    /** The catalogue built into the jar from {@code flink-conf/pricing.csv}. */
    public static PricingCatalog bundled() {
        PricingCatalog c = bundled;
        if (c == null) {
            try (InputStream in = PricingCatalog.class.getClassLoader().getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("pricing catalogue " + RESOURCE + " missing from the classpath");
                }
                c = parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "bundled " + RESOURCE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            bundled = c;
        }
        return c;
    }

    /** Reads a catalogue file; {@link IllegalArgumentException} names the file and line of a mistake. */
    public static PricingCatalog load(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read pricing catalogue " + file + ": " + e.getMessage(), e);
        }
    }

    /** {@code text}: the CSV with its header; '#' starts a comment line. */
    public static PricingCatalog parse(String text, String source) {
        Map<String, Price> prices = new LinkedHashMap<>();
        boolean header = false;
        int lineNo = 0;
        for (String raw : text.split("\r?\n")) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] c = line.split(",", -1);
            if (!header) {
                if (!String.join(",", c).replace(" ", "").equals(String.join(",", COLUMNS))) {
                    throw new IllegalArgumentException(source + " line " + lineNo + ": expected header " + String.join(",", COLUMNS));
                }
                header = true;
                continue;
            }
            if (c.length != COLUMNS.length) {
                throw new IllegalArgumentException(source + " line " + lineNo + ": expected " + COLUMNS.length + " columns, got " + c.length);
            }
            double[] v = new double[6];
            for (int i = 0; i < 6; i++) {
                try {
                    v[i] = Double.parseDouble(c[i + 2].strip());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(source + " line " + lineNo + ": " + COLUMNS[i + 2] + " is not a number: '" + c[i + 2].strip() + "'");
                }
                if (!(v[i] >= 0) || Double.isInfinite(v[i])) {
                    throw new IllegalArgumentException(source + " line " + lineNo + ": " + COLUMNS[i + 2] + " must be a price >= 0");
                }
            }
            Price p = new Price(c[0].strip(), c[1].strip(), v[0], v[1], v[2], v[3], v[4], v[5]);
            if (p.region().isEmpty() || p.family().isEmpty()) {
                throw new IllegalArgumentException(source + " line " + lineNo + ": region and family must not be empty (use * for any)");
            }
            prices.put(p.key(), p);
        }
        if (!prices.containsKey("*/*")) {
            throw new IllegalArgumentException(source + ": needs a default row with region * and family *");
        }
        return new PricingCatalog(prices, source);
    }

    /** The price for a region and family (node pool); either may be null. */
    public Price lookup(String region, String family) {
        String r = region == null || region.isBlank() ? "*" : region.toLowerCase(Locale.ROOT);
        String f = family == null || family.isBlank() ? "*" : family.toLowerCase(Locale.ROOT);
        Price p = prices.get(r + "/" + f);
        if (p == null) p = prices.get(r + "/*");
        if (p == null) p = prices.get("*/" + f);
        return p != null ? p : prices.get("*/*");
    }

    public String source() {
        return source;
    }

    public int size() {
        return prices.size();
    }
}
