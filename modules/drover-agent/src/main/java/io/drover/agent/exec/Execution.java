package io.drover.agent.exec;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/** One running attempt, as returned by {@link AttemptExecutor#start}. */
public interface Execution {

  /** The container id, or {@code pid:<pid>} for a plain process. */
  String id();

  /**
   * Completes once the process has exited and every byte of its output has been handed to the
   * sink. Completes exceptionally only if the executor lost track of the attempt (for example the
   * Docker daemon went away, or the executor was closed).
   */
  CompletionStage<ExitStatus> exit();

  /**
   * Sends SIGTERM now and SIGKILL to whatever is left after {@code grace}. Idempotent (only the first
   * call acts) and never blocks the caller; {@link #exit()} still completes normally afterwards.
   */
  void stop(Duration grace);
}
