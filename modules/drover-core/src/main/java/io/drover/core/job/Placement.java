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
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Placement(String agentId, String agentRef, String host, String instanceId, String computeEnvironment)
    implements CborSerializable {

  /** How the host is named in status reasons: the EC2 instance id when known. */
  public String hostDescription() {
    return instanceId != null ? "EC2 (instance " + instanceId + ")" : host + " (agent " + agentId + ")";
  }
}
