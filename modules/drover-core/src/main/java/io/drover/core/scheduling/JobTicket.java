package io.drover.core.scheduling;

import io.drover.core.CborSerializable;
import io.drover.core.model.Resources;
import java.util.Comparator;

/** What the scheduler needs to know about one RUNNABLE job. */
public record JobTicket(String jobId, String queue, Resources resources, long createdAt, int schedulingPriority)
    implements CborSerializable {

  /**
   * First in, first out: by creation time, then by id, with the children of an array job
   * ({@code <parent>:<index>}, created together) in index order.
   */
  public static final Comparator<JobTicket> FIFO = Comparator.comparingLong(JobTicket::createdAt)
      .thenComparing(JobTicket::jobId, JobTicket::compareIds);

  /** Ids compare as text, except two children of the same array job, which compare by index. */
  static int compareIds(String a, String b) {
    int colon = a.lastIndexOf(':');
    if (colon > 0 && colon == b.lastIndexOf(':') && a.regionMatches(0, b, 0, colon)) {
      return Integer.compare(Integer.parseInt(a.substring(colon + 1)), Integer.parseInt(b.substring(colon + 1)));
    }
    return a.compareTo(b);
  }
}
