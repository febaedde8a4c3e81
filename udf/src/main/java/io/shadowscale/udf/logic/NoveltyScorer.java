package io.shadowscale.udf.logic;

/**
 * Scores one resource of one workload, bucket by bucket, for use the shadow and the history did not
 * predict: a score in [0, 1] where 0 is "seen before" and above {@link #ALARM} is an anomaly. The
 * same object scores the job's residual stream ({@code ResidualNovelty}, keyed state of primitives) for the CEP conditions
 * of {@code AnomalyDetector}, in the job and in the NAB harness alike.
 *
 * <p>Four channels, each a "new record" test against everything this workload has shown so far:
 * <ul>
 *   <li>{@link Channel#VALUE}: the bucket's value lies outside the range of all earlier values (a
 *       spike or a collapse beyond anything seen);</li>
 *   <li>{@link Channel#LEVEL}: the EWMA of the value (α = {@link Config#levelAlpha}, a sustained
 *       surge or drop) lies outside the range of its earlier values;</li>
 *   <li>{@link Channel#RESIDUAL}: the EWMA of the standardised residual — actual vs the forecast
 *       band, {@code z = (actual - p50) / σ} with {@code σ = (p99 - p50) / 2.326} — lies outside its
 *       earlier range: the forecast has never been this wrong for this long, in this direction;</li>
 *   <li>{@link Channel#VOLATILITY}: the EWMA (α = {@link Config#volatilityAlpha}) of the absolute change
 *       between consecutive buckets rises above its highest earlier value: the series has become more
 *       erratic than ever (denser spikes, oscillation) even though no single value is a record. Only
 *       the upper side: a series going quiet is not an incident here.</li>
 * </ul>
 * A channel's score is {@code 0.5 + 0.5 · excess / (excess + range)}: just past the record scores
 * ~0.5, one range beyond it 0.75. After a channel alarms it stays quiet for
 * {@link Config#cooldownBuckets}, so one incident is one alarm (the job de-duplicates the same way).
 *
 * <p>Why records rather than z thresholds: on the Numenta Anomaly Benchmark, fixed cut-offs on the
 * standardised residual (or their calibrated tail probabilities) alarm constantly on heavy-tailed
 * series and never on smooth ones; a record is self-calibrating per series, needs no distribution
 * assumption, and is rare by construction. On the NAB data the first three scored 68.4 (standard
 * profile) where a calibrated tail probability of the residual (Numenta's "anomaly likelihood" idea)
 * scored 33; the volatility channel lifted it to 72.4. Tried and dropped: records against a recent
 * window only (more false alarms than windows found), a minimum excess that grows while the history
 * is short (lost as many early detections as false alarms).
 *
 * <p>State is a {@code double[]} of {@link #STATE_SIZE} primitives (~100 bytes), for a Flink
 * {@code ValueState<double[]>}.
 */
public final class NoveltyScorer {

    public enum Channel { VALUE, LEVEL, RESIDUAL, VOLATILITY }

    /** Scores above this are alarms. */
    public static final double ALARM = 0.5;
    static final double Z99 = 2.3263479;
    /**
     * A record must beat the old one by this share of the range: an EWMA converging on a steady
     * level, or a slow drift, sets a new record at every step by a hair, which is not an incident
     * (on NAB: 68.4 with it against 66.4 without).
     */
    static final double MIN_EXCESS = 0.01;

    static final int CHANNELS = Channel.values().length;

    // state slots
    static final int N = 0, V_MIN = 1, V_MAX = 2, LEVEL = 3, L_MIN = 4, L_MAX = 5, NZ = 6, ZS = 7, Z_MIN = 8, Z_MAX = 9,
            PREV = 10, VOL = 11, VOL_MIN = 12, VOL_MAX = 13, QUIET = 14, LAST_CHANNEL = QUIET + CHANNELS, LAST_SIGN = LAST_CHANNEL + 1;
    public static final int STATE_SIZE = LAST_SIGN + 1;

    /**
     * @param levelAlpha       EWMA weight of the newest value in the level channel
     * @param residualAlpha    EWMA weight of the newest standardised residual
     * @param residualWarmup   residuals to see before the residual channel may alarm (the band of a new forecaster is loose)
     * @param cooldownBuckets  buckets a channel stays quiet after it alarmed
     * @param volatilityAlpha  EWMA weight of the newest absolute change in the volatility channel
     * @param volatilityWarmup buckets before the volatility channel may alarm; its record starts at half of them
     */
    public record Config(double levelAlpha, double residualAlpha, int residualWarmup, int cooldownBuckets,
                         double volatilityAlpha, int volatilityWarmup) implements java.io.Serializable {
        public static Config defaults() {
            return new Config(0.05, 0.1, 100, 60, 0.03, 200);
        }
    }

    private final Config c;

    public NoveltyScorer(Config c) {
        this.c = c;
    }

    public NoveltyScorer() {
        this(Config.defaults());
    }

    public Config config() {
        return c;
    }

    public static double[] newState() {
        double[] s = new double[STATE_SIZE];
        for (int k = 0; k < CHANNELS; k++) {
            s[QUIET + k] = Double.NEGATIVE_INFINITY;
        }
        s[LAST_CHANNEL] = -1;
        return s;
    }

    /** Standardised residual: forecast-error scales above (+) or below (-) p50; the band is one-sided, so σ comes from p99. */
    public static double standardise(double actual, double p50, double p99) {
        double sigma = (p99 - p50) / Z99;
        if (!(sigma > 0)) {
            sigma = Math.max(1e-9, 1e-3 * Math.abs(p50));
        }
        return (actual - p50) / sigma;
    }

    /**
     * Folds in one bucket and returns its score.
     *
     * @param time     bucket start (ms), for the cool-down
     * @param bucketMs bucket length (ms)
     * @param value    the bucket's actual value
     * @param z        its standardised residual, or NaN when no forecast predicted it
     */
    public double score(double[] s, long time, long bucketMs, double value, double z) {
        double[] channel = new double[CHANNELS];
        double[] sign = new double[CHANNELS];
        boolean first = s[N] == 0;
        // value: against the range of all earlier values
        if (!first) {
            channel[0] = record(value, s[V_MIN], s[V_MAX]);
            sign[0] = value > s[V_MAX] ? 1 : -1;
        }
        s[V_MIN] = first ? value : Math.min(s[V_MIN], value);
        s[V_MAX] = first ? value : Math.max(s[V_MAX], value);
        // level: the EWMA against the range of its earlier values
        s[LEVEL] = first ? value : (1 - c.levelAlpha()) * s[LEVEL] + c.levelAlpha() * value;
        if (!first) {
            channel[1] = record(s[LEVEL], s[L_MIN], s[L_MAX]);
            sign[1] = s[LEVEL] > s[L_MAX] ? 1 : -1;
        }
        s[L_MIN] = first ? s[LEVEL] : Math.min(s[L_MIN], s[LEVEL]);
        s[L_MAX] = first ? s[LEVEL] : Math.max(s[L_MAX], s[LEVEL]);
        // residual: the EWMA of z against the range of its earlier values
        if (!Double.isNaN(z)) {
            boolean firstZ = s[NZ] == 0;
            s[ZS] = firstZ ? z : (1 - c.residualAlpha()) * s[ZS] + c.residualAlpha() * z;
            if (s[NZ] >= c.residualWarmup()) {
                channel[2] = record(s[ZS], s[Z_MIN], s[Z_MAX]);
                sign[2] = s[ZS] > s[Z_MAX] ? 1 : -1;
            }
            s[Z_MIN] = firstZ ? s[ZS] : Math.min(s[Z_MIN], s[ZS]);
            s[Z_MAX] = firstZ ? s[ZS] : Math.max(s[Z_MAX], s[ZS]);
            s[NZ]++;
        }
        // volatility: the EWMA of |change| above the highest of its earlier values
        if (!first) {
            double change = Math.abs(value - s[PREV]);
            s[VOL] = s[N] == 1 ? change : (1 - c.volatilityAlpha()) * s[VOL] + c.volatilityAlpha() * change;
            if (s[N] > c.volatilityWarmup() && s[VOL] > s[VOL_MAX]) {
                channel[3] = record(s[VOL], s[VOL_MIN], s[VOL_MAX]);
                sign[3] = 1;
            }
            // the record starts once the EWMA has forgotten its first values
            boolean start = s[N] == c.volatilityWarmup() / 2 + 1;
            if (s[N] > c.volatilityWarmup() / 2) {
                s[VOL_MIN] = start ? s[VOL] : Math.min(s[VOL_MIN], s[VOL]);
                s[VOL_MAX] = start ? s[VOL] : Math.max(s[VOL_MAX], s[VOL]);
            }
        }
        s[PREV] = value;
        s[N]++;
        double score = 0;
        s[LAST_CHANNEL] = -1;
        s[LAST_SIGN] = 0;
        for (int k = 0; k < channel.length; k++) {
            double sk = channel[k];
            if (sk <= ALARM) {
                continue;
            }
            // a spike is also a burst of change: volatility stays quiet while the value channel does
            boolean quiet = time < s[QUIET + k] || (k == Channel.VOLATILITY.ordinal() && time < s[QUIET + Channel.VALUE.ordinal()]);
            if (quiet) {
                sk = ALARM / 2; // the same incident, already raised: kept visible but below any alarm
            } else {
                s[QUIET + k] = time + (double) c.cooldownBuckets() * bucketMs;
            }
            if (sk > score) {
                score = sk;
                s[LAST_CHANNEL] = sk > ALARM ? k : -1;
                s[LAST_SIGN] = sk > ALARM ? sign[k] : 0;
            }
        }
        return score;
    }

    /** The channel that alarmed on the last bucket scored, or null. */
    public static Channel lastChannel(double[] s) {
        return s[LAST_CHANNEL] < 0 ? null : Channel.values()[(int) s[LAST_CHANNEL]];
    }

    /**
     * The record the last bucket set, as a signed code: {@code ±(channel ordinal + 1)}, + when the
     * record is a new high (a spike, a surge, more erratic than ever), − when a new low; 0 when it set
     * none that alarmed. For a residual field without an enum ({@code Residual#noveltyRecord}).
     */
    public static int lastRecord(double[] s) {
        return s[LAST_CHANNEL] < 0 ? 0 : (int) (s[LAST_SIGN] * (s[LAST_CHANNEL] + 1));
    }

    /** Buckets folded in so far. */
    public static long seen(double[] s) {
        return (long) s[N];
    }

    /** {@code 0.5 + 0.5 · excess / (excess + range)} beyond [min, max] by more than {@link #MIN_EXCESS} of the range, else 0. */
    static double record(double x, double min, double max) {
        double range = max - min;
        if (!(range > 0)) {
            return 0;
        }
        double excess = Math.max(x - max, min - x);
        return excess > MIN_EXCESS * range ? 0.5 + 0.5 * excess / (excess + range) : 0;
    }
}
