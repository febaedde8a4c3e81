package io.shadowscale.udf.logic.forecast;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.shadowscale.schema.DriverKind;
import io.shadowscale.schema.ForecastDriver;
import io.shadowscale.udf.logic.Forecast;
import io.shadowscale.udf.model.Resource;

/**
 * Known-future events on top of a history-based forecast, and what each one contributes.
 *
 * <p>The forecast (ONNX model or fallback) is made from the workload's history, so it already
 * contains whatever campaign load was running in the bucket just closed. A campaign therefore
 * moves step {@code s} of resource {@code r} by the <em>change</em> in campaign intensity between
 * that bucket and the step:
 * <pre>  m(s, r) = (1 + e_r · c_s) / (1 + e_r · c_now)</pre>
 * with {@code c} the summed intensity (announced uplift − 1) of the running campaigns and
 * {@code e_r} how strongly the resource follows load (its elasticity: CPU and network follow
 * requests, memory much less, storage not within an hour). A campaign that starts inside the
 * horizon raises it; one that ends lowers it; one running throughout changes nothing the history
 * did not already show. The p90/p99 spreads widen by a share of the move, since announced uplifts
 * are only approximately realised.
 *
 * <p>Each campaign's contribution is measured by counterfactual re-scoring: the same forecast with
 * that campaign's intensity removed (now and ahead); the driver is the largest relative difference
 * over the horizon, per resource.
 */
public final class EventEffect {

    /** Default elasticities per {@link Resource} ordinal: cpu, memory, network in, network out, storage. */
    public static final double[] DEFAULT_ELASTICITY = {0.8, 0.3, 1.0, 1.0, 0.0};
    /** Extra p90 / p99 spread per unit of relative move, for uplifts that realise ±20%/±40%. */
    static final double P90_WIDEN = 0.2, P99_WIDEN = 0.4;
    /** Drivers smaller than this relative effect are not worth naming. */
    static final double MIN_EFFECT = 0.02;

    private final double[] elasticity;

    public EventEffect(double[] elasticity) {
        if (elasticity.length != Resource.COUNT) {
            throw new IllegalArgumentException("campaign elasticity needs " + Resource.COUNT + " values (cpu, memory, network_in, network_out, storage)");
        }
        this.elasticity = elasticity.clone();
    }

    /** The campaigns that touch one forecast: parallel arrays, {@code ahead[c * steps + s]}. */
    public record Campaigns(String[] ids, String[] names, double[] now, double[] ahead, int steps) {
        public static final Campaigns NONE = new Campaigns(new String[0], new String[0], new double[0], new double[0], 0);

        public int count() {
            return ids.length;
        }

        double totalNow(int skip) {
            double t = 0;
            for (int c = 0; c < ids.length; c++) {
                if (c != skip) {
                    t += now[c];
                }
            }
            return t;
        }

        double totalAhead(int step, int skip) {
            double t = 0;
            for (int c = 0; c < ids.length; c++) {
                if (c != skip && step < steps) {
                    t += ahead[c * steps + step];
                }
            }
            return t;
        }
    }

    /**
     * Adjusts {@code f} in place for the campaigns and returns each campaign's effect on the
     * adjusted p50, largest first (one driver per campaign and resource it moves by at least 2%).
     */
    public List<ForecastDriver> apply(Forecast f, Campaigns campaigns) {
        if (campaigns.count() == 0) {
            return List.of();
        }
        int steps = f.steps();
        double[][] base = new double[steps][];
        for (int s = 0; s < steps; s++) {
            base[s] = f.p50[s].clone();
        }
        for (int s = 0; s < steps; s++) {
            for (int r = 0; r < Resource.COUNT; r++) {
                double m = multiplier(campaigns, s, r, -1);
                if (m == 1) {
                    continue;
                }
                double q50 = f.p50[s][r];
                double move = Math.abs(m - 1) * q50;
                f.p50[s][r] = q50 * m;
                f.p90[s][r] = f.p90[s][r] * m + P90_WIDEN * move;
                f.p99[s][r] = f.p99[s][r] * m + P99_WIDEN * move;
            }
        }
        List<ForecastDriver> drivers = new ArrayList<>();
        for (int c = 0; c < campaigns.count(); c++) {
            for (int r = 0; r < Resource.COUNT; r++) {
                int peak = -1;
                double best = 0, bestAbs = 0;
                for (int s = 0; s < steps; s++) {
                    double with = multiplier(campaigns, s, r, -1);
                    double without = multiplier(campaigns, s, r, c);
                    double rel = with / without - 1;
                    if (Math.abs(rel) > Math.abs(best)) {
                        best = rel;
                        bestAbs = base[s][r] * (with - without);
                        peak = s;
                    }
                }
                if (peak >= 0 && Math.abs(best) >= MIN_EFFECT) {
                    String name = campaigns.names()[c] == null || campaigns.names()[c].isBlank() ? campaigns.ids()[c] : campaigns.names()[c];
                    drivers.add(ForecastDriver.newBuilder()
                            .setName("campaign " + name)
                            .setKind(DriverKind.CAMPAIGN)
                            .setEventId(campaigns.ids()[c])
                            .setResource(Resource.values()[r].label)
                            .setPeakStep(peak + 1)
                            .setPeakAt(Instant.ofEpochMilli(f.targetTime(peak)))
                            .setRelativeEffect(best)
                            .setAbsoluteEffect(bestAbs)
                            .build());
                }
            }
        }
        drivers.sort(BY_SIZE);
        return drivers;
    }

    /** Largest relative effect first. */
    public static final Comparator<ForecastDriver> BY_SIZE =
            Comparator.comparingDouble((ForecastDriver d) -> -Math.abs(d.getRelativeEffect()));

    private double multiplier(Campaigns c, int step, int resource, int without) {
        double e = elasticity[resource];
        if (e == 0) {
            return 1;
        }
        return (1 + e * c.totalAhead(step, without)) / (1 + e * c.totalNow(without));
    }

    /** The resources {@link #historyDrivers} describes (it reads only their means). */
    public static final List<Resource> HISTORY_RESOURCES = List.of(Resource.CPU, Resource.MEMORY);

    /**
     * What the history says, for the explanation: the recent level against the day's mean
     * ({@code LEVEL}), and the forecast's peak against the recent level ({@code SEASONALITY}, the
     * daily shape the forecast follows), for CPU and memory. Descriptive: measured on the series,
     * not by re-scoring.
     *
     * @param recent  mean of the last hour per resource (NaN when unknown)
     * @param dayMean mean of the last day per resource (NaN when unknown)
     * @param campaignFree the forecast's p50 before campaign effects, [step][resource]
     */
    public static List<ForecastDriver> historyDrivers(Forecast f, double[] recent, double[] dayMean, double[][] campaignFree) {
        List<ForecastDriver> out = new ArrayList<>();
        for (Resource r : HISTORY_RESOURCES) {
            int i = r.ordinal();
            if (Double.isFinite(recent[i]) && Double.isFinite(dayMean[i]) && dayMean[i] > 0) {
                double rel = recent[i] / dayMean[i] - 1;
                if (Math.abs(rel) >= MIN_EFFECT) {
                    out.add(driver("level (last hour vs day mean)", DriverKind.LEVEL, r.label, 1, f.targetTime(0),
                            rel, recent[i] - dayMean[i]));
                }
            }
            if (Double.isFinite(recent[i]) && recent[i] > 0) {
                int peak = 0;
                for (int s = 1; s < f.steps(); s++) {
                    if (Math.abs(campaignFree[s][i] - recent[i]) > Math.abs(campaignFree[peak][i] - recent[i])) {
                        peak = s;
                    }
                }
                double rel = campaignFree[peak][i] / recent[i] - 1;
                if (Math.abs(rel) >= MIN_EFFECT) {
                    out.add(driver("daily pattern (forecast vs last hour)", DriverKind.SEASONALITY, r.label, peak + 1, f.targetTime(peak),
                            rel, campaignFree[peak][i] - recent[i]));
                }
            }
        }
        return out;
    }

    /**
     * A driver without an event, built with setters: an Avro builder copies the schema's fields
     * and looks up defaults on every build, and these are made for nearly every forecast.
     */
    private static ForecastDriver driver(String name, DriverKind kind, String resource, int peakStep, long peakAt, double relative, double absolute) {
        ForecastDriver d = new ForecastDriver();
        d.setName(name);
        d.setKind(kind);
        d.setEventId(null);
        d.setResource(resource);
        d.setPeakStep(peakStep);
        d.setPeakAt(Instant.ofEpochMilli(peakAt));
        d.setRelativeEffect(relative);
        d.setAbsoluteEffect(absolute);
        return d;
    }
}
