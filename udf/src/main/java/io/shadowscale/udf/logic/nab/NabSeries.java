package io.shadowscale.udf.logic.nab;

import java.util.List;

/**
 * One NAB data file: timestamps (NAB's naive timestamps read as UTC, epoch ms), values, and the
 * labelled anomaly windows from {@code labels/combined_windows.json}.
 *
 * @param relativePath {@code <category>/<file>.csv}, the key of the labels file
 */
public record NabSeries(String relativePath, long[] timestamps, double[] values, List<Window> windows) {

    /** An anomaly window: first and last timestamp, both inclusive and both rows of the file. */
    public record Window(long start, long end) {}

    public NabSeries {
        if (timestamps.length != values.length) {
            throw new IllegalArgumentException(relativePath + ": " + timestamps.length + " timestamps but " + values.length + " values");
        }
        windows = List.copyOf(windows);
    }

    public int size() {
        return values.length;
    }

    public String category() {
        int slash = relativePath.lastIndexOf('/');
        return slash < 0 ? "" : relativePath.substring(0, slash);
    }

    public String fileName() {
        return relativePath.substring(relativePath.lastIndexOf('/') + 1);
    }

    /** Rows at the start that NAB does not score and a detector may use to learn: 15% of the file, at most 750. */
    public int probationLength() {
        return NabScorer.probationLength(size());
    }
}
