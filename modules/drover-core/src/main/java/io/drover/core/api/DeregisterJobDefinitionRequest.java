package io.drover.core.api;

import io.drover.core.controlplane.ControlPlaneRequest;

/** AWS Batch {@code DeregisterJobDefinition} request. */
public record DeregisterJobDefinitionRequest(String jobDefinition) implements ControlPlaneRequest {}
