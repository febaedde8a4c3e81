package io.shadowscale.udf.logic.ab;

final class ShadowArmsTestAccess {
    private ShadowArmsTestAccess() {}

    static void account(ArmState a, long from, long to, double cpu, double memory, io.shadowscale.udf.logic.scaling.PricingCatalog.Price price) {
        ShadowArms.account(a, from, to, cpu, memory, price);
    }
}
