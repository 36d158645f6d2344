package io.drover.agent.exec;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Runs job attempts on this host. Called from actors, so no method blocks its caller: blocking
 * work runs on a {@link java.util.concurrent.Executor} given to the implementation at construction,
 * and results come back as {@link CompletionStage}s.
 */
public interface AttemptExecutor extends AutoCloseable {

  /** Short name of the implementation: {@code docker} or {@code process}. */
  String name();

  /**
   * Starts the attempt. Completes when the container or process is running, or exceptionally with
   * a {@link LaunchFailedException} whose message is an AWS-style status reason. From then on the
   * attempt's output is delivered to {@code sink}, in order per stream.
   */
  CompletionStage<Execution> start(LaunchSpec spec, OutputSink sink);

  /**
   * Executions left on this host by earlier incarnations of the agent with this node id, so they can
   * be re-attached or reaped. Docker: containers labelled {@code drover.node-id=nodeId}; the process
   * executor always returns an empty list (its children do not outlive the agent's control).
   */
  CompletionStage<List<LeftoverExecution>> leftovers(String nodeId);

  /**
   * Follows a leftover again, as {@link #start} follows a new attempt: its output from the
   * beginning (the caller skips what is stored already) and its exit. Fails if it is gone or
   * cannot be followed.
   */
  CompletionStage<Execution> reattach(LeftoverExecution leftover, OutputSink sink);

  /** Stops a leftover (SIGTERM, SIGKILL after {@code grace}) and removes it. */
  CompletionStage<Void> reap(LeftoverExecution leftover, Duration grace);

  /** Releases the executor's own resources. Does not throw. */
  @Override
  void close();
}
