package io.drover.controller.queue;

import io.drover.core.scheduling.JobTicket;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A queue's RUNNABLE jobs in the order it starts them: one line, first in first out, for a FIFO
 * queue; one line per share, by scheduling priority then first in first out, for a fair-share
 * queue (which share goes next is the scheduler's decision).
 */
final class RunnableJobs {

  private static final String NO_SHARE = "";

  private final boolean fairShare;
  private final Map<String, JobTicket> byId = new HashMap<>();
  private final Map<String, TreeSet<JobTicket>> lines = new HashMap<>();

  RunnableJobs(boolean fairShare) {
    this.fairShare = fairShare;
  }

  boolean fairShare() {
    return fairShare;
  }

  /** Adds a job; false when it is already here. */
  boolean add(JobTicket ticket) {
    if (byId.putIfAbsent(ticket.jobId(), ticket) != null) {
      return false;
    }
    lines.computeIfAbsent(lineOf(ticket), line -> new TreeSet<>(fairShare ? JobTicket.PRIORITY_THEN_FIFO : JobTicket.FIFO))
        .add(ticket);
    return true;
  }

  /** Removes a job; null when it was not here. */
  JobTicket remove(String jobId) {
    JobTicket ticket = byId.remove(jobId);
    if (ticket != null) {
      String line = lineOf(ticket);
      TreeSet<JobTicket> jobs = lines.get(line);
      jobs.remove(ticket);
      if (jobs.isEmpty()) {
        lines.remove(line);
      }
    }
    return ticket;
  }

  JobTicket get(String jobId) {
    return byId.get(jobId);
  }

  int size() {
    return byId.size();
  }

  Collection<JobTicket> all() {
    return byId.values();
  }

  /** How many jobs of its own line start before this one. */
  int ahead(JobTicket ticket) {
    TreeSet<JobTicket> line = lines.get(lineOf(ticket));
    return line == null ? 0 : line.headSet(ticket).size();
  }

  /**
   * The heads of the lines, about {@code size} jobs in all: the first {@code size} of a FIFO
   * queue; of a fair-share queue an equal part from every share (at least one each).
   */
  List<JobTicket> head(int size) {
    List<JobTicket> head = new ArrayList<>(Math.min(byId.size(), size));
    int perLine = perLine(size);
    for (TreeSet<JobTicket> line : lines.values()) {
      int taken = 0;
      for (JobTicket ticket : line) {
        if (taken++ == perLine) {
          break;
        }
        head.add(ticket);
      }
    }
    return head;
  }

  /** How many jobs of each line {@link #head} takes. */
  int perLine(int size) {
    return lines.isEmpty() ? size : Math.max(1, (size + lines.size() - 1) / lines.size());
  }

  /** The same jobs, ordered for a queue that is (or is not) fair-share. */
  RunnableJobs reordered(boolean asFairShare) {
    RunnableJobs next = new RunnableJobs(asFairShare);
    byId.values().forEach(next::add);
    return next;
  }

  private String lineOf(JobTicket ticket) {
    return fairShare && ticket.shareIdentifier() != null ? ticket.shareIdentifier() : NO_SHARE;
  }
}
