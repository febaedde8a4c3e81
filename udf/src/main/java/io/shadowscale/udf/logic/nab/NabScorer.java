package io.shadowscale.udf.logic.nab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Numenta Anomaly Benchmark's scoring rules (NAB v1.1: {@code nab/sweeper.py},
 * {@code nab/optimizer.py}, {@code nab/scorer.py} and {@code Runner.normalize}), re-implemented
 * in plain Java so that the benchmark runs inside this project.
 *
 * <ul>
 *   <li><b>Probation.</b> The first {@code min(floor(0.15 n), 750)} rows of a file are not scored.</li>
 *   <li><b>Windows.</b> Each labelled window counts once: its score is that of its <em>earliest</em>
 *       detection, {@code tpWeight · σ(pos) / σ(-1)} with the scaled sigmoid
 *       {@code σ(x) = 2/(1+e^{5x}) - 1} and {@code pos = -(right - i + 1) / width} (so a detection on the
 *       first row of the window scores the full tpWeight and one on its last row ~0.47); a window
 *       without detection costs {@code -fnWeight}.</li>
 *   <li><b>False positives.</b> Every detected row outside a window costs
 *       {@code fpWeight · σ(|i - right| / (width - 1))} relative to the closest preceding window (small
 *       just after a window, -fpWeight far from it or before any window).</li>
 *   <li><b>Threshold.</b> A row is a detection when its anomaly score is {@code >=} the threshold. Per
 *       profile, one threshold for the whole corpus is chosen that maximises the corpus score (the
 *       sweep over every distinct score, {@code Sweeper.calcScoreByThreshold}); each file is then
 *       scored at it and the file scores summed.</li>
 *   <li><b>Normalisation.</b> {@code 100 · (S - S_null) / (S_perfect - S_null)}, where {@code S_null}
 *       is the score of the null detector (constant 0.5 for every row, scored by the same rules) and
 *       {@code S_perfect = tpWeight · number of windows in the labels}.</li>
 * </ul>
 *
 * Where NAB's code would fail (a one-row window followed by a false positive divides by zero; a
 * threshold below every score of a file finds no row), the natural limit is taken and said so below.
 */
public final class NabScorer {

    /** NAB's {@code probationaryPercent}. */
    public static final double PROBATION_PERCENT = 0.15;
    /** The constant score of NAB's null detector. */
    public static final double NULL_SCORE = 0.5;

    static final int PROBATION = -2;
    static final int OUTSIDE = -1;

    private NabScorer() {}

    /** {@code 2·sigmoid(-5x) - 1}, and exactly -1 from x = 3 on (NAB: "FP well behind window"). */
    public static double scaledSigmoid(double x) {
        if (x >= 3.0) {
            return -1.0;
        }
        return 2.0 / (1.0 + Math.exp(5.0 * x)) - 1.0;
    }

    /** NAB's {@code min(floor(p·n), p·5000)}; rows with index below it are probationary. */
    public static int probationLength(int rows) {
        return (int) Math.min(Math.floor(PROBATION_PERCENT * rows), PROBATION_PERCENT * 5000);
    }

    /**
     * Per-row sweep scores of one file ({@code Sweeper.calcSweepScore}): what each row would add if it
     * were a detection, and which window it belongs to.
     */
    static final class Swept {
        final double[] anomalyScore;
        final double[] sweepScore;
        /** Corpus-wide window id, {@link #OUTSIDE} or {@link #PROBATION}. */
        final int[] window;
        final int windowBase;
        final int windowCount;

        Swept(double[] anomalyScore, double[] sweepScore, int[] window, int windowBase, int windowCount) {
            this.anomalyScore = anomalyScore;
            this.sweepScore = sweepScore;
            this.window = window;
            this.windowBase = windowBase;
            this.windowCount = windowCount;
        }
    }

    static Swept sweep(NabSeries s, double[] scores, CostProfile p, int windowBase) {
        long[] ts = s.timestamps();
        int n = ts.length;
        if (scores.length != n) {
            throw new IllegalArgumentException(s.relativePath() + ": " + scores.length + " anomaly scores for " + n + " rows");
        }
        double maxTp = scaledSigmoid(-1.0);
        int probation = probationLength(n);
        double[] sweep = new double[n];
        int[] window = new int[n];
        List<NabSeries.Window> pending = new ArrayList<>(s.windows());
        int nextWindow = 0;
        int curId = -1;
        long curEnd = 0;
        int curRight = -1;
        double curWidth = 0;
        int prevRight = -1;
        double prevWidth = 0;
        for (int i = 0; i < n; i++) {
            // entering a window: NAB compares the row's timestamp with the next window's start
            if (curId < 0 && nextWindow < pending.size() && ts[i] == pending.get(nextWindow).start()) {
                NabSeries.Window w = pending.get(nextWindow);
                curId = windowBase + nextWindow;
                nextWindow++;
                curEnd = w.end();
                curRight = indexOf(ts, w.end(), s);
                curWidth = curRight - indexOf(ts, w.start(), s) + 1;
            }
            if (curId >= 0) {
                double position = -(curRight - i + 1) / curWidth;
                sweep[i] = scaledSigmoid(position) * p.tpWeight() / maxTp;
            } else {
                double position;
                if (prevRight < 0) {
                    position = 3.0; // before any window: the full FP weight
                } else if (prevWidth <= 1) {
                    position = Double.POSITIVE_INFINITY; // NAB divides by zero here; the limit is the full FP weight
                } else {
                    position = Math.abs(prevRight - i) / (prevWidth - 1);
                }
                sweep[i] = scaledSigmoid(position) * p.fpWeight();
            }
            window[i] = i < probation ? PROBATION : curId >= 0 ? curId : OUTSIDE;
            if (curId >= 0 && ts[i] == curEnd) {
                prevRight = i;
                prevWidth = curWidth;
                curId = -1;
            }
        }
        return new Swept(scores.clone(), sweep, window, windowBase, s.windows().size());
    }

    private static int indexOf(long[] ts, long t, NabSeries s) {
        for (int i = 0; i < ts.length; i++) {
            if (ts[i] == t) {
                return i;
            }
        }
        throw new IllegalArgumentException(s.relativePath() + ": window limit " + t + " is not a timestamp of the file");
    }

    /** Score and confusion counts when every scorable row with anomaly score {@code >= threshold} is a detection. */
    public record ThresholdScore(double threshold, double score, long tp, long tn, long fp, long fn) {}

    /**
     * {@code Sweeper.calcScoreByThreshold}: the score at every distinct anomaly score, from the highest
     * threshold (1.1: nothing detected) down to the lowest score (everything detected).
     */
    static List<ThresholdScore> scoreByThreshold(List<Swept> files, CostProfile p) {
        int total = 0;
        int windows = 0;
        for (Swept f : files) {
            total += f.anomalyScore.length;
            windows = Math.max(windows, f.windowBase + f.windowCount);
        }
        // the scorable rows, sorted by anomaly score, highest first
        double[] score = new double[total];
        double[] sweep = new double[total];
        int[] win = new int[total];
        int k = 0;
        for (Swept f : files) {
            for (int i = 0; i < f.anomalyScore.length; i++) {
                if (f.window[i] != PROBATION) {
                    score[k] = f.anomalyScore[i];
                    sweep[k] = f.sweepScore[i];
                    win[k] = f.window[i];
                    k++;
                }
            }
        }
        Integer[] order = new Integer[k];
        for (int i = 0; i < k; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(score[b], score[a]));

        // a window counts only if at least one of its rows is scorable; until detected it costs -fnWeight
        double[] part = new double[windows];
        boolean[] counted = new boolean[windows];
        double sum = 0;
        long tn = 0;
        long fn = 0;
        for (int i = 0; i < k; i++) {
            if (win[i] >= 0) {
                fn++;
                if (!counted[win[i]]) {
                    counted[win[i]] = true;
                    part[win[i]] = -p.fnWeight();
                    sum -= p.fnWeight();
                }
            } else {
                tn++;
            }
        }
        long tp = 0;
        long fp = 0;
        List<ThresholdScore> out = new ArrayList<>();
        double threshold = 1.1;
        for (int j = 0; j < k; j++) {
            int i = order[j];
            if (score[i] != threshold) {
                out.add(new ThresholdScore(threshold, sum, tp, tn, fp, fn));
                threshold = score[i];
            }
            if (win[i] >= 0) {
                tp++;
                fn--;
                // the earliest detection of a window has the highest sweep score: keep the best
                if (sweep[i] > part[win[i]]) {
                    sum += sweep[i] - part[win[i]];
                    part[win[i]] = sweep[i];
                }
            } else {
                fp++;
                tn--;
                sum += sweep[i];
            }
        }
        out.add(new ThresholdScore(threshold, sum, tp, tn, fp, fn));
        return out;
    }

    /** {@code optimizer.optimizeThreshold}: the row with the highest corpus score (the highest threshold among ties). */
    static ThresholdScore best(List<ThresholdScore> rows) {
        ThresholdScore best = rows.get(0);
        for (ThresholdScore r : rows) {
            if (r.score() > best.score()) {
                best = r;
            }
        }
        return best;
    }

    /**
     * {@code Sweeper.scoreDataSet}: the row of one file at a given threshold: the exact threshold if a
     * score equals it, else the lowest threshold above it. (Where every score of the file is above the
     * threshold NAB finds no row; every row is then a detection, which is the last row.)
     */
    static ThresholdScore atThreshold(List<ThresholdScore> rows, double threshold) {
        ThresholdScore prev = null;
        for (ThresholdScore r : rows) {
            if (r.threshold() == threshold) {
                return r;
            }
            if (r.threshold() < threshold) {
                return prev != null ? prev : r;
            }
            prev = r;
        }
        return rows.get(rows.size() - 1);
    }

    /** One file's score at the corpus threshold. */
    public record FileScore(String relativePath, double score, long tp, long tn, long fp, long fn) {}

    /** A detector's result for one profile. */
    public record ProfileScore(String profile, double threshold, double rawScore, double nullScore, double perfectScore,
                               double normalised, long tp, long tn, long fp, long fn, List<FileScore> files) {}

    /**
     * Scores one detector's anomaly scores ({@code scores.get(relativePath)}, one per row) over the corpus for one profile:
     * threshold optimisation, per-file scores at that threshold, normalisation against the null detector.
     */
    public static ProfileScore score(List<NabSeries> corpus, Map<String, double[]> scores, CostProfile p) {
        Map<String, double[]> nullScores = new LinkedHashMap<>();
        for (NabSeries s : corpus) {
            double[] c = new double[s.size()];
            Arrays.fill(c, NULL_SCORE);
            nullScores.put(s.relativePath(), c);
        }
        double nullScore = raw(corpus, nullScores, p, null);
        int windows = 0;
        for (NabSeries s : corpus) {
            windows += s.windows().size();
        }
        double perfect = windows * p.tpWeight();
        List<FileScore> files = new ArrayList<>();
        double[] threshold = new double[1];
        double rawScore = raw(corpus, scores, p, new Out(files, threshold));
        long tp = 0, tn = 0, fp = 0, fn = 0;
        for (FileScore f : files) {
            tp += f.tp();
            tn += f.tn();
            fp += f.fp();
            fn += f.fn();
        }
        double normalised = perfect == nullScore ? 0 : 100 * (rawScore - nullScore) / (perfect - nullScore);
        return new ProfileScore(p.name(), threshold[0], rawScore, nullScore, perfect, normalised, tp, tn, fp, fn,
                Collections.unmodifiableList(files));
    }

    private record Out(List<FileScore> files, double[] threshold) {}

    /** Optimises the threshold over the corpus, then sums the per-file scores at it (NAB's "Totals" row). */
    private static double raw(List<NabSeries> corpus, Map<String, double[]> scores, CostProfile p, Out out) {
        List<Swept> swept = new ArrayList<>();
        int base = 0;
        for (NabSeries s : corpus) {
            double[] sc = scores.get(s.relativePath());
            if (sc == null) {
                throw new IllegalArgumentException("no anomaly scores for " + s.relativePath());
            }
            swept.add(sweep(s, sc, p, base));
            base += s.windows().size();
        }
        double threshold = best(scoreByThreshold(swept, p)).threshold();
        double total = 0;
        for (int f = 0; f < swept.size(); f++) {
            ThresholdScore r = atThreshold(scoreByThreshold(List.of(swept.get(f)), p), threshold);
            total += r.score();
            if (out != null) {
                out.files.add(new FileScore(corpus.get(f).relativePath(), r.score(), r.tp(), r.tn(), r.fp(), r.fn()));
            }
        }
        if (out != null) {
            out.threshold[0] = threshold;
        }
        return total;
    }
}
