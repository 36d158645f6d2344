package io.drover.core.api;

import io.drover.core.controlplane.ControlPlaneRequest;

/** AWS Batch {@code DeleteComputeEnvironment} request. */
public record DeleteComputeEnvironmentRequest(String computeEnvironment) implements ControlPlaneRequest {}
