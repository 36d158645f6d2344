package io.drover.controller.scheduler;

import io.drover.capacity.CapacityProvider;
import io.drover.controller.Coalescer;
import io.drover.controller.ControllerSettings;
import io.drover.controller.capacity.CapacityManager;
import io.drover.controller.capacity.CapacitySettings;
import io.drover.controller.controlplane.ControlPlaneClient;
import io.drover.controller.job.JobEntity;
import io.drover.controller.queue.JobQueueActor;
import io.drover.core.compute.ComputeEnvironment;
import io.drover.core.controlplane.ControlPlaneState;
import io.drover.core.job.Placement;
import io.drover.controller.readside.JobReadStore;
import io.drover.core.CborSerializable;
import io.drover.core.model.AwsIdentity;
import io.drover.core.model.JobStatus;
import io.drover.core.model.Resources;
import io.drover.core.queue.ComputeEnvironmentOrder;
import io.drover.core.queue.JobQueue;
import io.drover.core.capacity.WaitingJob;
import io.drover.core.scheduling.Assignment;
import io.drover.core.scheduling.ComputeEnvironmentView;
import io.drover.core.scheduling.FairShareView;
import io.drover.core.scheduling.HostView;
import io.drover.core.scheduling.JobTicket;
import io.drover.core.scheduling.QueueView;
import io.drover.core.scheduling.Scheduler;
import io.drover.core.scheduling.SchedulerOptions;
import io.drover.core.scheduling.SchedulingDecision;
import io.drover.core.scheduling.ShareUsage;
import io.drover.metrics.ControllerMetrics;
import io.drover.metrics.SchedulerView;
import io.drover.protocol.AgentProtocol.AgentCommand;
import io.drover.protocol.JobProtocol;
import io.drover.protocol.Roles;
import io.drover.protocol.SchedulerProtocol;
import io.drover.protocol.SchedulerProtocol.AgentInfo;
import io.drover.protocol.SchedulerProtocol.AgentStatus;
import io.drover.protocol.SchedulerProtocol.HostedAttempt;
import io.drover.protocol.SchedulerProtocol.SchedulerCommand;
import io.drover.protocol.SchedulerProtocol.SpotNotice;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.apache.pekko.cluster.typed.Subscribe;
import org.slf4j.MDC;

/**
 * Decides where RUNNABLE jobs run: a cluster singleton on the controllers that sees every queue's
 * head of line, every compute environment and every agent, and runs one pure scheduling pass
 * ({@link Scheduler#schedule}) whenever something changes. Its state is derived: agents report
 * their capacity and attempts, queues offer their jobs, the control plane comes from this
 * node's view. A new instance (after the singleton moves) rebuilds it within one heartbeat.
 *
 * <p>It counts a placement against its agent from the moment it is made until the agent reports
 * the attempt, so two passes never give the same free capacity away twice.
 */
public final class SchedulerActor {

  /** Agents' {@link AgentStatus} arrives as a {@link SchedulerCommand}; these are the rest. */
  public interface Command extends SchedulerCommand {}

  /**
   * A queue's head of line, in its order.
   *
   * @param runnable how many RUNNABLE jobs the queue has in all (the head is capped)
   */
  public record QueueOffer(String queue, List<JobTicket> head, int runnable) implements Command {}

  /** Asks for every host the scheduler knows, as it sees them now; answered with {@link Hosts}. */
  public record DescribeHosts(ActorRef<Hosts> replyTo) implements Command {}

  /** Every host the scheduler knows, in agent id order. */
  public record Hosts(List<HostState> hosts) implements CborSerializable {}

  /** Asks for each fair-share queue's shares as the scheduler counts them now; answered with {@link FairShares}. */
  public record DescribeFairShare(ActorRef<FairShares> replyTo) implements Command {}

  /** Each fair-share queue's shares by queue name, in share identifier order. */
  public record FairShares(Map<String, List<ShareState>> queues) implements CborSerializable {}

  /**
   * One share of a fair-share queue.
   *
   * @param weightFactor its weight factor in the queue's policy (lower gets more)
   * @param heldVcpus what its started and placed jobs hold now
   * @param usageVcpus the usage the scheduler orders shares by: its average vCPU over about the
   *     policy's {@code shareDecaySeconds}, or what it holds now when that is 0
   */
  public record ShareState(String shareIdentifier, double weightFactor, double heldVcpus, double usageVcpus)
      implements CborSerializable {}

  /**
   * A host as the scheduler sees it.
   *
   * @param used what its attempts, and the placements it has not reported yet, hold
   * @param runningJobs the ids of the jobs it runs, sorted
   * @param schedulable whether the next pass may place a job there, an operator's drain aside
   *     (reporting, reachable, not draining or retiring, its executor allowed): the caller combines
   *     it with the drain it knows, which may be newer than this answer
   */
  public record HostState(AgentInfo info, Resources used, List<String> runningJobs, boolean schedulable)
      implements CborSerializable {}

  private record ControlPlaneChanged(ControlPlaneState state) implements Command {}

  private record RunPass() implements Command {}

  private record Placed(Assignment assignment, JobEntity.PlaceResult result) implements Command {}

  private record PlaceFailed(Assignment assignment, String message) implements Command {}

  private record AgentTerminated(String agentId, ActorRef<AgentCommand> ref) implements Command {}

  private record MembershipChanged(ClusterEvent.ClusterDomainEvent event) implements Command {}

  private record Housekeeping() implements Command {}

  private record Reconcile() implements Command {}

  private record ReconcilePending() implements Command {}

  private record PendingJobs(List<String> jobIds) implements Command {}

  private record ActiveJobs(List<String> jobIds, long askedAt) implements Command {}

  public static final String SINGLETON_NAME = "scheduler";

  /** The capacity manager's request to retire an idle host before it is terminated. */
  private record Retire(CapacityManager.RetireHost request) implements Command {}

  /**
   * @param capacity where MANAGED compute environments get their hosts, or null when none is
   *     configured (those environments then get no hosts)
   */
  public static ActorRef<Command> init(ActorSystem<?> system, ControllerSettings settings, ControlPlaneClient controlPlane,
      JobReadStore readStore, CapacityProvider capacity, CapacitySettings capacitySettings, ControllerMetrics metrics) {
    return ClusterSingleton.get(system).init(
        SingletonActor.of(create(settings, controlPlane, readStore, capacity, capacitySettings, metrics), SINGLETON_NAME)
            .withSettings(ClusterSingletonSettings.create(system).withRole(Roles.CONTROLLER)));
  }

  public static Behavior<Command> create(ControllerSettings settings, ControlPlaneClient controlPlane, JobReadStore readStore,
      CapacityProvider capacity, CapacitySettings capacitySettings, ControllerMetrics metrics) {
    Behavior<SchedulerCommand> scheduler = Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      SchedulerActor actor = new SchedulerActor(settings, controlPlane, readStore, ctx, timers, metrics);
      if (capacity != null) {
        actor.capacityManager = ctx.spawn(CapacityManager.create(capacity, capacitySettings,
            ctx.messageAdapter(CapacityManager.RetireHost.class, Retire::new)), "capacity");
      }
      return actor.behavior();
    }));
    // Its state is derived, so a restart after an unexpected failure only costs one heartbeat.
    return Behaviors.supervise(scheduler)
        .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2))
        .narrow();
  }

  /** An agent as last reported. */
  static final class Agent {
    AgentInfo info;
    ActorRef<AgentCommand> ref;
    Map<String, HostedAttempt> running = Map.of();
    /** The ended attempts of its last status: their ends may not have reached their jobs yet. */
    List<HostedAttempt> ended = List.of();
    long lastSeen;
  }

  /** A placement the agent has not reported yet. */
  private record InFlight(String agentId, Resources resources, int attempt, long since, String queue, String share) {
    InFlight withAttempt(int number) {
      return new InFlight(agentId, resources, number, since, queue, share);
    }
  }

  private final ControllerSettings settings;
  private final ControlPlaneClient controlPlane;
  private final JobReadStore readStore;
  private final ControllerMetrics metrics;
  private final ActorContext<SchedulerCommand> context;
  private final TimerScheduler<SchedulerCommand> timers;
  private final ClusterSharding sharding;
  private final ActorRefResolver resolver;
  private final Map<String, Agent> agents = new HashMap<>();
  private final PassStats passStats = new PassStats();
  private final Coalescer<SchedulerCommand> passes;
  /** The last pass had jobs waiting and could place none of them. */
  private boolean saturated;
  private final Map<String, InFlight> inFlight = new HashMap<>();
  /** Place asks sent and not yet answered (nor timed out); at most max-unanswered-placements. */
  private int unanswered;
  private final Map<String, QueueOffer> offers = new HashMap<>();
  /** The wait reason each waiting job's queue last heard, so only changes are sent. */
  private final Map<String, String> publishedReasons = new HashMap<>();
  /** Each fair-share queue's share usage. Derived like the rest: a new instance starts it afresh. */
  private final Map<String, ShareUsage> shareUsage = new HashMap<>();
  /** The hosts the last pass held for jobs that waited too long, kept while those jobs wait. */
  private Map<String, String> reservations = Map.of();
  private ControlPlaneState controlPlaneState = ControlPlaneState.EMPTY;
  /**
   * Nodes this controller sees as unreachable, downed or on their way out. An agent there gets no
   * new placement: the Place would not arrive, and the job's own node may already have seen the
   * member removed and made the job RUNNABLE again, so a retry must not go back to it.
   */
  private final Set<Address> unavailable = new HashSet<>();
  /** Hosts the capacity manager is terminating: no placement goes there again. */
  private final Set<String> retiring = new HashSet<>();
  /** Sizes MANAGED compute environments; null when no capacity provider is configured. */
  private ActorRef<CapacityManager.Command> capacityManager;
  /** The jobs the last pass left waiting, by the MANAGED compute environment that should get them. */
  private Map<String, List<WaitingJob>> managedDemand = Map.of();

  private SchedulerActor(
      ControllerSettings settings,
      ControlPlaneClient controlPlane,
      JobReadStore readStore,
      ActorContext<SchedulerCommand> context,
      TimerScheduler<SchedulerCommand> timers,
      ControllerMetrics metrics) {
    this.settings = settings;
    this.metrics = metrics;
    this.controlPlane = controlPlane;
    this.readStore = readStore;
    this.context = context;
    this.timers = timers;
    this.passes = new Coalescer<>(timers, context.getSelf(), new RunPass(), settings.schedulerPassDelay());
    this.sharding = ClusterSharding.get(context.getSystem());
    this.resolver = ActorRefResolver.get(context.getSystem());
    context.getSystem().receptionist().tell(Receptionist.register(SchedulerProtocol.SERVICE_KEY, context.getSelf()));
    controlPlane.listen(context.messageAdapter(ControlPlaneState.class, ControlPlaneChanged::new));
    Cluster cluster = Cluster.get(context.getSystem());
    cluster.subscriptions().tell(Subscribe.create(
        context.messageAdapter(ClusterEvent.ReachabilityEvent.class, MembershipChanged::new),
        ClusterEvent.ReachabilityEvent.class));
    cluster.subscriptions().tell(Subscribe.create(
        context.messageAdapter(ClusterEvent.MemberEvent.class, MembershipChanged::new),
        ClusterEvent.MemberEvent.class));
    timers.startTimerWithFixedDelay(new Housekeeping(), Duration.ofSeconds(1));
    // The first check waits for every live agent to have reported at least once.
    timers.startTimerWithFixedDelay(new Reconcile(), settings.reconcileGrace(), settings.reconcileInterval());
    timers.startTimerWithFixedDelay(new ReconcilePending(), settings.reconcileGrace(), settings.reconcilePendingInterval());
  }

  private Behavior<SchedulerCommand> behavior() {
    return Behaviors.receive(SchedulerCommand.class)
        .onMessage(AgentStatus.class, this::onAgentStatus)
        .onMessage(QueueOffer.class, msg -> {
          offers.put(msg.queue(), msg);
          // More jobs cannot place what the last pass could not; capacity changes still pass at once.
          passes.request(saturated ? settings.schedulerBusyPassInterval() : settings.schedulerPassDelay());
          return Behaviors.same();
        })
        .onMessage(ControlPlaneChanged.class, msg -> {
          wakeNewQueues(controlPlaneState, msg.state());
          controlPlaneState = msg.state();
          passSoon();
          return Behaviors.same();
        })
        .onMessage(RunPass.class, msg -> {
          passes.running();
          long started = System.nanoTime();
          pass();
          long took = System.nanoTime() - started;
          passStats.record(took);
          metrics.schedulerPass(took);
          return Behaviors.same();
        })
        .onMessage(Placed.class, this::onPlaced)
        .onMessage(DescribeHosts.class, msg -> {
          msg.replyTo().tell(hosts());
          return Behaviors.same();
        })
        .onMessage(DescribeFairShare.class, msg -> {
          msg.replyTo().tell(fairShares());
          return Behaviors.same();
        })
        .onMessage(PlaceFailed.class, msg -> {
          try (MDC.MDCCloseable job = MDC.putCloseable("jobId", msg.assignment().job().jobId());
              MDC.MDCCloseable node = MDC.putCloseable("node", msg.assignment().agentId())) {
            context.getLog().warn("Placing job {} on agent {} got no answer ({}); its reservation is released. If the job "
                    + "did not take the placement its queue offers it again; if it did, the agent's next report counts it",
                msg.assignment().job().jobId(), msg.assignment().agentId(), msg.message());
          }
          unanswered--;
          inFlight.remove(msg.assignment().job().jobId());
          passSoon();
          return Behaviors.same();
        })
        .onMessage(AgentTerminated.class, this::onAgentTerminated)
        .onMessage(MembershipChanged.class, this::onMembershipChanged)
        .onMessage(Housekeeping.class, msg -> {
          expireInFlight();
          tellCapacityManager();
          passStats.logIfDue(context.getLog(), agents.size(), inFlight.size(), settings.schedulerStatsInterval());
          metrics.schedulerView(view());
          return Behaviors.same();
        })
        .onMessage(Retire.class, msg -> {
          String agentId = msg.request().agentId();
          Agent agent = agents.get(agentId);
          boolean idle = agent != null && agent.running.isEmpty()
              && inFlight.values().stream().noneMatch(pending -> pending.agentId().equals(agentId));
          if (idle) {
            retiring.add(agentId);
          }
          msg.request().replyTo().tell(idle);
          return Behaviors.same();
        })
        .onMessage(Reconcile.class, msg -> reconcile())
        .onMessage(ReconcilePending.class, msg -> reconcilePending())
        .onMessage(PendingJobs.class, msg -> {
          msg.jobIds().forEach(id -> sharding.entityRefFor(JobProtocol.JOB, id).tell(new JobEntity.CheckDependencies(id)));
          return Behaviors.same();
        })
        .onMessage(ActiveJobs.class, this::onActiveJobs)
        // The singleton moves on: this controller no longer shows the scheduler's view.
        .onSignal(PostStop.class, signal -> {
          metrics.schedulerView(SchedulerView.NONE);
          return Behaviors.same();
        })
        .build();
  }

  private Behavior<SchedulerCommand> onAgentStatus(AgentStatus status) {
    AgentInfo info = status.info();
    Agent agent = agents.get(info.agentId());
    boolean joined = agent == null || !agent.ref.equals(status.agent());
    if (joined) {
      if (agent != null) {
        context.unwatch(agent.ref);
        context.getLog().info("Agent {} restarted; its earlier incarnation's attempts are gone", info.agentId());
        lose(info.agentId(), agent);
      }
      agent = new Agent();
      agents.put(info.agentId(), agent);
      context.watchWith(status.agent(), new AgentTerminated(info.agentId(), status.agent()));
      context.getLog().info("Agent {} on {} joined compute environment {} with {} ({} executor)",
          info.agentId(), info.host(), info.computeEnvironment(), info.capacity().describe(), info.executor());
      if (controlPlaneState.computeEnvironment(info.computeEnvironment()).isPresent() && !executorAllowed(info)) {
        context.getLog().warn("Agent {} runs jobs as host processes, but compute environment {} does not allow "
                + "that, so no job is placed on it. An administrator allows it by creating the environment with the "
                + "tag {}={}; or run the agent with the docker executor.", info.agentId(), info.computeEnvironment(),
            ComputeEnvironment.PROCESS_EXECUTOR_TAG, ComputeEnvironment.PROCESS_EXECUTOR_ENABLED);
      }
    }
    boolean noticed = info.spotNotice() != null && (agent.info == null || agent.info.spotNotice() == null);
    long now = System.currentTimeMillis();
    boolean wasStale = agent.lastSeen < now - settings.agentHeartbeatTimeout().toMillis();
    boolean infoChanged = !info.equals(agent.info);
    agent.info = info;
    agent.ref = status.agent();
    if (noticed) {
      metrics.spotNotice(info.computeEnvironment());
    }
    if (noticed && capacityManager != null) {
      tellCapacityManager();
      capacityManager.tell(new CapacityManager.PlanNow());
    }
    agent.lastSeen = now;
    Map<String, HostedAttempt> running = new HashMap<>();
    status.running().forEach(a -> running.put(a.jobId(), a));
    boolean runningChanged = !running.equals(agent.running);
    agent.running = running;
    agent.ended = status.recentlyEnded();
    int inFlightBefore = inFlight.size();
    List<HostedAttempt> reported = new ArrayList<>(status.running());
    reported.addAll(status.recentlyEnded());
    for (HostedAttempt attempt : reported) {
      InFlight pending = inFlight.get(attempt.jobId());
      // Until the job has answered with the attempt number, an older attempt of the same job that
      // ended recently must not release this placement.
      if (pending != null && pending.agentId().equals(info.agentId()) && pending.attempt() > 0
          && attempt.attempt() >= pending.attempt()) {
        inFlight.remove(attempt.jobId());
      }
    }
    // A heartbeat that changes nothing (most of them, on a large idle fleet) needs no pass.
    if (joined || wasStale || infoChanged || runningChanged || inFlight.size() != inFlightBefore) {
      passSoon();
    }
    return Behaviors.same();
  }

  private Behavior<SchedulerCommand> onAgentTerminated(AgentTerminated msg) {
    Agent agent = agents.get(msg.agentId());
    if (agent != null && agent.ref.equals(msg.ref())) {
      agents.remove(msg.agentId());
      retiring.remove(msg.agentId());
      context.getLog().warn("Agent {} left the cluster; its {} attempt(s) lost their host", msg.agentId(), agent.running.size());
      lose(msg.agentId(), agent);
      passSoon();
    }
    return Behaviors.same();
  }

  private Behavior<SchedulerCommand> onMembershipChanged(MembershipChanged msg) {
    ClusterEvent.ClusterDomainEvent event = msg.event();
    if (event instanceof ClusterEvent.UnreachableMember e) {
      unavailable.add(e.member().address());
    } else if (event instanceof ClusterEvent.ReachableMember e) {
      unavailable.remove(e.member().address());
    } else if (event instanceof ClusterEvent.MemberDowned
        || event instanceof ClusterEvent.MemberLeft
        || event instanceof ClusterEvent.MemberExited) {
      unavailable.add(((ClusterEvent.MemberEvent) event).member().address());
    } else if (event instanceof ClusterEvent.MemberUp || event instanceof ClusterEvent.MemberRemoved) {
      // Gone for good, or a new incarnation on the same host and port: either way a clean slate.
      unavailable.remove(((ClusterEvent.MemberEvent) event).member().address());
    } else {
      return Behaviors.same();
    }
    passSoon();
    return Behaviors.same();
  }

  /** Tells every job with an attempt on the agent that its host is gone. */
  private void lose(String agentId, Agent agent) {
    Set<String> jobs = new HashSet<>(agent.running.keySet());
    inFlight.forEach((jobId, pending) -> {
      if (pending.agentId().equals(agentId)) {
        jobs.add(jobId);
      }
    });
    inFlight.values().removeIf(pending -> pending.agentId().equals(agentId));
    String agentRef = resolver.toSerializationFormat(agent.ref);
    jobs.forEach(jobId -> sharding.entityRefFor(JobProtocol.JOB, jobId).tell(new JobEntity.AgentLost(jobId, agentRef)));
  }

  private Behavior<SchedulerCommand> onPlaced(Placed msg) {
    unanswered--;
    String jobId = msg.assignment().job().jobId();
    JobEntity.PlaceResult result = msg.result();
    if (!result.placed()) {
      inFlight.remove(jobId);
      sharding.entityRefFor(JobQueueActor.TYPE, msg.assignment().job().queue()).tell(new JobQueueActor.Dequeue(jobId));
    } else {
      try (MDC.MDCCloseable job = MDC.putCloseable("jobId", jobId);
          MDC.MDCCloseable attempt = MDC.putCloseable("attempt", Integer.toString(result.attempt()));
          MDC.MDCCloseable node = MDC.putCloseable("node", result.agentId())) {
        context.getLog().debug("Placed job {} attempt {} on agent {}", jobId, result.attempt(), result.agentId());
      }
      InFlight pending = inFlight.get(jobId);
      if (pending != null) {
        if (result.agentId().equals(pending.agentId())) {
          inFlight.put(jobId, pending.withAttempt(result.attempt()));
        } else {
          inFlight.remove(jobId);
        }
      }
    }
    passSoon();
    return Behaviors.same();
  }

  /**
   * Finds STARTING and RUNNING jobs that no live agent holds: their host went away while nothing
   * was watching (the controller that had the job in memory stopped at the same time, as when
   * ./drover dev restarts). Each such job is told, and ends its attempt as a lost host.
   */
  private Behavior<SchedulerCommand> reconcile() {
    long askedAt = System.currentTimeMillis();
    List<CompletableFuture<List<String>>> queries = new ArrayList<>();
    for (String queue : controlPlaneState.jobQueues().keySet()) {
      queries.add(readStore.jobIds(queue, JobStatus.STARTING).toCompletableFuture());
      queries.add(readStore.jobIds(queue, JobStatus.RUNNING).toCompletableFuture());
    }
    context.pipeToSelf(CompletableFuture.allOf(queries.toArray(CompletableFuture[]::new)), (ok, error) -> {
      if (error != null) {
        return new ActiveJobs(List.of(), askedAt);
      }
      List<String> ids = new ArrayList<>();
      queries.forEach(q -> ids.addAll(q.join()));
      return new ActiveJobs(ids, askedAt);
    });
    return Behaviors.same();
  }

  /**
   * Wakes every PENDING job, which asks the jobs it waits for again: an outcome lost with a
   * controller that stopped at the wrong moment is delivered after all.
   */
  private Behavior<SchedulerCommand> reconcilePending() {
    List<CompletableFuture<List<String>>> queries = controlPlaneState.jobQueues().keySet().stream()
        .map(queue -> readStore.jobIds(queue, JobStatus.PENDING).toCompletableFuture())
        .toList();
    context.pipeToSelf(CompletableFuture.allOf(queries.toArray(CompletableFuture[]::new)), (ok, error) -> {
      List<String> ids = new ArrayList<>();
      if (error == null) {
        queries.forEach(q -> ids.addAll(q.join()));
      }
      return new PendingJobs(ids);
    });
    return Behaviors.same();
  }

  private Behavior<SchedulerCommand> onActiveJobs(ActiveJobs msg) {
    for (String jobId : unaccounted(msg.jobIds(), inFlight.keySet(), agents.values())) {
      sharding.entityRefFor(JobProtocol.JOB, jobId).tell(new JobEntity.AttemptUnaccounted(jobId, msg.askedAt()));
    }
    return Behaviors.same();
  }

  /**
   * The jobs among {@code active} that no placement in flight and no agent's last status accounts
   * for: neither running on an agent nor ended there lately (an end the job may not have yet).
   */
  static List<String> unaccounted(List<String> active, Set<String> inFlight, Collection<Agent> agents) {
    Set<String> held = new HashSet<>(inFlight);
    for (Agent agent : agents) {
      held.addAll(agent.running.keySet());
      agent.ended.forEach(a -> held.add(a.jobId()));
    }
    return active.stream().filter(jobId -> !held.contains(jobId)).toList();
  }

  private void expireInFlight() {
    long cutoff = System.currentTimeMillis() - settings.placementTimeout().toMillis();
    inFlight.values().removeIf(pending -> pending.since() < cutoff);
  }

  /** Queues that appeared or were enabled are woken, so they offer their jobs. */
  private void wakeNewQueues(ControlPlaneState before, ControlPlaneState after) {
    after.jobQueues().forEach((name, queue) -> {
      JobQueue old = before.jobQueues().get(name);
      if (old == null || (!old.enabled() && queue.enabled())) {
        sharding.entityRefFor(JobQueueActor.TYPE, name).tell(new JobQueueActor.Wake());
      }
    });
  }

  /** What the gauges of this controller show while the scheduler runs here: queues' RUNNABLE jobs, agents. */
  private SchedulerView view() {
    Map<String, SchedulerView.Queue> queues = new HashMap<>();
    for (QueueOffer offer : offers.values()) {
      long oldest = offer.head().stream().mapToLong(JobTicket::runnableSince).filter(t -> t > 0).min().orElse(0);
      queues.put(offer.queue(), new SchedulerView.Queue(offer.runnable(), oldest));
    }
    Map<String, SchedulerView.Environment> environments = new HashMap<>();
    for (Agent agent : agents.values()) {
      long allocated = 0;
      for (HostedAttempt a : agent.running.values()) {
        allocated += a.resources().milliCpus();
      }
      SchedulerView.Environment one =
          SchedulerView.Environment.of(agent.info.spot(), agent.info.capacity().milliCpus() / 1000.0, allocated / 1000.0);
      environments.merge(agent.info.computeEnvironment(), one, SchedulerView.Environment::plus);
    }
    return new SchedulerView(queues, environments);
  }

  private void passSoon() {
    passes.request();
  }

  private void pass() {
    int room = settings.maxUnansweredPlacements() - unanswered;
    if (room <= 0) {
      // The next answer starts a pass.
      return;
    }
    long now = System.currentTimeMillis();
    Holdings holdings = holdings();
    Map<String, FairShareView> fairShare = fairShare(holdings, now);
    List<QueueView> queues = new ArrayList<>();
    int offered = 0;
    for (QueueOffer offer : offers.values()) {
      JobQueue queue = controlPlaneState.jobQueues().get(offer.queue());
      if (queue == null) {
        continue;
      }
      // A job an agent already runs (or that was just placed) may still be in the queue's last offer.
      List<JobTicket> waiting = offer.head().stream().filter(t -> !holdings.jobs().contains(t.jobId())).toList();
      offered += waiting.size();
      List<String> ces = queue.computeEnvironmentOrder().stream()
          .map(ComputeEnvironmentOrder::computeEnvironment)
          .map(arn -> AwsIdentity.nameFrom(arn, "compute-environment", "computeEnvironment"))
          .toList();
      queues.add(new QueueView(queue.jobQueueName(), queue.priority(), queue.enabled(), ces, waiting,
          fairShare.get(queue.jobQueueName())));
    }
    saturated = false;
    if (offered == 0) {
      publishedReasons.clear();
      reservations = Map.of();
      managedDemand = Map.of();
      return;
    }
    Map<String, ComputeEnvironmentView> ces = new HashMap<>();
    for (ComputeEnvironment ce : controlPlaneState.computeEnvironments().values()) {
      long fairShareMilliCpus = ce.unmanagedvCpus() == null ? 0 : ce.unmanagedvCpus() * 1000L;
      ces.put(ce.computeEnvironmentName(),
          new ComputeEnvironmentView(ce.computeEnvironmentName(), ce.enabled(), ce.maxMilliCpus(), fairShareMilliCpus));
    }
    Map<String, Resources> placedNotReported = placedNotReported();
    List<HostView> hosts = new ArrayList<>();
    for (Agent agent : agents.values()) {
      hosts.add(new HostView(agent.info.agentId(), agent.info.computeEnvironment(), agent.info.capacity(),
          allocated(agent, placedNotReported), schedulable(agent, now), agent.info.spot()));
    }
    SchedulingDecision decision = Scheduler.schedule(queues, ces, hosts, holdings.runningChildren(), reservations,
        new SchedulerOptions(settings.reservationAfter().toMillis()), now);
    reservations = decision.reservations();
    List<Assignment> assignments = decision.assignments(room);
    for (Assignment assignment : assignments) {
      place(assignment, now);
    }
    passStats.placed(assignments.size());
    saturated = decision.assignments().isEmpty();
    publishReasons(decision);
    managedDemand = managedDemand(decision);
  }

  /** What the placements their agents have not reported yet hold, by agent id. */
  private Map<String, Resources> placedNotReported() {
    Map<String, Resources> placed = new HashMap<>();
    for (Map.Entry<String, InFlight> e : inFlight.entrySet()) {
      Agent agent = agents.get(e.getValue().agentId());
      if (agent != null && !agent.running.containsKey(e.getKey())) {
        placed.merge(agent.info.agentId(), e.getValue().resources(), Resources::plus);
      }
    }
    return placed;
  }

  private static Resources allocated(Agent agent, Map<String, Resources> placedNotReported) {
    Resources allocated = placedNotReported.getOrDefault(agent.info.agentId(), Resources.ZERO);
    for (HostedAttempt a : agent.running.values()) {
      allocated = allocated.plus(a.resources());
    }
    return allocated;
  }

  /**
   * Whether a new job may go to {@code agent}: it takes jobs, reported lately, is reachable, is not
   * being retired or drained by an operator, and its executor is allowed in its environment.
   */
  private boolean schedulable(Agent agent, long now) {
    return available(agent, now) && controlPlaneState.drained(agent.info.agentId()).isEmpty();
  }

  /** {@link #schedulable} but for an operator's drain. */
  private boolean available(Agent agent, long now) {
    return agent.info.schedulable() && agent.lastSeen >= now - settings.agentHeartbeatTimeout().toMillis()
        && !unavailable.contains(agent.ref.path().address()) && !retiring.contains(agent.info.agentId())
        && executorAllowed(agent.info);
  }

  private Hosts hosts() {
    long now = System.currentTimeMillis();
    Map<String, Resources> placedNotReported = placedNotReported();
    return new Hosts(agents.values().stream()
        .sorted(Comparator.comparing((Agent agent) -> agent.info.agentId()))
        .map(agent -> new HostState(agent.info, allocated(agent, placedNotReported),
            agent.running.keySet().stream().sorted().toList(), available(agent, now)))
        .toList());
  }

  /**
   * The jobs left waiting, each counted against the first enabled MANAGED compute environment in
   * its queue's order, which the capacity manager then grows for it.
   */
  private Map<String, List<WaitingJob>> managedDemand(SchedulingDecision decision) {
    if (capacityManager == null) {
      return Map.of();
    }
    Map<String, String> managedFor = new HashMap<>();
    for (JobQueue queue : controlPlaneState.jobQueues().values()) {
      for (ComputeEnvironmentOrder order : queue.computeEnvironmentOrder()) {
        ComputeEnvironment ce = controlPlaneState.computeEnvironments().get(
            AwsIdentity.nameFrom(order.computeEnvironment(), "compute-environment", "computeEnvironment"));
        if (ce != null && ce.managed() && ce.enabled()) {
          managedFor.put(queue.jobQueueName(), ce.computeEnvironmentName());
          break;
        }
      }
    }
    if (managedFor.isEmpty()) {
      return Map.of();
    }
    Map<String, List<WaitingJob>> demand = new HashMap<>();
    decision.forEachWaiting((job, reason) -> {
      String ce = managedFor.get(job.queue());
      if (ce != null) {
        demand.computeIfAbsent(ce, c -> new ArrayList<>()).add(new WaitingJob(job.jobId(), job.resources()));
      }
    });
    return demand;
  }

  /** Agents of the process executor take jobs only in environments an administrator enabled it for. */
  private boolean executorAllowed(AgentInfo info) {
    return !"process".equals(info.executor()) || controlPlaneState.computeEnvironment(info.computeEnvironment())
        .map(ComputeEnvironment::processExecutorEnabled)
        .orElse(false);
  }

  /** Gives the capacity manager the waiting jobs and the hosts of every MANAGED compute environment. */
  private void tellCapacityManager() {
    if (capacityManager == null) {
      return;
    }
    Map<String, CapacityManager.EnvironmentDemand> environments = new HashMap<>();
    Map<String, List<CapacityManager.Host>> hosts = new HashMap<>();
    Set<String> placing = new HashSet<>();
    inFlight.values().forEach(pending -> placing.add(pending.agentId()));
    // The jobs on a Spot host EC2 is reclaiming, or recommends leaving, need new hosts before they are
    // even stopped.
    Map<String, List<WaitingJob>> displaced = new HashMap<>();
    for (Agent agent : agents.values()) {
      ComputeEnvironment ce = controlPlaneState.computeEnvironments().get(agent.info.computeEnvironment());
      if (ce == null || !ce.managed()) {
        continue;
      }
      SpotNotice notice = agent.info.spotNotice();
      if (notice != null) {
        agent.running.values().forEach(attempt -> displaced.computeIfAbsent(ce.computeEnvironmentName(),
            c -> new ArrayList<>()).add(new WaitingJob(attempt.jobId(), attempt.resources())));
      }
      if (agent.info.instanceId() == null) {
        continue;
      }
      String agentId = agent.info.agentId();
      boolean idle = agent.running.isEmpty() && !placing.contains(agentId);
      hosts.computeIfAbsent(ce.computeEnvironmentName(), c -> new ArrayList<>()).add(new CapacityManager.Host(agentId,
          agent.info.instanceId(), idle,
          !agent.info.schedulable() || retiring.contains(agentId) || controlPlaneState.drained(agentId).isPresent(),
          notice != null && notice.interruption()));
    }
    for (ComputeEnvironment ce : controlPlaneState.computeEnvironments().values()) {
      if (ce.managed()) {
        List<WaitingJob> waiting = new ArrayList<>(managedDemand.getOrDefault(ce.computeEnvironmentName(), List.of()));
        waiting.addAll(displaced.getOrDefault(ce.computeEnvironmentName(), List.of()));
        environments.put(ce.computeEnvironmentName(), new CapacityManager.EnvironmentDemand(waiting,
            hosts.getOrDefault(ce.computeEnvironmentName(), List.of())));
      }
    }
    capacityManager.tell(new CapacityManager.Demand(controlPlaneState, environments));
  }

  /**
   * What running and placed attempts hold: vCPU by queue and share (fair-share queues only), and
   * children by array job.
   */
  private record Holdings(Map<String, Map<String, Long>> heldByQueue, Map<String, Integer> runningChildren, Set<String> jobs) {
    void add(String jobId, Resources resources, String queue, String share) {
      jobs.add(jobId);
      if (queue != null && share != null) {
        heldByQueue.computeIfAbsent(queue, q -> new HashMap<>()).merge(share, resources.milliCpus(), Long::sum);
      }
      int colon = jobId.lastIndexOf(':');
      if (colon > 0) {
        runningChildren.merge(jobId.substring(0, colon), 1, Integer::sum);
      }
    }
  }

  private Holdings holdings() {
    Holdings holdings = new Holdings(new HashMap<>(), new HashMap<>(), new HashSet<>());
    for (Agent agent : agents.values()) {
      agent.running.values().forEach(a -> holdings.add(a.jobId(), a.resources(), a.jobQueue(), a.shareIdentifier()));
    }
    inFlight.forEach((jobId, pending) -> {
      Agent agent = agents.get(pending.agentId());
      if (agent == null || !agent.running.containsKey(jobId)) {
        holdings.add(jobId, pending.resources(), pending.queue(), pending.share());
      }
    });
    return holdings;
  }

  /** Every fair-share queue's shares, their usage brought up to now. */
  private FairShares fairShares() {
    Map<String, List<ShareState>> queues = new TreeMap<>();
    fairShare(holdings(), System.currentTimeMillis()).forEach((queue, view) -> {
      Set<String> shares = new TreeSet<>(view.heldMilliCpus().keySet());
      shares.addAll(view.usage().keySet());
      queues.put(queue, shares.stream()
          .map(share -> new ShareState(share, view.weightFactor().applyAsDouble(share),
              view.heldMilliCpus().getOrDefault(share, 0L) / 1000.0, view.usage().getOrDefault(share, 0.0)))
          .toList());
    });
    return new FairShares(queues);
  }

  /** Brings every fair-share queue's usage up to {@code now}; its view for this pass, by queue. */
  private Map<String, FairShareView> fairShare(Holdings holdings, long now) {
    Map<String, FairShareView> views = new HashMap<>();
    for (JobQueue queue : controlPlaneState.jobQueues().values()) {
      controlPlaneState.fairsharePolicyOf(queue).ifPresent(policy -> {
        Map<String, Long> held = holdings.heldByQueue().getOrDefault(queue.jobQueueName(), Map.of());
        ShareUsage usage = shareUsage.computeIfAbsent(queue.jobQueueName(), name -> new ShareUsage());
        usage.advance(now, held, policy.decaySeconds());
        views.put(queue.jobQueueName(), new FairShareView(policy::weightFactor, policy.reservationPercent(), held,
            usage.usage(policy.decaySeconds(), held), ShareUsage.usagePerPlacedVcpu(policy.decaySeconds())));
      });
    }
    shareUsage.keySet().retainAll(views.keySet());
    return views;
  }

  /** Tells each queue the wait reasons of its jobs that changed since it last heard. */
  private void publishReasons(SchedulingDecision decision) {
    Map<String, Map<String, String>> changed = new HashMap<>();
    Set<String> waiting = new HashSet<>();
    decision.forEachWaiting((job, reason) -> {
      waiting.add(job.jobId());
      if (!reason.equals(publishedReasons.put(job.jobId(), reason))) {
        changed.computeIfAbsent(job.queue(), q -> new HashMap<>()).put(job.jobId(), reason);
      }
    });
    publishedReasons.keySet().retainAll(waiting);
    changed.forEach((queue, reasons) ->
        sharding.entityRefFor(JobQueueActor.TYPE, queue).tell(new JobQueueActor.WaitReasons(reasons)));
  }

  private void place(Assignment assignment, long now) {
    unanswered++;
    Agent agent = agents.get(assignment.agentId());
    JobTicket job = assignment.job();
    inFlight.put(job.jobId(), new InFlight(assignment.agentId(), job.resources(), 0, now, job.queue(), job.shareIdentifier()));
    Placement placement = new Placement(
        agent.info.agentId(),
        resolver.toSerializationFormat(agent.ref),
        agent.info.host(),
        agent.info.instanceId(),
        assignment.computeEnvironment(),
        agent.info.attemptsOutliveAgent(),
        agent.info.instanceType(),
        agent.info.hourlyPrice(),
        agent.info.onDemandHourlyPrice(),
        agent.info.spot(),
        agent.info.capacity());
    context.ask(
        JobEntity.PlaceResult.class,
        sharding.entityRefFor(JobProtocol.JOB, job.jobId()),
        settings.askTimeout(),
        replyTo -> new JobEntity.Place(job.jobId(), placement, replyTo),
        (result, error) -> result != null ? new Placed(assignment, result) : new PlaceFailed(assignment, error.getMessage()));
  }
}
