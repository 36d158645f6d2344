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
        .help("Attempts the agents of this node are running (launched and not yet ended).")
        .register(registry);
    launchFailures = Counter.builder()
        .name("drover_agent_launch_failures_total")
        .help("Attempts the agents of this node could not start, by the error their reason names (CannotPullContainerError, CannotStartContainerError, other).")
        .labelNames("reason")
        .register(registry);
  }

  /** An agent of this node runs {@code delta} more attempts (fewer when negative) than it last said. */
  public void runningAttemptsChanged(int delta) {
    if (delta != 0) {
      runningAttempts.inc(delta);
    }
  }

  public void launchFailed(String reason) {
    launchFailures.labelValues(reason).inc();
  }
}
