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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.AttemptDetail;
import software.amazon.awssdk.services.batch.model.CEType;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobStatus;
import software.amazon.awssdk.services.batch.model.ShareAttributes;
import software.amazon.awssdk.services.batch.model.SubmitJobRequest;

/**
 * {@code GET /drover/v1/cost} on a real node whose agent says it is a Spot c5.xlarge (4 vCPU,
 * 8 GiB) at a price of its own, with the On-Demand price from the price table: jobs in two queues,
 * with shares and tags, run (process executor) and the report adds up to what their attempts cost.
 * The prices are far above EC2's so that seconds of work cost more than the report's rounding.
 */
class CostReportTest {

  /** Its own keyspaces on every run, so a reused Cassandra never holds this class's earlier jobs. */
  private static final String KEYSPACE = "it_cost_" + Long.toString(System.currentTimeMillis() / 1000 % 1_000_000, 36);
  private static final String CE = "cost-ce";
  private static final double SPOT_PRICE = 36.0;
  private static final double ON_DEMAND_PRICE = 90.0;
  private static final double HOST_VCPUS = 4;
  /** The report rounds each sum to millionths. */
  private static final double ROUNDING = 1e-5;
  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static DroverTestNode node;
  private static BatchClient batch;
  private static final List<String> jobIds = new ArrayList<>();
  private static long since;

  @BeforeAll
  static void runJobs() {
    since = System.currentTimeMillis();
    node = DroverTestNode.start(KEYSPACE, CE, DroverTestNode.Executor.PROCESS, Map.of(
        "drover.agent.vcpus", 4,
        "drover.agent.memory-mib", 8192,
        "drover.agent.instance-type", "c5.xlarge",
        "drover.agent.lifecycle", "spot",
        "drover.agent.spot.watch", "off",
        "drover.agent.hourly-price", Double.toString(SPOT_PRICE),
        "drover.pricing.on-demand.\"c5.xlarge\"", ON_DEMAND_PRICE));
    batch = node.batch();
    batch.createComputeEnvironment(b -> b.computeEnvironmentName(CE).type(CEType.UNMANAGED).tags(DroverTestNode.PROCESS_EXECUTOR));
    batch.createJobQueue(b -> b.jobQueueName("etl").priority(1).computeEnvironmentOrder(order(1, CE)));
    String policy = batch.createSchedulingPolicy(b -> b.name("teams").fairsharePolicy(f -> f.shareDistribution(
        ShareAttributes.builder().shareIdentifier("a").build(),
        ShareAttributes.builder().shareIdentifier("b").build()))).arn();
    batch.createJobQueue(b -> b.jobQueueName("ml").priority(1).schedulingPolicyArn(policy)
        .computeEnvironmentOrder(order(1, CE)));
    batch.registerJobDefinition(b -> b.jobDefinitionName("work").type("container")
        .containerProperties(c -> c.image("unused").command("sleep", "1").resourceRequirements(vcpu("1"), memory("512"))));

    submit("etl", "etl-1", Map.of("team", "data"), b -> {});
    submit("etl", "etl-2", Map.of("team", "data"), b -> {});
    submit("etl", "etl-wide", Map.of("team", "web"), b -> b.containerOverrides(o -> o.resourceRequirements(vcpu("2"))));
    submit("ml", "ml-a1", Map.of("team", "data"), b -> b.shareIdentifier("a"));
    submit("ml", "ml-a2", Map.of("team", "data"), b -> b.shareIdentifier("a"));
    submit("ml", "ml-b", Map.of(), b -> b.shareIdentifier("b"));
    for (String jobId : jobIds) {
      Await.until(TIMEOUT, () -> describe(jobId), j -> j.status() == JobStatus.SUCCEEDED, jobId + " to succeed");
    }
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void eachQueuesCostIsItsShareOfTheHostAtTheHostsPriceAndTheQueuesAddUpToTheTotal() throws Exception {
    JsonNode report = awaitReport("groupBy=queue&from=" + since);
    System.out.println("GET /drover/v1/cost?groupBy=queue -> " + request("groupBy=queue&from=" + since).body());

    Map<String, Double> expectedCost = new HashMap<>();
    Map<String, Double> expectedVcpuHours = new HashMap<>();
    for (String jobId : jobIds) {
      JobDetail job = describe(jobId);
      String queue = job.jobQueue().substring(job.jobQueue().lastIndexOf('/') + 1);
      double vcpus = job.jobName().equals("etl-wide") ? 2 : 1;
      for (AttemptDetail attempt : job.attempts()) {
        double hours = (attempt.stoppedAt() - attempt.startedAt()) / 3_600_000.0;
        expectedCost.merge(queue, SPOT_PRICE * (vcpus / HOST_VCPUS) * hours, Double::sum);
        expectedVcpuHours.merge(queue, vcpus * hours, Double::sum);
      }
    }
    System.out.println("Expected from DescribeJobs' attempts: cost " + expectedCost + ", vCPU-hours " + expectedVcpuHours);

    assertEquals("queue", report.path("groupBy").asText());
    JsonNode groups = report.path("groups");
    assertEquals(2, groups.size(), groups.toString());
    for (JsonNode group : groups) {
      String queue = group.path("key").asText();
      assertEquals(3, group.path("attempts").asLong(), queue);
      assertEquals(0, group.path("unpricedAttempts").asLong(), queue);
      assertEquals(expectedCost.get(queue), group.path("cost").asDouble(), ROUNDING, queue);
      assertEquals(expectedCost.get(queue) * ON_DEMAND_PRICE / SPOT_PRICE, group.path("onDemandCost").asDouble(), ROUNDING,
          "the On-Demand comparison of " + queue);
      assertEquals(expectedVcpuHours.get(queue), group.path("vcpuHours").asDouble(), ROUNDING, queue);
    }
    assertAddsUp(report);
    JsonNode total = report.path("total");
    assertFalse(total.has("key"));
    assertEquals(6, total.path("attempts").asLong());
    assertEquals(expectedCost.values().stream().mapToDouble(Double::doubleValue).sum(), total.path("cost").asDouble(),
        ROUNDING);
    assertTrue(total.path("savings").asDouble() > 0, "Spot saved against On-Demand: " + total);
  }

  @Test
  void sharesTagsAndLifecyclesGroupTheSameAttempts() throws Exception {
    JsonNode byShare = awaitReport("groupBy=shareIdentifier&from=" + since);
    assertEquals(Map.of("a", 2L, "b", 1L, "(none)", 3L), attemptsByKey(byShare), "first in, first out jobs have no share");
    assertAddsUp(byShare);

    JsonNode byTeam = awaitReport("groupBy=tag:team&from=" + since);
    System.out.println("GET /drover/v1/cost?groupBy=tag:team -> " + request("groupBy=tag:team&from=" + since).body());
    assertEquals(Map.of("data", 4L, "web", 1L, "(none)", 1L), attemptsByKey(byTeam));
    assertAddsUp(byTeam);

    JsonNode byLifecycle = awaitReport("groupBy=lifecycle&from=" + since);
    assertEquals(Map.of("SPOT", 6L), attemptsByKey(byLifecycle));
    JsonNode byType = awaitReport("groupBy=instanceType&from=" + since);
    assertEquals(Map.of("c5.xlarge", 6L), attemptsByKey(byType));
  }

  @Test
  void theRangeAcceptsIsoTimesDatesAndEpochMillisAndLeavesOutWhatEndedOutsideIt() {
    String to = Instant.now().plusSeconds(60).truncatedTo(ChronoUnit.SECONDS).toString();
    JsonNode iso = awaitReport("from=" + Instant.ofEpochMilli(since) + "&to=" + URLEncoder.encode(to, StandardCharsets.UTF_8));
    assertEquals(Instant.ofEpochMilli(since).toString(), iso.path("from").asText());
    assertEquals(to, iso.path("to").asText());
    assertEquals(6, iso.path("total").path("attempts").asLong());

    JsonNode before = get("from=2020-01-01&to=2020-01-02");
    assertEquals("2020-01-01T00:00:00Z", before.path("from").asText());
    assertEquals(0, before.path("total").path("attempts").asLong());
    assertEquals(0, before.path("groups").size());

    JsonNode lastDay = get("");
    assertEquals(Duration.ofDays(1).toMillis(),
        Instant.parse(lastDay.path("to").asText()).toEpochMilli() - Instant.parse(lastDay.path("from").asText()).toEpochMilli(),
        "the last 24 hours by default");
    assertEquals("queue", lastDay.path("groupBy").asText());
  }

  @Test
  void badParametersAreClientErrorsNamingTheParameter() throws Exception {
    assertClientError("from=yesterday", "from 'yesterday'");
    assertClientError("to=2025-13-45", "to '2025-13-45'");
    assertClientError("from=2025-03-02&to=2025-03-01", "from (2025-03-02T00:00:00Z) must be before to");
    assertClientError("groupBy=owner", "groupBy 'owner'");
  }

  private static void assertClientError(String query, String fragment) throws Exception {
    HttpResponse<String> response = request(query);
    assertEquals(400, response.statusCode(), response.body());
    assertEquals("ClientException", response.headers().firstValue("x-amzn-ErrorType").orElse(null));
    JsonNode body = JSON.readTree(response.body());
    assertEquals("ClientException", body.path("__type").asText());
    assertTrue(body.path("message").asText().contains(fragment), body.toString());
  }

  /** Every group's sums add up to the total, and each saved its On-Demand cost less its cost. */
  private static void assertAddsUp(JsonNode report) {
    JsonNode total = report.path("total");
    for (String sum : List.of("attempts", "unpricedAttempts", "vcpuHours", "cost", "onDemandCost", "savings")) {
      double groups = 0;
      for (JsonNode group : report.path("groups")) {
        groups += group.path(sum).asDouble();
      }
      assertEquals(total.path(sum).asDouble(), groups, ROUNDING, sum + " of " + report);
    }
    for (JsonNode group : report.path("groups")) {
      assertEquals(group.path("onDemandCost").asDouble() - group.path("cost").asDouble(), group.path("savings").asDouble(),
          ROUNDING, group.toString());
    }
  }

  private static Map<String, Long> attemptsByKey(JsonNode report) {
    Map<String, Long> attempts = new HashMap<>();
    report.path("groups").forEach(g -> attempts.put(g.has("key") ? g.path("key").asText() : "(none)",
        g.path("attempts").asLong()));
    return attempts;
  }

  /** The report once the read side has every attempt (it trails the jobs by a few seconds). */
  private static JsonNode awaitReport(String query) {
    return Await.until(TIMEOUT, () -> get(query), r -> r.path("total").path("attempts").asLong() == jobIds.size(),
        "the cost report to count every attempt");
  }

  private static JsonNode get(String query) {
    try {
      HttpResponse<String> response = request(query);
      assertEquals(200, response.statusCode(), response.body());
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static HttpResponse<String> request(String query) throws IOException, InterruptedException {
    return node.signed().get("/drover/v1/cost" + (query.isEmpty() ? "" : "?" + query));
  }

  private static void submit(String queue, String name, Map<String, String> tags, Consumer<SubmitJobRequest.Builder> more) {
    jobIds.add(batch.submitJob(b -> {
      b.jobName(name).jobQueue(queue).jobDefinition("work").tags(tags);
      more.accept(b);
    }).jobId());
  }

  private static JobDetail describe(String jobId) {
    return batch.describeJobs(b -> b.jobs(jobId)).jobs().get(0);
  }
}
