package io.shadowscale.udf.logic.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.shadowscale.udf.model.Resource;

class SameTimeYesterdayTest {

    static final long BUCKET = 300_000;
    static final long HOUR = 3_600_000;

    static double[] metrics(double cpu, double netOut) {
        double[] v = new double[ProfileMetric.COUNT];
        v[ProfileMetric.CPU.ordinal()] = cpu;
        v[ProfileMetric.NETWORK_OUT.ordinal()] = netOut;
        return v;
    }

    @Test
    void thePeakOfTheHoursWithinHalfAnHourOfThisTimeYesterday() {
        long day0 = Instant.parse("2026-11-26T00:00:00Z").toEpochMilli();
        ProfileState s = ProfileState.create(BUCKET);
        // a batch job from 06:00 to 07:00 at 12 cores on the first day, 0.2 otherwise
        for (long t = day0; t < day0 + 30 * HOUR; t += BUCKET) {
            boolean batch = t >= day0 + 6 * HOUR && t < day0 + 7 * HOUR;
            s.add(t, metrics(batch ? 12 : 0.2, batch ? 5e6 : 1e4), null, null);
        }
        double[] at0610 = SameTimeYesterday.peaks(s, day0 + 24 * HOUR + 6 * HOUR + 10 * 60_000);
        assertThat(at0610[Resource.CPU.ordinal()]).isEqualTo(12.0);
        assertThat(at0610[Resource.NETWORK_OUT.ordinal()]).isEqualTo(5e6);
        // 05:40: the window reaches back to 05:10 and on to 06:10, so it includes the 06:00 hour
        assertThat(SameTimeYesterday.peaks(s, day0 + 24 * HOUR + 5 * HOUR + 40 * 60_000)[Resource.CPU.ordinal()]).isEqualTo(12.0);
        // 05:00: 04:30..05:30, before the batch
        assertThat(SameTimeYesterday.peaks(s, day0 + 24 * HOUR + 5 * HOUR)[Resource.CPU.ordinal()]).isCloseTo(0.2, org.assertj.core.data.Offset.offset(1e-6));
        // on the first day there is no yesterday
        assertThat(SameTimeYesterday.peaks(s, day0 + 10 * HOUR)[Resource.CPU.ordinal()]).isNaN();
    }
}
