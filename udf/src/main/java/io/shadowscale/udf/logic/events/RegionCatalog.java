package io.shadowscale.udf.logic.events;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;

/**
 * Where a cloud region is: its country (ISO 3166-1 alpha-2, as holiday calendars use) and a time
 * zone for local hour, day of week and holiday dates. Covers the AWS, Google Cloud and Azure
 * regions of the public region lists by their documented locations; a region not listed has no
 * country (no holiday applies unless the tenant configures one) and UTC.
 */
public final class RegionCatalog {

    /** Country and zone of one region. */
    public record Location(String country, ZoneId zone) {}

    public static final Location UNKNOWN = new Location(null, ZoneOffset.UTC);

    private static final Map<String, Location> REGIONS = Map.ofEntries(
            // AWS
            entry("us-east-1", "US", "America/New_York"), entry("us-east-2", "US", "America/New_York"),
            entry("us-west-1", "US", "America/Los_Angeles"), entry("us-west-2", "US", "America/Los_Angeles"),
            entry("ca-central-1", "CA", "America/Toronto"), entry("sa-east-1", "BR", "America/Sao_Paulo"),
            entry("eu-west-1", "IE", "Europe/Dublin"), entry("eu-west-2", "GB", "Europe/London"),
            entry("eu-west-3", "FR", "Europe/Paris"), entry("eu-central-1", "DE", "Europe/Berlin"),
            entry("eu-central-2", "CH", "Europe/Zurich"), entry("eu-north-1", "SE", "Europe/Stockholm"),
            entry("eu-south-1", "IT", "Europe/Rome"), entry("eu-south-2", "ES", "Europe/Madrid"),
            entry("ap-southeast-1", "SG", "Asia/Singapore"), entry("ap-southeast-2", "AU", "Australia/Sydney"),
            entry("ap-northeast-1", "JP", "Asia/Tokyo"), entry("ap-northeast-2", "KR", "Asia/Seoul"),
            entry("ap-south-1", "IN", "Asia/Kolkata"), entry("ap-east-1", "HK", "Asia/Hong_Kong"),
            entry("me-central-1", "AE", "Asia/Dubai"), entry("af-south-1", "ZA", "Africa/Johannesburg"),
            // Google Cloud
            entry("us-central1", "US", "America/Chicago"), entry("us-east4", "US", "America/New_York"),
            entry("us-west1", "US", "America/Los_Angeles"), entry("europe-west1", "BE", "Europe/Brussels"),
            entry("europe-west2", "GB", "Europe/London"), entry("europe-west3", "DE", "Europe/Berlin"),
            entry("europe-west4", "NL", "Europe/Amsterdam"), entry("asia-northeast1", "JP", "Asia/Tokyo"),
            entry("asia-southeast1", "SG", "Asia/Singapore"), entry("australia-southeast1", "AU", "Australia/Sydney"),
            // Azure
            entry("eastus", "US", "America/New_York"), entry("eastus2", "US", "America/New_York"),
            entry("westus2", "US", "America/Los_Angeles"), entry("centralus", "US", "America/Chicago"),
            entry("westeurope", "NL", "Europe/Amsterdam"), entry("northeurope", "IE", "Europe/Dublin"),
            entry("uksouth", "GB", "Europe/London"), entry("germanywestcentral", "DE", "Europe/Berlin"),
            entry("japaneast", "JP", "Asia/Tokyo"), entry("southeastasia", "SG", "Asia/Singapore"));

    private RegionCatalog() {}

    private static Map.Entry<String, Location> entry(String region, String country, String zone) {
        return Map.entry(region, new Location(country, ZoneId.of(zone)));
    }

    public static Location of(String region) {
        return region == null ? UNKNOWN : REGIONS.getOrDefault(region.toLowerCase(Locale.ROOT), UNKNOWN);
    }
}
