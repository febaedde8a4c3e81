package io.shadowscale.udf.logic.nab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The NAB rules on cases small enough to score by hand. A file has 100 rows, so the first
 * floor(0.15 · 100) = 15 rows are probationary; its window is rows 50..54 (width 5). (The files
 * are long enough that the null detector's best is to detect nothing: -1 per window.)
 */
class NabScorerTest {

    static final long T0 = 1_396_310_400_000L; // 2014-04-01 00:00 UTC
    static final long STEP = 300_000;
    /** σ(-1) = 2/(1+e^-5) - 1: the full-credit point, which NAB divides by. */
    static final double MAX_TP = 2 / (1 + Math.exp(-5)) - 1;

    static NabSeries series(String name, int rows, int[]... windows) {
        long[] ts = new long[rows];
        for (int i = 0; i < rows; i++) {
            ts[i] = T0 + i * STEP;
        }
        List<NabSeries.Window> ws = new ArrayList<>();
        for (int[] w : windows) {
            ws.add(new NabSeries.Window(ts[w[0]], ts[w[1]]));
        }
        return new NabSeries("test/" + name + ".csv", ts, new double[rows], ws);
    }

    /** Scores of 0 except {@code score} on the given rows. */
    static double[] scores(int rows, double score, int... at) {
        double[] s = new double[rows];
        for (int i : at) {
            s[i] = score;
        }
        return s;
    }

    static NabScorer.ProfileScore score(NabSeries s, double[] sc, CostProfile p) {
        return NabScorer.score(List.of(s), Map.of(s.relativePath(), sc), p);
    }

    @Test
    void scaledSigmoidAndProbation() {
        assertThat(NabScorer.scaledSigmoid(-1)).isCloseTo(0.98661, within(1e-5));
        assertThat(NabScorer.scaledSigmoid(-0.5)).isCloseTo(0.84828, within(1e-5));
        assertThat(NabScorer.scaledSigmoid(0)).isEqualTo(0.0);
        assertThat(NabScorer.scaledSigmoid(1)).isCloseTo(-0.98661, within(1e-5));
        assertThat(NabScorer.scaledSigmoid(3)).isEqualTo(-1.0);
        assertThat(NabScorer.probationLength(20)).isEqualTo(3);
        assertThat(NabScorer.probationLength(4032)).isEqualTo(604);
        assertThat(NabScorer.probationLength(15902)).as("capped at 15% of 5000").isEqualTo(750);
    }

    @Test
    void detectionOnTheFirstRowOfTheWindowEarnsTheFullWeight() {
        NabScorer.ProfileScore r = score(series("a", 100, new int[] {50, 54}), scores(100, 1.0, 50), CostProfile.STANDARD);
        assertThat(r.threshold()).isEqualTo(1.0);
        assertThat(r.rawScore()).isCloseTo(1.0, within(1e-12));
        assertThat(r.nullScore()).as("the null detector misses the window").isEqualTo(-1.0);
        assertThat(r.perfectScore()).isEqualTo(1.0);
        assertThat(r.normalised()).isCloseTo(100.0, within(1e-9));
        assertThat(r.tp()).isEqualTo(1);
        assertThat(r.fn()).isEqualTo(4);
        assertThat(r.fp()).isZero();
    }

    @Test
    void detectionOnTheLastRowIsLate() {
        // position -(54 - 54 + 1) / 5 = -0.2: σ(-0.2) = 2/(1+e^-1) - 1 = 0.462117, / σ(-1) = 0.468387
        NabScorer.ProfileScore r = score(series("a", 100, new int[] {50, 54}), scores(100, 1.0, 54), CostProfile.STANDARD);
        double expected = (2 / (1 + Math.exp(-1)) - 1) / MAX_TP;
        assertThat(expected).isCloseTo(0.468387, within(1e-6));
        assertThat(r.rawScore()).isCloseTo(expected, within(1e-12));
        assertThat(r.normalised()).isCloseTo(100 * (expected + 1) / 2, within(1e-9)); // 73.42
    }

    @Test
    void onlyTheEarliestDetectionOfAWindowCounts() {
        // rows 52 (position -0.6) and 54 both detected: the window scores once, for row 52
        NabScorer.ProfileScore r = score(series("a", 100, new int[] {50, 54}), scores(100, 1.0, 52, 54), CostProfile.STANDARD);
        assertThat(r.rawScore()).isCloseTo((2 / (1 + Math.exp(-3)) - 1) / MAX_TP, within(1e-12));
        assertThat(r.tp()).isEqualTo(2);
    }

    @Test
    void falsePositiveBeforeAnyWindowCostsTheFullFpWeight() {
        NabSeries s = series("a", 100, new int[] {50, 54});
        double[] sc = scores(100, 1.0, 20, 50);
        assertThat(score(s, sc, CostProfile.STANDARD).rawScore()).isCloseTo(1 - 0.11, within(1e-12));
        assertThat(score(s, sc, CostProfile.STANDARD).normalised()).isCloseTo(94.5, within(1e-9));
        assertThat(score(s, sc, CostProfile.REWARD_LOW_FP_RATE).rawScore()).isCloseTo(1 - 0.22, within(1e-12));
    }

    @Test
    void falsePositiveJustAfterAWindowCostsLess() {
        // row 56 is |54 - 56| / (5 - 1) = 0.5 past the window: σ(0.5) = 2/(1+e^2.5) - 1 = -0.848283, × 0.11
        NabScorer.ProfileScore r = score(series("a", 100, new int[] {50, 54}), scores(100, 1.0, 50, 56), CostProfile.STANDARD);
        double fp = (2 / (1 + Math.exp(2.5)) - 1) * 0.11;
        assertThat(fp).isCloseTo(-0.0933112, within(1e-7));
        assertThat(r.rawScore()).isCloseTo(1 + fp, within(1e-12));
        assertThat(r.fp()).isEqualTo(1);
    }

    @Test
    void probationaryRowsAreNotScored() {
        // a detection in row 1 (probation) is neither a false positive nor anything else
        NabScorer.ProfileScore r = score(series("a", 100, new int[] {50, 54}), scores(100, 1.0, 1, 50), CostProfile.STANDARD);
        assertThat(r.rawScore()).isCloseTo(1.0, within(1e-12));
        assertThat(r.tp() + r.tn() + r.fp() + r.fn()).isEqualTo(85);
    }

    @Test
    void thresholdIsTheBestOneForTheProfile() {
        // six FP rows (20..25) score 0.9, the TP row 0.8: at 0.9 the score is -1 - 6·0.11 = -1.66, at 0.8 it is 1 - 0.66 = 0.34,
        // at 0 the remaining rows add FPs; nothing detected (1.1) is -1. So 0.8 wins for the standard profile ...
        NabSeries s = series("a", 100, new int[] {50, 54});
        double[] sc = scores(100, 0.9, 20, 21, 22, 23, 24, 25);
        sc[50] = 0.8;
        NabScorer.ProfileScore std = score(s, sc, CostProfile.STANDARD);
        assertThat(std.threshold()).isEqualTo(0.8);
        assertThat(std.rawScore()).isCloseTo(0.34, within(1e-12));
        // ... and also for low-FP (1 - 6·0.22 = -0.32 > -1), while with twelve such FP rows it would not pay (1 - 12·0.22 < -1)
        assertThat(score(s, sc, CostProfile.REWARD_LOW_FP_RATE).rawScore()).isCloseTo(-0.32, within(1e-12));
        double[] sc2 = scores(100, 0.9, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31);
        sc2[50] = 0.8;
        NabScorer.ProfileScore lowFp = score(s, sc2, CostProfile.REWARD_LOW_FP_RATE);
        assertThat(lowFp.threshold()).as("detecting nothing is better").isEqualTo(1.1);
        assertThat(lowFp.rawScore()).isEqualTo(-1.0);
        assertThat(lowFp.normalised()).isZero();
    }

    @Test
    void missedWindowCostsTheFnWeight() {
        NabSeries s = series("a", 100, new int[] {50, 54});
        NabScorer.ProfileScore r = score(s, scores(100, 1.0, 54), CostProfile.REWARD_LOW_FN_RATE);
        assertThat(r.nullScore()).isEqualTo(-2.0);
        double tp = (2 / (1 + Math.exp(-1)) - 1) / MAX_TP;
        assertThat(r.normalised()).isCloseTo(100 * (tp + 2) / 3, within(1e-9)); // 82.28
    }

    @Test
    void windowInsideProbationCountsOnlyForThePerfectScore() {
        // as in NAB: rows 0..2 are probationary, so that window never enters the score, but the
        // normalisation counts every labelled window: perfect 2, null -1 (only the scorable window)
        NabScorer.ProfileScore r = score(series("a", 100, new int[] {0, 2}, new int[] {50, 54}), scores(100, 1.0, 50), CostProfile.STANDARD);
        assertThat(r.rawScore()).isCloseTo(1.0, within(1e-12));
        assertThat(r.nullScore()).isEqualTo(-1.0);
        assertThat(r.perfectScore()).isEqualTo(2.0);
        assertThat(r.normalised()).isCloseTo(100 * 2.0 / 3.0, within(1e-9));
    }

    @Test
    void oneThresholdForTheCorpusAndFileScoresSumToItsScore() {
        // file a: its window is detected at 0.5. File b (20 rows, 3 probationary): no window, every row 0.6, so at the corpus
        // threshold 0.5 all of b's 17 scorable rows are false positives (NAB finds no row for b here;
        // every row detected is the limit). 1 - 17 · 0.11 = -0.87 beats -1 (nothing detected).
        NabSeries a = series("a", 100, new int[] {50, 54});
        NabSeries b = series("b", 20);
        double[] sb = new double[20];
        Arrays.fill(sb, 0.6);
        NabScorer.ProfileScore r = NabScorer.score(List.of(a, b), Map.of(a.relativePath(), scores(100, 0.5, 50), b.relativePath(), sb),
                CostProfile.STANDARD);
        assertThat(r.threshold()).isEqualTo(0.5);
        assertThat(r.files().get(0).score()).isCloseTo(1.0, within(1e-12));
        assertThat(r.files().get(1).score()).isCloseTo(-17 * 0.11, within(1e-12));
        assertThat(r.rawScore()).isCloseTo(1 - 17 * 0.11, within(1e-12));
        assertThat(r.fp()).isEqualTo(17);
    }

    @Test
    void nullDetectorScoresZeroAndMismatchesAreRejected() {
        NabSeries s = series("a", 100, new int[] {50, 54});
        double[] constant = new double[100];
        Arrays.fill(constant, NabScorer.NULL_SCORE);
        for (CostProfile p : List.of(CostProfile.STANDARD, CostProfile.REWARD_LOW_FP_RATE, CostProfile.REWARD_LOW_FN_RATE)) {
            assertThat(score(s, constant, p).normalised()).isZero();
        }
        assertThatThrownBy(() -> score(s, new double[99], CostProfile.STANDARD)).hasMessageContaining("99 anomaly scores for 100 rows");
    }
}
