package io.drover.core.compute;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.drover.core.CborSerializable;
import io.drover.core.model.ObjectStatus;
import io.drover.core.model.State;
import java.util.Map;

/**
 * A pool of hosts that run jobs, in AWS Batch's {@code ComputeEnvironmentDetail} shape. An
 * UNMANAGED environment is filled by agents that join on their own and name it.
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
    String uuid)
    implements CborSerializable {

  public enum Type {
    MANAGED,
    UNMANAGED
  }

  public boolean enabled() {
    return state == State.ENABLED;
  }

  public ComputeEnvironment withState(State newState) {
    return new ComputeEnvironment(computeEnvironmentName, computeEnvironmentArn, type, newState, status,
        statusReason, unmanagedvCpus, serviceRole, tags, uuid);
  }

  public ComputeEnvironment withUnmanagedvCpus(Integer value) {
    return new ComputeEnvironment(computeEnvironmentName, computeEnvironmentArn, type, state, status,
        statusReason, value, serviceRole, tags, uuid);
  }

  public ComputeEnvironment withServiceRole(String value) {
    return new ComputeEnvironment(computeEnvironmentName, computeEnvironmentArn, type, state, status,
        statusReason, unmanagedvCpus, value, tags, uuid);
  }
}
