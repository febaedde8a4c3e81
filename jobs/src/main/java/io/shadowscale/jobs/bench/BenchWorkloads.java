package io.shadowscale.jobs.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.time.Instant;

import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

import io.shadowscale.schema.TelemetryEvent;
import io.shadowscale.schema.WireFormat;
import io.shadowscale.udf.Keys;

/**
 * The benchmark's synthetic fleet: {@code tenants × workloadsPerTenant} workloads, each sampled
 * every {@code intervalMs} (at its own second within the interval, or within the minute for
 * longer intervals), with a daily load curve, its
 * own size and phase, multiplicative noise and a rare 5× CPU spike. Values come from a hash of
 * (seed, workload, tick), so any sample is generated on its own, cheaply and reproducibly: the
 * generator must cost far less than the job, or the pass-through ceiling would measure it.
 *
 * <p>{@link Encoder#encode} writes the sample in the wire format of the {@code telemetry} topic
 * (Avro single-object encoding), so the job's source decodes real bytes.
 */
public final class BenchWorkloads implements Serializable {
    private static final long serialVersionUID = 1L;

    static final String[] KINDS = {"transactions", "interactive", "batch", "media", "analytics"};
    static final String[] REGIONS = {"eu-west-1", "us-east-1", "us-west-2", "eu-central-1", "ap-southeast-1", "us-east-2", "eu-west-2", "sa-east-1"};
    private static final int MINUTES_PER_DAY = 1440;
    private static final double GIB = 1L << 30;

    public final int tenants;
    public final int workloadsPerTenant;
    public final long startMs;
    public final long intervalMs;
    private final long seed;
    private final String[] tenantIds;
    private final String[] workloadIds;
    private final String[] keys;
    private final double[] size;
    private final int[] phaseMinutes;
    private final int[] offsetMs;
    private final double[] dailyShape;

    public BenchWorkloads(int tenants, int workloadsPerTenant, long startMs, long intervalMs, long seed) {
        this.tenants = tenants;
        this.workloadsPerTenant = workloadsPerTenant;
        this.startMs = startMs;
        this.intervalMs = intervalMs;
        this.seed = seed;
        int n = tenants * workloadsPerTenant;
        tenantIds = new String[n];
        workloadIds = new String[n];
        keys = new String[n];
        size = new double[n];
        phaseMinutes = new int[n];
        offsetMs = new int[n];
        for (int w = 0; w < n; w++) {
            tenantIds[w] = String.format("tenant-%05d", w / workloadsPerTenant);
            workloadIds[w] = String.format("%s-%02d", KINDS[(w % workloadsPerTenant) % KINDS.length], w % workloadsPerTenant);
            keys[w] = Keys.workload(tenantIds[w], workloadIds[w]);
            size[w] = 0.5 + 7.5 * unit(w, -1, 0);
            phaseMinutes[w] = (int) (unit(w, -1, 1) * 240) - 120;
            offsetMs[w] = (int) (unit(w, -1, 2) * (Math.min(intervalMs, 60_000L) / 1000)) * 1000;
        }
        dailyShape = new double[MINUTES_PER_DAY];
        for (int m = 0; m < MINUTES_PER_DAY; m++) {
            double hour = m / 60.0;
            // business-hours bump at 11:00 and 15:00, quiet nights
            dailyShape[m] = 0.15 + 0.6 * bump(hour, 11, 2.3) + 0.5 * bump(hour, 15.2, 2.4) + 0.15 * bump(hour, 20, 2);
        }
    }

    public int count() {
        return keys.length;
    }

    /** "tenant/workload" of workload {@code w}: the job's key. */
    public String key(int w) {
        return keys[w];
    }

    /** Event time of sample {@code tick} of workload {@code w}. */
    public long eventTime(int w, long tick) {
        return startMs + tick * intervalMs + offsetMs[w];
    }

    /** Writes samples as the wire format's bytes; one per source reader (it reuses its buffers). */
    public Encoder encoder() {
        return new Encoder();
    }

    public final class Encoder {
        /**
         * The single-object header (marker and the schema's fingerprint) once, then the datum
         * through a buffered encoder: the bytes of {@code BinaryMessageEncoder.encode}, whose
         * unbuffered encoder wrote the record byte by byte into the stream — 17% of the pipeline
         * run's samples went to the generator, CPU the job under test did not get.
         */
        private final byte[] header = WireFormat.header(TelemetryEvent.getClassSchema());
        private final SpecificDatumWriter<TelemetryEvent> writer = new SpecificDatumWriter<>(TelemetryEvent.getClassSchema());
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(160);
        private BinaryEncoder binary;
        private final TelemetryEvent e = new TelemetryEvent();

        public TelemetryEvent sample(int w, long tick) {
            long t = eventTime(w, tick);
            int minute = (int) Math.floorMod(Math.floorDiv(t, 60_000L) + phaseMinutes[w], (long) MINUTES_PER_DAY);
            double load = dailyShape[minute] * (0.92 + 0.16 * unit(w, tick, 0));
            double s = size[w];
            double cpu = s * (0.1 + load);
            if (unit(w, tick, 1) < 2e-4) {
                cpu *= 5; // a rare spike, so the anomaly patterns also match now and then
            }
            double requests = s * 2_000 * load * (0.95 + 0.1 * unit(w, tick, 2)) * intervalMs / 60_000.0;
            e.setTenantId(tenantIds[w]);
            e.setWorkloadId(workloadIds[w]);
            e.setEventTime(Instant.ofEpochMilli(t));
            e.setCpuCores(Math.round(cpu * 1000) / 1000.0);
            e.setMemoryBytes((long) ((1 + s * (0.5 + 0.5 * load)) * GIB));
            e.setNetworkInBytes((long) (requests * 1_800));
            e.setNetworkOutBytes((long) (requests * 6_500 + 1e6));
            e.setStorageBytes((long) (s * 50 * GIB + tick * s * 1e5));
            e.setDbQueries((long) (requests * 3));
            e.setRequests((long) requests);
            e.setActiveSessions((int) (requests / 25));
            e.setSessionDurationMs(45_000 * (0.9 + 0.2 * unit(w, tick, 3)));
            e.setDataKind(KINDS[(w % workloadsPerTenant) % KINDS.length]);
            e.setIntervalMs(intervalMs);
            e.setRegion(REGIONS[(w / workloadsPerTenant) % REGIONS.length]);
            return e;
        }

        public byte[] encode(int w, long tick) {
            buffer.reset();
            buffer.write(header, 0, header.length);
            try {
                binary = EncoderFactory.get().binaryEncoder(buffer, binary);
                writer.write(sample(w, tick), binary);
                binary.flush();
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            return buffer.toByteArray();
        }
    }

    /** A uniform number in [0, 1) from (seed, workload, tick, draw): SplitMix64's finaliser. */
    private double unit(int w, long tick, int draw) {
        long z = seed * 0x9E3779B97F4A7C15L + w * 0xBF58476D1CE4E5B9L + tick * 0x94D049BB133111EBL + draw * 0x2545F4914F6CDD1DL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (z >>> 11) * 0x1.0p-53;
    }

    private static double bump(double hour, double centre, double width) {
        double d = Math.abs(hour - centre) % 24;
        d = Math.min(d, 24 - d);
        return Math.exp(-0.5 * (d / width) * (d / width));
    }
}
