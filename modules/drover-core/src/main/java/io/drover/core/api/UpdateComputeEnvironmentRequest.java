package io.drover.core.api;

import io.drover.core.controlplane.ControlPlaneRequest;
import io.drover.core.model.State;
import java.util.Map;

/** AWS Batch {@code UpdateComputeEnvironment} request. */
public record UpdateComputeEnvironmentRequest(
    String computeEnvironment,
    State state,
    Integer unmanagedvCpus,
    Map<String, Object> computeResources,
    String serviceRole) implements ControlPlaneRequest {}
