package io.drover.agent.exec;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs nothing: each attempt "runs" for a fixed time and exits 0, without output. For load tests
 * of the controllers (a simulated fleet of thousands of agents in one JVM), where what a job does
 * does not matter, only that it takes a place on a host for a while.
 *
 * <p>An attempt has no process, container or thread of its own: its end is one task on a timer
 * thread that this executor owns and every attempt it runs shares (one executor can serve every
 * agent of the JVM). A stop ends the attempt at once with exit code 137 (128 + SIGKILL), as a
 * container that does not handle SIGTERM ends after {@code docker stop}: there is nothing to give a
 * grace period to. Nothing outlives the agent, so {@link #leftovers} is always empty, and {@link
 * #close()} ends the attempts still running the same way.
 */
public final class NoopAttemptExecutor implements AttemptExecutor {

  /** The exit code of a stopped attempt: 128 + SIGKILL. */
  public static final int STOPPED_EXIT_CODE = 128 + 9;

  private final Duration runTime;
  private final ScheduledThreadPoolExecutor timer;
  private final Set<NoopExecution> running = ConcurrentHashMap.newKeySet();
  private final AtomicLong ids = new AtomicLong();

  /** @param runTime how long each attempt runs before it exits 0; zero ends it at once */
  public NoopAttemptExecutor(Duration runTime) {
    if (runTime.isNegative()) {
      throw new IllegalArgumentException("the noop run time cannot be negative: " + runTime);
    }
    this.runTime = runTime;
    this.timer = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, "drover-noop-timer");
      thread.setDaemon(true);
      return thread;
    });
    // A stopped attempt's task leaves the queue at once rather than when it would have run.
    timer.setRemoveOnCancelPolicy(true);
  }

  @Override
  public String name() {
    return "noop";
  }

  @Override
  public CompletionStage<Execution> start(LaunchSpec spec, OutputSink sink) {
    NoopExecution execution = new NoopExecution("noop:" + ids.incrementAndGet());
    running.add(execution);
    try {
      execution.scheduled = timer.schedule(() -> execution.end(0), runTime.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closed) {
      running.remove(execution);
      return CompletableFuture.failedFuture(
          new LaunchFailedException("CannotStartContainerError: the agent is shutting down", closed));
    }
    return CompletableFuture.completedFuture(execution);
  }

  @Override
  public CompletionStage<List<LeftoverExecution>> leftovers(String nodeId) {
    return CompletableFuture.completedFuture(List.of());
  }

  @Override
  public CompletionStage<Execution> reattach(LeftoverExecution leftover, OutputSink sink) {
    return CompletableFuture.failedFuture(
        new UnsupportedOperationException("the noop executor has no leftovers to re-attach to"));
  }

  @Override
  public CompletionStage<Void> reap(LeftoverExecution leftover, Duration grace) {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void close() {
    timer.shutdownNow();
    running.forEach(execution -> execution.end(STOPPED_EXIT_CODE));
  }

  private final class NoopExecution implements Execution {

    private final String id;
    private final CompletableFuture<ExitStatus> exited = new CompletableFuture<>();
    private final CompletionStage<ExitStatus> exit = exited.minimalCompletionStage();
    private volatile ScheduledFuture<?> scheduled;

    NoopExecution(String id) {
      this.id = id;
    }

    /** Only the first end counts: the run time running out, a stop, or the executor closing. */
    void end(int exitCode) {
      running.remove(this);
      exited.complete(new ExitStatus(exitCode, null));
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public CompletionStage<ExitStatus> exit() {
      return exit;
    }

    @Override
    public void stop(Duration grace) {
      ScheduledFuture<?> task = scheduled;
      if (task != null) {
        task.cancel(false);
      }
      end(STOPPED_EXIT_CODE);
    }
  }
}
