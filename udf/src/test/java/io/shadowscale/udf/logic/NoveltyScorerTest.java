package io.shadowscale.udf.logic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class NoveltyScorerTest {

    static final long STEP = 300_000;

    @Test
    void recordScore() {
        assertThat(NoveltyScorer.record(5, 0, 10)).isZero();
        assertThat(NoveltyScorer.record(20, 0, 10)).as("one range above the max").isCloseTo(0.75, within(1e-12));
        assertThat(NoveltyScorer.record(-10, 0, 10)).as("below the min").isCloseTo(0.75, within(1e-12));
        assertThat(NoveltyScorer.record(20, 3, 3)).as("no range yet").isZero();
    }

    @Test
    void standardiseAgainstTheBand() {
        // p99 - p50 = 2.326 σ, so σ = 1 here
        assertThat(NoveltyScorer.standardise(13, 10, 10 + 2.3263479)).isCloseTo(3, within(1e-9));
        assertThat(NoveltyScorer.standardise(7, 10, 10 + 2.3263479)).isCloseTo(-3, within(1e-9));
        assertThat(NoveltyScorer.standardise(10, 10, 10)).as("an empty band does not divide by zero").isZero();
    }

    @Test
    void aSpikeBeyondEverythingSeenAlarmsOnceThenCoolsDown() {
        NoveltyScorer scorer = new NoveltyScorer(new NoveltyScorer.Config(0.05, 0.1, 100, 10, 0.03, 200));
        double[] s = NoveltyScorer.newState();
        long t = 0;
        for (int i = 0; i < 300; i++, t += STEP) {
            double score = scorer.score(s, t, STEP, 10 + (i % 5), 0);
            if (i >= 200) {
                assertThat(score).as("a repeating pattern sets no records once learnt").isLessThanOrEqualTo(NoveltyScorer.ALARM);
            }
        }
        double spike = scorer.score(s, t, STEP, 30, 0);
        assertThat(spike).isGreaterThan(NoveltyScorer.ALARM);
        assertThat(NoveltyScorer.lastChannel(s)).isEqualTo(NoveltyScorer.Channel.VALUE);
        t += STEP;
        assertThat(scorer.score(s, t, STEP, 40, 0)).as("a higher value within the cool-down is the same incident").isEqualTo(NoveltyScorer.ALARM / 2);
        t += 10 * STEP;
        assertThat(scorer.score(s, t, STEP, 50, 0)).as("after the cool-down a new record alarms again").isGreaterThan(NoveltyScorer.ALARM);
    }

    @Test
    void aSustainedResidualAlarmsOnTheResidualChannel() {
        NoveltyScorer scorer = new NoveltyScorer(new NoveltyScorer.Config(0.05, 0.1, 100, 10, 0.03, 200));
        double[] s = NoveltyScorer.newState();
        long t = 0;
        for (int i = 0; i < 300; i++, t += STEP) {
            scorer.score(s, t, STEP, i % 2 == 0 ? 0 : 100, i % 2 == 0 ? -1 : 1); // values span 0..100, residuals ±1
        }
        // values inside the range, but the forecast keeps being 3 σ low
        boolean alarmed = false;
        for (int i = 0; i < 10 && !alarmed; i++, t += STEP) {
            alarmed = scorer.score(s, t, STEP, 50, 3) > NoveltyScorer.ALARM;
        }
        assertThat(alarmed).isTrue();
        assertThat(NoveltyScorer.lastChannel(s)).isEqualTo(NoveltyScorer.Channel.RESIDUAL);
    }

    @Test
    void denserSpikesWithinTheRangeAlarmOnTheVolatilityChannel() {
        NoveltyScorer scorer = new NoveltyScorer(new NoveltyScorer.Config(0.05, 0.1, 100, 10, 0.03, 200));
        double[] s = NoveltyScorer.newState();
        long t = 0;
        // a spike to 20 every 50 buckets on a base of 0..1: the range is 0..20 from the start
        for (int i = 0; i < 1000; i++, t += STEP) {
            double score = scorer.score(s, t, STEP, i % 50 == 0 ? 20 : (i % 2), 0);
            if (i >= 300) {
                assertThat(score).as("bucket %d: the same spikes at the same rate are nothing new", i).isLessThanOrEqualTo(NoveltyScorer.ALARM);
            }
        }
        // the same spikes, no higher, every 5 buckets
        boolean alarmed = false;
        for (int i = 0; i < 100 && !alarmed; i++, t += STEP) {
            alarmed = scorer.score(s, t, STEP, i % 5 == 0 ? 20 : (i % 2), 0) > NoveltyScorer.ALARM;
        }
        assertThat(alarmed).isTrue();
        assertThat(NoveltyScorer.lastChannel(s)).isEqualTo(NoveltyScorer.Channel.VOLATILITY);
    }

    @Test
    void aSeriesGoingQuietIsNotAVolatilityAlarm() {
        NoveltyScorer scorer = new NoveltyScorer(new NoveltyScorer.Config(0.05, 0.1, 100, 10, 0.03, 200));
        double[] s = NoveltyScorer.newState();
        long t = 0;
        for (int i = 0; i <= 942; i++, t += STEP) { // 15 periods: ends near 10, so going flat is no jump
            scorer.score(s, t, STEP, 10 + 5 * Math.sin(i / 10.0), 0);
        }
        for (int i = 0; i < 300; i++, t += STEP) {
            assertThat(scorer.score(s, t, STEP, 10, 0)).as("flat at the middle of the range").isLessThanOrEqualTo(NoveltyScorer.ALARM);
        }
    }
}
