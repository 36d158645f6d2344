package io.drover.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** What an agent counts: the attempts it runs and the launches that failed. */
public final class AgentMetrics {

  private final Gauge runningAttempts;
  private final Counter launchFailures;

  AgentMetrics(PrometheusRegistry registry) {
    runningAttempts = Gauge.builder()
        .name("drover_agent_running_attempts")
        .help("Attempts this agent is running now (launched and not yet reported as ended).")
        .register(registry);
    launchFailures = Counter.builder()
        .name("drover_agent_launch_failures_total")
        .help("Attempts this agent could not start, by reason (refused, image pull, executor error).")
        .labelNames("reason")
        .register(registry);
  }

  public void runningAttempts(int count) {
    runningAttempts.set(count);
  }

  public void launchFailed(String reason) {
    launchFailures.labelValues(reason).inc();
  }
}
