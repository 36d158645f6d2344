package io.drover.controller.controlplane;

import io.drover.core.api.CreateComputeEnvironmentRequest;
import io.drover.core.api.CreateJobQueueRequest;
import io.drover.core.api.CreateSchedulingPolicyRequest;
import io.drover.core.api.DeleteComputeEnvironmentRequest;
import io.drover.core.api.DeleteJobQueueRequest;
import io.drover.core.api.DeleteSchedulingPolicyRequest;
import io.drover.core.api.DeregisterJobDefinitionRequest;
import io.drover.core.api.RegisterJobDefinitionRequest;
import io.drover.core.api.UpdateComputeEnvironmentRequest;
import io.drover.core.api.UpdateJobQueueRequest;
import io.drover.core.api.UpdateSchedulingPolicyRequest;
import io.drover.core.compute.ComputeEnvironment;
import io.drover.core.controlplane.ControlPlaneRules;
import io.drover.core.definition.ContainerProperties;
import io.drover.core.definition.EvaluateOnExit;
import io.drover.core.definition.JobTimeout;
import io.drover.core.definition.RetryStrategy;
import io.drover.core.model.AwsIdentity;
import io.drover.core.model.KeyValuePair;
import io.drover.core.model.ResourceRequirement;
import io.drover.core.model.State;
import io.drover.core.policy.FairsharePolicy;
import io.drover.core.policy.ShareAttributes;
import io.drover.core.queue.ComputeEnvironmentOrder;
import io.drover.core.queue.JobStateTimeLimitAction;
import java.util.List;
import java.util.Map;

/** Control-plane requests of each kind, valid unless a test makes them otherwise. */
public final class ControlPlaneRequests {

  public static final ControlPlaneRules RULES = new ControlPlaneRules(new AwsIdentity("us-east-1", "123456789012"));

  private ControlPlaneRequests() {}

  public static CreateComputeEnvironmentRequest createComputeEnvironment(String name) {
    return new CreateComputeEnvironmentRequest(
        name, ComputeEnvironment.Type.UNMANAGED, null, 4, null, null, Map.of("team", "data"));
  }

  public static UpdateComputeEnvironmentRequest updateComputeEnvironment(String nameOrArn, State state, Integer unmanagedvCpus) {
    return new UpdateComputeEnvironmentRequest(nameOrArn, state, unmanagedvCpus, null, null);
  }

  public static DeleteComputeEnvironmentRequest deleteComputeEnvironment(String nameOrArn) {
    return new DeleteComputeEnvironmentRequest(nameOrArn);
  }

  public static CreateJobQueueRequest createJobQueue(String name, String computeEnvironment) {
    return new CreateJobQueueRequest(
        name, null, null, 10, List.of(new ComputeEnvironmentOrder(1, computeEnvironment)), null, null);
  }

  public static UpdateJobQueueRequest updateJobQueue(String nameOrArn, State state) {
    return new UpdateJobQueueRequest(nameOrArn, state, null, 20, null, null);
  }

  public static DeleteJobQueueRequest deleteJobQueue(String nameOrArn) {
    return new DeleteJobQueueRequest(nameOrArn);
  }

  /** A container definition using most of what a definition may hold. */
  public static RegisterJobDefinitionRequest registerJobDefinition(String name) {
    ContainerProperties container = new ContainerProperties(
        "busybox:1.36", null, null, List.of("echo", "Ref::greeting"), null, null,
        List.of(new KeyValuePair("MODE", "fast")), null, null, null,
        List.of(new ResourceRequirement(ResourceRequirement.VCPU, "0.5"),
            new ResourceRequirement(ResourceRequirement.MEMORY, "256")));
    return new RegisterJobDefinitionRequest(
        name, "container", Map.of("greeting", "hello"), 5, container, null,
        new RetryStrategy(3, List.of(new EvaluateOnExit(null, null, "137", "EXIT"))),
        true, new JobTimeout(120), Map.of("team", "data"), null);
  }

  public static DeregisterJobDefinitionRequest deregisterJobDefinition(String nameAndRevision) {
    return new DeregisterJobDefinitionRequest(nameAndRevision);
  }

  /** A policy with a decay, a reservation, one share and one prefix. */
  public static CreateSchedulingPolicyRequest createSchedulingPolicy(String name) {
    return new CreateSchedulingPolicyRequest(name,
        new FairsharePolicy(3600, 10, List.of(new ShareAttributes("team_a", 0.5f), new ShareAttributes("team_*", 2f))),
        Map.of("team", "data"));
  }

  /** A fair-share queue on {@code computeEnvironment} with a time-limit action. */
  public static CreateJobQueueRequest createFairShareJobQueue(String name, String computeEnvironment, String policy) {
    return new CreateJobQueueRequest(
        name, null, policy, 10, List.of(new ComputeEnvironmentOrder(1, computeEnvironment)), null,
        List.of(new JobStateTimeLimitAction("CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY", "RUNNABLE", 600, "CANCEL")));
  }

  public static UpdateSchedulingPolicyRequest updateSchedulingPolicy(String arnOrName, FairsharePolicy policy) {
    return new UpdateSchedulingPolicyRequest(arnOrName, policy);
  }

  public static DeleteSchedulingPolicyRequest deleteSchedulingPolicy(String arnOrName) {
    return new DeleteSchedulingPolicyRequest(arnOrName);
  }
}
