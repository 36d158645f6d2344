package io.drover.core.api;

import io.drover.core.compute.ComputeResourceUpdate;
import io.drover.core.controlplane.ControlPlaneRequest;
import io.drover.core.model.State;

/** AWS Batch {@code UpdateComputeEnvironment} request. */
public record UpdateComputeEnvironmentRequest(
    String computeEnvironment,
    State state,
    Integer unmanagedvCpus,
    ComputeResourceUpdate computeResources,
    String serviceRole) implements ControlPlaneRequest {}
