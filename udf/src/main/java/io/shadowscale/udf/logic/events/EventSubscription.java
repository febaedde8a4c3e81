package io.shadowscale.udf.logic.events;

import java.io.Serializable;
import java.time.ZoneId;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.shadowscale.schema.ExternalEvent;
import io.shadowscale.schema.ExternalEventKind;

/**
 * The external data sources one workload subscribes to — its profile's "external data sources" —
 * and the rule that decides whether an {@link ExternalEvent} affects it.
 *
 * <p>A workload is always subscribed by its tenant id, its cloud region, the country of that
 * region ({@link RegionCatalog}) and its current behavioural tags. A tenant adds trend keywords,
 * a holiday subdivision (e.g. a US state as the holiday calendar names it), or overrides country
 * and time zone with the job option {@code --event-subscriptions} ({@link #parseConfig}).
 *
 * <p>An event affects the workload when every scope it sets matches (an event that sets none
 * affects everyone):
 * <ul>
 *   <li>{@code tenants}: the workload's tenant is listed;</li>
 *   <li>{@code tags}: the workload has one of the tags;</li>
 *   <li>{@code country}: equals the workload's country;</li>
 *   <li>{@code region}: equals the workload's cloud region or its holiday subdivision;</li>
 *   <li>trends ({@code TREND}) in addition need their {@code keyword} among the tenant's
 *       keywords: a trend volume moves only the workloads that asked for it.</li>
 * </ul>
 * Cancelled events affect nobody.
 */
public final class EventSubscription {

    public final String tenantId;
    public final String region;
    public final String country;
    public final String subdivision;
    public final ZoneId zone;
    public final Set<String> tags;
    public final Set<String> keywords;

    public EventSubscription(String tenantId, String region, String country, String subdivision, ZoneId zone,
                             Collection<String> tags, Collection<String> keywords) {
        this.tenantId = tenantId;
        this.region = region;
        this.country = country;
        this.subdivision = subdivision;
        this.zone = zone;
        this.tags = new TreeSet<>(tags);
        this.keywords = new TreeSet<>();
        keywords.forEach(k -> this.keywords.add(k.toLowerCase(Locale.ROOT)));
    }

    /** The subscription of a workload of {@code tenantId} in cloud {@code region} with {@code tags}, after the tenant's configuration. */
    public static EventSubscription of(String tenantId, String region, Collection<String> tags, Config config) {
        RegionCatalog.Location where = RegionCatalog.of(region);
        TenantConfig t = config.tenants.getOrDefault(tenantId, TenantConfig.NONE);
        return new EventSubscription(tenantId, region,
                t.country != null ? t.country : where.country(),
                t.subdivision,
                t.zone != null ? ZoneId.of(t.zone) : where.zone(),
                tags, t.keywords);
    }

    public boolean matches(ExternalEvent e) {
        if (e.getCancelled()) {
            return false;
        }
        if (!e.getTenants().isEmpty() && !e.getTenants().contains(tenantId)) {
            return false;
        }
        if (!e.getTags().isEmpty() && e.getTags().stream().noneMatch(tags::contains)) {
            return false;
        }
        if (e.getCountry() != null && !e.getCountry().equalsIgnoreCase(country == null ? "" : country)) {
            return false;
        }
        if (e.getRegion() != null && !e.getRegion().equalsIgnoreCase(region == null ? "" : region)
                && !e.getRegion().equalsIgnoreCase(subdivision == null ? "" : subdivision)) {
            return false;
        }
        if (e.getKind() == ExternalEventKind.TREND) {
            return e.getKeyword() != null && keywords.contains(e.getKeyword().toLowerCase(Locale.ROOT));
        }
        return true;
    }

    /** For the profile's {@code externalSources} column. */
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("tenant", tenantId);
        if (region != null) m.put("region", region);
        if (country != null) m.put("country", country);
        if (subdivision != null) m.put("subdivision", subdivision);
        m.put("zone", zone.getId());
        m.put("tags", String.join(",", tags));
        m.put("keywords", String.join(",", keywords));
        return m;
    }

    /** What tenants configured, parsed once from the job option. */
    public static final class Config implements Serializable {
        private static final long serialVersionUID = 1L;
        public static final Config EMPTY = new Config(Map.of());
        final Map<String, TenantConfig> tenants;

        Config(Map<String, TenantConfig> tenants) {
            this.tenants = tenants;
        }
    }

    static final class TenantConfig implements Serializable {
        private static final long serialVersionUID = 1L;
        static final TenantConfig NONE = new TenantConfig();
        String country;
        String subdivision;
        String zone;
        Set<String> keywords = new TreeSet<>();
    }

    /**
     * Parses {@code tenant:key=value,key=value;tenant2:...} with keys {@code country},
     * {@code subdivision}, {@code zone} and {@code keywords} (several separated by {@code |}), e.g.
     * {@code acme-retail:keywords=black friday|cyber monday;globex-bank:subdivision=ny}.
     *
     * @throws IllegalArgumentException naming the part that is wrong
     */
    public static Config parseConfig(String spec) {
        if (spec == null || spec.isBlank()) {
            return Config.EMPTY;
        }
        Map<String, TenantConfig> out = new HashMap<>();
        for (String part : spec.split(";")) {
            if (part.isBlank()) {
                continue;
            }
            int colon = part.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("event-subscriptions: expected tenant:key=value in '" + part.trim() + "'");
            }
            String tenant = part.substring(0, colon).trim();
            TenantConfig t = out.computeIfAbsent(tenant, k -> new TenantConfig());
            for (String kv : part.substring(colon + 1).split(",")) {
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("event-subscriptions: expected key=value in '" + kv.trim() + "' for tenant " + tenant);
                }
                String key = kv.substring(0, eq).trim().toLowerCase(Locale.ROOT);
                String value = kv.substring(eq + 1).trim();
                switch (key) {
                    case "country" -> t.country = value.toUpperCase(Locale.ROOT);
                    case "subdivision" -> t.subdivision = value;
                    case "zone" -> {
                        try {
                            ZoneId.of(value);
                        } catch (RuntimeException e) {
                            throw new IllegalArgumentException("event-subscriptions: unknown time zone '" + value + "' for tenant " + tenant);
                        }
                        t.zone = value;
                    }
                    case "keywords" -> {
                        for (String k : value.split("\\|")) {
                            if (!k.isBlank()) {
                                t.keywords.add(k.trim().toLowerCase(Locale.ROOT));
                            }
                        }
                    }
                    default -> throw new IllegalArgumentException("event-subscriptions: unknown key '" + key
                            + "' for tenant " + tenant + " (country, subdivision, zone, keywords)");
                }
            }
        }
        return new Config(Map.copyOf(out));
    }
}
