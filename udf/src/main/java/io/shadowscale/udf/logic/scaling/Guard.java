package io.shadowscale.udf.logic.scaling;

import java.io.Serializable;
import java.util.Set;

/**
 * Operator controls in force, from the control topic: the global kill switch and tenants put in
 * forecast-only mode at run time (on top of the job's own dry-run options).
 */
public record Guard(boolean killSwitch, Set<String> dryRunTenants, String reason) implements Serializable {
    public static final Guard NONE = new Guard(false, Set.of(), "");

    public Guard {
        dryRunTenants = dryRunTenants == null ? Set.of() : Set.copyOf(dryRunTenants);
        reason = reason == null ? "" : reason;
    }
}
