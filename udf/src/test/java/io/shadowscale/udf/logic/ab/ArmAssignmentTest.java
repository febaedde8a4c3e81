package io.shadowscale.udf.logic.ab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ArmAssignmentTest {

    @Test
    void theSameWorkloadAlwaysLandsInTheSameArm() {
        ArmAssignment a = ArmAssignment.parse("default=0.5,aggressive=0.3,frugal=0.2", "exp-1");
        // written in another order, built again: same answer (nothing depends on map or call order)
        ArmAssignment b = ArmAssignment.parse("frugal=0.2,default=0.5,aggressive=0.3", "exp-1");
        for (int i = 0; i < 2_000; i++) {
            assertThat(b.armOf("t" + i % 7, "w" + i)).isEqualTo(a.armOf("t" + i % 7, "w" + i));
        }
        // a fixed expectation, so a change of the hash (which would reshuffle running experiments) fails here
        // (SHA-256 of "exp-1/acme/checkout"; arms laid out by name: aggressive [0, .3), default [.3, .8), frugal)
        assertThat(ArmAssignment.point("exp-1/acme/checkout")).isEqualTo(0.6986209798910971);
        assertThat(a.armOf("acme", "checkout")).isEqualTo("default");
    }

    @Test
    void armsGetTheirShareOfWorkloads() {
        ArmAssignment a = ArmAssignment.parse("default=0.5,aggressive=0.3,frugal=0.2", "exp-1");
        Map<String, Integer> counts = new HashMap<>();
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            counts.merge(a.armOf("tenant-" + i % 50, "workload-" + i), 1, Integer::sum);
        }
        assertThat(counts.get("default") / (double) n).isCloseTo(0.5, offset(0.015));
        assertThat(counts.get("aggressive") / (double) n).isCloseTo(0.3, offset(0.015));
        assertThat(counts.get("frugal") / (double) n).isCloseTo(0.2, offset(0.015));
    }

    @Test
    void growingOneArmOnlyMovesWorkloadsIntoIt() {
        ArmAssignment before = ArmAssignment.parse("a=0.9,b=0.1", "s");
        ArmAssignment after = ArmAssignment.parse("a=0.8,b=0.2", "s");
        int moved = 0;
        for (int i = 0; i < 5_000; i++) {
            String x = before.armOf("t", "w" + i), y = after.armOf("t", "w" + i);
            if (!x.equals(y)) {
                assertThat(y).isEqualTo("b");
                moved++;
            }
        }
        assertThat(moved / 5_000.0).isCloseTo(0.1, offset(0.02));
    }

    @Test
    void aNewSaltRedrawsTheArms() {
        ArmAssignment one = ArmAssignment.parse("a=1,b=1", "exp-1");
        ArmAssignment two = ArmAssignment.parse("a=1,b=1", "exp-2");
        int same = 0;
        for (int i = 0; i < 4_000; i++) {
            same += one.armOf("t", "w" + i).equals(two.armOf("t", "w" + i)) ? 1 : 0;
        }
        assertThat(same / 4_000.0).isCloseTo(0.5, offset(0.04));
    }

    @Test
    void badWeightsSayWhatIsWrong() {
        assertThatThrownBy(() -> ArmAssignment.parse("a=x", "s")).hasMessageContaining("'x' is not a number");
        assertThatThrownBy(() -> ArmAssignment.parse("a", "s")).hasMessageContaining("name=weight");
        assertThatThrownBy(() -> ArmAssignment.parse("a=0,b=0", "s")).hasMessageContaining("positive weight");
        assertThatThrownBy(() -> new ArmAssignment(new LinkedHashMap<>(), "s")).hasMessageContaining("at least one arm");
    }
}
