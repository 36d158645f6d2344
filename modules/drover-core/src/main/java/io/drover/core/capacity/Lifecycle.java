package io.drover.core.capacity;

/** How an instance is bought: On-Demand (AWS's compute resource type {@code EC2}) or Spot. */
public enum Lifecycle {
  ON_DEMAND("on-demand"),
  SPOT("spot");

  private final String agentValue;

  Lifecycle(String agentValue) {
    this.agentValue = agentValue;
  }

  /** The value an agent is started with ({@code drover.agent.lifecycle}, {@code DROVER_AGENT_LIFECYCLE}). */
  public String agentValue() {
    return agentValue;
  }
}
