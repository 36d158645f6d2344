package io.drover.controller.readside;

import io.drover.core.job.JobEvent;
import io.drover.core.job.JobState;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * Follows job states through a projection's events: the state before each event comes from a
 * bounded cache of recent jobs, or, on a miss (after a restart, or for a job the cache had no room
 * for), from the job's journal. The same {@link JobState#apply} the entities use turns it into the
 * state after.
 *
 * <p>A full cache takes no new job: queues place their jobs oldest first, so the jobs already held
 * are the ones whose next events come first, and evicting the least recently used for each new
 * job would evict exactly those (with more jobs waiting than the cache holds, every placement
 * would then read its job back from the journal). A job read back after a miss is held, evicting
 * the least recently used: its next events (start, end) follow soon.
 */
public final class JobStateCache {

  /** A job's state just before and just after one event. */
  public record Transition(JobState before, JobState after) {}

  private final int size;
  private final Function<EventEnvelope<JobEvent>, CompletionStage<JobState>> replay;
  private final Map<String, JobState> cache;

  public JobStateCache(ActorSystem<?> system, int size) {
    this(size, journalReplay(system));
  }

  /** {@code replay} gives a job's state just before the envelope's event, from its earlier events. */
  JobStateCache(int size, Function<EventEnvelope<JobEvent>, CompletionStage<JobState>> replay) {
    this.size = size;
    this.replay = replay;
    this.cache = new LinkedHashMap<>(1024, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, JobState> eldest) {
        return size() > size;
      }
    };
  }

  private static Function<EventEnvelope<JobEvent>, CompletionStage<JobState>> journalReplay(ActorSystem<?> system) {
    CassandraReadJournal journal =
        PersistenceQuery.get(system).getReadJournalFor(CassandraReadJournal.class, CassandraReadJournal.Identifier());
    return envelope -> journal.currentEventsByPersistenceId(envelope.persistenceId(), 0, envelope.sequenceNr() - 1)
        .runWith(Sink.<JobState, org.apache.pekko.persistence.query.EventEnvelope>fold(null, (state, e) -> {
          JobEvent event = (JobEvent) e.event();
          return state == null ? JobState.submitted((JobEvent.Submitted) event) : state.apply(event);
        }), system);
  }

  /** Applies the envelope's event; call in event order (a projection does). */
  public CompletionStage<Transition> apply(EventEnvelope<JobEvent> envelope) {
    String jobId = envelope.event().jobId();
    return before(envelope).thenApply(before -> {
      JobState after = before == null
          ? JobState.submitted((JobEvent.Submitted) envelope.event())
          : before.apply(envelope.event());
      if (after.status().isTerminal() && after.array() == null) {
        cache.remove(jobId);
      } else if (before != null || cache.size() < size) {
        cache.put(jobId, after);
      }
      return new Transition(before, after);
    });
  }

  private CompletionStage<JobState> before(EventEnvelope<JobEvent> envelope) {
    JobState cached = cache.get(envelope.event().jobId());
    if (cached != null || envelope.event() instanceof JobEvent.Submitted) {
      return CompletableFuture.completedFuture(cached);
    }
    return replay.apply(envelope);
  }
}
