package io.shadowscale.udf.logic;

import java.time.Duration;
import java.time.Instant;

import io.shadowscale.schema.TelemetryEvent;
import io.shadowscale.schema.WireFormat;
import io.shadowscale.udf.model.RawTelemetry;

/**
 * Stateless checks of one telemetry record: it must decode, name its tenant and workload, carry
 * finite non-negative measurements and not come from the future. Each failure yields a reason a
 * producer's owner can act on. Checks against the watermark need stream state and live in
 * {@code TelemetryBucketer}.
 */
public final class TelemetryChecks {

    private TelemetryChecks() {}

    /** Decodes and checks {@code payload}; never throws. */
    public static RawTelemetry decodeAndCheck(byte[] payload, long nowMillis, long maxFutureSkewMs) {
        RawTelemetry raw = new RawTelemetry();
        raw.payload = payload;
        TelemetryEvent event;
        try {
            event = WireFormat.decode(TelemetryEvent.class, payload);
        } catch (WireFormat.MalformedRecordException e) {
            raw.rejectReason = "decode: " + e.getMessage();
            return raw;
        } catch (RuntimeException e) { // defensive: a reader bug must not fail the job
            raw.rejectReason = "decode: " + e;
            return raw;
        }
        String problem = check(event, nowMillis, maxFutureSkewMs);
        if (problem != null) {
            raw.rejectReason = "validate: " + problem;
        } else {
            raw.event = event;
        }
        return raw;
    }

    /** @return null when the event is acceptable, else the reason it is not */
    public static String check(TelemetryEvent e, long nowMillis, long maxFutureSkewMs) {
        if (e.getTenantId() == null || e.getTenantId().isBlank()) {
            return "missing tenantId";
        }
        if (e.getWorkloadId() == null || e.getWorkloadId().isBlank()) {
            return "missing workloadId (tenant " + e.getTenantId() + ")";
        }
        if (e.getTenantId().contains("/") || e.getWorkloadId().contains("/")) {
            return "tenantId and workloadId must not contain '/' (" + e.getTenantId() + "/" + e.getWorkloadId() + ")";
        }
        String bad = firstBad("cpuCores", e.getCpuCores());
        if (bad == null) bad = firstBad("sessionDurationMs", e.getSessionDurationMs());
        if (bad == null) bad = negative("memoryBytes", e.getMemoryBytes());
        if (bad == null) bad = negative("networkInBytes", e.getNetworkInBytes());
        if (bad == null) bad = negative("networkOutBytes", e.getNetworkOutBytes());
        if (bad == null) bad = negative("storageBytes", e.getStorageBytes());
        if (bad == null) bad = negative("dbQueries", e.getDbQueries());
        if (bad == null) bad = negative("requests", e.getRequests());
        if (bad == null) bad = negative("activeSessions", e.getActiveSessions());
        if (bad != null) {
            return bad;
        }
        if (e.getIntervalMs() <= 0) {
            return "intervalMs must be positive, got " + e.getIntervalMs();
        }
        if (e.getEventTime() == null) {
            return "missing eventTime";
        }
        long ahead = e.getEventTime().toEpochMilli() - nowMillis;
        if (ahead > maxFutureSkewMs) {
            return "eventTime " + e.getEventTime() + " is in the future (" + human(ahead) + " ahead of the clock "
                    + Instant.ofEpochMilli(nowMillis) + "; allowed " + human(maxFutureSkewMs) + ")";
        }
        return null;
    }

    private static String firstBad(String field, double v) {
        if (Double.isNaN(v)) {
            return field + " is NaN";
        }
        if (Double.isInfinite(v)) {
            return field + " is infinite";
        }
        return v < 0 ? "negative " + field + " (" + v + ")" : null;
    }

    private static String negative(String field, long v) {
        return v < 0 ? "negative " + field + " (" + v + ")" : null;
    }

    /** "3h 20m", "45s": durations in reasons. */
    public static String human(long ms) {
        Duration d = Duration.ofMillis(Math.abs(ms));
        if (d.toDays() >= 2) return d.toDays() + "d";
        if (d.toHours() >= 1) return d.toHours() + "h " + d.toMinutesPart() + "m";
        if (d.toMinutes() >= 1) return d.toMinutes() + "m " + d.toSecondsPart() + "s";
        return d.toSeconds() + "s";
    }
}
