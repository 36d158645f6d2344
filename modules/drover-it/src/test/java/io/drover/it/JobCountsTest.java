package io.drover.it;

import static io.drover.it.ControlPlaneApiTest.memory;
import static io.drover.it.ControlPlaneApiTest.order;
import static io.drover.it.ControlPlaneApiTest.vcpu;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.it.support.Await;
import io.drover.it.support.DroverTestNode;
import io.drover.node.admin.SignedClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.CEType;
import software.amazon.awssdk.services.batch.model.JobStatus;

/**
 * Jobs by queue and state on a real node: after jobs run to success, {@code drover_jobs} on the
 * management port and {@code GET /drover/v1/job-counts} both count them as SUCCEEDED, and a user who
 * may list the jobs of one queue only sees that queue's counts.
 */
class JobCountsTest {

  private static final int JOBS = 3;
  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static DroverTestNode node;
  private static BatchClient batch;
  private static SignedClient viewer;

  @BeforeAll
  static void runJobs() throws Exception {
    node = DroverTestNode.start(DroverTestNode.uniqueKeyspacePrefix("it_counts"), "counts-ce",
        DroverTestNode.Executor.PROCESS, Map.of("drover.controller.read-side.job-counts-refresh", "1s"));
    batch = node.batch();
    batch.createComputeEnvironment(b -> b.computeEnvironmentName("counts-ce").type(CEType.UNMANAGED)
        .tags(DroverTestNode.PROCESS_EXECUTOR));
    for (String queue : List.of("counted", "other")) {
      batch.createJobQueue(b -> b.jobQueueName(queue).priority(1).computeEnvironmentOrder(order(1, "counts-ce")));
    }
    batch.registerJobDefinition(b -> b.jobDefinitionName("quick").type("container")
        .containerProperties(c -> c.image("unused").command("true").resourceRequirements(vcpu("0.5"), memory("16"))));

    SignedClient root = node.signed();
    admin(root, "CreateUser", "{\"userName\":\"viewer\"}");
    admin(root, "PutUserPolicy", "{\"userName\":\"viewer\",\"policyName\":\"other-only\",\"policyDocument\":"
        + "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"batch:ListJobs\","
        + "\"Resource\":\"arn:aws:batch:us-east-1:000000000000:job-queue/other\"}}}");
    JsonNode key = JSON.readTree(admin(root, "CreateAccessKey", "{\"userName\":\"viewer\"}")).path("accessKey");
    viewer = new SignedClient(URI.create(node.endpoint()), "us-east-1",
        AwsBasicCredentials.create(key.path("accessKeyId").asText(), key.path("secretAccessKey").asText()));

    List<String> jobIds = new ArrayList<>();
    for (int i = 0; i < JOBS; i++) {
      String name = "counted-" + i;
      jobIds.add(batch.submitJob(b -> b.jobName(name).jobQueue("counted").jobDefinition("quick")).jobId());
    }
    Await.until(TIMEOUT, () -> batch.describeJobs(b -> b.jobs(jobIds)).jobs(),
        jobs -> jobs.stream().allMatch(j -> j.status() == JobStatus.SUCCEEDED), "the jobs to succeed");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void succeededJobsAreCountedInTheGaugeAndTheEndpointAlike() {
    String metrics = Await.until(TIMEOUT, JobCountsTest::scrape,
        text -> text.contains("drover_jobs{queue=\"counted\",state=\"SUCCEEDED\"} " + JOBS + ".0"),
        "drover_jobs to count the succeeded jobs");
    assertTrue(metrics.contains("drover_jobs{queue=\"counted\",state=\"RUNNING\"} 0.0"), metrics);
    assertTrue(metrics.contains("drover_jobs{queue=\"counted\",state=\"SUBMITTED\"} 0.0"), metrics);

    JsonNode counts = counts(node.signed(), "").path("queues");
    assertEquals(JOBS, counts.path("counted").path("SUCCEEDED").asLong(), counts.toString());
    for (String state : List.of("SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "FAILED")) {
      assertEquals(0, counts.path("counted").path(state).asLong(), state + " in " + counts);
    }
    assertEquals(0, counts.path("other").path("SUCCEEDED").asLong(), "a queue without jobs is answered with zeros");
    assertTrue(counts.path("other").has("RUNNING"), counts.toString());

    JsonNode one = counts(node.signed(), "?jobQueue=counted").path("queues");
    assertEquals(List.of("counted"), fieldNames(one));
    assertEquals(JOBS, one.path("counted").path("SUCCEEDED").asLong(), one.toString());

    String after = scrape();
    assertTrue(after.contains("drover_api_requests_total{code=\"200\",operation=\"job-counts\"} "), after);
  }

  @Test
  void aUserSeesOnlyTheQueuesTheyMayListJobsOn() throws Exception {
    JsonNode counts = counts(viewer, "").path("queues");
    assertEquals(List.of("other"), fieldNames(counts), "not the queue they may not list: " + counts);

    HttpResponse<String> refused = viewer.get("/drover/v1/job-counts?jobQueue=counted");
    assertEquals(403, refused.statusCode(), refused.body());
    assertTrue(refused.body().contains("AccessDeniedException") && refused.body().contains("job-queue/counted"),
        refused.body());

    HttpResponse<String> missing = node.signed().get("/drover/v1/job-counts?jobQueue=nowhere");
    assertEquals(400, missing.statusCode(), missing.body());
    assertTrue(missing.body().contains("jobQueue"), missing.body());
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static JsonNode counts(SignedClient client, String query) {
    try {
      HttpResponse<String> response = client.get("/drover/v1/job-counts" + query);
      assertEquals(200, response.statusCode(), response.body());
      assertFalse(response.body().isBlank());
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String admin(SignedClient root, String operation, String body) throws Exception {
    HttpResponse<String> response = root.post("/drover/v1/admin/" + operation, body);
    assertEquals(200, response.statusCode(), operation + ": " + response.body());
    return response.body();
  }

  private static String scrape() {
    try {
      HttpResponse<String> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.managementPort() + "/metrics"))
              .timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode(), response.body());
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
