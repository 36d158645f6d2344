package io.drover.core.scheduling;

import io.drover.core.model.Resources;

/**
 * An agent's host as one scheduling pass sees it.
 *
 * @param allocated what attempts placed on it hold now, including placements not yet confirmed
 * @param schedulable false while the host drains or is unhealthy: it takes no new placements
 * @param spot true for a Spot instance, which placement prefers over On-Demand
 */
public record HostView(
    String agentId, String computeEnvironment, Resources capacity, Resources allocated, boolean schedulable, boolean spot) {

  public HostView(String agentId, String computeEnvironment, Resources capacity, Resources allocated, boolean schedulable) {
    this(agentId, computeEnvironment, capacity, allocated, schedulable, false);
  }
}
