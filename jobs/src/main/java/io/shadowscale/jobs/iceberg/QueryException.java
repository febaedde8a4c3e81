package io.shadowscale.jobs.iceberg;

/**
 * A query the user can fix: no warehouse, bad SQL, unknown table or column, a statement that is not
 * read-only. The message is meant to be printed as is, without a stack trace.
 */
public class QueryException extends Exception {
  private static final long serialVersionUID = 1L;

  public QueryException(String message) {
    super(message);
  }

  public QueryException(String message, Throwable cause) {
    super(message, cause);
  }
}
