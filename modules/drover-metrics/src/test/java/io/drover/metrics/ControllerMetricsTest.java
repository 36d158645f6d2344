package io.drover.metrics;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The gauges follow the scheduler's latest view, and the Cassandra summary its source. */
class ControllerMetricsTest {

  private final NodeMetrics node = new NodeMetrics(new PrometheusRegistry());
  private final ControllerMetrics metrics = node.controller();

  @Test
  void gaugesShowTheSchedulersViewWhileItRunsHere() {
    long tenSecondsAgo = System.currentTimeMillis() - 10_000;
    metrics.schedulerView(new SchedulerView(
        Map.of("high", new SchedulerView.Queue(3, tenSecondsAgo)),
        Map.of("spot-ce", new SchedulerView.Environment(2, 16, 4.5))));

    String text = scrape();
    assertTrue(text.contains("drover_jobs{queue=\"high\",status=\"RUNNABLE\"} 3.0"), text);
    assertTrue(text.contains("drover_runnable_oldest_age_seconds{queue=\"high\"} 1"), text);
    assertTrue(text.contains("drover_agents{compute_environment=\"spot-ce\"} 2.0"), text);
    assertTrue(text.contains("drover_agent_capacity_vcpus{compute_environment=\"spot-ce\"} 16.0"), text);
    assertTrue(text.contains("drover_agent_allocated_vcpus{compute_environment=\"spot-ce\"} 4.5"), text);

    metrics.schedulerView(SchedulerView.NONE);
    assertFalse(scrape().contains("drover_agents{"), "the singleton moved away");
  }

  @Test
  void cassandraLatenciesAreASummaryInSeconds() {
    assertFalse(scrape().contains("drover_cassandra_request_duration_seconds"), "no source, no series");

    metrics.cassandraRequests(() -> Optional.of(new RequestLatencies(42, 0.002, 0.010, 0.050)));

    String text = scrape();
    assertTrue(text.contains("# TYPE drover_cassandra_request_duration_seconds summary"), text);
    assertTrue(text.contains("drover_cassandra_request_duration_seconds{quantile=\"0.99\"} 0.05"), text);
    assertTrue(text.contains("drover_cassandra_request_duration_seconds_count 42"), text);
  }

  private String scrape() {
    return new String(node.scrape(), StandardCharsets.UTF_8);
  }
}
