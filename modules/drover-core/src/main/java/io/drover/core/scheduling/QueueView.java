package io.drover.core.scheduling;

import java.util.List;

/**
 * A job queue as one scheduling pass sees it.
 *
 * @param computeEnvironments names, in the queue's compute environment order
 * @param jobs its RUNNABLE jobs, in the order the queue wants them started; for a fair-share
 *     queue, each share's jobs in {@link JobTicket#PRIORITY_THEN_FIFO} order (shares may
 *     interleave, but a pass is quickest when each share's jobs come together)
 * @param fairShare the queue's fair-share state; null for a first-in, first-out queue
 */
public record QueueView(
    String name, int priority, boolean enabled, List<String> computeEnvironments, List<JobTicket> jobs, FairShareView fairShare) {

  public QueueView(String name, int priority, boolean enabled, List<String> computeEnvironments, List<JobTicket> jobs) {
    this(name, priority, enabled, computeEnvironments, jobs, null);
  }
}
