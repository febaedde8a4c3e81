package io.shadowscale.udf.logic.events;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import io.shadowscale.schema.ExternalEvent;
import io.shadowscale.schema.ExternalEventKind;

/**
 * Which external events are in force for a workload during one closed bucket: the ones that could
 * explain load the shadow did not expect. A surge with none of them is {@code UNEXPLAINED_SURGE}.
 *
 * <ul>
 *   <li>a {@code CAMPAIGN} running at the bucket's midpoint;</li>
 *   <li>a {@code HOLIDAY} on the bucket's local date;</li>
 *   <li>a {@code TREND} whose latest volume up to the bucket's end is at least {@link #TREND_ELEVATED}
 *       times its usual volume: a trend at its ordinary level explains nothing.</li>
 * </ul>
 * Campaigns and holidays are judged exactly as the forecast covariates judge them ({@link CovariateBuilder}).
 */
public final class EventsInForce {

    /** A trend explains extra load from this multiple of its mean volume on. */
    public static final double TREND_ELEVATED = 1.5;

    private EventsInForce() {}

    /**
     * @param events the events that affect the workload (already matched to its subscription)
     * @return ids of the events in force during {@code [bucketStart, bucketStart + bucketMs)}, in the order given
     */
    public static List<String> during(long bucketStart, long bucketMs, ZoneId zone, Collection<ExternalEvent> events) {
        List<ExternalEvent> calendar = new ArrayList<>();
        List<String> trends = new ArrayList<>();
        for (ExternalEvent e : events) {
            if (e.getCancelled()) {
                continue;
            }
            if (e.getKind() == ExternalEventKind.TREND) {
                double v = CovariateBuilder.trendVolume(e, bucketStart + bucketMs);
                if (v >= TREND_ELEVATED) {
                    trends.add(e.getEventId());
                }
            } else {
                calendar.add(e);
            }
        }
        List<String> out = new ArrayList<>(CovariateBuilder.touching(bucketStart, bucketMs, 1, zone, calendar));
        out.addAll(trends);
        return out;
    }
}
