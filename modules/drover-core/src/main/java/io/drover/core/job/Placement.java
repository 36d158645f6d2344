package io.drover.core.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.drover.core.CborSerializable;
import io.drover.core.model.Resources;

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
 * @param instanceType the host's EC2 instance type as its agent reports it; null when unknown
 * @param hourlyPrice what the host costs, USD per hour; null when unknown
 * @param onDemandHourlyPrice what the same host costs On-Demand, USD per hour; null when unknown
 * @param spot whether the host is a Spot instance; null for attempts placed before this was recorded
 * @param hostCapacity what the host offers jobs in all, so that an attempt's share of it (and of its
 *     price) is known; null for attempts placed before this was recorded
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Placement(
    String agentId,
    String agentRef,
    String host,
    String instanceId,
    String computeEnvironment,
    boolean reattachable,
    String instanceType,
    Double hourlyPrice,
    Double onDemandHourlyPrice,
    Boolean spot,
    Resources hostCapacity)
    implements CborSerializable {

  /** A host whose type, price and capacity are not recorded. */
  public Placement(
      String agentId, String agentRef, String host, String instanceId, String computeEnvironment, boolean reattachable) {
    this(agentId, agentRef, host, instanceId, computeEnvironment, reattachable, null, null, null, null, null);
  }

  /** The same host, reached through a new incarnation of its agent. */
  public Placement withAgentRef(String newAgentRef) {
    return new Placement(agentId, newAgentRef, host, instanceId, computeEnvironment, reattachable, instanceType,
        hourlyPrice, onDemandHourlyPrice, spot, hostCapacity);
  }

  /** How the host is named in status reasons: the EC2 instance id when known. */
  public String hostDescription() {
    return instanceId != null ? "EC2 (instance " + instanceId + ")" : host + " (agent " + agentId + ")";
  }
}
