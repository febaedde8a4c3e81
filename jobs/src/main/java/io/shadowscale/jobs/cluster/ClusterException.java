package io.shadowscale.jobs.cluster;

/** Starting, stopping or reading the local cluster failed; the message is one line for the user. */
public class ClusterException extends RuntimeException {
    public ClusterException(String message) {
        super(message);
    }

    public ClusterException(String message, Throwable cause) {
        super(message, cause);
    }
}
