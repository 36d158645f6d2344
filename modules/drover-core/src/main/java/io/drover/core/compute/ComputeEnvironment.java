package io.drover.core.compute;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.drover.core.CborSerializable;
import io.drover.core.model.ObjectStatus;
import io.drover.core.model.State;
import java.util.Map;

/**
 * A pool of hosts that run jobs, in AWS Batch's {@code ComputeEnvironmentDetail} shape. An
 * UNMANAGED environment is filled by agents that join on their own and name it; a MANAGED one
 * gets the instances its {@link ComputeResources} describe. Environments stored before MANAGED
 * existed read with {@code computeResources} null, as every UNMANAGED one has it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ComputeEnvironment(
    String computeEnvironmentName,
    String computeEnvironmentArn,
    Type type,
    State state,
    ObjectStatus status,
    String statusReason,
    Integer unmanagedvCpus,
    String serviceRole,
    Map<String, String> tags,
    String uuid,
    ComputeResources computeResources)
    implements CborSerializable {

  public enum Type {
    MANAGED,
    UNMANAGED
  }

  /**
   * The tag that lets this environment's agents run jobs with the process executor (commands
   * straight on the host, as an unprivileged user, without a container's isolation). Only a caller
   * allowed {@code drover:EnableProcessExecutor} may create an environment with it set to
   * {@value #PROCESS_EXECUTOR_ENABLED}; without it, the scheduler places nothing on process agents.
   */
  public static final String PROCESS_EXECUTOR_TAG = "drover:process-executor";

  public static final String PROCESS_EXECUTOR_ENABLED = "enabled";

  /** True when an administrator let this environment's agents run jobs as host processes. */
  public boolean processExecutorEnabled() {
    return enablesProcessExecutor(tags);
  }

  /** True when {@code tags} (an environment's, or a request's) enable the process executor. */
  public static boolean enablesProcessExecutor(Map<String, String> tags) {
    return tags != null && PROCESS_EXECUTOR_ENABLED.equals(tags.get(PROCESS_EXECUTOR_TAG));
  }

  public boolean enabled() {
    return state == State.ENABLED;
  }

  /** True when Drover launches this environment's instances (type MANAGED, with {@link #computeResources}). */
  public boolean managed() {
    return type == Type.MANAGED;
  }

  /** True for a MANAGED environment that launches Spot Instances. */
  public boolean spot() {
    return managed() && computeResources.spot();
  }

  /** {@code computeResources.maxvCpus} in thousandths of a vCPU; 0 (no limit) for an UNMANAGED environment. */
  public long maxMilliCpus() {
    return managed() ? computeResources.maxMilliCpus() : 0;
  }

  /** {@code computeResources.minvCpus} in thousandths of a vCPU; 0 for an UNMANAGED environment. */
  public long minMilliCpus() {
    return managed() ? computeResources.minMilliCpus() : 0;
  }

  /** {@code computeResources.desiredvCpus} in thousandths of a vCPU; 0 for an UNMANAGED environment. */
  public long desiredMilliCpus() {
    return managed() ? computeResources.desiredMilliCpus() : 0;
  }

  public ComputeEnvironment withState(State newState) {
    return new ComputeEnvironment(computeEnvironmentName, computeEnvironmentArn, type, newState, status,
        statusReason, unmanagedvCpus, serviceRole, tags, uuid, computeResources);
  }

  public ComputeEnvironment withUnmanagedvCpus(Integer value) {
    return new ComputeEnvironment(computeEnvironmentName, computeEnvironmentArn, type, state, status,
        statusReason, value, serviceRole, tags, uuid, computeResources);
  }

  public ComputeEnvironment withServiceRole(String value) {
    return new ComputeEnvironment(computeEnvironmentName, computeEnvironmentArn, type, state, status,
        statusReason, unmanagedvCpus, value, tags, uuid, computeResources);
  }

  public ComputeEnvironment withComputeResources(ComputeResources value) {
    return new ComputeEnvironment(computeEnvironmentName, computeEnvironmentArn, type, state, status,
        statusReason, unmanagedvCpus, serviceRole, tags, uuid, value);
  }
}
