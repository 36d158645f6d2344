package io.drover.core.api;

import io.drover.core.compute.ComputeEnvironment;
import io.drover.core.compute.ComputeResources;
import io.drover.core.controlplane.ControlPlaneRequest;
import io.drover.core.model.State;
import java.util.Map;

/** AWS Batch {@code CreateComputeEnvironment} request. */
public record CreateComputeEnvironmentRequest(
    String computeEnvironmentName,
    ComputeEnvironment.Type type,
    State state,
    Integer unmanagedvCpus,
    ComputeResources computeResources,
    String serviceRole,
    Map<String, String> tags) implements ControlPlaneRequest {}
