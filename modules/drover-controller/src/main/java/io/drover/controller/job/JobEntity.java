package io.drover.controller.job;

import io.drover.controller.ControllerSettings;
import io.drover.controller.queue.JobQueueActor;
import io.drover.core.CborSerializable;
import io.drover.core.definition.ContainerRules;
import io.drover.core.job.ArraySpec;
import io.drover.core.job.Attempt;
import io.drover.core.job.JobEvent;
import io.drover.core.job.JobEvent.ArrayExpanded;
import io.drover.core.job.JobEvent.AttemptEnded;
import io.drover.core.job.JobEvent.AttemptReattached;
import io.drover.core.job.JobEvent.Cancelled;
import io.drover.core.job.JobEvent.ChildrenFinished;
import io.drover.core.job.JobEvent.DependencyResolved;
import io.drover.core.job.JobEvent.DependentAdded;
import io.drover.core.job.JobEvent.Placed;
import io.drover.core.job.JobEvent.Started;
import io.drover.core.job.JobEvent.Submitted;
import io.drover.core.job.JobEvent.TerminationRequested;
import io.drover.core.job.JobSpec;
import io.drover.core.job.JobState;
import io.drover.core.job.Placement;
import io.drover.core.model.JobStatus;
import io.drover.metrics.ControllerMetrics;
import io.drover.protocol.AgentProtocol;
import io.drover.protocol.AgentProtocol.AgentCommand;
import io.drover.protocol.AgentProtocol.AttemptLaunch;
import io.drover.protocol.AgentProtocol.LaunchAccepted;
import io.drover.protocol.JobProtocol;
import io.drover.protocol.JobProtocol.AttemptExited;
import io.drover.protocol.JobProtocol.AttemptReportAck;
import io.drover.protocol.JobProtocol.AttemptStarted;
import io.drover.protocol.JobProtocol.JobCommand;
import io.drover.protocol.JobProtocol.ReattachAnswer;
import io.drover.protocol.JobProtocol.ReattachAttempt;
import io.drover.protocol.Roles;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityContext;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotSelectionCriteria;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.Recovery;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One job, sharded by job id and event-sourced in Cassandra. It is the authority on its own
 * lifecycle: it accepts a placement only while RUNNABLE, launches the attempt on the agent and
 * retries until the agent confirms, follows the agent (a lost host ends the attempt), times
 * attempts out, and applies retry rules. It also keeps the conversations of dependencies (with
 * the jobs it waits for and those waiting for it) and of array jobs (an array job creates its
 * children and collects their outcomes; a child reports to it). The decisions themselves live in
 * {@link JobState}.
 *
 * <p>A job stays in memory while an attempt holds a host, so it notices when that host goes
 * away; otherwise it passivates after {@code drover.controller.job.idle-timeout}. A RUNNABLE job
 * stays too while it holds one of its controller's {@link WarmJobs} places, so that its placement
 * needs no replay; it gives the place back when it leaves RUNNABLE or memory.
 */
public final class JobEntity extends EventSourcedBehaviorWithEnforcedReplies<JobCommand, JobEvent, JobState> {

  /** Accept a job; idempotent for the same spec, so the API may retry after a timeout. */
  public record Submit(String jobId, JobSpec spec, long at, ActorRef<StatusReply<Done>> replyTo) implements JobCommand {}

  public record Get(String jobId, ActorRef<JobSnapshot> replyTo) implements JobCommand {}

  /**
   * The job's state; null when no job has this id. For an array job, {@code children} counts its
   * unfinished children by the status they last reported.
   */
  public record JobSnapshot(String jobId, JobState state, Map<JobStatus, Integer> children) implements CborSerializable {}

  /** From the scheduler: start the next attempt there. */
  public record Place(String jobId, Placement placement, ActorRef<PlaceResult> replyTo) implements JobCommand {}

  /**
   * @param placed true when the job now runs (or already ran) on {@code agentId}
   * @param reason why not, when not placed
   */
  public record PlaceResult(String jobId, boolean placed, int attempt, String agentId, String reason)
      implements CborSerializable {}

  public record Cancel(String jobId, String reason, ActorRef<StatusReply<Done>> replyTo) implements JobCommand {}

  public record Terminate(String jobId, String reason, ActorRef<StatusReply<Done>> replyTo) implements JobCommand {}

  /**
   * From the scheduler: this incarnation of an agent is gone (its node left the cluster, or it
   * restarted). {@code agentRef} is the agent's serialized address, which names the incarnation.
   */
  public record AgentLost(String jobId, String agentRef) implements JobCommand {}

  /**
   * From the scheduler: no live agent reported this job's attempt (as of {@code checkedAt}). An
   * attempt placed before that, and still not ended, has lost its host.
   */
  public record AttemptUnaccounted(String jobId, long checkedAt) implements JobCommand {}

  /** To a job {@code dependentId} waits for: tell it when you finish. */
  public record AddDependent(String jobId, String dependentId) implements JobCommand {}

  /** To a waiting job: {@code parentId} has recorded that it waits. */
  public record DependentRegistered(String jobId, String parentId) implements JobCommand {}

  /**
   * To a waiting job: {@code parentId} finished; {@code reason} says why it counts as failed
   * when {@code succeeded} is false.
   */
  public record ParentFinished(String jobId, String parentId, boolean succeeded, String reason) implements JobCommand {}

  /** From the scheduler's periodic check: a PENDING job asks the jobs it waits for again. */
  public record CheckDependencies(String jobId) implements JobCommand {}

  /** To a finished job: {@code dependentId} has taken note of the outcome. */
  public record ParentFinishedAck(String jobId, String dependentId) implements JobCommand {}

  /** From a child of this array job: its status changed (for the status summary; may be lost). */
  public record ChildStatus(String jobId, int index, JobStatus status) implements JobCommand {}

  /** From a child of this array job: it finished. Repeated until acknowledged. */
  public record ChildFinished(String jobId, int index, boolean succeeded) implements JobCommand {}

  /** To a child: its array job has durably recorded how it finished. */
  public record ChildFinishedAck(String jobId) implements JobCommand {}

  /**
   * To an array job, for a job that wants to wait for child {@code index}, which does not exist
   * yet: the array job fails the waiter if that child never will.
   */
  public record ChildDependency(String jobId, int index, String dependentId) implements JobCommand {}

  private record ChildCreated(String jobId, int index, boolean created) implements JobCommand {}

  private record FlushChildren(String jobId) implements JobCommand {}

  private record ResendChildFinished(String jobId) implements JobCommand {}

  private record LaunchConfirmed(String jobId, int attempt) implements JobCommand {}

  private record ResendRegistrations(String jobId) implements JobCommand {}

  private record ResendOutcome(String jobId) implements JobCommand {}

  private record ResendLaunch(String jobId, int attempt) implements JobCommand {}

  private record ResendStop(String jobId, int attempt) implements JobCommand {}

  private record AttemptTimedOut(String jobId, int attempt) implements JobCommand {}

  private record AgentTerminated(String jobId, int attempt, String agentRef) implements JobCommand {}

  /** The re-attach window of an attempt whose agent left has passed. */
  private record ReattachDeadline(String jobId, int attempt, String agentRef) implements JobCommand {}

  private record Idle(String jobId) implements JobCommand {}

  private record Passivate(String jobId) implements JobCommand {}

  public static final String TIMEOUT_REASON = "Job attempt duration exceeded timeout";

  /** How many children an array job creates at once. */
  private static final int CHILD_CREATION_WINDOW = 256;

  /** Children's outcomes arriving within this window are recorded in one event on the array job. */
  private static final Duration CHILD_OUTCOME_BATCH_WINDOW = Duration.ofMillis(100);

  /** One for every entity: jobs never snapshot. */
  private static final Recovery WITHOUT_SNAPSHOTS = Recovery.withSnapshotSelectionCriteria(SnapshotSelectionCriteria.none());

  /** Registers the entity with sharding on controllers. */
  public static void init(ActorSystem<?> system, ControllerSettings settings, ControllerMetrics metrics) {
    WarmJobs warmJobs = new WarmJobs(settings.warmRunnableJobs());
    metrics.warmJobs(warmJobs::held);
    LoggerFactory.getLogger(JobEntity.class).info(
        "Up to {} waiting jobs stay in memory on this controller, ready to place without a journal replay "
            + "(drover.controller.job.warm-runnable-jobs; heap at most {} MiB)",
        settings.warmRunnableJobs(), Runtime.getRuntime().maxMemory() / (1024 * 1024));
    ClusterSharding.get(system).init(Entity.of(JobProtocol.JOB, ctx -> create(ctx, settings, metrics, warmJobs))
        .withRole(Roles.CONTROLLER)
        .withStopMessage(new Passivate(""))
        .withSettings(ClusterShardingSettings.create(system).withNoPassivationStrategy()));
  }

  static Behavior<JobCommand> create(EntityContext<JobCommand> entityContext, ControllerSettings settings,
      ControllerMetrics metrics, WarmJobs warmJobs) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      ctx.setLoggerName(JobEntity.class);
      JobEntity entity = new JobEntity(ctx, timers, entityContext, settings, metrics, warmJobs);
      // Every message, the entity's own and the journal's answers (after which persist callbacks
      // log), so that each of its log lines names the job, its attempt and this controller.
      @SuppressWarnings("unchecked")
      Behavior<Object> any = (Behavior<Object>) (Behavior<?>) entity;
      Map<String, String> job = Map.of("jobId", entityContext.getEntityId(), "node", ctx.getSystem().address().toString());
      return Behaviors.withMdc(Object.class, job, message -> entity.attemptMdc(), any).narrow();
    }));
  }

  private final ActorContext<JobCommand> context;
  private final TimerScheduler<JobCommand> timers;
  private final EntityContext<JobCommand> entityContext;
  private final ControllerSettings settings;
  private final ControllerMetrics metrics;
  private final WarmJobs warmJobs;
  /** This RUNNABLE job holds one of {@link #warmJobs}' places, and so stays in memory while idle. */
  private boolean warm;
  private final String jobId;
  private final ClusterSharding sharding;
  private final ActorRefResolver resolver;
  private boolean launchConfirmed;
  /** Since when this incarnation of the entity has watched (and launched) its current attempt. */
  private long followingSince;
  /** Jobs this PENDING job waits for that have not yet confirmed they will tell it. */
  private final Set<String> unregisteredParents = new HashSet<>();
  /** Dependents of this finished job that have not yet acknowledged its outcome. */
  private final Set<String> unacknowledgedDependents = new HashSet<>();
  /** Array job: the next child to create, and how many creations are in flight. */
  private int nextChild;
  private int creatingChildren;
  private int createdChildren;
  /** Array job: children's outcomes received but not yet persisted. */
  private final Map<Integer, Boolean> unrecordedOutcomes = new HashMap<>();
  /** Array job: the status each unfinished child last reported. */
  private final Map<Integer, JobStatus> childStatuses = new HashMap<>();
  /** Array child: its array job has not yet acknowledged how it finished. */
  private boolean outcomeUnreported;
  /** The job's latest attempt as last persisted or recovered (0 before the first), for the logs' MDC. */
  private int attempt;

  private JobEntity(
      ActorContext<JobCommand> context,
      TimerScheduler<JobCommand> timers,
      EntityContext<JobCommand> entityContext,
      ControllerSettings settings,
      ControllerMetrics metrics,
      WarmJobs warmJobs) {
    super(PersistenceId.of(JobProtocol.JOB.name(), entityContext.getEntityId()));
    this.context = context;
    this.timers = timers;
    this.entityContext = entityContext;
    this.settings = settings;
    this.metrics = metrics;
    this.warmJobs = warmJobs;
    this.jobId = entityContext.getEntityId();
    this.sharding = ClusterSharding.get(context.getSystem());
    this.resolver = ActorRefResolver.get(context.getSystem());
    context.setReceiveTimeout(settings.jobIdleTimeout(), new Idle(jobId));
  }

  @Override
  public JobState emptyState() {
    return null;
  }

  /** Jobs never snapshot (a job's history is short), so recovery does not ask the snapshot store. */
  @Override
  public Recovery recovery() {
    return WITHOUT_SNAPSHOTS;
  }

  @Override
  public Set<String> tagsFor(JobEvent event) {
    return Set.of(settings.jobTag(jobId));
  }

  @Override
  public SignalHandler<JobState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::onRecovered)
        .onSignal(PostStop.instance(), state -> coolDown())
        .build();
  }

  /** After a restart or a move to another controller: pick up where the job was. */
  private void onRecovered(JobState state) {
    if (state == null) {
      return;
    }
    attempt = latestAttempt(state);
    if (state.status().isTerminal()) {
      tellDependents(state);
      reportToArray(state);
      return;
    }
    if (state.readyToExpand()) {
      expand(state);
    }
    switch (state.status()) {
      case PENDING -> registerWithParents(state);
      case RUNNABLE -> enqueue(state);
      case STARTING -> {
        follow(state);
        launch(state);
      }
      case RUNNING -> {
        follow(state);
        armTimeout(state);
        if (state.terminationReason() != null) {
          stop(state);
        }
      }
      default -> {}
    }
  }

  @Override
  public CommandHandlerWithReply<JobCommand, JobEvent, JobState> commandHandler() {
    return (state, command) -> HANDLERS.handle(this, state, command);
  }

  /** One command's handler, shared by every job entity. */
  @FunctionalInterface
  private interface Handler<C extends JobCommand> {
    ReplyEffect<JobEvent, JobState> apply(JobEntity entity, JobState state, C command);
  }

  /**
   * How a job answers each command, by the command's class and whether the job exists yet. Built
   * once for all jobs: a controller holds tens of thousands of job entities, and Pekko's command
   * handler builder, used per entity, gave each of them about 40 cases of its own (an idle entity
   * took 8.4 KB of heap with them, 3.6 KB without). Commands are records, so their class alone
   * picks the handler; one without a handler is ignored.
   */
  private static final class Handlers {
    private Map<Class<?>, Handler<?>> absent = new HashMap<>();
    private Map<Class<?>, Handler<?>> present = new HashMap<>();

    /** For a job that has not been submitted. */
    <C extends JobCommand> Handlers absent(Class<C> type, Handler<C> handler) {
      absent.put(exact(type), handler);
      return this;
    }

    /** For a submitted job. */
    <C extends JobCommand> Handlers present(Class<C> type, Handler<C> handler) {
      present.put(exact(type), handler);
      return this;
    }

    /** For any job, where no handler for its state was given before. */
    <C extends JobCommand> Handlers any(Class<C> type, Handler<C> handler) {
      absent.putIfAbsent(exact(type), handler);
      present.putIfAbsent(type, handler);
      return this;
    }

    /** A command type with subclasses would miss their messages: the lookup is by exact class. */
    private static Class<?> exact(Class<?> type) {
      if (!type.isRecord()) {
        throw new IllegalArgumentException(type.getName() + " is not a record, so its subclasses would find no handler");
      }
      return type;
    }

    /** Ends the building: from here on the tables cannot change. */
    Handlers build() {
      absent = Map.copyOf(absent);
      present = Map.copyOf(present);
      return this;
    }

    @SuppressWarnings("unchecked")
    ReplyEffect<JobEvent, JobState> handle(JobEntity entity, JobState state, JobCommand command) {
      Handler<JobCommand> handler = (Handler<JobCommand>) (state == null ? absent : present).get(command.getClass());
      return handler == null ? entity.Effect().noReply() : handler.apply(entity, state, command);
    }
  }

  private static final Handlers HANDLERS = handlers();

  private static Handlers handlers() {
    return new Handlers()
        .absent(Submit.class, JobEntity::onSubmit)
        .absent(Place.class, (e, state, cmd) ->
            e.Effect().reply(cmd.replyTo(), new PlaceResult(e.jobId, false, 0, null, "no such job")))
        .absent(Cancel.class, (e, state, cmd) -> e.Effect().reply(cmd.replyTo(), e.noSuchJob()))
        .absent(Terminate.class, (e, state, cmd) -> e.Effect().reply(cmd.replyTo(), e.noSuchJob()))
        .absent(ReattachAttempt.class, (e, state, cmd) ->
            e.Effect().reply(cmd.replyTo(), new ReattachAnswer(e.jobId, cmd.attempt(), false)))
        .absent(AddDependent.class, JobEntity::onAddDependentOfAbsent)
        .absent(ChildDependency.class, (e, state, cmd) -> {
          e.job(cmd.dependentId()).tell(new ParentFinished(cmd.dependentId(), ArraySpec.childId(e.jobId, cmd.index()),
              false, "job " + e.jobId + " does not exist."));
          return e.Effect().noReply();
        })
        .present(Submit.class, JobEntity::onResubmit)
        .present(Place.class, JobEntity::onPlace)
        .present(AttemptStarted.class, JobEntity::onAttemptStarted)
        .present(AttemptExited.class, JobEntity::onAttemptExited)
        .present(Cancel.class, JobEntity::onCancel)
        .present(Terminate.class, JobEntity::onTerminate)
        .present(AgentLost.class, (e, state, cmd) -> e.onHostLost(state, cmd.agentRef(), -1))
        .present(AgentTerminated.class, (e, state, cmd) -> e.onHostLost(state, cmd.agentRef(), cmd.attempt()))
        .present(AttemptUnaccounted.class, JobEntity::onAttemptUnaccounted)
        .present(ReattachDeadline.class, JobEntity::onReattachDeadline)
        .present(ReattachAttempt.class, JobEntity::onReattach)
        .present(AddDependent.class, JobEntity::onAddDependent)
        .present(DependentRegistered.class, (e, state, cmd) -> {
          e.registered(cmd.parentId());
          return e.Effect().noReply();
        })
        .present(ParentFinished.class, JobEntity::onParentFinished)
        .present(ChildStatus.class, (e, state, cmd) -> {
          if (state.array() != null && !state.array().finished(cmd.index())) {
            e.childStatuses.put(cmd.index(), cmd.status());
          }
          return e.Effect().noReply();
        })
        .present(ChildFinished.class, JobEntity::onChildFinished)
        .present(FlushChildren.class, JobEntity::onFlushChildren)
        .present(ChildCreated.class, JobEntity::onChildCreated)
        .present(ChildDependency.class, (e, state, cmd) -> {
          String refusal = e.childRefusal(state, cmd.index());
          if (refusal != null) {
            e.job(cmd.dependentId()).tell(
                new ParentFinished(cmd.dependentId(), ArraySpec.childId(e.jobId, cmd.index()), false, refusal));
          }
          return e.Effect().noReply();
        })
        .present(ChildFinishedAck.class, (e, state, cmd) -> {
          e.outcomeUnreported = false;
          e.timers.cancel(ResendChildFinished.class);
          return e.Effect().noReply();
        })
        .present(ResendChildFinished.class, (e, state, cmd) -> {
          e.reportToArray(state);
          return e.Effect().noReply();
        })
        .present(CheckDependencies.class, (e, state, cmd) -> {
          if (state.status() == JobStatus.PENDING) {
            e.registerWithParents(state);
          }
          return e.Effect().noReply();
        })
        .present(ParentFinishedAck.class, (e, state, cmd) -> {
          e.unacknowledgedDependents.remove(cmd.dependentId());
          if (e.unacknowledgedDependents.isEmpty()) {
            e.timers.cancel(ResendOutcome.class);
          }
          return e.Effect().noReply();
        })
        .present(ResendRegistrations.class, (e, state, cmd) -> {
          if (state.status() == JobStatus.PENDING) {
            e.unregisteredParents.forEach(parent -> e.job(parent).tell(new AddDependent(parent, e.jobId)));
          }
          return e.Effect().noReply();
        })
        .present(ResendOutcome.class, (e, state, cmd) -> {
          e.unacknowledgedDependents.forEach(child -> e.job(child).tell(e.outcomeFor(state, child)));
          return e.Effect().noReply();
        })
        .present(LaunchConfirmed.class, JobEntity::onLaunchConfirmed)
        .present(ResendLaunch.class, (e, state, cmd) -> {
          if (e.isCurrent(state, cmd.attempt()) && state.status() == JobStatus.STARTING && !e.launchConfirmed
              && state.terminationReason() == null) {
            e.launch(state);
          }
          return e.Effect().noReply();
        })
        .present(ResendStop.class, (e, state, cmd) -> {
          if (e.isCurrent(state, cmd.attempt()) && state.terminationReason() != null) {
            e.stop(state);
          }
          return e.Effect().noReply();
        })
        .present(AttemptTimedOut.class, JobEntity::onAttemptTimedOut)
        .any(Get.class, (e, state, cmd) ->
            e.Effect().reply(cmd.replyTo(), new JobSnapshot(e.jobId, state, e.childCounts())))
        .any(AttemptStarted.class, (e, state, cmd) -> e.Effect().reply(cmd.replyTo(), e.ack(cmd.attempt())))
        .any(AttemptExited.class, (e, state, cmd) -> e.Effect().reply(cmd.replyTo(), e.ack(cmd.attempt())))
        .any(Idle.class, JobEntity::onIdle)
        .any(Passivate.class, (e, state, cmd) -> e.Effect().stop().thenNoReply())
        .build();
  }

  private ReplyEffect<JobEvent, JobState> onAddDependentOfAbsent(JobState state, AddDependent cmd) {
    int colon = jobId.lastIndexOf(':');
    if (colon > 0) {
      // Perhaps a child its array job has not created yet: the array job knows.
      job(jobId.substring(0, colon)).tell(
          new ChildDependency(jobId.substring(0, colon), Integer.parseInt(jobId.substring(colon + 1)), cmd.dependentId()));
    } else {
      job(cmd.dependentId()).tell(new ParentFinished(cmd.dependentId(), jobId, false, "job " + jobId + " does not exist."));
    }
    return Effect().noReply();
  }

  private ReplyEffect<JobEvent, JobState> onAttemptUnaccounted(JobState state, AttemptUnaccounted cmd) {
    Attempt current = state.currentAttempt();
    // A job woken by this very message (its controller died) has only just sent its launch
    // again: it gets the grace too before its attempt counts as lost.
    long cutoff = cmd.checkedAt() - settings.reconcileGrace().toMillis();
    return current != null && current.placedAt() < cutoff && followingSince < cutoff
        ? onHostLost(state, null, current.number())
        : Effect().noReply();
  }

  private ReplyEffect<JobEvent, JobState> onChildFinished(JobState state, ChildFinished cmd) {
    if (state.array() != null) {
      childStatuses.remove(cmd.index());
      unrecordedOutcomes.put(cmd.index(), cmd.succeeded());
      if (!timers.isTimerActive(FlushChildren.class)) {
        timers.startSingleTimer(FlushChildren.class, new FlushChildren(jobId), CHILD_OUTCOME_BATCH_WINDOW);
      }
    }
    return Effect().noReply();
  }

  private ReplyEffect<JobEvent, JobState> onIdle(JobState state, Idle cmd) {
    boolean busy = state != null && state.status().isActiveOnHost();
    boolean arrayWork = creatingChildren > 0 || !unrecordedOutcomes.isEmpty() || outcomeUnreported
        || (state != null && state.readyToExpand());
    if (busy || arrayWork || !unregisteredParents.isEmpty() || !unacknowledgedDependents.isEmpty()) {
      return Effect().noReply();
    }
    if (state != null && state.status() == JobStatus.RUNNABLE && (warm || warmJobs.tryHold())) {
      warm = true;
      return Effect().noReply();
    }
    entityContext.getShard().tell(new ClusterSharding.Passivate<>(context.getSelf()));
    return Effect().noReply();
  }

  /** Gives back this job's warm place, if it holds one. */
  private void coolDown() {
    if (warm) {
      warm = false;
      warmJobs.release();
    }
  }

  private ReplyEffect<JobEvent, JobState> onSubmit(JobState state, Submit cmd) {
    return persist(null, new Submitted(jobId, cmd.spec(), cmd.at()))
        .thenRun(s -> {
          if (s.status() == JobStatus.RUNNABLE) {
            enqueue(s);
          } else if (s.readyToExpand()) {
            expand(s);
          } else {
            registerWithParents(s);
          }
          reportToArray(s);
        })
        .thenReply(cmd.replyTo(), s -> StatusReply.ack());
  }

  /** A job that waits for this one: recorded once; a finished job answers with its outcome at once. */
  private ReplyEffect<JobEvent, JobState> onAddDependent(JobState state, AddDependent cmd) {
    if (state.status().isTerminal()) {
      job(cmd.dependentId()).tell(outcomeFor(state, cmd.dependentId()));
      return Effect().noReply();
    }
    DependentAdded added = state.addDependent(cmd.dependentId(), System.currentTimeMillis());
    if (added == null) {
      job(cmd.dependentId()).tell(new DependentRegistered(cmd.dependentId(), jobId));
      return Effect().noReply();
    }
    return persist(state, added)
        .thenRun(s -> job(cmd.dependentId()).tell(new DependentRegistered(cmd.dependentId(), jobId)))
        .thenNoReply();
  }

  private ReplyEffect<JobEvent, JobState> onParentFinished(JobState state, ParentFinished cmd) {
    registered(cmd.parentId());
    DependencyResolved resolved = state.dependencyResolved(cmd.parentId(), cmd.succeeded(), cmd.reason(),
        System.currentTimeMillis());
    ParentFinishedAck ack = new ParentFinishedAck(cmd.parentId(), jobId);
    if (resolved == null) {
      job(cmd.parentId()).tell(ack);
      return Effect().noReply();
    }
    return persist(state, resolved).thenRun(s -> {
      job(cmd.parentId()).tell(ack);
      reportToArray(s);
      if (s.status() == JobStatus.RUNNABLE) {
        enqueue(s);
      } else if (s.readyToExpand()) {
        expand(s);
      } else if (s.status().isTerminal()) {
        unregisteredParents.clear();
        timers.cancel(ResendRegistrations.class);
        context.getLog().info("Job {} failed: {}", jobId, s.statusReason());
        tellDependents(s);
      }
    }).thenNoReply();
  }

  private ReplyEffect<JobEvent, JobState> onResubmit(JobState state, Submit cmd) {
    return Effect().reply(cmd.replyTo(), state.spec().equals(cmd.spec())
        ? StatusReply.ack()
        : StatusReply.error("A different job with id " + jobId + " already exists."));
  }

  private ReplyEffect<JobEvent, JobState> onPlace(JobState state, Place cmd) {
    if (state.status() == JobStatus.RUNNABLE) {
      int attempt = state.nextAttemptNumber();
      return persist(state, new Placed(jobId, attempt, cmd.placement(), System.currentTimeMillis()))
          .thenRun(s -> {
            dequeue(s);
            launchConfirmed = false;
            follow(s);
            launch(s);
            reportToArray(s);
          })
          .thenReply(cmd.replyTo(), s -> new PlaceResult(jobId, true, attempt, cmd.placement().agentId(), null));
    }
    Attempt current = state.currentAttempt();
    if (current != null) {
      return Effect().reply(cmd.replyTo(),
          new PlaceResult(jobId, true, current.number(), current.placement().agentId(), null));
    }
    return Effect().reply(cmd.replyTo(), new PlaceResult(jobId, false, 0, null, "job is " + state.status()));
  }

  private ReplyEffect<JobEvent, JobState> onAttemptStarted(JobState state, AttemptStarted cmd) {
    if (!isCurrent(state, cmd.attempt()) || state.status() != JobStatus.STARTING) {
      return Effect().reply(cmd.replyTo(), ack(cmd.attempt()));
    }
    return persist(state, new Started(jobId, cmd.attempt(), cmd.at()))
        .thenRun(s -> {
          launchConfirmed = true;
          timers.cancel(ResendLaunch.class);
          armTimeout(s);
          reportToArray(s);
        })
        .thenReply(cmd.replyTo(), s -> ack(cmd.attempt()));
  }

  /**
   * The attempt ended. When its start never reached this job (an attempt that ends within the
   * agent's {@code start-report-delay} reports its start only with its end, and a start may have
   * gone to a controller that died before persisting it), the start the exit carries is persisted
   * with the end, in one write, so the job still records when it ran.
   */
  private ReplyEffect<JobEvent, JobState> onAttemptExited(JobState state, AttemptExited cmd) {
    boolean startMissed = cmd.startedAt() != null && isCurrent(state, cmd.attempt()) && state.status() == JobStatus.STARTING;
    Started started = startMissed ? new Started(jobId, cmd.attempt(), cmd.startedAt()) : null;
    JobState running = startMissed ? state.apply(started) : state;
    AttemptEnded ended = running.attemptEnded(cmd.attempt(), cmd.exitCode(), cmd.reason(), cmd.statusReason(), cmd.at(),
        cmd.hostReclaimed() && !settings.spotInterruptionSpendsAttempt());
    if (ended == null) {
      return Effect().reply(cmd.replyTo(), ack(cmd.attempt()));
    }
    if (startMissed) {
      return Effect().persist(List.of(started, ended))
          .thenRun(after -> {
            attemptPersisted(after);
            countTransition(state, running);
            countTransition(running, after);
          })
          .thenRun(this::afterAttempt)
          .thenReply(cmd.replyTo(), s -> ack(cmd.attempt()));
    }
    return persist(state, ended).thenRun(this::afterAttempt).thenReply(cmd.replyTo(), s -> ack(cmd.attempt()));
  }

  /**
   * The attempt's agent is gone ({@code agentRef}, or whichever incarnation when null; attempt
   * {@code attempt}, or the current one when negative). A plain process died with its agent: the
   * attempt ends at once. A container may outlive it: a restarted agent on the same host gets the
   * re-attach window to claim it before the attempt ends.
   */
  private ReplyEffect<JobEvent, JobState> onHostLost(JobState state, String agentRef, int attempt) {
    Attempt current = state.currentAttempt();
    if (current == null
        || (agentRef != null && !current.placement().agentRef().equals(agentRef))
        || (attempt >= 0 && current.number() != attempt)) {
      return Effect().noReply();
    }
    Duration window = settings.reattachWindow();
    if (!current.placement().reattachable() || window.isZero()) {
      return endAsLost(state, current);
    }
    if (!timers.isTimerActive(ReattachDeadline.class)) {
      context.getLog().warn("Job {} attempt {}: the agent on {} left; the attempt ends as lost unless a restarted agent "
          + "there re-attaches to its container within {} s", jobId, current.number(),
          current.placement().hostDescription(), window.toSeconds());
      timers.startSingleTimer(ReattachDeadline.class,
          new ReattachDeadline(jobId, current.number(), current.placement().agentRef()), window);
    }
    return Effect().noReply();
  }

  private ReplyEffect<JobEvent, JobState> onReattachDeadline(JobState state, ReattachDeadline cmd) {
    Attempt current = state.currentAttempt();
    if (current == null || current.number() != cmd.attempt() || !current.placement().agentRef().equals(cmd.agentRef())) {
      return Effect().noReply();
    }
    return endAsLost(state, current);
  }

  private ReplyEffect<JobEvent, JobState> endAsLost(JobState state, Attempt current) {
    String reason = "Host " + current.placement().hostDescription() + " terminated.";
    context.getLog().warn("Job {} attempt {} lost its host: {}", jobId, current.number(), reason);
    AttemptEnded ended = state.attemptEnded(current.number(), null, null, reason, System.currentTimeMillis());
    return persist(state, ended).thenRun(this::afterAttempt).thenNoReply();
  }

  /**
   * A restarted agent found the attempt's container on its host. Adopted when it is the current
   * attempt on that host: from then on the new incarnation is watched and told. Otherwise the
   * answer tells the agent to stop the container, so it never overlaps a retry elsewhere.
   */
  private ReplyEffect<JobEvent, JobState> onReattach(JobState state, ReattachAttempt cmd) {
    String agentRef = resolver.toSerializationFormat(cmd.agent());
    Attempt current = state.currentAttempt();
    if (current != null && current.number() == cmd.attempt() && current.placement().agentRef().equals(agentRef)) {
      return Effect().reply(cmd.replyTo(), new ReattachAnswer(jobId, cmd.attempt(), true));
    }
    AttemptReattached reattached = state.reattached(cmd.attempt(), cmd.agentId(), agentRef, System.currentTimeMillis());
    if (reattached == null) {
      return Effect().reply(cmd.replyTo(), new ReattachAnswer(jobId, cmd.attempt(), false));
    }
    ActorRef<AgentCommand> previous = agentOf(current.placement());
    return persist(state, reattached)
        .thenRun(s -> {
          timers.cancel(ReattachDeadline.class);
          context.unwatch(previous);
          follow(s);
          context.getLog().info("Job {} attempt {}: the restarted agent {} re-attached to its container",
              jobId, cmd.attempt(), cmd.agentId());
          if (s.terminationReason() != null) {
            stop(s);
          }
        })
        .thenReply(cmd.replyTo(), s -> new ReattachAnswer(jobId, cmd.attempt(), true));
  }

  private ReplyEffect<JobEvent, JobState> onCancel(JobState state, Cancel cmd) {
    Cancelled cancelled = state.cancel(cmd.reason(), System.currentTimeMillis());
    if (cancelled == null) {
      return Effect().reply(cmd.replyTo(), StatusReply.ack());
    }
    return persist(state, cancelled).thenRun(s -> {
      dequeue(s);
      tellDependents(s);
      reportToArray(s);
      forEachChild(s, child -> new Cancel(child, cmd.reason(), context.getSystem().ignoreRef()));
    }).thenReply(cmd.replyTo(), s -> StatusReply.ack());
  }

  private ReplyEffect<JobEvent, JobState> onTerminate(JobState state, Terminate cmd) {
    JobEvent event = state.terminate(cmd.reason(), System.currentTimeMillis());
    if (event == null) {
      return Effect().reply(cmd.replyTo(), StatusReply.ack());
    }
    return persist(state, event)
        .thenRun(s -> {
          if (event instanceof TerminationRequested) {
            stop(s);
          } else {
            dequeue(s);
            tellDependents(s);
            reportToArray(s);
            forEachChild(s, child -> new Terminate(child, cmd.reason(), context.getSystem().ignoreRef()));
          }
        })
        .thenReply(cmd.replyTo(), s -> StatusReply.ack());
  }

  /**
   * The attempt ran past its timeout: it is terminated, durably, so that it is not retried (as AWS
   * documents) and fails even if the container exits 0 on SIGTERM.
   */
  private ReplyEffect<JobEvent, JobState> onAttemptTimedOut(JobState state, AttemptTimedOut cmd) {
    JobEvent terminate = isCurrent(state, cmd.attempt()) ? state.terminate(TIMEOUT_REASON, System.currentTimeMillis()) : null;
    if (terminate == null) {
      return Effect().noReply();
    }
    context.getLog().info("Job {} attempt {} exceeded its timeout of {} s; stopping it",
        jobId, cmd.attempt(), state.spec().timeout().attemptDurationSeconds());
    return persist(state, terminate).thenRun(this::stop).thenNoReply();
  }

  private ReplyEffect<JobEvent, JobState> onLaunchConfirmed(JobState state, LaunchConfirmed cmd) {
    if (isCurrent(state, cmd.attempt())) {
      launchConfirmed = true;
      timers.cancel(ResendLaunch.class);
    }
    return Effect().noReply();
  }

  /** Cleans up after an attempt ended; a retry goes back to the queue. */
  private void afterAttempt(JobState state) {
    timers.cancel(ResendLaunch.class);
    timers.cancel(ResendStop.class);
    timers.cancel(AttemptTimedOut.class);
    timers.cancel(ReattachDeadline.class);
    Attempt last = state.lastAttempt();
    context.unwatch(agentOf(last.placement()));
    context.getLog().info("Job {} attempt {} ended (exit code {}, {}): job is {}",
        jobId, last.number(), last.exitCode(), last.statusReason(), state.status());
    if (state.status() == JobStatus.RUNNABLE) {
      enqueue(state);
    } else if (state.status().isTerminal()) {
      tellDependents(state);
    }
    reportToArray(state);
  }

  // ---- array jobs

  /** Creates the children of this array job, a window at a time, each a job of its own. */
  private void expand(JobState state) {
    if (creatingChildren > 0 || nextChild > 0) {
      return;
    }
    context.getLog().info("Array job {} creates its {} child jobs", jobId, state.spec().array().size());
    createMoreChildren(state);
  }

  private void createMoreChildren(JobState state) {
    int size = state.spec().array().size();
    while (creatingChildren < CHILD_CREATION_WINDOW && nextChild < size) {
      createChild(state, nextChild++);
    }
  }

  private void createChild(JobState state, int index) {
    creatingChildren++;
    JobSpec child = state.spec().child(index);
    context.askWithStatus(Done.class, job(child.jobId()), settings.askTimeout(),
        replyTo -> new Submit(child.jobId(), child, state.createdAt(), replyTo),
        (done, error) -> new ChildCreated(jobId, index, error == null));
  }

  private ReplyEffect<JobEvent, JobState> onChildCreated(JobState state, ChildCreated cmd) {
    creatingChildren--;
    if (state.status().isTerminal()) {
      return Effect().noReply();
    }
    if (!cmd.created()) {
      createChild(state, cmd.index());
      return Effect().noReply();
    }
    createdChildren++;
    createMoreChildren(state);
    if (createdChildren < state.spec().array().size() || state.array().expanded()) {
      return Effect().noReply();
    }
    return persist(state, new ArrayExpanded(jobId, System.currentTimeMillis()))
        .thenRun(s -> context.getLog().info("Array job {} created all {} child jobs", jobId, s.spec().array().size()))
        .thenNoReply();
  }

  /** Records the children's outcomes received since the last batch, in one event, then acknowledges them. */
  private ReplyEffect<JobEvent, JobState> onFlushChildren(JobState state, FlushChildren cmd) {
    Map<Integer, Boolean> batch = new HashMap<>(unrecordedOutcomes);
    unrecordedOutcomes.clear();
    ChildrenFinished finished = state.childrenFinished(batch, System.currentTimeMillis());
    if (finished == null) {
      acknowledgeChildren(batch);
      return Effect().noReply();
    }
    boolean wasTerminal = state.status().isTerminal();
    return persist(state, finished).thenRun(s -> {
      acknowledgeChildren(batch);
      if (!wasTerminal && s.status().isTerminal()) {
        context.getLog().info("Array job {} is {}: {} of {} children succeeded", jobId, s.status(),
            s.array().succeeded(), s.array().size());
        tellDependents(s);
      }
    }).thenNoReply();
  }

  private void acknowledgeChildren(Map<Integer, Boolean> batch) {
    batch.keySet().forEach(index -> job(ArraySpec.childId(jobId, index)).tell(new ChildFinishedAck(ArraySpec.childId(jobId, index))));
  }

  /** Why child {@code index} will never exist, or null when it exists or will. */
  private String childRefusal(JobState state, int index) {
    if (state.array() == null || index < 0 || index >= state.array().size()) {
      return "job " + jobId + " has no child job " + index + ".";
    }
    if (state.status().isTerminal() && !state.array().expanded()) {
      return "array job " + jobId + " " + state.status() + " before creating its child jobs.";
    }
    return null;
  }

  /** Sends a command to every child this array job has created (or may have). */
  private void forEachChild(JobState state, Function<String, JobCommand> command) {
    if (state.array() == null) {
      return;
    }
    int created = state.array().expanded() ? state.array().size() : nextChild;
    for (int index = 0; index < created; index++) {
      if (!state.array().finished(index)) {
        String child = ArraySpec.childId(jobId, index);
        job(child).tell(command.apply(child));
      }
    }
  }

  /** A child tells its array job its status; a finished child repeats until acknowledged. */
  private void reportToArray(JobState state) {
    ArraySpec array = state.spec().array();
    if (array == null || array.isParent()) {
      return;
    }
    EntityRef<JobCommand> parent = job(array.parentJobId());
    if (state.status().isTerminal()) {
      outcomeUnreported = true;
      parent.tell(new ChildFinished(array.parentJobId(), array.index(), state.status() == JobStatus.SUCCEEDED));
      timers.startSingleTimer(ResendChildFinished.class, new ResendChildFinished(jobId), settings.dependencyRetryInterval());
    } else {
      parent.tell(new ChildStatus(array.parentJobId(), array.index(), state.status()));
    }
  }

  private Map<JobStatus, Integer> childCounts() {
    Map<JobStatus, Integer> counts = new EnumMap<>(JobStatus.class);
    childStatuses.values().forEach(status -> counts.merge(status, 1, Integer::sum));
    return counts;
  }

  /** Asks every job this one waits for to tell it when they finish, again until each confirms. */
  private void registerWithParents(JobState state) {
    if (state.waitingOn().isEmpty()) {
      return;
    }
    unregisteredParents.addAll(state.waitingOn());
    state.waitingOn().forEach(parent -> job(parent).tell(new AddDependent(parent, jobId)));
    timers.startTimerWithFixedDelay(ResendRegistrations.class, new ResendRegistrations(jobId), settings.dependencyRetryInterval());
  }

  private void registered(String parentId) {
    unregisteredParents.remove(parentId);
    if (unregisteredParents.isEmpty()) {
      timers.cancel(ResendRegistrations.class);
    }
  }

  /** This job finished: every job waiting for it is told, again until each acknowledges. */
  private void tellDependents(JobState state) {
    if (state.dependents().isEmpty()) {
      return;
    }
    unacknowledgedDependents.addAll(state.dependents());
    state.dependents().forEach(child -> job(child).tell(outcomeFor(state, child)));
    timers.startTimerWithFixedDelay(ResendOutcome.class, new ResendOutcome(jobId), settings.dependencyRetryInterval());
  }

  private ParentFinished outcomeFor(JobState state, String child) {
    boolean succeeded = state.status() == JobStatus.SUCCEEDED;
    return new ParentFinished(child, jobId, succeeded, succeeded ? null : "job " + jobId + " " + state.status() + ".");
  }

  private EntityRef<JobCommand> job(String id) {
    return sharding.entityRefFor(JobProtocol.JOB, id);
  }

  private void enqueue(JobState state) {
    queue(state.spec().jobQueue()).tell(new JobQueueActor.Enqueue(state.ticket()));
  }

  private void dequeue(JobState state) {
    queue(state.spec().jobQueue()).tell(new JobQueueActor.Dequeue(jobId));
  }

  private EntityRef<JobQueueActor.Command> queue(String name) {
    return sharding.entityRefFor(JobQueueActor.TYPE, name);
  }

  /** Watches the attempt's agent: if its node leaves the cluster, the attempt has lost its host. */
  private void follow(JobState state) {
    followingSince = System.currentTimeMillis();
    Attempt current = state.currentAttempt();
    context.watchWith(agentOf(current.placement()),
        new AgentTerminated(jobId, current.number(), current.placement().agentRef()));
  }

  /** Sends the launch to the agent, and again every few seconds until the agent confirms. */
  private void launch(JobState state) {
    Attempt current = state.currentAttempt();
    JobSpec spec = state.spec();
    Map<String, String> environment = new LinkedHashMap<>();
    if (spec.container().environment() != null) {
      // A variable submitted without a value is set, empty, as in a shell's "export NAME=".
      spec.container().environment().forEach(pair -> environment.put(pair.name(), pair.value() == null ? "" : pair.value()));
    }
    environment.put("AWS_BATCH_JOB_ID", jobId);
    // Attempts stopped because their Spot host was reclaimed do not count, here as in the retry strategy.
    environment.put("AWS_BATCH_JOB_ATTEMPT", Integer.toString(state.spentAttempts()));
    environment.put("AWS_BATCH_JQ_NAME", spec.jobQueue());
    environment.put("AWS_BATCH_CE_NAME", current.placement().computeEnvironment());
    if (spec.array() != null) {
      environment.put("AWS_BATCH_JOB_ARRAY_INDEX", Integer.toString(spec.array().index()));
    }
    AttemptLaunch launch = new AttemptLaunch(
        jobId,
        current.number(),
        spec.jobName(),
        spec.jobQueue(),
        spec.shareIdentifier(),
        current.placement().computeEnvironment(),
        spec.container().image(),
        spec.container().command() == null ? List.of() : spec.container().command(),
        environment,
        spec.resources(),
        spec.container().user(),
        Boolean.TRUE.equals(spec.container().readonlyRootFilesystem()),
        Boolean.TRUE.equals(spec.container().privileged()),
        ContainerRules.mounts(spec.container()));
    ActorRef<LaunchAccepted> confirm = context.messageAdapter(LaunchAccepted.class,
        accepted -> new LaunchConfirmed(accepted.jobId(), accepted.attempt()));
    agentOf(current.placement()).tell(new AgentProtocol.LaunchAttempt(launch, confirm));
    timers.startSingleTimer(ResendLaunch.class, new ResendLaunch(jobId, current.number()), settings.launchRetryInterval());
  }

  /** Asks the agent to stop the attempt (it is being terminated), and again until the attempt ends. */
  private void stop(JobState state) {
    Attempt current = state.currentAttempt();
    agentOf(current.placement()).tell(
        new AgentProtocol.StopAttempt(jobId, current.number(), state.terminationReason(), settings.stopGraceSeconds()));
    timers.startSingleTimer(ResendStop.class, new ResendStop(jobId, current.number()), settings.stopRetryInterval());
  }

  /** Arms the attempt timeout, counted from the attempt's start, as AWS does. */
  private void armTimeout(JobState state) {
    Attempt current = state.currentAttempt();
    if (state.spec().timeout() == null || state.spec().timeout().attemptDurationSeconds() == null
        || current.startedAt() == null) {
      return;
    }
    long deadline = current.startedAt() + state.spec().timeout().attemptDurationSeconds() * 1000L;
    Duration remaining = Duration.ofMillis(Math.max(0, deadline - System.currentTimeMillis()));
    timers.startSingleTimer(AttemptTimedOut.class, new AttemptTimedOut(jobId, current.number()), remaining);
  }

  private ActorRef<AgentCommand> agentOf(Placement placement) {
    return resolver.resolveActorRef(placement.agentRef());
  }

  private static boolean isCurrent(JobState state, int attempt) {
    Attempt current = state.currentAttempt();
    return current != null && current.number() == attempt;
  }

  private AttemptReportAck ack(int attempt) {
    return new AttemptReportAck(jobId, attempt);
  }

  private StatusReply<Done> noSuchJob() {
    return StatusReply.error("Job " + jobId + " does not exist.");
  }

  /** Persists {@code event}; once it is stored, counts the status change it made, if any. */
  private EffectBuilder<JobEvent, JobState> persist(JobState before, JobEvent event) {
    return Effect().persist(event).thenRun(after -> {
      attemptPersisted(after);
      countTransition(before, after);
      if (after.status() != JobStatus.RUNNABLE) {
        coolDown();
      }
    });
  }

  /** A new attempt shows in the MDC at once, for the rest of this message's log lines too. */
  private void attemptPersisted(JobState after) {
    if (latestAttempt(after) != attempt) {
      attempt = latestAttempt(after);
      MDC.put("attempt", Integer.toString(attempt));
    }
  }

  private static int latestAttempt(JobState state) {
    return state.attempts().isEmpty() ? 0 : state.lastAttempt().number();
  }

  private Map<String, String> attemptMdc() {
    return attempt == 0 ? Map.of() : Map.of("attempt", Integer.toString(attempt));
  }

  private void countTransition(JobState before, JobState after) {
    JobStatus from = before == null ? null : before.status();
    JobStatus to = after.status();
    if (to == from) {
      return;
    }
    String queue = after.spec().jobQueue();
    metrics.transition(queue, to.name());
    if (to == JobStatus.RUNNABLE && (from == JobStatus.STARTING || from == JobStatus.RUNNING)) {
      metrics.retried(queue);
    } else if (to == JobStatus.RUNNING && after.attempts().stream().filter(a -> a.startedAt() != null).count() == 1) {
      metrics.firstStart(queue, after.startedAt() - after.createdAt());
    }
  }

  @Override
  public EventHandler<JobState, JobEvent> eventHandler() {
    return EVENTS;
  }

  /** The same for every job: its submission creates its state, and each later event changes it. */
  private static final EventHandler<JobState, JobEvent> EVENTS = (state, event) -> {
    if (state != null) {
      return state.apply(event);
    }
    if (event instanceof Submitted submitted) {
      return JobState.submitted(submitted);
    }
    throw new IllegalStateException("A job's first event must be Submitted, not " + event.getClass().getSimpleName());
  };
}
