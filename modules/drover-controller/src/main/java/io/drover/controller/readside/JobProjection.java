package io.drover.controller.readside;

import io.drover.controller.ControllerSettings;
import io.drover.controller.queue.JobQueueActor;
import io.drover.core.cost.AttemptCost;
import io.drover.core.job.ArraySpec;
import io.drover.core.job.JobEvent;
import io.drover.core.job.JobState;
import io.drover.core.job.JobStateChange;
import io.drover.core.job.JobViews;
import io.drover.core.model.JobStatus;
import io.drover.core.scheduling.JobTicket;
import io.drover.metrics.ControllerMetrics;
import io.drover.metrics.NodeMetrics;
import io.drover.protocol.Roles;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.cassandra.javadsl.CassandraProjection;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.eventsourced.javadsl.EventSourcedProvider;
import org.apache.pekko.projection.javadsl.GroupedProjection;
import org.apache.pekko.projection.javadsl.Handler;
import org.apache.pekko.projection.javadsl.SourceProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Projects job events into the read-side tables ({@link JobReadStore}), in groups: every job
 * touched by a group of events is written once. Runs as one projection per job tag, spread over
 * the controllers.
 *
 * <p>It also backs the fast path from job to queue: when a row becomes RUNNABLE, the queue is
 * told again, so a job whose own message to its queue was lost (a queue moving between
 * controllers at that moment) is still scheduled. And it publishes every status change, in AWS's
 * "Batch Job State Change" shape, to the cluster-wide topic the event stream and webhooks follow.
 * Each ended attempt's use and cost goes to {@link AttemptCostStore}, and each status change to
 * the counts of jobs by queue and status ({@link JobCounts}), which every controller reads back
 * for its {@code drover_jobs} gauge.
 */
public final class JobProjection extends Handler<List<EventEnvelope<JobEvent>>> {

  private static final Logger log = LoggerFactory.getLogger(JobProjection.class);
  private static final int CACHE_SIZE = 20_000;

  public static void init(ActorSystem<?> system, ControllerSettings settings, JobReadStore store,
      ActorRef<Topic.Command<JobStateChange>> stateChanges) {
    ShardedDaemonProcess.get(system).init(
        ProjectionBehavior.Command.class,
        "job-projection",
        settings.jobTags(),
        i -> ProjectionBehavior.create(projection(system, settings, store, stateChanges, "job-" + i)),
        ShardedDaemonProcessSettings.create(system).withRole(Roles.CONTROLLER),
        Optional.of(ProjectionBehavior.stopMessage()));
    publishCounts(system, store.counts(),
        system.settings().config().getDuration("drover.controller.read-side.job-counts-refresh"));
  }

  /**
   * Reads the cluster-wide job counts every {@code interval} into this controller's
   * {@code drover_jobs} gauge, so each controller answers the same numbers whichever is scraped.
   */
  private static void publishCounts(ActorSystem<?> system, JobCountStore counts, Duration interval) {
    ControllerMetrics metrics = NodeMetrics.get(system).controller();
    system.scheduler().scheduleWithFixedDelay(Duration.ZERO, interval, () ->
        counts.totals(System.currentTimeMillis()).whenComplete((totals, failure) -> {
          if (failure == null) {
            metrics.jobCounts(names(totals));
          } else {
            log.warn("Could not read the job counts from Cassandra ({}); drover_jobs keeps its last values until the next "
                + "try in {}. Check that Cassandra is reachable.", failure.toString(), interval);
          }
        }), system.executionContext());
  }

  private static Map<String, Map<String, Long>> names(Map<String, Map<JobStatus, Long>> totals) {
    Map<String, Map<String, Long>> named = new LinkedHashMap<>();
    totals.forEach((queue, statuses) -> {
      Map<String, Long> byName = new LinkedHashMap<>();
      for (JobStatus status : JobStatus.values()) {
        byName.put(status.name(), statuses.getOrDefault(status, 0L));
      }
      named.put(queue, byName);
    });
    return named;
  }

  private static GroupedProjection<Offset, EventEnvelope<JobEvent>> projection(ActorSystem<?> system,
      ControllerSettings settings, JobReadStore store, ActorRef<Topic.Command<JobStateChange>> stateChanges, String tag) {
    SourceProvider<Offset, EventEnvelope<JobEvent>> source =
        EventSourcedProvider.eventsByTag(system, CassandraReadJournal.Identifier(), tag);
    return CassandraProjection.groupedWithin(
            ProjectionId.of("jobs-by-queue-status", tag), source,
            () -> new JobProjection(system, settings, store, stateChanges, tag))
        .withGroup(500, Duration.ofMillis(100));
  }

  private final ControllerSettings settings;
  private final JobReadStore store;
  private final JobStateCache states;
  private final ClusterSharding sharding;
  private final ActorRef<Topic.Command<JobStateChange>> stateChanges;
  private final String tag;
  private JobCounts counts;

  private JobProjection(ActorSystem<?> system, ControllerSettings settings, JobReadStore store,
      ActorRef<Topic.Command<JobStateChange>> stateChanges, String tag) {
    this.settings = settings;
    this.store = store;
    this.states = new JobStateCache(system, CACHE_SIZE);
    this.sharding = ClusterSharding.get(system);
    this.stateChanges = stateChanges;
    this.tag = tag;
  }

  /** Loads the tag's job counts as last saved, before the first group: a restarted projection goes on from them. */
  @Override
  public CompletionStage<Done> start() {
    return store.counts().load(tag).thenApply(loaded -> {
      counts = loaded;
      return Done.getInstance();
    });
  }

  /** Where a job's row was before this group, and its state after it. */
  private record Change(JobState before, JobState after) {}

  @Override
  public CompletionStage<Done> process(List<EventEnvelope<JobEvent>> envelopes) {
    Map<String, Change> changes = new LinkedHashMap<>();
    List<JobStateChange> published = new ArrayList<>();
    List<AttemptCost> costs = new ArrayList<>();
    CompletionStage<Void> applied = CompletableFuture.completedFuture(null);
    for (EventEnvelope<JobEvent> envelope : envelopes) {
      applied = applied.thenCompose(ignored -> states.apply(envelope).thenAccept(t -> {
        counts.apply(envelope.persistenceId(), envelope.sequenceNr(), t.before(), t.after());
        changes.merge(t.after().spec().jobId(), new Change(t.before(), t.after()),
            (first, next) -> new Change(first.before(), next.after()));
        JobStateChange change = JobStateChange.of(t.before(), t.after(),
            envelope.persistenceId() + "#" + envelope.sequenceNr(), envelope.event().at(), settings.identity());
        if (change != null) {
          published.add(change);
        }
        if (envelope.event() instanceof JobEvent.AttemptEnded) {
          AttemptCost cost = AttemptCost.of(t.after().spec(), t.after().lastAttempt());
          if (cost != null) {
            costs.add(cost);
          }
        }
      }));
    }
    return applied
        .thenCompose(ignored -> write(changes, costs))
        .thenApply(ignored -> {
          published.forEach(change -> stateChanges.tell(Topic.publish(change)));
          return Done.getInstance();
        });
  }

  private CompletionStage<Void> write(Map<String, Change> changes, List<AttemptCost> costs) {
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    writes.add(store.costs().put(costs).toCompletableFuture());
    writes.add(store.counts().save(tag, counts.endGroup(store.counts().oldestDay(System.currentTimeMillis())),
        counts.applied()).toCompletableFuture());
    List<JobTicket> runnable = new ArrayList<>();
    for (Change change : changes.values()) {
      JobReadStore.JobRow after = row(change.after());
      if (after.ticket() != null) {
        runnable.add(after.ticket());
      }
      writes.add(store.put(change.before() == null ? null : row(change.before()), after).toCompletableFuture());
    }
    return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).thenRun(() ->
        runnable.forEach(t -> sharding.entityRefFor(JobQueueActor.TYPE, t.queue()).tell(new JobQueueActor.Enqueue(t))));
  }

  private JobReadStore.JobRow row(JobState state) {
    JobTicket ticket = state.status() == JobStatus.RUNNABLE ? state.ticket() : null;
    ArraySpec array = state.spec().array();
    boolean child = array != null && !array.isParent();
    return new JobReadStore.JobRow(state.spec().jobQueue(), state.status(), state.createdAt(), state.spec().jobId(),
        state.spec().jobName(), JobViews.summary(state, settings.identity()), ticket,
        child ? array.parentJobId() : null, child ? array.index() : null);
  }
}
