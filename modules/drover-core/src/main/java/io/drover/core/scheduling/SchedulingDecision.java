package io.drover.core.scheduling;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The outcome of one pass: the jobs to start now, and for every job left waiting, why, in words
 * an operator can act on. Waiting jobs are held in two arrays (jobs of one shape in one queue share
 * their reason), so a pass over 100,000 jobs allocates little.
 */
public final class SchedulingDecision {

  private final List<Assignment> assignments;
  private final JobTicket[] waitingJobs;
  private final String[] reasons;
  private final int waitingCount;
  private final Map<String, String> reservations;
  private Map<String, String> byJobId;

  SchedulingDecision(
      List<Assignment> assignments, JobTicket[] waitingJobs, String[] reasons, int waitingCount, Map<String, String> reservations) {
    this.assignments = List.copyOf(assignments);
    this.waitingJobs = waitingJobs;
    this.reasons = reasons;
    this.waitingCount = waitingCount;
    this.reservations = Map.copyOf(reservations);
  }

  /**
   * The jobs to start, in the order the pass served them: queues by priority, shares by usage,
   * each queue's jobs in its order.
   */
  public List<Assignment> assignments() {
    return assignments;
  }

  /** The first {@code atMost} of {@link #assignments()}: those served first when not all can be sent. */
  public List<Assignment> assignments(int atMost) {
    return assignments.size() <= atMost ? assignments : assignments.subList(0, Math.max(0, atMost));
  }

  /** The hosts held for jobs that waited too long (job id to agent id), for the next pass. */
  public Map<String, String> reservations() {
    return reservations;
  }

  public int waitingCount() {
    return waitingCount;
  }

  /** Calls {@code each} with every waiting job and the reason it waits. */
  public void forEachWaiting(BiConsumer<JobTicket, String> each) {
    for (int i = 0; i < waitingCount; i++) {
      each.accept(waitingJobs[i], reasons[i]);
    }
  }

  /** The reason of every waiting job, by job id (built on first use). */
  public Map<String, String> waiting() {
    if (byJobId == null) {
      Map<String, String> map = new HashMap<>(Math.max(16, waitingCount * 2));
      forEachWaiting((job, reason) -> map.put(job.jobId(), reason));
      byJobId = Map.copyOf(map);
    }
    return byJobId;
  }

  @Override
  public String toString() {
    return "SchedulingDecision[assignments=" + assignments + ", waiting="
        + Arrays.asList(waitingJobs).subList(0, Math.min(waitingCount, 20)) + (waitingCount > 20 ? "..." : "") + "]";
  }
}
