package io.shadowscale.udf.logic.events;

import io.shadowscale.schema.ExternalEvent;

/**
 * How an arriving {@link ExternalEvent} changes the calendar of events held (by event id), and
 * when a held event is dropped. Plain Java: the broadcast function applies the decision to its
 * broadcast state; tests check the decisions directly.
 *
 * <ul>
 *   <li>A revision replaces the held event of the same id when its {@code revision} is higher;
 *       an equal revision replaces it too (a re-published record), a lower one is stale and
 *       ignored, so revisions may arrive out of order.</li>
 *   <li>{@code cancelled = true} keeps the record as a tombstone (it affects nobody) so that a
 *       lower revision arriving later cannot bring the event back; the tombstone goes when the
 *       event would have ended.</li>
 *   <li>An event is dropped {@code retentionMs} after its end: the forecast origin follows the
 *       telemetry's watermark, and holidays are whole local days, which run up to 14 hours past
 *       their UTC end, so the default retention is one day.</li>
 *   <li>An event that arrives already past that point is late: it is not stored.</li>
 * </ul>
 */
public final class EventCalendar {

    /** What to do with an arriving event. */
    public enum Decision { STORE, STALE_REVISION, LATE }

    private EventCalendar() {}

    /**
     * @param held      the event held with the same id, or null
     * @param watermark current event time of the telemetry (Long.MIN_VALUE before any)
     */
    public static Decision decide(ExternalEvent held, ExternalEvent incoming, long watermark, long retentionMs) {
        if (held != null && incoming.getRevision() < held.getRevision()) {
            return Decision.STALE_REVISION;
        }
        if (expired(incoming, watermark, retentionMs)) {
            return Decision.LATE;
        }
        return Decision.STORE;
    }

    /** True once the event (or its tombstone) can no longer touch a forecast. */
    public static boolean expired(ExternalEvent e, long watermark, long retentionMs) {
        return watermark != Long.MIN_VALUE && e.getEndTime().toEpochMilli() + retentionMs <= watermark;
    }
}
