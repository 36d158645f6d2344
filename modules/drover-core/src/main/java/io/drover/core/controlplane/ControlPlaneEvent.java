package io.drover.core.controlplane;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.drover.core.CborSerializable;
import io.drover.core.compute.ComputeEnvironment;
import io.drover.core.definition.JobDefinition;
import io.drover.core.policy.SchedulingPolicy;
import io.drover.core.queue.JobQueue;
import io.drover.core.users.AccessKey;
import io.drover.core.users.User;

/** What changed in the control plane. Each event carries the object's whole new value. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "event")
@JsonSubTypes({
  @JsonSubTypes.Type(value = ControlPlaneEvent.ComputeEnvironmentCreated.class, name = "ComputeEnvironmentCreated"),
  @JsonSubTypes.Type(value = ControlPlaneEvent.ComputeEnvironmentUpdated.class, name = "ComputeEnvironmentUpdated"),
  @JsonSubTypes.Type(value = ControlPlaneEvent.ComputeEnvironmentDeleted.class, name = "ComputeEnvironmentDeleted"),
  @JsonSubTypes.Type(value = ControlPlaneEvent.JobQueueCreated.class, name = "JobQueueCreated"),
  @JsonSubTypes.Type(value = ControlPlaneEvent.JobQueueUpdated.class, name = "JobQueueUpdated"),
  @JsonSubTypes.Type(value = ControlPlaneEvent.JobQueueDeleted.class, name = "JobQueueDeleted"),
  @JsonSubTypes.Type(value = ControlPlaneEvent.JobDefinitionRegistered.class, name = "JobDefinitionRegistered"),
  @JsonSubTypes.Type(value = ControlPlaneEvent.JobDefinitionDeregistered.class, name = "JobDefinitionDeregistered"),
  @JsonSubTypes.Type(value = ControlPlaneEvent.SchedulingPolicyCreated.class, name = "SchedulingPolicyCreated"),
  @JsonSubTypes.Type(value = ControlPlaneEvent.SchedulingPolicyUpdated.class, name = "SchedulingPolicyUpdated"),
  @JsonSubTypes.Type(value = ControlPlaneEvent.SchedulingPolicyDeleted.class, name = "SchedulingPolicyDeleted"),
  @JsonSubTypes.Type(value = ControlPlaneEvent.UserCreated.class, name = "UserCreated"),
  @JsonSubTypes.Type(value = ControlPlaneEvent.UserUpdated.class, name = "UserUpdated"),
  @JsonSubTypes.Type(value = ControlPlaneEvent.UserDeleted.class, name = "UserDeleted"),
  @JsonSubTypes.Type(value = ControlPlaneEvent.AccessKeyCreated.class, name = "AccessKeyCreated"),
  @JsonSubTypes.Type(value = ControlPlaneEvent.AccessKeyUpdated.class, name = "AccessKeyUpdated"),
  @JsonSubTypes.Type(value = ControlPlaneEvent.AccessKeyDeleted.class, name = "AccessKeyDeleted"),
  @JsonSubTypes.Type(value = ControlPlaneEvent.HostDrained.class, name = "HostDrained"),
  @JsonSubTypes.Type(value = ControlPlaneEvent.HostUndrained.class, name = "HostUndrained")
})
public sealed interface ControlPlaneEvent extends CborSerializable {

  record ComputeEnvironmentCreated(ComputeEnvironment computeEnvironment) implements ControlPlaneEvent {}

  record ComputeEnvironmentUpdated(ComputeEnvironment computeEnvironment) implements ControlPlaneEvent {}

  record ComputeEnvironmentDeleted(String computeEnvironmentName) implements ControlPlaneEvent {}

  record JobQueueCreated(JobQueue jobQueue) implements ControlPlaneEvent {}

  record JobQueueUpdated(JobQueue jobQueue) implements ControlPlaneEvent {}

  record JobQueueDeleted(String jobQueueName) implements ControlPlaneEvent {}

  record JobDefinitionRegistered(JobDefinition jobDefinition) implements ControlPlaneEvent {}

  record JobDefinitionDeregistered(String jobDefinitionName, int revision) implements ControlPlaneEvent {}

  record SchedulingPolicyCreated(SchedulingPolicy schedulingPolicy) implements ControlPlaneEvent {}

  record SchedulingPolicyUpdated(SchedulingPolicy schedulingPolicy) implements ControlPlaneEvent {}

  record SchedulingPolicyDeleted(String name) implements ControlPlaneEvent {}

  record UserCreated(User user) implements ControlPlaneEvent {}

  /** A user's policies changed; carries the whole user. */
  record UserUpdated(User user) implements ControlPlaneEvent {}

  record UserDeleted(String userName) implements ControlPlaneEvent {}

  record AccessKeyCreated(AccessKey accessKey) implements ControlPlaneEvent {}

  record AccessKeyUpdated(AccessKey accessKey) implements ControlPlaneEvent {}

  record AccessKeyDeleted(String accessKeyId) implements ControlPlaneEvent {}

  /** An operator drained the host with agent id {@code hostId}. */
  record HostDrained(String hostId, DrainedHost drained) implements ControlPlaneEvent {}

  record HostUndrained(String hostId) implements ControlPlaneEvent {}
}
