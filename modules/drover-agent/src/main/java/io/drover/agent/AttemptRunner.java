package io.drover.agent;

import io.drover.agent.exec.AttemptExecutor;
import io.drover.agent.exec.Execution;
import io.drover.agent.exec.ExitStatus;
import io.drover.agent.exec.LaunchFailedException;
import io.drover.agent.exec.LaunchSpec;
import io.drover.agent.exec.DockerAttemptExecutor;
import io.drover.agent.exec.LeftoverExecution;
import io.drover.agent.exec.OutputSink;
import io.drover.metrics.AgentMetrics;
import io.drover.metrics.NodeMetrics;
import io.drover.protocol.AgentProtocol.AgentCommand;
import io.drover.protocol.AgentProtocol.AttemptLaunch;
import io.drover.protocol.JobProtocol;
import io.drover.protocol.JobProtocol.AttemptExited;
import io.drover.protocol.JobProtocol.AttemptReportAck;
import io.drover.protocol.JobProtocol.AttemptStarted;
import io.drover.protocol.JobProtocol.JobCommand;
import io.drover.protocol.JobRoutes;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Runs one attempt on this host: starts it through the executor, reports it started (once it has
 * run for {@code start-report-delay}; an attempt that ends sooner reports its start with its end),
 * waits for it to end, makes sure its output is stored, then reports how it ended. Each report is
 * resent until the job acknowledges it, so a controller restart in between loses nothing. The
 * agent hears when the attempt's resources are free ({@link Released}) and when the job has its
 * end ({@link Done}); until then the agent still holds the attempt, and does not drain without it.
 *
 * <p>After an agent restart, a runner {@linkplain #reattach re-attaches} to a container an earlier
 * incarnation left running: it first asks the job whether the attempt is still its current one on
 * this host. If so it follows the container again (waiting for its exit, shipping the output not
 * yet stored) and carries on as above; if not, the job has given up on it (ended it as lost,
 * retried it elsewhere, or terminated it) and the container is stopped and removed, so it never
 * overlaps a retry.
 */
final class AttemptRunner {

  interface Command {}

  /**
   * Stop the attempt (SIGTERM, SIGKILL after the grace period); the reason becomes its status
   * reason. {@code hostReclaimed}: because the Spot host is being reclaimed.
   */
  record Stop(String reason, int graceSeconds, boolean hostReclaimed) implements Command {}

  /** What a runner tells its agent about the attempt. */
  sealed interface Progress {
    String jobId();

    int attempt();
  }

  /**
   * The attempt no longer runs and its output is stored: its resources are free. Its end is being
   * reported to the job, which has not acknowledged it yet.
   */
  record Released(String jobId, int attempt) implements Progress {}

  /** The job has acknowledged the end of the attempt (or the leftover it gave up on is removed): the runner stops. */
  record Done(String jobId, int attempt) implements Progress {}

  private record Launched(Execution execution) implements Command {}

  private record LaunchFailed(String reason, String statusReason) implements Command {}

  private record Ended(ExitStatus status) implements Command {}

  private record OutputStored() implements Command {}

  /** The job has the report: the attempt's exit when {@code exit}, else its start. */
  private record Acknowledged(AttemptReportAck ack, boolean exit) implements Command {}

  private record Resend() implements Command {}

  /** The attempt has run for the start-report delay: its start is reported now. */
  private record ReportStart() implements Command {}

  private record Claimed(JobProtocol.ReattachAnswer answer) implements Command {}

  private record Reaped() implements Command {}

  static final String CONTAINER_EXITED = "Essential container in task exited";
  static final String TASK_FAILED_TO_START = "Task failed to start";
  static final String REATTACH_FAILED = "Container lost after an agent restart";
  /** Time between SIGTERM and SIGKILL when a leftover container nobody claims is stopped. */
  static final Duration LEFTOVER_STOP_GRACE = Duration.ofSeconds(10);

  /**
   * A runner for a new attempt, launched by the controller at {@code launchedBy}, whose job
   * gateway its reports go to while that controller is reachable.
   */
  static Behavior<Command> create(AttemptLaunch launch, Address launchedBy, String agentId, AttemptExecutor executor,
      AgentSettings settings, ActorRef<Progress> parent) {
    return withMdc(launch.jobId(), launch.attempt(), agentId, Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      AttemptRunner runner = new AttemptRunner(
          launch.jobId(), launch.attempt(), agentId, executor, settings, parent, false, launchedBy, ctx, timers);
      ctx.pipeToSelf(executor.start(spec(launch, agentId), runner.sink()),
          (started, error) -> started != null
              ? new Launched(started)
              : new LaunchFailed(launchFailure(error), TASK_FAILED_TO_START));
      return runner.launching();
    })));
  }

  /** Every log line of an attempt's runner, and of the executor work it starts, names the job, attempt and agent. */
  private static Behavior<Command> withMdc(String jobId, int attempt, String agentId, Behavior<Command> runner) {
    return Behaviors.withMdc(Command.class,
        Map.of("jobId", jobId, "attempt", Integer.toString(attempt), "node", agentId), runner);
  }

  /**
   * A runner for a container an earlier incarnation of this agent ({@code agent}, on the same host)
   * left behind.
   */
  static Behavior<Command> reattach(LeftoverExecution leftover, String agentId, ActorRef<AgentCommand> agent,
      AttemptExecutor executor, AgentSettings settings, ActorRef<Progress> parent) {
    return withMdc(leftover.jobId(), leftover.attempt(), agentId, Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new AttemptRunner(leftover.jobId(), leftover.attempt(), agentId, executor, settings, parent, true, null, ctx,
            timers).claiming(leftover, agent))));
  }

  private static LaunchSpec spec(AttemptLaunch launch, String agentId) {
    Map<String, String> labels = new HashMap<>();
    labels.put(DockerAttemptExecutor.LABEL_JOB_QUEUE, launch.jobQueue());
    labels.put(DockerAttemptExecutor.LABEL_COMPUTE_ENVIRONMENT, launch.computeEnvironment());
    if (launch.shareIdentifier() != null) {
      labels.put(DockerAttemptExecutor.LABEL_SHARE_IDENTIFIER, launch.shareIdentifier());
    }
    return new LaunchSpec(
        launch.jobId(),
        launch.attempt(),
        agentId,
        launch.image(),
        launch.command(),
        launch.environment(),
        launch.resources(),
        launch.user(),
        launch.readonlyRootFilesystem(),
        launch.privileged(),
        launch.mounts(),
        labels);
  }

  private final String jobId;
  private final int attempt;
  private final String agentId;
  private final AttemptExecutor executor;
  private final AgentSettings settings;
  private final ActorRef<Progress> parent;
  private final AgentMetrics metrics;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final JobRoutes jobs;
  /** The controller that launched the attempt, where its reports go first; null for a re-attached leftover. */
  private final Address launchedBy;
  /** Where the job acknowledges the attempt's start... */
  private final ActorRef<AttemptReportAck> startAcks;
  /**
   * ...and, apart from it, its exit: both acknowledgements look alike, and a start's that comes
   * late (the start is reported again when the attempt ends before the job acknowledged it) must
   * not stop the exit's resends before the job has the exit.
   */
  private final ActorRef<AttemptReportAck> exitAcks;
  private final ActorRef<LogShipper.Command> logs;
  private Execution execution;
  /** When the attempt started here (the time its start report carries); null until it has. */
  private Long startedAt;
  private Stop stopRequested;

  private AttemptRunner(
      String jobId,
      int attempt,
      String agentId,
      AttemptExecutor executor,
      AgentSettings settings,
      ActorRef<Progress> parent,
      boolean reattached,
      Address launchedBy,
      ActorContext<Command> context,
      TimerScheduler<Command> timers) {
    this.jobId = jobId;
    this.attempt = attempt;
    this.agentId = agentId;
    this.executor = executor;
    this.settings = settings;
    this.parent = parent;
    this.launchedBy = launchedBy;
    this.context = context;
    this.timers = timers;
    this.metrics = NodeMetrics.get(context.getSystem()).agent();
    context.setLoggerName(AttemptRunner.class);
    this.jobs = JobRoutes.get(context.getSystem());
    this.startAcks = context.messageAdapter(AttemptReportAck.class, ack -> new Acknowledged(ack, false));
    ActorRef<Command> self = context.getSelf();
    this.exitAcks = context.spawn(Behaviors.receiveMessage(ack -> {
      self.tell(new Acknowledged(ack, true));
      return Behaviors.same();
    }), "exit-acks");
    this.logs = context.spawn(LogShipper.create(jobId, attempt, settings, reattached), "logs");
  }

  private OutputSink sink() {
    return (stream, data) -> logs.tell(new LogShipper.Output(stream, data));
  }

  /** Asks the job, until it answers, whether this agent may carry on with the leftover. */
  private Behavior<Command> claiming(LeftoverExecution leftover, ActorRef<AgentCommand> agent) {
    ActorRef<JobProtocol.ReattachAnswer> answers = context.messageAdapter(JobProtocol.ReattachAnswer.class, Claimed::new);
    JobProtocol.ReattachAttempt claim = new JobProtocol.ReattachAttempt(jobId, attempt, agentId, agent, answers);
    jobs.tell(claim, launchedBy);
    timers.startTimerWithFixedDelay(Resend.class, new Resend(), settings.reportRetryInterval());
    return Behaviors.receive(Command.class)
        .onMessage(Resend.class, msg -> {
          jobs.tell(claim, launchedBy);
          return Behaviors.same();
        })
        .onMessage(Claimed.class, msg -> {
          timers.cancel(Resend.class);
          if (msg.answer().adopted()) {
            context.getLog().info("Job {} attempt {}: re-attached to container {} left by the previous agent",
                jobId, attempt, leftover.id());
            context.pipeToSelf(executor.reattach(leftover, sink()),
                (followed, error) -> followed != null
                    ? new Launched(followed)
                    : new LaunchFailed("Drover lost track of the container: " + launchFailure(error), REATTACH_FAILED));
            return launching();
          }
          context.getLog().info("Job {} attempt {} is over for its job; stopping container {} left by the previous agent",
              jobId, attempt, leftover.id());
          context.pipeToSelf(executor.reap(leftover, LEFTOVER_STOP_GRACE), (ok, error) -> {
            if (error != null) {
              context.getLog().warn("Could not stop container {}: {}; stop it by hand (docker rm -f {})",
                  leftover.id(), error.getMessage(), leftover.id());
            }
            return new Reaped();
          });
          return Behaviors.receive(Command.class)
              .onMessage(Reaped.class, reaped -> finished())
              .onAnyMessage(other -> Behaviors.same())
              .build();
        })
        .onMessage(Stop.class, msg -> {
          stopRequested = msg;
          return Behaviors.same();
        })
        .onAnyMessage(other -> Behaviors.same())
        .build();
  }

  /**
   * The kind of a launch failure, for the metrics: the error name its reason starts with
   * ({@code CannotPullContainerError}, {@code CannotStartContainerError}, ...), else {@code other}.
   */
  static String failureKind(String reason) {
    int colon = reason == null ? -1 : reason.indexOf(':');
    String name = colon < 0 ? "" : reason.substring(0, colon);
    return name.matches("[A-Za-z]{1,60}Error") ? name : "other";
  }

  private static String launchFailure(Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    return cause instanceof LaunchFailedException
        ? cause.getMessage()
        : "CannotStartContainerError: " + cause.getMessage();
  }

  private Behavior<Command> launching() {
    return Behaviors.receive(Command.class)
        .onMessage(Launched.class, msg -> {
          execution = msg.execution();
          context.getLog().info("Job {} attempt {} started ({})", jobId, attempt, execution.id());
          context.pipeToSelf(execution.exit(), (status, error) ->
              new Ended(status != null ? status : new ExitStatus(-1, "Drover lost track of the container: " + error.getMessage())));
          if (stopRequested != null) {
            execution.stop(Duration.ofSeconds(stopRequested.graceSeconds()));
          }
          AttemptStarted start = started();
          if (settings.startReportDelay().isZero()) {
            return reporting(start, this::running);
          }
          timers.startSingleTimer(ReportStart.class, new ReportStart(), settings.startReportDelay());
          return startPending(start);
        })
        .onMessage(LaunchFailed.class, msg -> {
          context.getLog().warn("Job {} attempt {} failed to start: {}", jobId, attempt, msg.reason());
          metrics.launchFailed(failureKind(msg.reason()));
          return flushingThenReport(exited(null, msg.reason(), msg.statusReason()));
        })
        .onMessage(Stop.class, msg -> {
          stopRequested = msg;
          return Behaviors.same();
        })
        .build();
  }

  /**
   * The attempt runs and its start is not reported yet: it is once the start-report delay has
   * passed. An attempt that ends sooner reports its start only with its end, so the job records
   * both in one journal write.
   */
  private Behavior<Command> startPending(AttemptStarted start) {
    return Behaviors.receive(Command.class)
        .onMessage(ReportStart.class, msg -> reporting(start, this::running))
        .onMessage(Stop.class, this::onStop)
        .onMessage(Ended.class, msg -> {
          timers.cancel(ReportStart.class);
          return onEnded(msg);
        })
        .build();
  }

  private Behavior<Command> running() {
    return Behaviors.receive(Command.class)
        .onMessage(Stop.class, this::onStop)
        .onMessage(Ended.class, this::onEnded)
        .onMessage(Acknowledged.class, msg -> Behaviors.same())
        .onMessage(Resend.class, msg -> Behaviors.same())
        .build();
  }

  private Behavior<Command> onStop(Stop stop) {
    if (stopRequested == null) {
      context.getLog().info("Stopping job {} attempt {}: {}", jobId, attempt, stop.reason());
      stopRequested = stop;
      execution.stop(Duration.ofSeconds(stop.graceSeconds()));
    }
    return Behaviors.same();
  }

  private Behavior<Command> onEnded(Ended ended) {
    String statusReason = stopRequested != null ? stopRequested.reason() : CONTAINER_EXITED;
    return flushingThenReport(exited(ended.status().exitCode(), ended.status().reason(), statusReason));
  }

  /** Waits (up to the flush timeout) for the attempt's output to be stored, then reports the end. */
  private Behavior<Command> flushingThenReport(AttemptExited report) {
    timers.cancel(Resend.class);
    context.ask(LogShipper.Flushed.class, logs, settings.logFlushTimeout(), LogShipper.Flush::new, (flushed, error) -> {
      if (error != null) {
        context.getLog().warn("Output of job {} attempt {} was not all stored within {}; reporting its end anyway",
            jobId, attempt, settings.logFlushTimeout());
      }
      return new OutputStored();
    });
    return Behaviors.receive(Command.class)
        .onMessage(OutputStored.class, msg -> {
          parent.tell(new Released(jobId, attempt));
          return reporting(report, this::finished);
        })
        .onMessage(Stop.class, msg -> Behaviors.same())
        .onMessage(Acknowledged.class, msg -> Behaviors.same())
        .onMessage(Resend.class, msg -> Behaviors.same())
        .build();
  }

  /** Sends {@code report} until the job acknowledges it, then continues with {@code next}. */
  private Behavior<Command> reporting(JobCommand report, Supplier<Behavior<Command>> next) {
    boolean exit = report instanceof AttemptExited;
    jobs.tell(report, launchedBy);
    timers.startTimerWithFixedDelay(Resend.class, new Resend(), settings.reportRetryInterval());
    return Behaviors.receive(Command.class)
        .onMessage(Acknowledged.class, msg -> {
          if (msg.exit() != exit) {
            return Behaviors.same();
          }
          timers.cancel(Resend.class);
          return next.get();
        })
        .onMessage(Resend.class, msg -> {
          jobs.tell(report, launchedBy);
          return Behaviors.same();
        })
        .onMessage(Stop.class, this::onStop)
        .onMessage(Ended.class, msg -> {
          // The attempt ended before the job acknowledged its start: report the end right away,
          // after the start once more (the first may have gone to a controller that has since
          // died), so the job records when the attempt ran; a job that has it ignores the repeat.
          timers.cancel(Resend.class);
          jobs.tell(report, launchedBy);
          return onEnded(msg);
        })
        .build();
  }

  private Behavior<Command> finished() {
    parent.tell(new Done(jobId, attempt));
    return Behaviors.stopped();
  }

  private AttemptStarted started() {
    startedAt = System.currentTimeMillis();
    return new AttemptStarted(jobId, attempt, agentId, startedAt, startAcks);
  }

  private AttemptExited exited(Integer exitCode, String reason, String statusReason) {
    return new AttemptExited(jobId, attempt, agentId, exitCode, reason, statusReason,
        System.currentTimeMillis(), exitAcks, stopRequested != null && stopRequested.hostReclaimed(), startedAt);
  }
}
