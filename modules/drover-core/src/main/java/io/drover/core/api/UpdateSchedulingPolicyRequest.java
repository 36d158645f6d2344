package io.drover.core.api;

import io.drover.core.controlplane.ControlPlaneRequest;
import io.drover.core.policy.FairsharePolicy;

/** AWS Batch {@code UpdateSchedulingPolicy} request: the policy's ARN (or name) and its new fair-share policy. */
public record UpdateSchedulingPolicyRequest(String arn, FairsharePolicy fairsharePolicy) implements ControlPlaneRequest {}
