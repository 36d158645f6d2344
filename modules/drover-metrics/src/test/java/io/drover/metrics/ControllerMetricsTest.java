package io.drover.metrics;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The gauges follow their latest values (scheduler's view, job counts, desired vCPUs) or sources (warm
 * jobs), and the Cassandra summary its source.
 */
class ControllerMetricsTest {

  private final NodeMetrics node = new NodeMetrics(new PrometheusRegistry());
  private final ControllerMetrics metrics = node.controller();

  @Test
  void gaugesShowTheSchedulersViewWhileItRunsHere() {
    long tenSecondsAgo = System.currentTimeMillis() - 10_000;
    metrics.schedulerView(new SchedulerView(
        Map.of("high", new SchedulerView.Queue(3, tenSecondsAgo)),
        Map.of("spot-ce", SchedulerView.Environment.of(true, 8, 4.5).plus(SchedulerView.Environment.of(false, 8, 0)))));

    String text = scrape();
    assertTrue(text.contains("drover_scheduler_runnable_jobs{queue=\"high\"} 3.0"), text);
    assertTrue(text.contains("drover_runnable_oldest_age_seconds{queue=\"high\"} 1"), text);
    assertTrue(text.contains("drover_agents{compute_environment=\"spot-ce\",lifecycle=\"spot\"} 1.0"), text);
    assertTrue(text.contains("drover_agents{compute_environment=\"spot-ce\",lifecycle=\"on-demand\"} 1.0"), text);
    assertTrue(text.contains("drover_agent_capacity_vcpus{compute_environment=\"spot-ce\"} 16.0"), text);
    assertTrue(text.contains("drover_agent_allocated_vcpus{compute_environment=\"spot-ce\"} 4.5"), text);

    metrics.schedulerView(SchedulerView.NONE);
    assertFalse(scrape().contains("drover_agents{"), "the singleton moved away");
  }

  @Test
  void jobCountsAndDesiredVcpusShowTheirLatestValues() {
    metrics.jobCounts(Map.of("high", Map.of("RUNNING", 4L, "SUCCEEDED", 10L)));
    metrics.desiredVcpus(Map.of("managed-ce", 32));

    String text = scrape();
    assertTrue(text.contains("drover_jobs{queue=\"high\",state=\"RUNNING\"} 4.0"), text);
    assertTrue(text.contains("drover_jobs{queue=\"high\",state=\"SUCCEEDED\"} 10.0"), text);
    assertTrue(text.contains("drover_compute_environment_desired_vcpus{compute_environment=\"managed-ce\"} 32.0"), text);

    metrics.desiredVcpus(Map.of());
    assertFalse(scrape().contains("drover_compute_environment_desired_vcpus{"), "the capacity manager stopped here");
  }

  @Test
  void warmJobsAreReadFromTheirSourceAtEachScrape() {
    assertTrue(scrape().contains("drover_job_entities_warm 0.0"), "no source yet");

    int[] held = {7};
    metrics.warmJobs(() -> held[0]);
    assertTrue(scrape().contains("drover_job_entities_warm 7.0"));
    held[0] = 3;
    assertTrue(scrape().contains("drover_job_entities_warm 3.0"));
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
