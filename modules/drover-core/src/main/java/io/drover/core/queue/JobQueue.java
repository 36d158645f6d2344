package io.drover.core.queue;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.drover.core.CborSerializable;
import io.drover.core.model.ObjectStatus;
import io.drover.core.model.State;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A job queue in AWS Batch's {@code JobQueueDetail} shape. Its compute environments are held by
 * ARN, sorted by order, as AWS reports them.
 *
 * @param schedulingPolicyArn the fair-share scheduling policy; null for a first-in, first-out queue
 * @param jobStateTimeLimitActions what happens to jobs that wait too long (empty when none)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobQueue(
    String jobQueueName,
    String jobQueueArn,
    State state,
    ObjectStatus status,
    String statusReason,
    Integer priority,
    List<ComputeEnvironmentOrder> computeEnvironmentOrder,
    Map<String, String> tags,
    String schedulingPolicyArn,
    List<JobStateTimeLimitAction> jobStateTimeLimitActions)
    implements CborSerializable {

  public JobQueue {
    if (computeEnvironmentOrder != null) {
      computeEnvironmentOrder = computeEnvironmentOrder.stream()
          .sorted(Comparator.comparing(ComputeEnvironmentOrder::order))
          .toList();
    }
    jobStateTimeLimitActions = jobStateTimeLimitActions == null ? List.of() : List.copyOf(jobStateTimeLimitActions);
  }

  public boolean enabled() {
    return state == State.ENABLED;
  }

  /** Whether the queue schedules by fair share (it has a scheduling policy) rather than first in, first out. */
  @JsonIgnore
  public boolean isFairShare() {
    return schedulingPolicyArn != null;
  }

  public JobQueue with(State newState, Integer newPriority, List<ComputeEnvironmentOrder> newOrder) {
    return new JobQueue(jobQueueName, jobQueueArn, newState, status, statusReason, newPriority, newOrder, tags,
        schedulingPolicyArn, jobStateTimeLimitActions);
  }

  public JobQueue withSchedulingPolicyArn(String arn) {
    return new JobQueue(jobQueueName, jobQueueArn, state, status, statusReason, priority, computeEnvironmentOrder, tags,
        arn, jobStateTimeLimitActions);
  }

  public JobQueue withJobStateTimeLimitActions(List<JobStateTimeLimitAction> actions) {
    return new JobQueue(jobQueueName, jobQueueArn, state, status, statusReason, priority, computeEnvironmentOrder, tags,
        schedulingPolicyArn, actions);
  }
}
