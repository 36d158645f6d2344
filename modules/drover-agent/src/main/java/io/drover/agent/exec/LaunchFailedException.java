package io.drover.agent.exec;

/**
 * An attempt could not be started. The message is the AWS-style status reason to show on the job,
 * e.g. {@code CannotPullContainerError: ...} or {@code CannotStartContainerError: ...}.
 */
public final class LaunchFailedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public LaunchFailedException(String reason, Throwable cause) {
    super(reason, cause);
  }
}
