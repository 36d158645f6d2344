package io.drover.core.scheduling;

import io.drover.core.queue.JobStateTimeLimitAction;
import java.util.List;

/**
 * A queue's {@code jobStateTimeLimitActions} applied to its RUNNABLE jobs: a job whose wait reason
 * starts with an action's {@code reason} (an AWS reason code such as
 * {@code MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT}, or any prefix of Drover's reason text) and
 * that has been RUNNABLE for at least {@code maxTimeSeconds} is due for that action.
 */
public final class StateTimeLimits {

  private StateTimeLimits() {}

  /** The first action due for a job waiting with {@code waitReason} since {@code waitingSince}; null if none. */
  public static JobStateTimeLimitAction due(
      List<JobStateTimeLimitAction> actions, String waitReason, long waitingSince, long now) {
    if (actions == null || waitReason == null) {
      return null;
    }
    for (JobStateTimeLimitAction action : actions) {
      if (JobStateTimeLimitAction.RUNNABLE.equals(action.state())
          && JobStateTimeLimitAction.CANCEL.equals(action.action())
          && waitReason.startsWith(action.reason())
          && now - waitingSince >= action.maxTimeSeconds() * 1000L) {
        return action;
      }
    }
    return null;
  }
}
