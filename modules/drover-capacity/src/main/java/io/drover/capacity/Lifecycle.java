package io.drover.capacity;

/** How an instance is bought: On-Demand, or Spot (cheaper, and EC2 may take it back). */
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
