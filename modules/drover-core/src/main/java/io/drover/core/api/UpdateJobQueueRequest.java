package io.drover.core.api;

import io.drover.core.controlplane.ControlPlaneRequest;
import io.drover.core.model.State;
import io.drover.core.queue.ComputeEnvironmentOrder;
import io.drover.core.queue.JobStateTimeLimitAction;
import java.util.List;

/** AWS Batch {@code UpdateJobQueue} request. */
public record UpdateJobQueueRequest(
    String jobQueue,
    State state,
    String schedulingPolicyArn,
    Integer priority,
    List<ComputeEnvironmentOrder> computeEnvironmentOrder,
    List<JobStateTimeLimitAction> jobStateTimeLimitActions) implements ControlPlaneRequest {}
