package io.drover.core.api;

import io.drover.core.controlplane.ControlPlaneRequest;
import io.drover.core.model.State;
import io.drover.core.queue.ComputeEnvironmentOrder;
import io.drover.core.queue.JobStateTimeLimitAction;
import java.util.List;
import java.util.Map;

/** AWS Batch {@code CreateJobQueue} request. */
public record CreateJobQueueRequest(
    String jobQueueName,
    State state,
    String schedulingPolicyArn,
    Integer priority,
    List<ComputeEnvironmentOrder> computeEnvironmentOrder,
    Map<String, String> tags,
    List<JobStateTimeLimitAction> jobStateTimeLimitActions) implements ControlPlaneRequest {}
