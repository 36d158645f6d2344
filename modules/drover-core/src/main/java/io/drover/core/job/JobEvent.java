package io.drover.core.job;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.drover.core.CborSerializable;
import io.drover.core.model.JobStatus;
import java.util.Map;

/**
 * What happened to a job. Events record decisions (the status an ended attempt leads to is in the
 * event), so replaying them never re-runs rules that may have changed since.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "event")
@JsonSubTypes({
  @JsonSubTypes.Type(value = JobEvent.Submitted.class, name = "Submitted"),
  @JsonSubTypes.Type(value = JobEvent.Placed.class, name = "Placed"),
  @JsonSubTypes.Type(value = JobEvent.Started.class, name = "Started"),
  @JsonSubTypes.Type(value = JobEvent.AttemptReattached.class, name = "AttemptReattached"),
  @JsonSubTypes.Type(value = JobEvent.AttemptEnded.class, name = "AttemptEnded"),
  @JsonSubTypes.Type(value = JobEvent.Cancelled.class, name = "Cancelled"),
  @JsonSubTypes.Type(value = JobEvent.TerminationRequested.class, name = "TerminationRequested"),
  @JsonSubTypes.Type(value = JobEvent.DependentAdded.class, name = "DependentAdded"),
  @JsonSubTypes.Type(value = JobEvent.DependencyResolved.class, name = "DependencyResolved"),
  @JsonSubTypes.Type(value = JobEvent.ArrayExpanded.class, name = "ArrayExpanded"),
  @JsonSubTypes.Type(value = JobEvent.ChildrenFinished.class, name = "ChildrenFinished")
})
public sealed interface JobEvent extends CborSerializable {

  String jobId();

  long at();

  /** Accepted and durable; the job is RUNNABLE. */
  record Submitted(String jobId, JobSpec spec, long at) implements JobEvent {}

  /** Attempt {@code attempt} was given a host; the job is STARTING. */
  record Placed(String jobId, int attempt, Placement placement, long at) implements JobEvent {}

  /** The attempt's container runs; the job is RUNNING. */
  record Started(String jobId, int attempt, long at) implements JobEvent {}

  /**
   * The agent on the attempt's host restarted and found the attempt still there: from now on it is
   * reached through {@code agentRef}, the new incarnation.
   */
  record AttemptReattached(String jobId, int attempt, String agentRef, long at) implements JobEvent {}

  /**
   * The attempt is over, for whatever reason; {@code next} is SUCCEEDED, FAILED or RUNNABLE
   * (a retry). {@code jobStatusReason} is the job's status reason after this event.
   * {@code reclaimed}: its Spot host was reclaimed, so it does not count against the retry strategy
   * (null before this field existed: it counts).
   */
  record AttemptEnded(
      String jobId,
      int attempt,
      Integer exitCode,
      String reason,
      String statusReason,
      JobStatus next,
      String jobStatusReason,
      long at,
      Boolean reclaimed)
      implements JobEvent {

    public AttemptEnded(
        String jobId, int attempt, Integer exitCode, String reason, String statusReason, JobStatus next,
        String jobStatusReason, long at) {
      this(jobId, attempt, exitCode, reason, statusReason, next, jobStatusReason, at, null);
    }
  }

  /** Cancelled before it ran (CancelJob, or TerminateJob before STARTING); the job is FAILED. */
  record Cancelled(String jobId, String reason, long at) implements JobEvent {}

  /** TerminateJob on a STARTING or RUNNING job: its container is being stopped; it will not retry. */
  record TerminationRequested(String jobId, String reason, long at) implements JobEvent {}

  /** Job {@code dependentId} waits for this one and is told when it finishes. */
  record DependentAdded(String jobId, String dependentId, long at) implements JobEvent {}

  /**
   * Job {@code parentId}, which this one waited for, finished; {@code next} is PENDING (more to
   * wait for), RUNNABLE, or FAILED when the parent did not succeed.
   */
  record DependencyResolved(String jobId, String parentId, boolean succeeded, JobStatus next, String jobStatusReason,
      long at) implements JobEvent {}

  /** Every child of this array job exists (each is a job of its own, {@code <jobId>:<index>}). */
  record ArrayExpanded(String jobId, long at) implements JobEvent {}

  /**
   * Children of this array job finished (index to true for SUCCEEDED), recorded in batches so a
   * large array costs a few writes on its parent, not one per child; {@code next} is the array
   * job's status after them.
   */
  record ChildrenFinished(String jobId, Map<Integer, Boolean> outcomes, JobStatus next, String jobStatusReason, long at)
      implements JobEvent {}
}
