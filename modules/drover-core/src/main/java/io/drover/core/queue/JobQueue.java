package io.drover.core.queue;

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
    Map<String, String> tags)
    implements CborSerializable {

  public JobQueue {
    if (computeEnvironmentOrder != null) {
      computeEnvironmentOrder = computeEnvironmentOrder.stream()
          .sorted(Comparator.comparing(ComputeEnvironmentOrder::order))
          .toList();
    }
  }

  public boolean enabled() {
    return state == State.ENABLED;
  }

  public JobQueue with(State newState, Integer newPriority, List<ComputeEnvironmentOrder> newOrder) {
    return new JobQueue(jobQueueName, jobQueueArn, newState, status, statusReason, newPriority, newOrder, tags);
  }
}
