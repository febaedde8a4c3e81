package io.shadowscale.udf.logic.scaling;

import java.util.Locale;

import io.shadowscale.schema.ScalingAction;
import io.shadowscale.schema.ScalingCommand;

/**
 * A tenant's budget for scale-ups during unexplained surges: the extra hourly cost that the
 * scale-ups of all its workloads under an active {@code UNEXPLAINED_SURGE} may add, together, over
 * what each of them cost when its surge began. The orchestrator caps each workload on its own
 * ({@code --unexplained-surge-budget}); this caps the tenant, so an attack spread over many
 * workloads cannot run up the bill either. A command that would go over is held: published with
 * {@code dryRun} and the reason, never applied.
 */
public final class SurgeBudget {

    /** Factor the orchestrator puts on commands decided while a surge caps the workload: until when (epoch ms). */
    public static final String SURGE_UNTIL_FACTOR = "unexplained_surge_until_ms";
    /** The command's limit and dry-run reason when it is held. */
    public static final String LIMIT = "tenant-surge-budget";

    /** One workload's use of its tenant's budget. A Flink POJO. */
    public static class Grant {
        /** Hourly cost of the workload when its surge began. */
        public double baseCostPerHour;
        /** Extra hourly cost its applied scale-ups add over the base. */
        public double extraPerHour;
        /** When its surge ends (the budget is released then). */
        public long until;

        public Grant() {}

        Grant(double baseCostPerHour, double extraPerHour, long until) {
            this.baseCostPerHour = baseCostPerHour;
            this.extraPerHour = extraPerHour;
            this.until = until;
        }

        public boolean activeAt(long t) {
            return t < until;
        }
    }

    private final double budgetPerHour;

    public SurgeBudget(double budgetPerHour) {
        this.budgetPerHour = budgetPerHour;
    }

    /** A scale-up (or resize) decided while an unexplained surge caps its workload. */
    public static boolean underSurge(ScalingCommand c) {
        Double until = c.getFactors().get(SURGE_UNTIL_FACTOR);
        return until != null && c.getAction() != ScalingAction.SCALE_IN && until > c.getDecidedAt().toEpochMilli();
    }

    /**
     * Admits or holds a command for which {@link #underSurge} holds.
     *
     * @param own         the workload's grant, or null
     * @param othersExtra extra hourly cost granted to the tenant's other workloads whose surges are active
     * @return the workload's grant after the command (the same one when the command was held or is not applied anyway)
     */
    public Grant admit(ScalingCommand c, Grant own, double othersExtra) {
        long decidedAt = c.getDecidedAt().toEpochMilli();
        long until = (long) (double) c.getFactors().get(SURGE_UNTIL_FACTOR);
        boolean current = own != null && own.activeAt(decidedAt);
        if (c.getDryRun()) {
            return own; // not to be applied anyway (kill switch, dry run): it spends nothing
        }
        double base = current ? own.baseCostPerHour : c.getCostBeforePerHour();
        double extra = Math.max(0, c.getCostAfterPerHour() - base);
        if (othersExtra + extra <= budgetPerHour + 1e-9) {
            return new Grant(base, extra, current ? Math.max(until, own.until) : until);
        }
        c.setDryRun(true);
        c.setDryRunReason(LIMIT);
        c.setLimitApplied(LIMIT);
        c.getFactors().put("tenant_surge_extra_per_hour", othersExtra + extra);
        c.getFactors().put("tenant_surge_budget_per_hour", budgetPerHour);
        c.setReason(c.getReason() + String.format(Locale.ROOT,
                " Held, not to be applied: with it the tenant's scale-ups during unexplained surges would add $%.2f/h,"
                        + " over its budget of $%.2f/h (--tenant-surge-budget-per-hour).", othersExtra + extra, budgetPerHour));
        c.setSummary("Held by the tenant's surge budget: " + c.getSummary());
        return own;
    }
}
