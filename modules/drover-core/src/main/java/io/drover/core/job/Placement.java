package io.drover.core.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.drover.core.CborSerializable;

/**
 * Where an attempt runs.
 *
 * @param agentId the agent's stable id (one per host)
 * @param agentRef the agent actor's address in Pekko's serialized form, resolved by the job entity
 * @param host the host name, shown to users
 * @param instanceId the EC2 instance id when the host is one, else null
 * @param computeEnvironment the compute environment's name
 * @param reattachable whether the attempt outlives its agent process (a Docker container does, a
 *     plain child process does not), so that a restarted agent on the same host can re-attach to it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Placement(
    String agentId, String agentRef, String host, String instanceId, String computeEnvironment, boolean reattachable)
    implements CborSerializable {

  /** The same host, reached through a new incarnation of its agent. */
  public Placement withAgentRef(String newAgentRef) {
    return new Placement(agentId, newAgentRef, host, instanceId, computeEnvironment, reattachable);
  }

  /** How the host is named in status reasons: the EC2 instance id when known. */
  public String hostDescription() {
    return instanceId != null ? "EC2 (instance " + instanceId + ")" : host + " (agent " + agentId + ")";
  }
}
