package io.drover.node.cassandra;

/** Cassandra could not be started; the message says why and what to do about it. */
public final class CassandraStartException extends RuntimeException {

  /** Creates the exception with an operator-facing message. */
  public CassandraStartException(String message) {
    super(message);
  }

  /** Creates the exception with an operator-facing message and its cause. */
  public CassandraStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
