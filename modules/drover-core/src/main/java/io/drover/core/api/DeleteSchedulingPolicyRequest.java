package io.drover.core.api;

import io.drover.core.controlplane.ControlPlaneRequest;

/** AWS Batch {@code DeleteSchedulingPolicy} request: the policy's ARN (or name). */
public record DeleteSchedulingPolicyRequest(String arn) implements ControlPlaneRequest {}
