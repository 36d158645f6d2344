package io.drover.core.api;

import io.drover.core.controlplane.ControlPlaneRequest;
import io.drover.core.model.State;
import io.drover.core.queue.ComputeEnvironmentOrder;
import java.util.List;
import java.util.Map;

/** AWS Batch {@code UpdateJobQueue} request. */
public record UpdateJobQueueRequest(
    String jobQueue,
    State state,
    String schedulingPolicyArn,
    Integer priority,
    List<ComputeEnvironmentOrder> computeEnvironmentOrder,
    List<Map<String, Object>> jobStateTimeLimitActions) implements ControlPlaneRequest {}
