package io.drover.it;

import static io.drover.it.ControlPlaneApiTest.memory;
import static io.drover.it.ControlPlaneApiTest.order;
import static io.drover.it.ControlPlaneApiTest.vcpu;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.it.support.Await;
import io.drover.it.support.DroverTestNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.CEType;
import software.amazon.awssdk.services.batch.model.JobStatus;

/**
 * {@code GET /metrics} on a real node's management port: a job submitted through the signed API and
 * run to success shows up in the counters, the submit-to-start histogram and the scheduler's view,
 * next to the JVM's metrics.
 */
class MetricsTest {

  private static DroverTestNode node;
  private static BatchClient batch;

  @BeforeAll
  static void start() {
    node = DroverTestNode.start(DroverTestNode.uniqueKeyspacePrefix("it_metrics"), "metrics-ce",
        DroverTestNode.Executor.PROCESS);
    batch = node.batch();
    batch.createComputeEnvironment(b -> b.computeEnvironmentName("metrics-ce").type(CEType.UNMANAGED)
        .tags(DroverTestNode.PROCESS_EXECUTOR));
    batch.createJobQueue(b -> b.jobQueueName("measured").priority(1).computeEnvironmentOrder(order(1, "metrics-ce")));
    batch.registerJobDefinition(b -> b.jobDefinitionName("quick").type("container")
        .containerProperties(c -> c.image("unused").command("true").resourceRequirements(vcpu("0.5"), memory("16"))));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void aJobRunToSuccessIsCountedOnTheManagementPort() {
    String jobId = batch.submitJob(b -> b.jobName("counted").jobQueue("measured").jobDefinition("quick")).jobId();
    Await.until(Duration.ofSeconds(60), () -> batch.describeJobs(b -> b.jobs(jobId)).jobs().get(0).status(),
        status -> status == JobStatus.SUCCEEDED, "the job to succeed");

    // Both views settle after the job's end: the scheduler's once the agent is registered, the
    // agent's gauge with its next status, up to status-min-interval after the attempt ended, which
    // can be after the job has persisted SUCCEEDED.
    String metrics = Await.until(Duration.ofSeconds(30), MetricsTest::scrape,
        text -> text.contains("drover_agents{compute_environment=\"metrics-ce\",lifecycle=\"on-demand\"} 1.0")
            && text.contains("drover_agent_running_attempts 0.0"),
        "the scheduler's view of the agent and the agent's end of the attempt in the metrics");

    assertTrue(metrics.contains("# HELP drover_jobs_submitted_total "), metrics);
    assertTrue(metrics.contains("drover_jobs_submitted_total{queue=\"measured\"} 1.0"), metrics);
    assertTrue(metrics.contains("drover_job_transitions_total{queue=\"measured\",to=\"RUNNABLE\"} 1.0"), metrics);
    assertTrue(metrics.contains("drover_job_transitions_total{queue=\"measured\",to=\"SUCCEEDED\"} 1.0"), metrics);
    assertTrue(metrics.contains("drover_job_submit_to_start_seconds_count{queue=\"measured\"} 1"), metrics);
    assertTrue(metrics.contains("drover_api_requests_total{code=\"200\",operation=\"submitjob\"} 1.0"), metrics);
    assertTrue(metrics.contains("drover_agent_capacity_vcpus{compute_environment=\"metrics-ce\"} 2.0"), metrics);
    assertTrue(metrics.contains("# TYPE drover_scheduler_pass_duration_seconds histogram"), metrics);
    assertTrue(metrics.contains("\ndrover_cassandra_request_duration_seconds{quantile=\"0.99\"} "), metrics);
    assertTrue(metrics.contains("\njvm_memory_used_bytes{area=\"heap\"} "), metrics);
  }

  @Test
  void theEndpointNeedsNoSignatureAndServesTheTextFormat() throws Exception {
    HttpResponse<String> response = get();
    assertEquals(200, response.statusCode());
    assertEquals("text/plain; version=0.0.4; charset=UTF-8", response.headers().firstValue("Content-Type").orElseThrow());
  }

  private static String scrape() {
    try {
      HttpResponse<String> response = get();
      assertEquals(200, response.statusCode(), response.body());
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static HttpResponse<String> get() throws IOException, InterruptedException {
    return HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.managementPort() + "/metrics"))
            .timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
