package io.drover.core.api;

import io.drover.core.controlplane.ControlPlaneRequest;
import io.drover.core.policy.FairsharePolicy;
import java.util.Map;

/** AWS Batch {@code CreateSchedulingPolicy} request. */
public record CreateSchedulingPolicyRequest(String name, FairsharePolicy fairsharePolicy, Map<String, String> tags)
    implements ControlPlaneRequest {}
