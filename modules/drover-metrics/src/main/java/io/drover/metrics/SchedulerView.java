package io.drover.metrics;

import java.util.Map;

/**
 * What the scheduler singleton last saw, published after its passes for the gauges of the
 * controller that hosts it: RUNNABLE jobs per queue, agents and vCPUs per compute environment.
 */
public record SchedulerView(Map<String, Queue> queues, Map<String, Environment> environments) {

  public static final SchedulerView NONE = new SchedulerView(Map.of(), Map.of());

  public SchedulerView {
    queues = Map.copyOf(queues);
    environments = Map.copyOf(environments);
  }

  /** @param oldestRunnableSince epoch millis the oldest RUNNABLE job became RUNNABLE; 0 if none */
  public record Queue(int runnable, long oldestRunnableSince) {}

  /** Agents of a compute environment, how many of them on Spot hosts, and their vCPUs. */
  public record Environment(int agents, int spotAgents, double capacityVcpus, double allocatedVcpus) {

    /** One agent. */
    public static Environment of(boolean spot, double capacityVcpus, double allocatedVcpus) {
      return new Environment(1, spot ? 1 : 0, capacityVcpus, allocatedVcpus);
    }

    public Environment plus(Environment other) {
      return new Environment(agents + other.agents, spotAgents + other.spotAgents, capacityVcpus + other.capacityVcpus,
          allocatedVcpus + other.allocatedVcpus);
    }
  }
}
