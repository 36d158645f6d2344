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

  public record Environment(int agents, double capacityVcpus, double allocatedVcpus) {}
}
