package io.drover.core.scheduling;

import io.drover.core.CborSerializable;
import io.drover.core.model.Resources;
import java.util.Comparator;

/**
 * What the scheduler needs to know about one RUNNABLE job.
 *
 * @param schedulingPriority orders jobs inside one share of a fair-share queue (higher first)
 * @param shareIdentifier the job's share in a fair-share queue; null in a FIFO queue
 * @param runnableSince when the job last became RUNNABLE (0 when unknown: then its creation)
 * @param arrayJobId for a child of an array job, the parent's id; else null
 * @param maxConcurrentChildren for such a child, how many children of its array may run at once
 *     (0: no cap)
 */
public record JobTicket(
    String jobId,
    String queue,
    Resources resources,
    long createdAt,
    int schedulingPriority,
    String shareIdentifier,
    long runnableSince,
    String arrayJobId,
    int maxConcurrentChildren)
    implements CborSerializable {

  /**
   * First in, first out: by creation time, then by id, with the children of an array job
   * ({@code <parent>:<index>}, created together) in index order.
   */
  public static final Comparator<JobTicket> FIFO = Comparator.comparingLong(JobTicket::createdAt)
      .thenComparing(JobTicket::jobId, JobTicket::compareIds);

  /** The order inside one share of a fair-share queue: higher scheduling priority first, then FIFO. */
  public static final Comparator<JobTicket> PRIORITY_THEN_FIFO =
      Comparator.comparingInt(JobTicket::schedulingPriority).reversed().thenComparing(FIFO);

  /** A ticket of a FIFO queue's job that is not part of an array job. */
  public static JobTicket of(String jobId, String queue, Resources resources, long createdAt) {
    return new JobTicket(jobId, queue, resources, createdAt, 0, null, createdAt, null, 0);
  }

  /** When the job's current wait began. */
  public long waitingSince() {
    return runnableSince > 0 ? runnableSince : createdAt;
  }

  /** Ids compare as text, except two children of the same array job, which compare by index. */
  static int compareIds(String a, String b) {
    int colon = a.lastIndexOf(':');
    if (colon > 0 && colon == b.lastIndexOf(':') && a.regionMatches(0, b, 0, colon)) {
      return Integer.compare(Integer.parseInt(a.substring(colon + 1)), Integer.parseInt(b.substring(colon + 1)));
    }
    return a.compareTo(b);
  }
}
