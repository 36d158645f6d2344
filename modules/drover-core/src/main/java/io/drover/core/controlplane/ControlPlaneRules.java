package io.drover.core.controlplane;

import io.drover.core.ClientError;
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
import io.drover.core.compute.ComputeResources;
import io.drover.core.controlplane.ControlPlaneEvent.ComputeEnvironmentCreated;
import io.drover.core.controlplane.ControlPlaneEvent.ComputeEnvironmentDeleted;
import io.drover.core.controlplane.ControlPlaneEvent.ComputeEnvironmentUpdated;
import io.drover.core.controlplane.ControlPlaneEvent.HostDrained;
import io.drover.core.controlplane.ControlPlaneEvent.HostUndrained;
import io.drover.core.controlplane.ControlPlaneEvent.JobDefinitionDeregistered;
import io.drover.core.controlplane.ControlPlaneEvent.JobDefinitionRegistered;
import io.drover.core.controlplane.ControlPlaneEvent.JobQueueCreated;
import io.drover.core.controlplane.ControlPlaneEvent.JobQueueDeleted;
import io.drover.core.controlplane.ControlPlaneEvent.JobQueueUpdated;
import io.drover.core.controlplane.ControlPlaneEvent.SchedulingPolicyCreated;
import io.drover.core.controlplane.ControlPlaneEvent.SchedulingPolicyDeleted;
import io.drover.core.controlplane.ControlPlaneEvent.SchedulingPolicyUpdated;
import io.drover.core.definition.ContainerRules;
import io.drover.core.definition.JobDefinition;
import io.drover.core.model.AwsIdentity;
import io.drover.core.model.Names;
import io.drover.core.model.ObjectStatus;
import io.drover.core.model.State;
import io.drover.core.policy.FairsharePolicy;
import io.drover.core.policy.SchedulingPolicy;
import io.drover.core.queue.ComputeEnvironmentOrder;
import io.drover.core.queue.JobQueue;
import io.drover.core.queue.JobStateTimeLimitAction;
import io.drover.core.users.UserRequest;
import io.drover.core.users.UserRules;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The rules of the control plane: each method checks a request against the current state and
 * returns the event that carries it out, or throws {@link ClientError} naming the bad field.
 */
public final class ControlPlaneRules {

  private static final String UNMANAGED_VCPUS_ONLY = "unmanagedvCpus applies to UNMANAGED compute environments only; "
      + "a MANAGED one's vCPUs are computeResources.minvCpus, desiredvCpus and maxvCpus.";

  private static final int MAX_HOST_ID_LENGTH = 255;

  private final AwsIdentity identity;
  private final UserRules users;

  public ControlPlaneRules(AwsIdentity identity) {
    this.identity = identity;
    this.users = new UserRules(identity);
  }

  public AwsIdentity identity() {
    return identity;
  }

  public UserRules users() {
    return users;
  }

  /** Carries out any control-plane request: the event it leads to. */
  public ControlPlaneEvent execute(ControlPlaneState state, ControlPlaneRequest request) {
    if (request instanceof CreateComputeEnvironmentRequest r) {
      return createComputeEnvironment(state, r);
    } else if (request instanceof UpdateComputeEnvironmentRequest r) {
      return updateComputeEnvironment(state, r);
    } else if (request instanceof DeleteComputeEnvironmentRequest r) {
      return deleteComputeEnvironment(state, r);
    } else if (request instanceof CreateJobQueueRequest r) {
      return createJobQueue(state, r);
    } else if (request instanceof UpdateJobQueueRequest r) {
      return updateJobQueue(state, r);
    } else if (request instanceof DeleteJobQueueRequest r) {
      return deleteJobQueue(state, r);
    } else if (request instanceof RegisterJobDefinitionRequest r) {
      return registerJobDefinition(state, r);
    } else if (request instanceof DeregisterJobDefinitionRequest r) {
      return deregisterJobDefinition(state, r);
    } else if (request instanceof CreateSchedulingPolicyRequest r) {
      return createSchedulingPolicy(state, r);
    } else if (request instanceof UpdateSchedulingPolicyRequest r) {
      return updateSchedulingPolicy(state, r);
    } else if (request instanceof DeleteSchedulingPolicyRequest r) {
      return deleteSchedulingPolicy(state, r);
    } else if (request instanceof UserRequest r) {
      return users.execute(state, r);
    } else if (request instanceof HostRequest.DrainHost r) {
      return drainHost(state, r);
    } else if (request instanceof HostRequest.UndrainHost r) {
      return undrainHost(state, r);
    }
    throw new IllegalArgumentException("Unknown control-plane request " + request);
  }

  // ---- compute environments

  public ControlPlaneEvent createComputeEnvironment(ControlPlaneState state, CreateComputeEnvironmentRequest request) {
    String name = Names.objectName(request.computeEnvironmentName(), "computeEnvironmentName");
    ClientError.required(request.type(), "type");
    ClientError.require(!state.computeEnvironments().containsKey(name),
        "computeEnvironmentName '" + name + "' already exists. Use UpdateComputeEnvironment to change it.");
    Map<String, String> tags = Names.tags(request.tags(), "tags");
    ComputeResources resources = null;
    if (request.type() == ComputeEnvironment.Type.MANAGED) {
      ClientError.require(request.computeResources() != null,
          "computeResources is required for a MANAGED compute environment: give its type (EC2 or SPOT), maxvCpus, "
              + "instanceTypes, subnets, securityGroupIds and instanceRole.");
      ClientError.require(request.unmanagedvCpus() == null, UNMANAGED_VCPUS_ONLY);
      resources = ComputeResources.validated(request.computeResources(), tags, "computeResources");
    } else {
      ClientError.require(request.computeResources() == null,
          "computeResources applies to MANAGED compute environments only; remove it for type UNMANAGED.");
      ClientError.require(!tags.containsKey(ComputeResources.MAX_HOURLY_COST_TAG),
          "tags " + ComputeResources.MAX_HOURLY_COST_TAG + " applies to MANAGED compute environments only: Drover "
              + "launches no instances for an UNMANAGED one.");
      validateUnmanagedvCpus(request.unmanagedvCpus());
    }
    ComputeEnvironment ce = new ComputeEnvironment(
        name,
        identity.computeEnvironmentArn(name),
        request.type(),
        request.state() == null ? State.ENABLED : request.state(),
        ObjectStatus.VALID,
        "ComputeEnvironment Healthy",
        request.unmanagedvCpus(),
        request.serviceRole(),
        tags,
        UUID.nameUUIDFromBytes(identity.computeEnvironmentArn(name).getBytes()).toString(),
        resources);
    return new ComputeEnvironmentCreated(ce);
  }

  /**
   * Changes state, service role and, as the environment's type allows, {@code unmanagedvCpus}
   * (UNMANAGED) or {@code computeResources} (MANAGED, see {@link ComputeResources#updated}).
   */
  public ControlPlaneEvent updateComputeEnvironment(ControlPlaneState state, UpdateComputeEnvironmentRequest request) {
    ComputeEnvironment ce = computeEnvironment(state, request.computeEnvironment(), "computeEnvironment");
    ComputeEnvironment updated = ce;
    if (ce.managed()) {
      ClientError.require(request.unmanagedvCpus() == null, UNMANAGED_VCPUS_ONLY);
      if (request.computeResources() != null) {
        updated = updated.withComputeResources(ce.computeResources().updated(request.computeResources(), "computeResources"));
      }
    } else {
      ClientError.require(request.computeResources() == null,
          "computeResources applies to MANAGED compute environments only; '" + ce.computeEnvironmentName() + "' is UNMANAGED.");
      validateUnmanagedvCpus(request.unmanagedvCpus());
      if (request.unmanagedvCpus() != null) {
        updated = updated.withUnmanagedvCpus(request.unmanagedvCpus());
      }
    }
    if (request.state() != null) {
      updated = updated.withState(request.state());
    }
    if (request.serviceRole() != null) {
      updated = updated.withServiceRole(request.serviceRole());
    }
    return new ComputeEnvironmentUpdated(updated);
  }

  public ControlPlaneEvent deleteComputeEnvironment(ControlPlaneState state, DeleteComputeEnvironmentRequest request) {
    ComputeEnvironment ce = computeEnvironment(state, request.computeEnvironment(), "computeEnvironment");
    ClientError.require(ce.state() == State.DISABLED,
        "Compute environment '" + ce.computeEnvironmentName()
            + "' is ENABLED; disable it with UpdateComputeEnvironment (state DISABLED) before deleting it.");
    List<String> users = state.queuesUsing(ce.computeEnvironmentArn()).stream().map(JobQueue::jobQueueName).toList();
    ClientError.require(users.isEmpty(),
        "Compute environment '" + ce.computeEnvironmentName() + "' is still used by job queue(s) " + users
            + "; remove it from their computeEnvironmentOrder with UpdateJobQueue first.");
    return new ComputeEnvironmentDeleted(ce.computeEnvironmentName());
  }

  private static void validateUnmanagedvCpus(Integer value) {
    if (value != null) {
      ClientError.require(value >= 0, "unmanagedvCpus must be 0 or more, not " + value + ".");
    }
  }

  /** Looks up a compute environment by name or ARN; unknown is a client error naming the field. */
  public ComputeEnvironment computeEnvironment(ControlPlaneState state, String nameOrArn, String field) {
    ClientError.required(nameOrArn, field);
    String name = AwsIdentity.nameFrom(nameOrArn, "compute-environment", field);
    return state.computeEnvironment(name)
        .orElseThrow(() -> new ClientError(field + " '" + nameOrArn + "' does not exist."));
  }

  // ---- job queues

  public ControlPlaneEvent createJobQueue(ControlPlaneState state, CreateJobQueueRequest request) {
    String name = Names.objectName(request.jobQueueName(), "jobQueueName");
    ClientError.require(!state.jobQueues().containsKey(name),
        "jobQueueName '" + name + "' already exists. Use UpdateJobQueue to change it.");
    ClientError.required(request.priority(), "priority");
    validatePriority(request.priority());
    List<ComputeEnvironmentOrder> order = computeEnvironmentOrder(state, request.computeEnvironmentOrder());
    String policyArn = request.schedulingPolicyArn() == null
        ? null
        : schedulingPolicy(state, request.schedulingPolicyArn(), "schedulingPolicyArn").arn();
    List<JobStateTimeLimitAction> timeLimitActions =
        JobStateTimeLimitAction.validated(request.jobStateTimeLimitActions(), "jobStateTimeLimitActions");
    JobQueue queue = new JobQueue(
        name,
        identity.jobQueueArn(name),
        request.state() == null ? State.ENABLED : request.state(),
        ObjectStatus.VALID,
        "JobQueue Healthy",
        request.priority(),
        order,
        Names.tags(request.tags(), "tags"),
        policyArn,
        timeLimitActions);
    return new JobQueueCreated(queue);
  }

  public ControlPlaneEvent updateJobQueue(ControlPlaneState state, UpdateJobQueueRequest request) {
    JobQueue queue = jobQueue(state, request.jobQueue(), "jobQueue");
    if (request.priority() != null) {
      validatePriority(request.priority());
    }
    List<ComputeEnvironmentOrder> order = request.computeEnvironmentOrder() == null
        ? queue.computeEnvironmentOrder()
        : computeEnvironmentOrder(state, request.computeEnvironmentOrder());
    JobQueue updated = queue.with(
        request.state() == null ? queue.state() : request.state(),
        request.priority() == null ? queue.priority() : request.priority(),
        order);
    if (request.schedulingPolicyArn() != null) {
      updated = updated.withSchedulingPolicyArn(replacedPolicyArn(state, queue, request.schedulingPolicyArn()));
    }
    if (request.jobStateTimeLimitActions() != null) {
      updated = updated.withJobStateTimeLimitActions(
          JobStateTimeLimitAction.validated(request.jobStateTimeLimitActions(), "jobStateTimeLimitActions"));
    }
    return new JobQueueUpdated(updated);
  }

  /**
   * The policy an update gives a queue. As on AWS, a fair-share queue's policy can be replaced but
   * not removed (an empty {@code schedulingPolicyArn} asks to remove it), and a first-in, first-out
   * queue can never get one.
   */
  private String replacedPolicyArn(ControlPlaneState state, JobQueue queue, String requested) {
    if (requested.isBlank()) {
      ClientError.require(!queue.isFairShare(),
          "schedulingPolicyArn cannot be removed: job queue '" + queue.jobQueueName() + "' is a fair-share queue, and "
              + "a fair-share queue's scheduling policy can be replaced but not removed. Create a new queue without "
              + "schedulingPolicyArn for first-in, first-out scheduling.");
      return null;
    }
    ClientError.require(queue.isFairShare(),
        "schedulingPolicyArn cannot be added: job queue '" + queue.jobQueueName() + "' was created without a "
            + "scheduling policy, so it schedules first in, first out and can never get one. Create a new queue "
            + "with schedulingPolicyArn for fair-share scheduling.");
    return schedulingPolicy(state, requested, "schedulingPolicyArn").arn();
  }

  public ControlPlaneEvent deleteJobQueue(ControlPlaneState state, DeleteJobQueueRequest request) {
    JobQueue queue = jobQueue(state, request.jobQueue(), "jobQueue");
    ClientError.require(queue.state() == State.DISABLED,
        "Job queue '" + queue.jobQueueName() + "' is ENABLED; disable it with UpdateJobQueue (state DISABLED) before deleting it.");
    return new JobQueueDeleted(queue.jobQueueName());
  }

  /** Looks up a job queue by name or ARN; unknown is a client error naming the field. */
  public JobQueue jobQueue(ControlPlaneState state, String nameOrArn, String field) {
    ClientError.required(nameOrArn, field);
    String name = AwsIdentity.nameFrom(nameOrArn, "job-queue", field);
    return state.jobQueue(name).orElseThrow(() -> new ClientError(field + " '" + nameOrArn + "' does not exist."));
  }

  private static void validatePriority(int priority) {
    ClientError.require(priority >= 0 && priority <= 1000, "priority must be from 0 to 1000, not " + priority + ".");
  }

  private List<ComputeEnvironmentOrder> computeEnvironmentOrder(ControlPlaneState state, List<ComputeEnvironmentOrder> order) {
    ClientError.required(order, "computeEnvironmentOrder");
    ClientError.require(!order.isEmpty() && order.size() <= 3,
        "computeEnvironmentOrder must list 1 to 3 compute environments, not " + order.size() + ".");
    Set<Integer> orders = new HashSet<>();
    Set<String> names = new HashSet<>();
    List<ComputeEnvironmentOrder> resolved = new ArrayList<>();
    for (int i = 0; i < order.size(); i++) {
      ComputeEnvironmentOrder entry = order.get(i);
      String path = "computeEnvironmentOrder[" + i + "]";
      ClientError.require(entry != null, path + " is empty.");
      ClientError.required(entry.order(), path + ".order");
      ClientError.require(entry.order() >= 0, path + ".order must be 0 or more.");
      ClientError.require(orders.add(entry.order()), path + ".order " + entry.order() + " is used twice; each must be unique.");
      ComputeEnvironment ce = computeEnvironment(state, entry.computeEnvironment(), path + ".computeEnvironment");
      ClientError.require(names.add(ce.computeEnvironmentName()),
          path + ".computeEnvironment '" + ce.computeEnvironmentName() + "' is listed twice.");
      resolved.add(new ComputeEnvironmentOrder(entry.order(), ce.computeEnvironmentArn()));
    }
    return resolved;
  }

  // ---- scheduling policies

  public ControlPlaneEvent createSchedulingPolicy(ControlPlaneState state, CreateSchedulingPolicyRequest request) {
    String name = Names.objectName(request.name(), "name");
    ClientError.require(state.schedulingPolicy(name).isEmpty(),
        "name '" + name + "' already exists: a scheduling policy has that name. Use UpdateSchedulingPolicy to change it.");
    SchedulingPolicy policy = new SchedulingPolicy(
        name,
        identity.schedulingPolicyArn(name),
        FairsharePolicy.validated(request.fairsharePolicy(), "fairsharePolicy"),
        Names.tags(request.tags(), "tags"));
    return new SchedulingPolicyCreated(policy);
  }

  /** Replaces the policy's fair-share policy; one left out of the request leaves it as it is. */
  public ControlPlaneEvent updateSchedulingPolicy(ControlPlaneState state, UpdateSchedulingPolicyRequest request) {
    SchedulingPolicy policy = schedulingPolicy(state, request.arn(), "arn");
    if (request.fairsharePolicy() == null) {
      return new SchedulingPolicyUpdated(policy);
    }
    return new SchedulingPolicyUpdated(
        policy.withFairsharePolicy(FairsharePolicy.validated(request.fairsharePolicy(), "fairsharePolicy")));
  }

  public ControlPlaneEvent deleteSchedulingPolicy(ControlPlaneState state, DeleteSchedulingPolicyRequest request) {
    SchedulingPolicy policy = schedulingPolicy(state, request.arn(), "arn");
    List<String> users = state.queuesWithPolicy(policy.arn()).stream().map(JobQueue::jobQueueName).toList();
    ClientError.require(users.isEmpty(),
        "Scheduling policy '" + policy.name() + "' is still used by job queue(s) " + users
            + "; a fair-share queue's policy can be replaced (UpdateJobQueue) but not removed, so give those queues "
            + "another policy or delete them first.");
    return new SchedulingPolicyDeleted(policy.name());
  }

  /** Looks up a scheduling policy by ARN or name; unknown is a client error naming the field. */
  public SchedulingPolicy schedulingPolicy(ControlPlaneState state, String arnOrName, String field) {
    ClientError.required(arnOrName, field);
    String name = AwsIdentity.nameFrom(arnOrName, "scheduling-policy", field);
    return state.schedulingPolicy(name)
        .orElseThrow(() -> new ClientError(field + " '" + arnOrName
            + "' does not exist; create the scheduling policy with CreateSchedulingPolicy."));
  }

  // ---- hosts

  /** Drains a host, or replaces the reason of one already drained (it stays drained since it first was). */
  public ControlPlaneEvent drainHost(ControlPlaneState state, HostRequest.DrainHost request) {
    String hostId = hostId(request.hostId());
    String reason = request.reason() == null ? "" : request.reason();
    ClientError.require(reason.length() <= DrainedHost.MAX_REASON_LENGTH,
        "reason must be at most " + DrainedHost.MAX_REASON_LENGTH + " characters, not " + reason.length() + ".");
    ClientError.required(request.drainedBy(), "drainedBy");
    long drainedAt = state.drained(hostId).map(DrainedHost::drainedAt).orElse(request.drainedAt());
    return new HostDrained(hostId, new DrainedHost(reason, drainedAt, request.drainedBy()));
  }

  public ControlPlaneEvent undrainHost(ControlPlaneState state, HostRequest.UndrainHost request) {
    String hostId = hostId(request.hostId());
    ClientError.require(state.drained(hostId).isPresent(),
        "hostId '" + hostId + "' is not drained; there is nothing to undrain.");
    return new HostUndrained(hostId);
  }

  private static String hostId(String hostId) {
    ClientError.required(hostId, "hostId");
    ClientError.require(!hostId.isBlank() && hostId.length() <= MAX_HOST_ID_LENGTH,
        "hostId must be an agent id of 1 to " + MAX_HOST_ID_LENGTH + " characters.");
    return hostId;
  }

  // ---- job definitions

  public ControlPlaneEvent registerJobDefinition(ControlPlaneState state, RegisterJobDefinitionRequest request) {
    String name = Names.objectName(request.jobDefinitionName(), "jobDefinitionName");
    String type = ClientError.required(request.type(), "type");
    ClientError.require(!type.equals("multinode") && request.nodeProperties() == null,
        "type multinode (nodeProperties) is not available yet; register a container job definition.");
    ClientError.require(type.equals("container"), "type '" + type + "' must be container.");
    ContainerRules.validate(request.containerProperties(), "containerProperties");
    ContainerRules.validateRetryStrategy(request.retryStrategy(), "retryStrategy");
    ContainerRules.validateTimeout(request.timeout(), "timeout");
    ContainerRules.validateSchedulingPriority(request.schedulingPriority(), "schedulingPriority");
    List<String> platforms = request.platformCapabilities() == null ? List.of("EC2") : request.platformCapabilities();
    ClientError.require(platforms.stream().allMatch("EC2"::equals),
        "platformCapabilities " + platforms + " is not supported: Drover runs EC2-style containers; use [\"EC2\"].");
    ContainerRules.validateParameters(request.parameters(), "parameters");
    int revision = state.revisions(name).size() + 1;
    JobDefinition definition = new JobDefinition(
        name,
        identity.jobDefinitionArn(name, revision),
        revision,
        JobDefinition.ACTIVE,
        type,
        request.schedulingPriority(),
        request.parameters() == null ? Map.of() : Map.copyOf(request.parameters()),
        request.retryStrategy(),
        request.containerProperties(),
        request.timeout(),
        Names.tags(request.tags(), "tags"),
        request.propagateTags(),
        platforms,
        "ECS");
    return new JobDefinitionRegistered(definition);
  }

  public ControlPlaneEvent deregisterJobDefinition(ControlPlaneState state, DeregisterJobDefinitionRequest request) {
    JobDefinition definition = jobDefinition(state, request.jobDefinition(), "jobDefinition", false);
    return new JobDefinitionDeregistered(definition.jobDefinitionName(), definition.revision());
  }

  /**
   * Resolves {@code name}, {@code name:revision} or an ARN. A bare name means the newest ACTIVE
   * revision; when {@code activeOnly}, an INACTIVE revision is a client error.
   */
  public JobDefinition jobDefinition(ControlPlaneState state, String ref, String field, boolean activeOnly) {
    ClientError.required(ref, field);
    String nameAndRevision = AwsIdentity.nameFrom(ref, "job-definition", field);
    int colon = nameAndRevision.lastIndexOf(':');
    JobDefinition definition;
    if (colon < 0) {
      definition = state.latestActive(nameAndRevision).orElseThrow(() -> new ClientError(
          field + " '" + ref + "' has no ACTIVE revision. Register it with RegisterJobDefinition."));
    } else {
      String name = nameAndRevision.substring(0, colon);
      int revision;
      try {
        revision = Integer.parseInt(nameAndRevision.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new ClientError(field + " '" + ref + "' must be name, name:revision or an ARN; the revision is not a number.");
      }
      definition = state.jobDefinition(name, revision)
          .orElseThrow(() -> new ClientError(field + " '" + ref + "' does not exist."));
    }
    ClientError.require(!activeOnly || definition.active(),
        field + " '" + ref + "' is INACTIVE (deregistered); submit with an ACTIVE revision.");
    return definition;
  }
}
