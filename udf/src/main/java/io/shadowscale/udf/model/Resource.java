package io.shadowscale.udf.model;

/** The forecast resources, in the order used by every per-resource array. */
public enum Resource {
    CPU("cpu", "cores"),
    MEMORY("memory", "bytes"),
    NETWORK_IN("network_in", "bytes/s"),
    NETWORK_OUT("network_out", "bytes/s"),
    STORAGE("storage", "bytes");

    public static final int COUNT = values().length;

    public final String label;
    public final String unit;

    Resource(String label, String unit) {
        this.label = label;
        this.unit = unit;
    }
}
