package io.drover.controller.readside;

import io.drover.core.job.JobEvent;
import io.drover.core.job.JobState;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.cassandra.query.javadsl.CassandraReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * Follows job states through a projection's events: the state before each event comes from a
 * bounded cache of recent jobs, or, on a miss (after a restart), from the job's journal. The same
 * {@link JobState#apply} the entities use turns it into the state after.
 */
public final class JobStateCache {

  /** A job's state just before and just after one event. */
  public record Transition(JobState before, JobState after) {}

  private final ActorSystem<?> system;
  private final CassandraReadJournal journal;
  private final Map<String, JobState> cache;

  public JobStateCache(ActorSystem<?> system, int size) {
    this.system = system;
    this.journal = PersistenceQuery.get(system).getReadJournalFor(CassandraReadJournal.class, CassandraReadJournal.Identifier());
    this.cache = new LinkedHashMap<>(1024, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, JobState> eldest) {
        return size() > size;
      }
    };
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
      } else {
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
    return journal.currentEventsByPersistenceId(envelope.persistenceId(), 0, envelope.sequenceNr() - 1)
        .runWith(Sink.<JobState, org.apache.pekko.persistence.query.EventEnvelope>fold(null, (state, e) -> {
          JobEvent event = (JobEvent) e.event();
          return state == null ? JobState.submitted((JobEvent.Submitted) event) : state.apply(event);
        }), system);
  }
}
