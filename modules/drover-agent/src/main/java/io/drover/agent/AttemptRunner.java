package io.drover.agent;

import io.drover.agent.exec.AttemptExecutor;
import io.drover.agent.exec.Execution;
import io.drover.agent.exec.ExitStatus;
import io.drover.agent.exec.LaunchFailedException;
import io.drover.agent.exec.LaunchSpec;
import io.drover.protocol.AgentProtocol.AttemptLaunch;
import io.drover.protocol.JobProtocol;
import io.drover.protocol.JobProtocol.AttemptExited;
import io.drover.protocol.JobProtocol.AttemptReportAck;
import io.drover.protocol.JobProtocol.AttemptStarted;
import io.drover.protocol.JobProtocol.JobCommand;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * Runs one attempt on this host: starts it through the executor, reports it started, waits for
 * it to end, makes sure its output is stored, then reports how it ended. Each report is resent
 * until the job acknowledges it, so a controller restart in between loses nothing.
 */
final class AttemptRunner {

  interface Command {}

  /** Stop the attempt (SIGTERM, SIGKILL after the grace period); the reason becomes its status reason. */
  record Stop(String reason, int graceSeconds) implements Command {}

  /** Sent to the parent once the job has acknowledged the end of the attempt. */
  record Done(String jobId, int attempt) {}

  private record Launched(Execution execution) implements Command {}

  private record LaunchFailed(String reason) implements Command {}

  private record Ended(ExitStatus status) implements Command {}

  private record OutputStored() implements Command {}

  private record Acknowledged(AttemptReportAck ack) implements Command {}

  private record Resend() implements Command {}

  static final String CONTAINER_EXITED = "Essential container in task exited";
  static final String TASK_FAILED_TO_START = "Task failed to start";

  static Behavior<Command> create(
      AttemptLaunch launch, String agentId, AttemptExecutor executor, AgentSettings settings, ActorRef<Done> parent) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new AttemptRunner(launch, agentId, executor, settings, parent, ctx, timers).launching()));
  }

  private final AttemptLaunch launch;
  private final String agentId;
  private final AgentSettings settings;
  private final ActorRef<Done> parent;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final EntityRef<JobCommand> job;
  private final ActorRef<AttemptReportAck> acks;
  private final ActorRef<LogShipper.Command> logs;
  private Execution execution;
  private Stop stopRequested;

  private AttemptRunner(
      AttemptLaunch launch,
      String agentId,
      AttemptExecutor executor,
      AgentSettings settings,
      ActorRef<Done> parent,
      ActorContext<Command> context,
      TimerScheduler<Command> timers) {
    this.launch = launch;
    this.agentId = agentId;
    this.settings = settings;
    this.parent = parent;
    this.context = context;
    this.timers = timers;
    this.job = ClusterSharding.get(context.getSystem()).entityRefFor(JobProtocol.JOB, launch.jobId());
    this.acks = context.messageAdapter(AttemptReportAck.class, Acknowledged::new);
    this.logs = context.spawn(LogShipper.create(launch.jobId(), launch.attempt(), settings), "logs");
    LaunchSpec spec = new LaunchSpec(
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
        Map.of("drover.job-queue", launch.jobQueue(), "drover.compute-environment", launch.computeEnvironment()));
    context.pipeToSelf(executor.start(spec, (stream, data) -> logs.tell(new LogShipper.Output(stream, data))),
        (started, error) -> started != null ? new Launched(started) : new LaunchFailed(launchFailure(error)));
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
          context.getLog().info("Job {} attempt {} started ({})", launch.jobId(), launch.attempt(), execution.id());
          context.pipeToSelf(execution.exit(), (status, error) ->
              new Ended(status != null ? status : new ExitStatus(-1, "Drover lost track of the container: " + error.getMessage())));
          if (stopRequested != null) {
            execution.stop(Duration.ofSeconds(stopRequested.graceSeconds()));
          }
          return reporting(started(), running());
        })
        .onMessage(LaunchFailed.class, msg -> {
          context.getLog().warn("Job {} attempt {} failed to start: {}", launch.jobId(), launch.attempt(), msg.reason());
          return flushingThenReport(exited(null, msg.reason(), TASK_FAILED_TO_START));
        })
        .onMessage(Stop.class, msg -> {
          stopRequested = msg;
          return Behaviors.same();
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
      context.getLog().info("Stopping job {} attempt {}: {}", launch.jobId(), launch.attempt(), stop.reason());
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
            launch.jobId(), launch.attempt(), settings.logFlushTimeout());
      }
      return new OutputStored();
    });
    return Behaviors.receive(Command.class)
        .onMessage(OutputStored.class, msg -> reporting(report, finished()))
        .onMessage(Stop.class, msg -> Behaviors.same())
        .onMessage(Acknowledged.class, msg -> Behaviors.same())
        .onMessage(Resend.class, msg -> Behaviors.same())
        .build();
  }

  /** Sends {@code report} until the job acknowledges it, then continues with {@code next}. */
  private Behavior<Command> reporting(JobCommand report, Behavior<Command> next) {
    job.tell(report);
    timers.startTimerWithFixedDelay(Resend.class, new Resend(), settings.reportRetryInterval());
    return Behaviors.receive(Command.class)
        .onMessage(Acknowledged.class, msg -> {
          timers.cancel(Resend.class);
          return next;
        })
        .onMessage(Resend.class, msg -> {
          job.tell(report);
          return Behaviors.same();
        })
        .onMessage(Stop.class, this::onStop)
        .onMessage(Ended.class, msg -> {
          // The attempt ended before the job acknowledged its start: report the end right away.
          timers.cancel(Resend.class);
          return onEnded(msg);
        })
        .build();
  }

  private Behavior<Command> finished() {
    parent.tell(new Done(launch.jobId(), launch.attempt()));
    return Behaviors.stopped();
  }

  private AttemptStarted started() {
    return new AttemptStarted(launch.jobId(), launch.attempt(), agentId, System.currentTimeMillis(), acks);
  }

  private AttemptExited exited(Integer exitCode, String reason, String statusReason) {
    return new AttemptExited(launch.jobId(), launch.attempt(), agentId, exitCode, reason, statusReason,
        System.currentTimeMillis(), acks);
  }
}
