package io.shadowscale.udf.logic;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class StreamClockTest {

    static final long H = Duration.ofHours(1).toMillis();

    @Test
    void rejectsOnlyWhatIsFarAheadOfItsOwnPartition() {
        StreamClock c = new StreamClock(6 * H);
        assertThat(c.observe(0, 0)).isNull();
        assertThat(c.observe(1, 100 * H)).as("another partition may run far ahead").isNull();
        assertThat(c.observe(0, 5 * H)).isNull();
        assertThat(c.observe(0, 12 * H)).isEqualTo(
                "eventTime 1970-01-01T12:00:00Z is 7h 0m ahead of the latest event time 1970-01-01T05:00:00Z of partition 0 (allowed 6h 0m)");
        assertThat(c.observe(0, 2 * H)).as("late records are the bucketer's business").isNull();
        assertThat(c.observe(0, 11 * H)).as("the rejected record did not move the clock").isNull();
    }
}
