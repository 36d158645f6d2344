package io.drover.core.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.drover.core.CborSerializable;

/**
 * One attempt of a job: where it ran, when, and how it ended.
 *
 * @param number counts every attempt from 1; {@code AWS_BATCH_JOB_ATTEMPT} counts only those that
 *     were not reclaimed
 * @param exitCode the container's exit code; null when it never ran or its host was lost
 * @param reason the container-level reason (e.g. {@code CannotPullContainerError: ...})
 * @param statusReason the attempt-level reason (e.g. {@code Essential container in task exited})
 * @param reclaimed true when its Spot host was reclaimed: the attempt was stopped ahead of the
 *     interruption and does not count against the retry strategy; null otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Attempt(
    int number,
    Placement placement,
    long placedAt,
    Long startedAt,
    Long stoppedAt,
    Integer exitCode,
    String reason,
    String statusReason,
    String logStreamName,
    Boolean reclaimed)
    implements CborSerializable {

  public Attempt started(long at) {
    return new Attempt(number, placement, placedAt, at, stoppedAt, exitCode, reason, statusReason, logStreamName, reclaimed);
  }

  public Attempt movedTo(Placement newPlacement) {
    return new Attempt(number, newPlacement, placedAt, startedAt, stoppedAt, exitCode, reason, statusReason, logStreamName,
        reclaimed);
  }

  public Attempt ended(Integer code, String containerReason, String attemptStatusReason, long at, Boolean wasReclaimed) {
    return new Attempt(number, placement, placedAt, startedAt, at, code, containerReason, attemptStatusReason, logStreamName,
        wasReclaimed);
  }

  /** Whether the attempt counts against the job's retry strategy. */
  public boolean spent() {
    return !Boolean.TRUE.equals(reclaimed);
  }

  /** The log stream of attempt {@code number} of {@code jobId}. */
  public static String logStreamName(String jobId, int number) {
    return "drover/" + jobId + "/" + number;
  }
}
