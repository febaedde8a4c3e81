package io.shadowscale.jobs.events;

import java.util.ArrayList;
import java.util.List;

import io.shadowscale.schema.ExternalEvent;

/**
 * Scope and defaults given on the command line for every event of an imported file that does not
 * set its own: target tenants, tags, country, region and (campaigns) expected uplift.
 */
public record EventScope(List<String> tenants, List<String> tags, String country, String region, Double uplift) {

    public static final EventScope NONE = new EventScope(List.of(), List.of(), null, null, null);

    /** Fills what {@code b} leaves unset from this scope. */
    public ExternalEvent.Builder applyTo(ExternalEvent.Builder b) {
        if (b.getTenants() == null || b.getTenants().isEmpty()) {
            b.setTenants(new ArrayList<>(tenants));
        }
        if (b.getTags() == null || b.getTags().isEmpty()) {
            b.setTags(new ArrayList<>(tags));
        }
        if (b.getCountry() == null && country != null) {
            b.setCountry(country);
        }
        if (b.getRegion() == null && region != null) {
            b.setRegion(region);
        }
        if (b.getExpectedUplift() == null && uplift != null) {
            b.setExpectedUplift(uplift);
        }
        return b;
    }
}
