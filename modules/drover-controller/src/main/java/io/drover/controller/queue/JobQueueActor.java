package io.drover.controller.queue;

import io.drover.controller.Coalescer;
import io.drover.controller.ControllerSettings;
import io.drover.controller.controlplane.ControlPlaneClient;
import io.drover.controller.job.JobEntity;
import io.drover.controller.readside.JobReadStore;
import io.drover.controller.scheduler.SchedulerActor;
import io.drover.core.CborSerializable;
import io.drover.core.controlplane.ControlPlaneState;
import io.drover.core.queue.JobQueue;
import io.drover.core.queue.JobStateTimeLimitAction;
import io.drover.core.scheduling.JobTicket;
import io.drover.core.scheduling.StateTimeLimits;
import io.drover.protocol.JobProtocol;
import io.drover.protocol.Roles;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * One job queue's RUNNABLE jobs, in the order the queue starts them ({@link RunnableJobs}: first
 * in, first out, or by share for a fair-share queue), sharded by queue name. It holds no durable
 * state of its own: jobs tell it when they become RUNNABLE and when they stop being so, and after
 * a restart it reloads the RUNNABLE set from the read side. It offers the heads of its lines to
 * the {@link SchedulerActor}, which decides placements across queues, keeps the reason each job
 * waits, and carries out the queue's {@code jobStateTimeLimitActions} on jobs that waited too long.
 */
public final class JobQueueActor {

  public interface Command extends CborSerializable {}

  public static final EntityTypeKey<Command> TYPE = EntityTypeKey.create(Command.class, "JobQueue");

  /** A job of this queue is RUNNABLE. Idempotent. */
  public record Enqueue(JobTicket ticket) implements Command {}

  /** A job left RUNNABLE (placed, cancelled). Idempotent. */
  public record Dequeue(String jobId) implements Command {}

  /** Starts the queue if it is not running, so that it offers its jobs. */
  public record Wake() implements Command {}

  /** From the scheduler: why these jobs still wait (only reasons that changed). */
  public record WaitReasons(Map<String, String> reasons) implements Command {}

  /** Why each of these RUNNABLE jobs waits; jobs the queue does not hold are left out. */
  public record Explain(List<String> jobIds, ActorRef<Explanation> replyTo) implements Command {}

  public record Explanation(Map<String, String> reasons) implements CborSerializable {}

  private record Loaded(List<JobTicket> tickets) implements Command {}

  private record LoadFailed(String message) implements Command {}

  private record Offer() implements Command {}

  private record Refresh() implements Command {}

  public static void init(
      ActorSystem<?> system,
      ControllerSettings settings,
      JobReadStore store,
      ControlPlaneClient controlPlane,
      ActorRef<SchedulerActor.Command> scheduler) {
    // Queues are few and hold their RUNNABLE set in memory: they stay up instead of passivating.
    ClusterSharding.get(system).init(Entity.of(TYPE, ctx ->
            create(ctx.getEntityId(), settings, store::runnableTickets, controlPlane::state, scheduler))
        .withRole(Roles.CONTROLLER)
        .withSettings(ClusterShardingSettings.create(system).withNoPassivationStrategy()));
  }

  /**
   * @param loadRunnable reads a queue's RUNNABLE jobs from the read side
   * @param controlPlane this node's current view of the control plane
   */
  static Behavior<Command> create(
      String queue,
      ControllerSettings settings,
      Function<String, CompletionStage<List<JobTicket>>> loadRunnable,
      Supplier<ControlPlaneState> controlPlane,
      ActorRef<SchedulerActor.Command> scheduler) {
    return Behaviors.withStash(100_000, stash -> Behaviors.setup(ctx -> Behaviors.withTimers(timers ->
        new JobQueueActor(queue, settings, loadRunnable, controlPlane, scheduler, ctx, timers, stash).loading())));
  }

  private final String queue;
  private final ControllerSettings settings;
  private final Function<String, CompletionStage<List<JobTicket>>> loadRunnable;
  private final Supplier<ControlPlaneState> controlPlane;
  private final ActorRef<SchedulerActor.Command> scheduler;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final Coalescer<Command> offers;
  private final StashBuffer<Command> stash;
  private RunnableJobs runnable;
  private final Map<String, String> reasons = new HashMap<>();
  /** Jobs told to cancel by a time limit action, so each is told once. */
  private final Set<String> cancelling = new HashSet<>();

  private JobQueueActor(
      String queue,
      ControllerSettings settings,
      Function<String, CompletionStage<List<JobTicket>>> loadRunnable,
      Supplier<ControlPlaneState> controlPlane,
      ActorRef<SchedulerActor.Command> scheduler,
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      StashBuffer<Command> stash) {
    this.queue = queue;
    this.settings = settings;
    this.loadRunnable = loadRunnable;
    this.controlPlane = controlPlane;
    this.scheduler = scheduler;
    this.context = context;
    this.timers = timers;
    this.offers = new Coalescer<>(timers, context.getSelf(), new Offer(), settings.queueOfferInterval());
    this.stash = stash;
    this.runnable = new RunnableJobs(isFairShare());
  }

  private boolean isFairShare() {
    return controlPlane.get().jobQueue(queue).map(JobQueue::isFairShare).orElse(false);
  }

  /** Reloads the RUNNABLE set from the read side, holding messages back until it has it. */
  private Behavior<Command> loading() {
    context.pipeToSelf(loadRunnable.apply(queue), (tickets, error) ->
        error == null ? new Loaded(tickets) : new LoadFailed(error.getMessage()));
    return Behaviors.receive(Command.class)
        .onMessage(Loaded.class, msg -> {
          msg.tickets().forEach(runnable::add);
          context.getLog().info("Job queue {} started with {} RUNNABLE job(s)", queue, runnable.size());
          timers.startTimerWithFixedDelay(new Refresh(), Duration.ofSeconds(5));
          offerSoon();
          return stash.unstashAll(active());
        })
        .onMessage(LoadFailed.class, msg -> {
          context.getLog().warn("Job queue {} could not load its RUNNABLE jobs from Cassandra ({}); retrying in 2 s",
              queue, msg.message());
          timers.startSingleTimer(new Refresh(), Duration.ofSeconds(2));
          return Behaviors.same();
        })
        .onMessage(Refresh.class, msg -> loading())
        .onAnyMessage(msg -> {
          stash.stash(msg);
          return Behaviors.same();
        })
        .build();
  }

  private Behavior<Command> active() {
    return Behaviors.receive(Command.class)
        .onMessage(Enqueue.class, msg -> {
          if (runnable.add(msg.ticket())) {
            offerSoon();
          }
          return Behaviors.same();
        })
        .onMessage(Dequeue.class, msg -> {
          reasons.remove(msg.jobId());
          cancelling.remove(msg.jobId());
          if (runnable.remove(msg.jobId()) != null) {
            offerSoon();
          }
          return Behaviors.same();
        })
        .onMessage(WaitReasons.class, msg -> {
          msg.reasons().forEach((jobId, reason) -> {
            if (runnable.get(jobId) != null) {
              reasons.put(jobId, reason);
            }
          });
          return Behaviors.same();
        })
        .onMessage(Explain.class, msg -> {
          msg.replyTo().tell(new Explanation(explain(msg.jobIds())));
          return Behaviors.same();
        })
        .onMessage(Wake.class, msg -> {
          offerSoon();
          return Behaviors.same();
        })
        .onMessage(Offer.class, msg -> {
          offers.running();
          offer();
          return Behaviors.same();
        })
        .onMessage(Refresh.class, msg -> {
          Optional<JobQueue> current = controlPlane.get().jobQueue(queue);
          if (current.isEmpty()) {
            return deleted();
          }
          boolean fairShare = current.get().isFairShare();
          if (fairShare != runnable.fairShare()) {
            runnable = runnable.reordered(fairShare);
          }
          applyTimeLimits(current.get());
          offer();
          return Behaviors.same();
        })
        .build();
  }

  /** The queue was deleted: its waiting jobs fail, as AWS terminates the jobs of a deleted queue. */
  private Behavior<Command> deleted() {
    String reason = "Job queue " + queue + " was deleted.";
    ClusterSharding sharding = ClusterSharding.get(context.getSystem());
    runnable.all().forEach(ticket -> sharding.entityRefFor(JobProtocol.JOB, ticket.jobId())
        .tell(new JobEntity.Terminate(ticket.jobId(), reason, context.getSystem().ignoreRef())));
    context.getLog().info("Job queue {} was deleted; terminated its {} RUNNABLE job(s)", queue, runnable.size());
    return Behaviors.stopped();
  }

  /**
   * Cancels each job that has waited in RUNNABLE for longer than an action of the queue's
   * {@code jobStateTimeLimitActions} allows, with a wait reason the action names; the action's
   * reason becomes the job's status reason.
   */
  private void applyTimeLimits(JobQueue current) {
    List<JobStateTimeLimitAction> actions = current.jobStateTimeLimitActions();
    if (actions == null || actions.isEmpty()) {
      return;
    }
    long now = System.currentTimeMillis();
    ClusterSharding sharding = ClusterSharding.get(context.getSystem());
    reasons.forEach((jobId, reason) -> {
      JobTicket ticket = runnable.get(jobId);
      JobStateTimeLimitAction due = ticket == null ? null : StateTimeLimits.due(actions, reason, ticket.waitingSince(), now);
      if (due != null && cancelling.add(jobId)) {
        context.getLog().info("Job {} in job queue {} has been RUNNABLE for {} s with reason '{}'; cancelling it ({} after {} s)",
            jobId, queue, (now - ticket.waitingSince()) / 1000, reason, due.action(), due.maxTimeSeconds());
        sharding.entityRefFor(JobProtocol.JOB, jobId)
            .tell(new JobEntity.Cancel(jobId, due.reason(), context.getSystem().ignoreRef()));
      }
    });
  }

  /**
   * The scheduler's reason for jobs it has seen; for jobs further back than the head it sees,
   * how many jobs start before them.
   */
  private Map<String, String> explain(List<String> jobIds) {
    Map<String, String> explained = new HashMap<>();
    for (String jobId : jobIds) {
      JobTicket ticket = runnable.get(jobId);
      if (ticket == null) {
        continue;
      }
      String reason = reasons.get(jobId);
      if (reason == null) {
        int ahead = runnable.ahead(ticket);
        if (ahead >= runnable.perLine(settings.queueHeadSize())) {
          reason = "Waiting in job queue " + queue + ": " + ahead + " RUNNABLE jobs ahead of it"
              + (runnable.fairShare() ? " in share " + ticket.shareIdentifier() : "") + " start first.";
        }
      }
      if (reason != null) {
        explained.put(jobId, reason);
      }
    }
    return explained;
  }

  /** Coalesces changes: one offer per interval however many jobs arrive in it. */
  private void offerSoon() {
    offers.request();
  }

  private void offer() {
    scheduler.tell(new SchedulerActor.QueueOffer(queue, runnable.head(settings.queueHeadSize()), runnable.size()));
  }
}
