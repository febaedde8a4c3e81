package io.shadowscale.udf.logic.forecast;

import java.util.Arrays;

/** A fixed-length ring of the last {@code capacity} buckets of every resource (NaN = missing). */
public final class History {
    private final int capacity;
    private final int resources;
    private final double[][] ring;
    private long count;

    public History(int capacity, int resources) {
        this.capacity = capacity;
        this.resources = resources;
        this.ring = new double[resources][capacity];
        for (double[] r : ring) Arrays.fill(r, Double.NaN);
    }

    public void add(double[] values) {
        int slot = (int) (count % capacity);
        for (int r = 0; r < resources; r++) ring[r][slot] = values[r];
        count++;
    }

    /** The value {@code lag} buckets before the newest (lag 0 = newest); NaN if unknown. */
    public double get(int resource, int lag) {
        if (lag >= count || lag >= capacity) return Double.NaN;
        return ring[resource][(int) ((count - 1 - lag) % capacity)];
    }

    public long count() {
        return count;
    }

    public int capacity() {
        return capacity;
    }

    /** The last {@code n} values of {@code resource}, oldest first (NaN where unknown). */
    public double[] window(int resource, int n) {
        double[] w = new double[n];
        for (int i = 0; i < n; i++) w[i] = get(resource, n - 1 - i);
        return w;
    }
}
