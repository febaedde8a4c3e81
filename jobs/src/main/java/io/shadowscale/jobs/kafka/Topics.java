package io.shadowscale.jobs.kafka;

import java.util.LinkedHashMap;
import java.util.Map;

/** Topic names (overridable with --topic-prefix) and the partitions the demo creates them with. */
public final class Topics {
    public final String telemetry;
    public final String externalEvents;
    public final String allocations;
    /** Operator control of the orchestrator: {@code ScalingControl} (kill switch, dry-run tenants). */
    public final String scalingControl;
    public final String shadows;
    public final String commands;
    public final String anomalies;
    public final String deadLetters;
    public final String modelReleases;
    public final String modelAlerts;

    public Topics(String prefix) {
        telemetry = prefix + "telemetry";
        externalEvents = prefix + "external-events";
        allocations = prefix + "allocations";
        scalingControl = prefix + "scaling-control";
        shadows = prefix + "resource-shadows";
        commands = prefix + "scaling-commands";
        anomalies = prefix + "anomalies";
        deadLetters = prefix + "telemetry-dlq";
        modelReleases = prefix + "model-releases";
        modelAlerts = prefix + "model-alerts";
    }

    public static Topics defaults() {
        return new Topics("");
    }

    public Map<String, Integer> all(int partitions) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (String t : new String[] {telemetry, externalEvents, allocations, scalingControl, shadows, commands, anomalies, deadLetters, modelReleases, modelAlerts}) {
            m.put(t, partitions);
        }
        return m;
    }
}
