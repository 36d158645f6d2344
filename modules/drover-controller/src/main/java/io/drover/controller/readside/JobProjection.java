package io.drover.controller.readside;

import io.drover.controller.ControllerSettings;
import io.drover.controller.queue.JobQueueActor;
import io.drover.core.job.ArraySpec;
import io.drover.core.job.JobEvent;
import io.drover.core.job.JobState;
import io.drover.core.job.JobViews;
import io.drover.core.model.JobStatus;
import io.drover.core.scheduling.JobTicket;
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
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.cassandra.javadsl.CassandraProjection;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.eventsourced.javadsl.EventSourcedProvider;
import org.apache.pekko.projection.javadsl.GroupedProjection;
import org.apache.pekko.projection.javadsl.Handler;
import org.apache.pekko.projection.javadsl.SourceProvider;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * Projects job events into {@code jobs_by_queue_status}, in groups: every job touched by a group
 * of events gets at most one delete (its old row) and one insert (its new row). Runs as one
 * projection per job tag, spread over the controllers.
 *
 * <p>It also backs the fast path from job to queue: when a row becomes RUNNABLE, the queue is
 * told again, so a job whose own message to its queue was lost (a queue moving between
 * controllers at that moment) is still scheduled.
 */
public final class JobProjection extends Handler<List<EventEnvelope<JobEvent>>> {

  private static final int CACHE_SIZE = 20_000;

  public static void init(ActorSystem<?> system, ControllerSettings settings, JobReadStore store) {
    ShardedDaemonProcess.get(system).init(
        ProjectionBehavior.Command.class,
        "job-projection",
        settings.jobTags(),
        i -> ProjectionBehavior.create(projection(system, settings, store, "job-" + i)),
        ShardedDaemonProcessSettings.create(system).withRole(Roles.CONTROLLER),
        Optional.of(ProjectionBehavior.stopMessage()));
  }

  private static GroupedProjection<Offset, EventEnvelope<JobEvent>> projection(
      ActorSystem<?> system, ControllerSettings settings, JobReadStore store, String tag) {
    SourceProvider<Offset, EventEnvelope<JobEvent>> source =
        EventSourcedProvider.eventsByTag(system, CassandraReadJournal.Identifier(), tag);
    return CassandraProjection.groupedWithin(
            ProjectionId.of("jobs-by-queue-status", tag), source, () -> new JobProjection(system, settings, store))
        .withGroup(500, Duration.ofMillis(100));
  }

  private final ActorSystem<?> system;
  private final ControllerSettings settings;
  private final JobReadStore store;
  private final CassandraReadJournal journal;
  private final ClusterSharding sharding;
  private final Map<String, JobState> cache = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, JobState> eldest) {
      return size() > CACHE_SIZE;
    }
  };

  private JobProjection(ActorSystem<?> system, ControllerSettings settings, JobReadStore store) {
    this.system = system;
    this.settings = settings;
    this.store = store;
    this.journal = PersistenceQuery.get(system).getReadJournalFor(CassandraReadJournal.class, CassandraReadJournal.Identifier());
    this.sharding = ClusterSharding.get(system);
  }

  /** Where a job's row was before this group, and its state after it. */
  private record Change(JobState before, JobState after) {}

  @Override
  public CompletionStage<Done> process(List<EventEnvelope<JobEvent>> envelopes) {
    Map<String, Change> changes = new LinkedHashMap<>();
    CompletionStage<Void> applied = CompletableFuture.completedFuture(null);
    for (EventEnvelope<JobEvent> envelope : envelopes) {
      applied = applied.thenCompose(ignored -> apply(envelope, changes));
    }
    return applied.thenCompose(ignored -> write(changes)).thenApply(ignored -> Done.getInstance());
  }

  private CompletionStage<Void> apply(EventEnvelope<JobEvent> envelope, Map<String, Change> changes) {
    String jobId = envelope.event().jobId();
    return stateBefore(envelope).thenAccept(before -> {
      JobState after = before == null
          ? JobState.submitted((JobEvent.Submitted) envelope.event())
          : before.apply(envelope.event());
      changes.merge(jobId, new Change(before, after), (first, next) -> new Change(first.before(), next.after()));
      if (after.status().isTerminal()) {
        cache.remove(jobId);
      } else {
        cache.put(jobId, after);
      }
    });
  }

  /** The job's state just before this envelope: from the cache, else rebuilt from its journal. */
  private CompletionStage<JobState> stateBefore(EventEnvelope<JobEvent> envelope) {
    String jobId = envelope.event().jobId();
    JobState cached = cache.get(jobId);
    if (cached != null || envelope.event() instanceof JobEvent.Submitted) {
      return CompletableFuture.completedFuture(cached);
    }
    return journal.currentEventsByPersistenceId(envelope.persistenceId(), 0, envelope.sequenceNr() - 1)
        .runWith(Sink.<JobState, org.apache.pekko.persistence.query.EventEnvelope>fold(null, (state, e) -> {
          JobEvent event = (JobEvent) e.event();
          return state == null ? JobState.submitted((JobEvent.Submitted) event) : state.apply(event);
        }), system);
  }

  private CompletionStage<Void> write(Map<String, Change> changes) {
    List<CompletableFuture<Void>> writes = new ArrayList<>();
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
