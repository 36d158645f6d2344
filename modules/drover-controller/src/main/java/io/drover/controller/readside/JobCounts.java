package io.drover.controller.readside;

import io.drover.core.job.JobState;
import io.drover.core.model.JobStatus;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * How many jobs of one projection tag are in each queue and status, kept by the projection from
 * each event's state before and after, and saved after every group with what it has applied.
 *
 * <p>The projection is at-least-once: after a crash it repeats the events after its last saved
 * offset, some of which this count already holds. So it remembers, for every job touched by the
 * last {@value #REMEMBERED_GROUPS} groups, the highest sequence number it applied, and skips
 * events at or below it. Events of one job arrive in sequence order, and the projection saves its
 * offset after each group, so a repeat never reaches further back than that.
 *
 * <p>Unfinished jobs are counted in bucket 0; finished jobs in the day of their creation, as
 * {@code jobs_by_status} lists them, so that the days past the retention period can be dropped.
 * Not thread-safe: the projection applies one group at a time.
 */
public final class JobCounts {

  static final int REMEMBERED_GROUPS = 2;

  /** Where a job is counted: its queue, status, and bucket (0, or the day of creation when finished). */
  public record Cell(String queue, JobStatus status, long bucket) {

    public static Cell of(JobState state) {
      JobStatus status = state.status();
      return new Cell(state.spec().jobQueue(), status, status.isTerminal() ? JobReadStore.day(state.createdAt()) : 0);
    }
  }

  private final Map<Cell, Long> counts;
  private final Map<String, Long> applied;
  private final Set<String> touched = new HashSet<>();
  private final Set<Cell> changed = new HashSet<>();
  private Set<String> previousGroup = new HashSet<>();

  /** Counts as saved, with the highest sequence number applied per recently touched job (persistence id). */
  public JobCounts(Map<Cell, Long> counts, Map<String, Long> applied) {
    this.counts = new HashMap<>(counts);
    this.applied = new HashMap<>(applied);
    previousGroup.addAll(applied.keySet());
  }

  public static JobCounts empty() {
    return new JobCounts(Map.of(), Map.of());
  }

  /**
   * Moves a job from where {@code before} counted it (null for a new job) to where {@code after}
   * does, unless this event was applied already. Returns whether it was applied now.
   */
  public boolean apply(String persistenceId, long sequenceNr, JobState before, JobState after) {
    return apply(persistenceId, sequenceNr, before == null ? null : Cell.of(before), Cell.of(after));
  }

  boolean apply(String persistenceId, long sequenceNr, Cell before, Cell after) {
    Long done = applied.get(persistenceId);
    touched.add(persistenceId);
    if (done != null && sequenceNr <= done) {
      return false;
    }
    applied.put(persistenceId, sequenceNr);
    if (!after.equals(before)) {
      if (before != null) {
        add(before, -1);
      }
      add(after, 1);
    }
    return true;
  }

  private void add(Cell cell, long delta) {
    counts.merge(cell, delta, Long::sum);
    changed.add(cell);
  }

  /**
   * Ends a group: returns the cells it changed, with their counts, and forgets the jobs touched by
   * neither this group nor the ones remembered before it. Finished jobs' cells of days before
   * {@code oldestDay} leave memory (their rows expire in Cassandra).
   */
  public Map<Cell, Long> endGroup(long oldestDay) {
    Map<Cell, Long> result = new HashMap<>();
    changed.forEach(cell -> result.put(cell, counts.get(cell)));
    changed.clear();
    applied.keySet().retainAll(union(previousGroup, touched));
    previousGroup = new HashSet<>(touched);
    touched.clear();
    counts.keySet().removeIf(cell -> cell.bucket() != 0 && cell.bucket() < oldestDay);
    return result;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new HashSet<>(a);
    all.addAll(b);
    return all;
  }

  /** The highest sequence number applied per recently touched job, to save with the counts. */
  public Map<String, Long> applied() {
    return Map.copyOf(applied);
  }

  public long count(Cell cell) {
    return counts.getOrDefault(cell, 0L);
  }
}
