package io.shadowscale.udf.logic.events;

import java.util.List;

/**
 * Per-step features of one forecast horizon: {@code matrix[step * FEATURES.size() + feature]},
 * step 0 being the bucket right after the forecast origin. Known-future features (calendar,
 * holidays, campaigns) vary by step; past-only features (trend volume) hold the value known at
 * the origin on every step.
 */
public final class Covariates {

    /** Column names, in order; the feature specification shared with training and backtests. */
    public static final List<String> FEATURES = List.of(
            "hour_sin", "hour_cos", "dow_sin", "dow_cos", "weekend", "holiday", "campaign_intensity", "trend_volume");
    public static final int HOUR_SIN = 0, HOUR_COS = 1, DOW_SIN = 2, DOW_COS = 3, WEEKEND = 4, HOLIDAY = 5,
            CAMPAIGN_INTENSITY = 6, TREND_VOLUME = 7;
    public static final int COUNT = FEATURES.size();

    public final long originMs;
    public final long stepMs;
    public final int steps;
    public final double[] matrix;
    /** Ids of the events that set a feature on at least one step (the events touching the horizon). */
    public final List<String> eventIds;
    /**
     * Each campaign that touches the bucket just closed or the horizon, one by one, so a forecast
     * can be re-scored without any one of them (counterfactual explanations). Empty without campaigns.
     */
    public final List<Campaign> campaigns;

    Covariates(long originMs, long stepMs, int steps, double[] matrix, List<String> eventIds, List<Campaign> campaigns) {
        this.originMs = originMs;
        this.stepMs = stepMs;
        this.steps = steps;
        this.matrix = matrix;
        this.eventIds = eventIds;
        this.campaigns = campaigns;
    }

    /**
     * One campaign's share of {@code campaign_intensity}: {@code now} in the bucket that closed at
     * the origin, {@code ahead[step]} on each step of the horizon.
     */
    public record Campaign(String eventId, String name, double now, double[] ahead) {}

    public double get(int step, int feature) {
        return matrix[step * COUNT + feature];
    }
}
