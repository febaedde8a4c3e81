package io.shadowscale.udf.model;

import java.util.Arrays;
import java.util.Objects;

import org.apache.flink.api.common.typeinfo.TypeInfo;

import io.shadowscale.schema.TelemetryRollup;

/**
 * A closed bucket on its way to the forecaster, with the covariates of the horizon that follows
 * it ({@code io.shadowscale.udf.logic.events.Covariates}): {@code covariates[step * features + f]},
 * feature names in {@code Covariates.FEATURES}. Serialised field by field by
 * {@link EnrichedRollupSerializer}.
 */
@TypeInfo(EnrichedRollupSerializer.Factory.class)
public class EnrichedRollup {
    public TelemetryRollup rollup;
    /** Start of the first step: the end of the rollup's bucket. */
    public long originMs;
    public long stepMs;
    public int steps;
    public int features;
    public double[] covariates;
    /** Ids of the external events that touch this horizon. */
    public String[] eventIds;
    /** The workload's behavioural tags when the bucket closed, sorted. */
    public String[] tags;
    /**
     * The campaigns behind {@code campaign_intensity}, one by one (see
     * {@code Covariates.Campaign}): id, name, intensity in the closed bucket, and
     * {@code campaignAhead[c * steps + step]} on the horizon. Empty arrays without campaigns.
     */
    public String[] campaignIds = new String[0];
    public String[] campaignNames = new String[0];
    public double[] campaignNow = new double[0];
    public double[] campaignAhead = new double[0];
    /**
     * Ids of the external events in force during the rollup's own bucket (a campaign running, a
     * holiday on the local date, a trend above its usual volume: {@code EventsInForce}), i.e. what
     * could explain unexpected load in it; empty when nothing applies.
     */
    public String[] activeEventIds = new String[0];
    /**
     * Per {@code Resource}: the highest the workload ran near this time one day earlier
     * ({@code SameTimeYesterday}); NaN where there was no telemetry then (its first day, a gap).
     */
    public double[] yesterdayPeak;

    public EnrichedRollup() {}

    public double covariate(int step, int feature) {
        return covariates[step * features + feature];
    }

    /** Copies each campaign's intensities from the covariates into the flat arrays above. */
    public void setCampaigns(java.util.List<io.shadowscale.udf.logic.events.Covariates.Campaign> campaigns) {
        int n = campaigns.size();
        campaignIds = new String[n];
        campaignNames = new String[n];
        campaignNow = new double[n];
        campaignAhead = new double[n * steps];
        for (int c = 0; c < n; c++) {
            var k = campaigns.get(c);
            campaignIds[c] = k.eventId();
            campaignNames[c] = k.name();
            campaignNow[c] = k.now();
            System.arraycopy(k.ahead(), 0, campaignAhead, c * steps, steps);
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof EnrichedRollup e)) {
            return false;
        }
        return originMs == e.originMs && stepMs == e.stepMs && steps == e.steps && features == e.features
                && Objects.equals(rollup, e.rollup) && Arrays.equals(covariates, e.covariates)
                && Arrays.equals(eventIds, e.eventIds) && Arrays.equals(tags, e.tags)
                && Arrays.equals(campaignIds, e.campaignIds) && Arrays.equals(campaignNames, e.campaignNames)
                && Arrays.equals(campaignNow, e.campaignNow) && Arrays.equals(campaignAhead, e.campaignAhead)
                && Arrays.equals(activeEventIds, e.activeEventIds) && Arrays.equals(yesterdayPeak, e.yesterdayPeak);
    }

    @Override
    public int hashCode() {
        return Objects.hash(rollup, originMs) * 31 + Arrays.hashCode(covariates);
    }

    @Override
    public String toString() {
        return "EnrichedRollup[" + rollup.getTenantId() + "/" + rollup.getWorkloadId() + " @" + originMs
                 + " events=" + Arrays.toString(eventIds) + " active=" + Arrays.toString(activeEventIds) + " tags=" + Arrays.toString(tags) + "]";
    }
}
