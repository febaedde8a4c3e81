package io.shadowscale.udf.logic.ab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;

import org.junit.jupiter.api.Test;

import io.shadowscale.udf.ShadowOptions;

class StrategyCatalogTest {

    static StrategyCatalog parse(String text) throws Exception {
        return StrategyCatalog.parse(new StringReader(text), "test.properties");
    }

    @Test
    void theBundledCatalogueLoadsAndEveryArmIsAStrategy() {
        StrategyCatalog c = StrategyCatalog.bundled();
        assertThat(c.names()).contains("default");
        assertThat(c.defaultStrategy()).isEqualTo("default");
        assertThat(c.names()).containsAll(c.assignment().arms());
    }

    @Test
    void aStrategyOverridesOnlyWhatItNames() throws Exception {
        StrategyCatalog c = parse("""
                strategy.default.quantile = 50
                strategy.safe.quantile = 90
                strategy.safe.scale-in-quantile = 99
                strategy.safe.target-cpu-utilization = 0.6
                ab.arms = default=3,safe=1
                """);
        ShadowOptions base = ShadowOptions.defaults();
        base.maxReplicas = 42;
        ShadowOptions safe = c.options("safe", base);
        assertThat(safe.provisionQuantile).isEqualTo(90);
        assertThat(safe.scaleInQuantile).isEqualTo(99);
        assertThat(safe.targetCpuUtilization).isEqualTo(0.6);
        assertThat(safe.maxReplicas).as("kept from the job").isEqualTo(42);
        assertThat(safe.policyName).isEqualTo("safe");
        assertThat(base.provisionQuantile).as("the job's options are not touched").isEqualTo(ShadowOptions.defaults().provisionQuantile);
        assertThat(c.all(base)).containsOnlyKeys("default", "safe");
    }

    @Test
    void mistakesAreNamed() {
        assertThatThrownBy(() -> parse("strategy.a.quantile = 95\n"))
                .hasMessageContaining("strategy a").hasMessageContaining("quantile must be 50, 90 or 99");
        assertThatThrownBy(() -> parse("strategy.a.quantile = 90\n"))
                .hasMessageContaining("scale-in needs a gap below scale-up");
        assertThatThrownBy(() -> parse("strategy.a.quantil = 90\n"))
                .hasMessageContaining("unknown option(s) [quantil]");
        assertThatThrownBy(() -> parse("strategy.a.quantile = 50\nab.arms = a=1,b=1\n"))
                .hasMessageContaining("ab.arms: arm 'b' is not a strategy");
        assertThatThrownBy(() -> parse("strategy.a.quantile = 50\nab.typo = 1\n"))
                .hasMessageContaining("unknown key 'ab.typo'");
        assertThatThrownBy(() -> parse("# nothing\n")).hasMessageContaining("no strategies");
        assertThatThrownBy(() -> StrategyCatalog.bundled().options("nope", ShadowOptions.defaults()))
                .hasMessageContaining("unknown strategy 'nope'");
    }
}
