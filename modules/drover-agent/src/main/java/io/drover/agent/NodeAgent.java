package io.drover.agent;

import io.drover.agent.exec.AttemptExecutor;
import io.drover.agent.exec.LeftoverExecution;
import io.drover.agent.spot.InstanceMetadata;
import io.drover.agent.spot.SpotNoticeWatcher;
import io.drover.agent.spot.SpotPriceWatcher;
import io.drover.capacity.ec2.SpotPrices;
import io.drover.core.model.Resources;
import io.drover.metrics.AgentMetrics;
import io.drover.metrics.NodeMetrics;
import io.drover.protocol.AgentProtocol.AgentCommand;
import io.drover.protocol.AgentProtocol.LaunchAccepted;
import io.drover.protocol.AgentProtocol.LaunchAttempt;
import io.drover.protocol.AgentProtocol.StopAttempt;
import io.drover.protocol.JobProtocol.AttemptExited;
import io.drover.protocol.JobRoutes;
import io.drover.protocol.SchedulerProtocol;
import io.drover.protocol.SchedulerProtocol.AgentInfo;
import io.drover.protocol.SchedulerProtocol.AgentStatus;
import io.drover.protocol.SchedulerProtocol.HostedAttempt;
import io.drover.protocol.SchedulerProtocol.SchedulerCommand;
import io.drover.protocol.SchedulerProtocol.SpotNotice;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.pekko.Done;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.slf4j.MDC;

/**
 * The node agent: one per host. It tells the scheduler what the host has and runs (at start, on
 * every change, and as a heartbeat; changes within {@code status-min-interval} of the last status
 * go out together), runs each attempt it is given in an {@link AttemptRunner}, and answers
 * controllers' questions about its attempts. It never decides placements.
 *
 * <p>At start it looks for executions an earlier incarnation left on this host (Docker containers,
 * by their labels): each attempt its job still counts as current here is re-attached (its exit
 * awaited, its output shipped on), every other one is stopped and removed.
 */
public final class NodeAgent {

  private record Schedulers(Receptionist.Listing listing) implements AgentCommand {}

  private record Heartbeat() implements AgentCommand {}

  /** The end of a {@code status-min-interval}, when the changes it held back go out. */
  private record StatusDue() implements AgentCommand {}

  private record RunnerProgress(AttemptRunner.Progress progress) implements AgentCommand {}

  private record LeftoversFound(List<LeftoverExecution> leftovers, String error) implements AgentCommand {}

  /**
   * From this node's coordinated shutdown: take no new placements, let running attempts finish
   * for up to {@code grace}, then stop the rest (their jobs hear how they ended and retry as their
   * strategy says); {@code replyTo} hears when no attempt is left and every job has acknowledged
   * how its attempt here ended.
   */
  public record Drain(Duration grace, ActorRef<Done> replyTo) implements AgentCommand {}

  private record DrainDeadline() implements AgentCommand {}

  /** An attempt this agent holds. */
  private record Hosted(ActorRef<AttemptRunner.Command> runner, HostedAttempt attempt) {}

  private record Ended(HostedAttempt attempt, long at) {}

  /** A Spot notice from this host's {@link SpotNoticeWatcher}. */
  private record Noticed(SpotNotice notice) implements AgentCommand {}

  /** This Spot host's price, read afresh from EC2's Spot price history (USD per hour). */
  private record Repriced(Double hourlyPrice) implements AgentCommand {}

  /**
   * @param metadata the instance metadata service to watch for Spot notices, or null not to watch
   * @param spotPrices where this Spot host's price is read afresh, or null to keep the one in {@code info}
   * @param blocking where the watchers' blocking reads run
   */
  public static Behavior<AgentCommand> create(AgentInfo info, AttemptExecutor executor, AgentSettings settings,
      InstanceMetadata metadata, SpotPrices spotPrices, Executor blocking) {
    Behavior<AgentCommand> agent = Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      NodeAgent nodeAgent = new NodeAgent(info, executor, settings, ctx, timers);
      if (metadata != null) {
        ctx.spawn(SpotNoticeWatcher.create(metadata, blocking, settings.spotWatch().pollInterval(),
            ctx.messageAdapter(SpotNotice.class, Noticed::new)), "spot-notices");
        if (spotPrices != null) {
          ctx.spawn(SpotPriceWatcher.create(info.instanceType(), metadata, spotPrices, blocking,
              settings.spotWatch().priceRefresh(), ctx.messageAdapter(Double.class, Repriced::new)), "spot-price");
        }
      }
      return nodeAgent.behavior();
    }));
    // A restart would stop every attempt runner (its children) and orphan their containers: an
    // unexpected failure on one message is logged and the agent carries on.
    // Every log line names this agent; those about an attempt name its job and attempt too.
    return Behaviors.withMdc(AgentCommand.class, Map.of("node", info.agentId()),
        Behaviors.supervise(agent).onFailure(SupervisorStrategy.resume()));
  }

  private AgentInfo info;
  private ActorRef<Done> drained;
  private final TimerScheduler<AgentCommand> timers;
  private final AttemptExecutor executor;
  private final AgentSettings settings;
  private final ActorContext<AgentCommand> context;
  private final ActorRef<AttemptRunner.Progress> progressAdapter;
  private final AgentMetrics metrics;
  /** How many running attempts this agent last added to the node's gauge. */
  private int countedRunning;
  /** The attempts running here (or starting), by {@link #key}. */
  private final Map<String, Hosted> attempts = new HashMap<>();
  /**
   * Attempts that have ended here but whose job has not yet acknowledged the end: their resources
   * are free, but they are listed as ended (so the scheduler counts them held, not lost) until the
   * job has the end, and a drain waits for them.
   */
  private final Map<String, HostedAttempt> reporting = new HashMap<>();
  private final Deque<Ended> recentlyEnded = new ArrayDeque<>();
  /** The keys of {@link #recentlyEnded}, counted, so a launch asks in constant time whether it ended. */
  private final Map<String, Integer> recentlyEndedKeys = new HashMap<>();
  private Set<ActorRef<SchedulerCommand>> schedulers = Set.of();
  /** How long statuses list an ended attempt: three heartbeats, at most the remembering window. */
  private final long endedListedMillis;
  /** When the last status went out ({@link System#nanoTime()}), for {@code status-min-interval}. */
  private long lastStatusNanos;

  private NodeAgent(
      AgentInfo info,
      AttemptExecutor executor,
      AgentSettings settings,
      ActorContext<AgentCommand> context,
      TimerScheduler<AgentCommand> timers) {
    this.info = info;
    this.timers = timers;
    this.executor = executor;
    this.settings = settings;
    this.context = context;
    this.progressAdapter = context.messageAdapter(AttemptRunner.Progress.class, RunnerProgress::new);
    this.metrics = NodeMetrics.get(context.getSystem()).agent();
    this.endedListedMillis =
        Math.min(settings.recentlyEndedWindow().toMillis(), 3 * settings.heartbeatInterval().toMillis());
    this.lastStatusNanos = System.nanoTime() - settings.statusMinInterval().toNanos();
    context.getSystem().receptionist().tell(Receptionist.subscribe(SchedulerProtocol.SERVICE_KEY,
        context.messageAdapter(Receptionist.Listing.class, Schedulers::new)));
    // The first heartbeat comes after a random part of the interval, so that agents started together
    // (thousands in one JVM, as Main fleet runs them) spread their reports over it rather than all
    // reporting at the same instant, every interval.
    Duration interval = settings.heartbeatInterval();
    timers.startTimerWithFixedDelay(new Heartbeat(),
        Duration.ofMillis(1 + ThreadLocalRandom.current().nextLong(Math.max(1, interval.toMillis()))), interval);
    context.pipeToSelf(executor.leftovers(info.agentId()), (found, error) ->
        new LeftoversFound(found == null ? List.of() : found, error == null ? null : error.getMessage()));
    context.getLog().info("Agent {} serves compute environment {} with {} ({} executor)",
        info.agentId(), info.computeEnvironment(), info.capacity().describe(), executor.name());
  }

  private Behavior<AgentCommand> behavior() {
    return Behaviors.receive(AgentCommand.class)
        .onMessage(LaunchAttempt.class, this::onLaunch)
        .onMessage(StopAttempt.class, this::onStop)
        .onMessage(RunnerProgress.class, msg -> onRunnerProgress(msg.progress()))
        .onMessage(Drain.class, this::onDrain)
        .onMessage(Noticed.class, msg -> onNotice(msg.notice()))
        .onMessage(Repriced.class, msg -> {
          info = info.priced(msg.hourlyPrice());
          report();
          return Behaviors.same();
        })
        .onMessage(DrainDeadline.class, msg -> {
          context.getLog().warn("Agent {}: the drain grace ran out with {} attempt(s) still running (stopping them) and "
              + "{} ended one(s) whose jobs have not acknowledged the end (is a controller reachable?)",
              info.agentId(), attempts.size(), reporting.size());
          String reason = "Host " + info.host() + " was shut down: its attempts had not finished within the drain grace.";
          attempts.values().forEach(h -> h.runner().tell(new AttemptRunner.Stop(reason, 10, false)));
          return Behaviors.same();
        })
        .onMessage(Schedulers.class, msg -> {
          schedulers = msg.listing().getServiceInstances(SchedulerProtocol.SERVICE_KEY);
          report();
          return Behaviors.same();
        })
        .onMessage(Heartbeat.class, msg -> {
          report();
          return Behaviors.same();
        })
        .onMessage(StatusDue.class, msg -> {
          sendStatus();
          return Behaviors.same();
        })
        .onMessage(LeftoversFound.class, this::onLeftovers)
        .build();
  }

  private Behavior<AgentCommand> onRunnerProgress(AttemptRunner.Progress progress) {
    String key = key(progress.jobId(), progress.attempt());
    Hosted hosted = attempts.remove(key);
    if (progress instanceof AttemptRunner.Released) {
      if (hosted != null) {
        reporting.put(key, hosted.attempt());
      }
    } else {
      HostedAttempt ended = hosted != null ? hosted.attempt() : reporting.remove(key);
      if (ended != null) {
        rememberEnded(ended, System.currentTimeMillis());
      }
      drainedIfIdle();
    }
    // The scheduler hears at once of freed resources; an end the job now has changes nothing it
    // counts (the attempt stays listed as ended for a while), so it waits for the next status.
    if (hosted != null) {
      report();
    }
    return Behaviors.same();
  }

  private Behavior<AgentCommand> onLaunch(LaunchAttempt msg) {
    var launch = msg.launch();
    String key = key(launch.jobId(), launch.attempt());
    boolean known = attempts.containsKey(key) || ended(key);
    if (!known && reclaimed()) {
      // Placed just before the scheduler heard of the notice: it never starts here.
      endUnstarted(launch.jobId(), launch.attempt(), reclaimReason(), true);
    } else if (!known) {
      Resources free = info.capacity().minus(allocated());
      if (!free.fits(launch.resources())) {
        try (MDC.MDCCloseable job = MDC.putCloseable("jobId", launch.jobId());
            MDC.MDCCloseable attempt = MDC.putCloseable("attempt", Integer.toString(launch.attempt()))) {
          context.getLog().warn("Job {} attempt {} needs {} but only {} is free here; running it anyway (the scheduler "
              + "placed it while it did not yet know of other attempts)", launch.jobId(), launch.attempt(),
              launch.resources().describe(), free.describe());
        }
      }
      // The launch's reply goes to the controller that launched it: the attempt's reports go there first.
      Address launchedBy = msg.replyTo().path().address();
      ActorRef<AttemptRunner.Command> runner = context.spawn(
          AttemptRunner.create(launch, launchedBy, info.agentId(), executor, settings, progressAdapter),
          runnerName(launch.jobId(), launch.attempt()));
      HostedAttempt hosted = new HostedAttempt(
          launch.jobId(), launch.attempt(), launch.resources(), launch.jobQueue(), launch.shareIdentifier());
      attempts.put(key, new Hosted(runner, hosted));
      report();
    }
    msg.replyTo().tell(new LaunchAccepted(launch.jobId(), launch.attempt()));
    return Behaviors.same();
  }

  private Behavior<AgentCommand> onStop(StopAttempt msg) {
    String key = key(msg.jobId(), msg.attempt());
    Hosted hosted = attempts.get(key);
    if (hosted != null) {
      hosted.runner().tell(new AttemptRunner.Stop(msg.reason(), msg.graceSeconds(), false));
    } else if (!ended(key)) {
      // Stopped before its launch arrived (lost, or still on its way): it never runs here.
      endUnstarted(msg.jobId(), msg.attempt(), msg.reason(), false);
    }
    return Behaviors.same();
  }

  /** Whether the attempt ended here: its end is still being reported, or is remembered. */
  private boolean ended(String key) {
    return reporting.containsKey(key) || recentlyEndedKeys.containsKey(key);
  }

  private void rememberEnded(HostedAttempt attempt, long at) {
    recentlyEnded.add(new Ended(attempt, at));
    recentlyEndedKeys.merge(key(attempt), 1, Integer::sum);
  }

  /** Records an attempt that never starts here, and tells its job that it is over. */
  private void endUnstarted(String jobId, int attempt, String reason, boolean hostReclaimed) {
    long now = System.currentTimeMillis();
    rememberEnded(new HostedAttempt(jobId, attempt, Resources.ZERO, null, null), now);
    JobRoutes.get(context.getSystem()).tell(new AttemptExited(
        jobId, attempt, info.agentId(), null, null, reason, now, context.getSystem().ignoreRef(), hostReclaimed, null));
  }

  private boolean reclaimed() {
    return info.spotNotice() != null && info.spotNotice().interruption();
  }

  private String reclaimReason() {
    String host = info.instanceId() != null ? "EC2 (instance " + info.instanceId() + ")" : info.host() + " (agent " + info.agentId() + ")";
    return "Host " + host + " is being reclaimed: Spot interruption notice for "
        + Instant.ofEpochMilli(info.spotNotice().actionAt()) + ".";
  }

  /**
   * A Spot interruption notice drains the host at once and stops its attempts within the time EC2
   * leaves (their jobs run again elsewhere without spending an attempt); a rebalance recommendation
   * only stops new placements.
   */
  private Behavior<AgentCommand> onNotice(SpotNotice notice) {
    if (reclaimed() || (!notice.interruption() && !settings.spotWatch().drainOnRebalance())) {
      return Behaviors.same();
    }
    info = info.noticed(notice);
    report();
    if (!notice.interruption()) {
      context.getLog().info("Agent {} takes no new placements: EC2 recommends rebalancing away from this Spot instance",
          info.agentId());
      return Behaviors.same();
    }
    long left = notice.actionAt() - System.currentTimeMillis() - settings.spotWatch().stopMargin().toMillis();
    int grace = (int) Math.max(0, Math.min(settings.spotWatch().stopGrace().toSeconds(), left / 1000));
    String reason = reclaimReason();
    context.getLog().warn("Agent {}: {} Stopping {} attempt(s) with {} s to finish; their jobs run again elsewhere",
        info.agentId(), reason, attempts.size(), grace);
    attempts.values().forEach(h -> h.runner().tell(new AttemptRunner.Stop(reason, grace, true)));
    return Behaviors.same();
  }

  private Behavior<AgentCommand> onLeftovers(LeftoversFound msg) {
    if (msg.error() != null) {
      context.getLog().warn("Could not list executions left by an earlier agent on this host: {}", msg.error());
      return Behaviors.same();
    }
    for (LeftoverExecution leftover : msg.leftovers()) {
      String key = key(leftover.jobId(), leftover.attempt());
      if (attempts.containsKey(key) || reporting.containsKey(key)) {
        continue;
      }
      if (!leftover.identified()) {
        context.getLog().info("Reaping {} left by an earlier agent on this host: its labels do not name an attempt",
            leftover.id());
        executor.reap(leftover, AttemptRunner.LEFTOVER_STOP_GRACE);
        continue;
      }
      try (MDC.MDCCloseable job = MDC.putCloseable("jobId", leftover.jobId());
          MDC.MDCCloseable attempt = MDC.putCloseable("attempt", Integer.toString(leftover.attempt()))) {
        context.getLog().info("Found {} (job {} attempt {}, {}) left by an earlier agent on this host; asking its job "
            + "whether to re-attach", leftover.id(), leftover.jobId(), leftover.attempt(), leftover.running() ? "running" : "exited");
      }
      ActorRef<AttemptRunner.Command> runner = context.spawn(
          AttemptRunner.reattach(leftover, info.agentId(), context.getSelf(), executor, settings, progressAdapter),
          runnerName(leftover.jobId(), leftover.attempt()));
      attempts.put(key, new Hosted(runner, new HostedAttempt(
          leftover.jobId(), leftover.attempt(), leftover.resources(), leftover.jobQueue(), leftover.shareIdentifier())));
    }
    report();
    return Behaviors.same();
  }

  private static String runnerName(String jobId, int attempt) {
    return "attempt-" + jobId.replace(':', '_') + "-" + attempt;
  }

  private Behavior<AgentCommand> onDrain(Drain msg) {
    info = info.draining();
    drained = msg.replyTo();
    report();
    context.getLog().info("Agent {} is draining: no new placements; waiting up to {} s for {} running attempt(s) and "
        + "{} ended one(s) whose end is still being reported", info.agentId(), msg.grace().toSeconds(), attempts.size(),
        reporting.size());
    timers.startSingleTimer(new DrainDeadline(), msg.grace());
    drainedIfIdle();
    return Behaviors.same();
  }

  private void drainedIfIdle() {
    if (drained != null && attempts.isEmpty() && reporting.isEmpty()) {
      context.getLog().info("Agent {} has drained: no attempt left", info.agentId());
      drained.tell(Done.getInstance());
      drained = null;
    }
  }

  private Resources allocated() {
    Resources total = Resources.ZERO;
    for (Hosted hosted : attempts.values()) {
      total = total.plus(hosted.attempt().resources());
    }
    return total;
  }

  /**
   * Sends this host's status to the scheduler now, or, within {@code status-min-interval} of the
   * last one, at the end of that interval together with whatever else changes until then.
   */
  private void report() {
    if (timers.isTimerActive(StatusDue.class)) {
      return;
    }
    long wait = lastStatusNanos + settings.statusMinInterval().toNanos() - System.nanoTime();
    if (wait > 0) {
      timers.startSingleTimer(StatusDue.class, new StatusDue(), Duration.ofNanos(wait));
    } else {
      sendStatus();
    }
  }

  private void sendStatus() {
    lastStatusNanos = System.nanoTime();
    long now = System.currentTimeMillis();
    long forgetBefore = now - settings.recentlyEndedWindow().toMillis();
    while (!recentlyEnded.isEmpty() && recentlyEnded.peek().at() < forgetBefore) {
      recentlyEndedKeys.computeIfPresent(key(recentlyEnded.poll().attempt()), (k, n) -> n == 1 ? null : n - 1);
    }
    List<HostedAttempt> running = attempts.values().stream().map(Hosted::attempt).toList();
    metrics.runningAttemptsChanged(running.size() - countedRunning);
    countedRunning = running.size();
    // Those whose end is still being reported, then the newest first back to the listing window:
    // older ones stay remembered but are not sent.
    long listedSince = now - endedListedMillis;
    List<HostedAttempt> ended = new ArrayList<>(reporting.values());
    for (Iterator<Ended> newest = recentlyEnded.descendingIterator(); newest.hasNext(); ) {
      Ended e = newest.next();
      if (e.at() < listedSince) {
        break;
      }
      ended.add(e.attempt());
    }
    AgentStatus status = new AgentStatus(info, context.getSelf(), running, ended);
    schedulers.forEach(s -> s.tell(status));
  }

  private static String key(String jobId, int attempt) {
    return jobId + "#" + attempt;
  }

  private static String key(HostedAttempt attempt) {
    return key(attempt.jobId(), attempt.attempt());
  }
}
