package io.drover.core.queue;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.drover.core.CborSerializable;
import io.drover.core.ClientError;
import java.util.List;

/**
 * AWS Batch's {@code JobStateTimeLimitAction}: what to do with a job that has waited at the head
 * of its queue in {@code state} for longer than {@code maxTimeSeconds}. AWS supports one state
 * (RUNNABLE) and one action (CANCEL, with {@code reason} as the job's status reason).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobStateTimeLimitAction(String reason, String state, Integer maxTimeSeconds, String action)
    implements CborSerializable {

  public static final String RUNNABLE = "RUNNABLE";
  public static final String CANCEL = "CANCEL";
  public static final int MAX_ACTIONS = 5;
  public static final int MIN_TIME_SECONDS = 600;
  public static final int MAX_TIME_SECONDS = 86_400;
  public static final int MAX_REASON_LENGTH = 1024;

  /** Checks a queue's actions as AWS does, naming the bad entry under {@code field}; null means none. */
  public static List<JobStateTimeLimitAction> validated(List<JobStateTimeLimitAction> actions, String field) {
    if (actions == null) {
      return List.of();
    }
    ClientError.require(actions.size() <= MAX_ACTIONS,
        field + " lists " + actions.size() + " actions; at most " + MAX_ACTIONS + " are allowed.");
    for (int i = 0; i < actions.size(); i++) {
      JobStateTimeLimitAction action = actions.get(i);
      String path = field + "[" + i + "]";
      ClientError.require(action != null, path + " is empty.");
      String reason = ClientError.required(action.reason(), path + ".reason");
      ClientError.require(reason.length() <= MAX_REASON_LENGTH,
          path + ".reason has " + reason.length() + " characters; at most " + MAX_REASON_LENGTH + " are allowed.");
      ClientError.required(action.state(), path + ".state");
      ClientError.require(action.state().equals(RUNNABLE),
          path + ".state '" + action.state() + "' must be " + RUNNABLE + ", the only state AWS Batch supports.");
      Integer seconds = ClientError.required(action.maxTimeSeconds(), path + ".maxTimeSeconds");
      ClientError.require(seconds >= MIN_TIME_SECONDS && seconds <= MAX_TIME_SECONDS,
          path + ".maxTimeSeconds must be from " + MIN_TIME_SECONDS + " (10 minutes) to " + MAX_TIME_SECONDS
              + " (24 hours), not " + seconds + ".");
      ClientError.required(action.action(), path + ".action");
      ClientError.require(action.action().equals(CANCEL),
          path + ".action '" + action.action() + "' must be " + CANCEL + ", the only action AWS Batch supports.");
    }
    return List.copyOf(actions);
  }
}
