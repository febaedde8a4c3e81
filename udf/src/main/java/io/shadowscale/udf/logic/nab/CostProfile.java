package io.shadowscale.udf.logic.nab;

/**
 * A NAB application profile ({@code config/profiles.json}): the weight of a detected window (tp),
 * of a missed one (fn) and of each false-positive row (fp). NAB's {@code tnWeight} is not used by
 * its scorer and is not kept.
 */
public record CostProfile(String name, double tpWeight, double fpWeight, double fnWeight) {

    public static final CostProfile STANDARD = new CostProfile("standard", 1.0, 0.11, 1.0);
    public static final CostProfile REWARD_LOW_FP_RATE = new CostProfile("reward_low_FP_rate", 1.0, 0.22, 1.0);
    public static final CostProfile REWARD_LOW_FN_RATE = new CostProfile("reward_low_FN_rate", 1.0, 0.11, 2.0);
}
