package io.shadowscale.jobs.cluster;

/** A Flink REST call that failed; the message is one line for the user. */
public class FlinkRestException extends RuntimeException {
    private final int status;

    public FlinkRestException(String message, Throwable cause) {
        super(message, cause);
        this.status = -1;
    }

    public FlinkRestException(String message) {
        this(message, -1);
    }

    public FlinkRestException(String message, int status) {
        super(message);
        this.status = status;
    }

    /** The HTTP status Flink answered with, or -1 when there was no answer. */
    public int status() {
        return status;
    }
}
