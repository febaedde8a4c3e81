package io.shadowscale.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import io.shadowscale.udf.AnomalyDetector;
import io.shadowscale.udf.ShadowOptions;
import io.shadowscale.udf.model.Residual;
import io.shadowscale.udf.model.Resource;

/** The four CEP residual conditions, each evaluated on every residual (one per closed bucket). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CepConditionBench {
    private final ShadowOptions options = ShadowOptions.defaults();
    private Residual[] residuals;
    private int i;

    @Setup
    public void setup() {
        residuals = new Residual[16];
        for (int k = 0; k < residuals.length; k++) {
            Residual r = new Residual();
            r.tenantId = "tenant-00042";
            r.workloadId = "transactions-03";
            r.actual = new double[Resource.COUNT];
            r.p50 = new double[Resource.COUNT];
            r.p90 = new double[Resource.COUNT];
            r.p99 = new double[Resource.COUNT];
            for (int res = 0; res < Resource.COUNT; res++) {
                double base = res == 0 ? 2 : 1e6;
                r.p50[res] = base;
                r.p90[res] = base * 1.3;
                r.p99[res] = base * 1.6;
                r.actual[res] = base * (0.2 + 0.25 * k); // from far below p50 to far above p99
            }
            residuals[k] = r;
        }
    }

    @Benchmark
    public void allFour(Blackhole bh) {
        Residual r = residuals[i++ & 15];
        bh.consume(AnomalyDetector.isSpike(r, options));
        bh.consume(AnomalyDetector.isAboveP90(r, options));
        bh.consume(AnomalyDetector.isDropped(r, options));
        bh.consume(AnomalyDetector.isEgressWithoutLoad(r, options));
    }
}
