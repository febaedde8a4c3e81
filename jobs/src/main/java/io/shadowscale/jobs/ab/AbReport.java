package io.shadowscale.jobs.ab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.shadowscale.schema.StrategyOutcome;
import io.shadowscale.udf.logic.ab.PairedBootstrap;

/**
 * The A/B report: per strategy its totals over the workloads, and its difference to the default
 * strategy on the same workloads with a paired-bootstrap interval. A winner is named only when
 * an interval excludes zero in its favour and the other measure is not significantly worse.
 */
public final class AbReport {

    public static final double LEVEL = 0.95;
    static final int RESAMPLES = 4_000;
    static final long SEED = 20261127L;

    /** Totals of one strategy; the differences are to the default (null for the default itself). */
    public record Row(String strategy, int workloads, double hours, double cost, double underprovisionedMinutes, long actions,
                      int liveWorkloads, PairedBootstrap.Interval costDifference, PairedBootstrap.Interval underprovisionedDifference) {}

    public record Result(String defaultStrategy, List<Row> rows, String winner, String recommendation) {}

    private AbReport() {}

    public static Result of(List<StrategyOutcome> outcomes, String defaultStrategy) {
        // strategy -> workload -> {cost, under, actions, minutes, live}
        Map<String, Map<String, double[]>> by = new TreeMap<>();
        for (StrategyOutcome o : outcomes) {
            double[] t = by.computeIfAbsent(o.getStrategy(), k -> new TreeMap<>())
                    .computeIfAbsent(o.getTenantId() + "/" + o.getWorkloadId(), k -> new double[5]);
            t[0] += o.getCost();
            t[1] += o.getUnderprovisionedMinutes();
            t[2] += o.getActions();
            t[3] += o.getMinutes();
            t[4] = o.getLive() ? 1 : t[4];
        }
        if (!by.containsKey(defaultStrategy)) {
            throw new IllegalArgumentException("no outcomes of the default strategy '" + defaultStrategy + "' (strategies in the table: "
                    + String.join(", ", by.keySet()) + ")");
        }
        Map<String, double[]> base = by.get(defaultStrategy);
        List<Row> rows = new ArrayList<>();
        String winner = null;
        double bestGain = 0;
        for (Map.Entry<String, Map<String, double[]>> e : by.entrySet()) {
            Map<String, double[]> w = e.getValue();
            double cost = 0, under = 0, minutes = 0;
            long actions = 0;
            int live = 0;
            for (double[] t : w.values()) {
                cost += t[0];
                under += t[1];
                actions += (long) t[2];
                minutes += t[3];
                live += (int) t[4];
            }
            PairedBootstrap.Interval dc = null, du = null;
            if (!e.getKey().equals(defaultStrategy)) {
                List<String> common = new ArrayList<>(w.keySet());
                common.retainAll(base.keySet());
                if (!common.isEmpty()) {
                    double[] c1 = new double[common.size()], c0 = new double[common.size()], u1 = new double[common.size()], u0 = new double[common.size()];
                    for (int i = 0; i < common.size(); i++) {
                        c1[i] = w.get(common.get(i))[0];
                        c0[i] = base.get(common.get(i))[0];
                        u1[i] = w.get(common.get(i))[1];
                        u0[i] = base.get(common.get(i))[1];
                    }
                    dc = PairedBootstrap.totalDifference(c1, c0, LEVEL, RESAMPLES, SEED);
                    du = PairedBootstrap.totalDifference(u1, u0, LEVEL, RESAMPLES, SEED);
                    // better: cheaper without significantly more under-provisioning, or fewer
                    // under-provisioned minutes without significantly more cost
                    boolean cheaper = dc.high() < 0 && !(du.low() > 0);
                    boolean safer = du.high() < 0 && !(dc.low() > 0);
                    if (cheaper || safer) {
                        double gain = (cheaper ? -dc.difference() / Math.max(1e-9, sum(c0)) : 0)
                                + (safer ? -du.difference() / Math.max(1e-9, sum(u0)) : 0);
                        if (gain > bestGain) {
                            bestGain = gain;
                            winner = e.getKey();
                        }
                    }
                }
            }
            rows.add(new Row(e.getKey(), w.size(), minutes / 60, cost, under, actions, live, dc, du));
        }
        String recommendation = winner == null
                ? "No strategy differs from " + defaultStrategy + " at " + Math.round(LEVEL * 100) + "% confidence on both cost and under-provisioning: keep " + defaultStrategy + "."
                : "Switch to " + winner + ": its interval against " + defaultStrategy + " excludes zero in its favour and the other measure is not significantly worse.";
        return new Result(defaultStrategy, rows, winner, recommendation);
    }

    private static double sum(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s;
    }

    public static Map<String, Object> json(Result r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("default", r.defaultStrategy());
        Map<String, Object> strategies = new LinkedHashMap<>();
        for (Row row : r.rows()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("workloads", row.workloads());
            m.put("live_workloads", row.liveWorkloads());
            m.put("hours", row.hours());
            m.put("cost", row.cost());
            m.put("underprovisioned_minutes", row.underprovisionedMinutes());
            m.put("actions", row.actions());
            if (row.costDifference() != null) {
                m.put("cost_difference", interval(row.costDifference()));
                m.put("underprovisioned_minutes_difference", interval(row.underprovisionedDifference()));
            }
            strategies.put(row.strategy(), m);
        }
        out.put("strategies", strategies);
        out.put("winner", r.winner());
        out.put("recommendation", r.recommendation());
        return out;
    }

    private static Map<String, Object> interval(PairedBootstrap.Interval i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("difference", i.difference());
        m.put("low", i.low());
        m.put("high", i.high());
        m.put("level", i.level());
        m.put("excludes_zero", i.excludesZero());
        return m;
    }
}
