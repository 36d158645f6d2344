package io.drover.it;

import static io.drover.it.ControlPlaneApiTest.memory;
import static io.drover.it.ControlPlaneApiTest.order;
import static io.drover.it.ControlPlaneApiTest.vcpu;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.drover.it.support.Await;
import io.drover.it.support.DroverTestNode;
import io.drover.node.admin.SignedClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.CEType;

/**
 * Job state changes as AWS's "Batch Job State Change" events: the server-sent event stream and
 * webhooks (one that fails at first, so delivery must retry).
 */
class EventsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private static HttpServer receiver;
  private static final List<JsonNode> delivered = new CopyOnWriteArrayList<>();
  private static final AtomicInteger refusals = new AtomicInteger(2);
  private static DroverTestNode node;
  private static BatchClient batch;

  @BeforeAll
  static void start() throws IOException {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/hook", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      int status = refusals.getAndDecrement() > 0 ? 503 : 200;
      if (status == 200) {
        delivered.add(JSON.readTree(body));
      }
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    });
    receiver.start();
    String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    node = DroverTestNode.start("it_events", "events-ce", DroverTestNode.Executor.PROCESS, Map.of(
        "drover.controller.events.webhooks", List.of(Map.of("url", url, "job-queues", List.of("events"))),
        "drover.controller.events.webhook-backoff", "200ms"));
    batch = node.batch();
    batch.createComputeEnvironment(b -> b.computeEnvironmentName("events-ce").type(CEType.UNMANAGED).tags(DroverTestNode.PROCESS_EXECUTOR));
    batch.createJobQueue(b -> b.jobQueueName("events").priority(1).computeEnvironmentOrder(order(1, "events-ce")));
    batch.createJobQueue(b -> b.jobQueueName("quiet").priority(1).computeEnvironmentOrder(order(1, "events-ce")));
    batch.registerJobDefinition(b -> b.jobDefinitionName("script").type("container")
        .containerProperties(c -> c.image("unused").command("true").resourceRequirements(vcpu("0.25"), memory("16"))));
  }

  @AfterAll
  static void stop() {
    node.close();
    receiver.stop(0);
  }

  @Test
  void theEventStreamCarriesEveryStatusOfAJobInAwsShape() throws Exception {
    List<JsonNode> streamed = new CopyOnWriteArrayList<>();
    SignedClient signed = node.signed();
    HttpRequest request = signed.request("GET", "/drover/v1/events?jobQueue=events", null);
    HttpResponse<Stream<String>> response = signed.http().send(request, HttpResponse.BodyHandlers.ofLines());
    assertEquals(200, response.statusCode());
    assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
    Thread reader = new Thread(() -> {
      try {
        response.body().filter(line -> line.startsWith("data:")).forEach(line -> streamed.add(parse(line.substring(5))));
      } catch (UncheckedIOException streamClosedWithTheNode) {
        // the node stops at the end of the class; the stream ends with it
      }
    });
    reader.setDaemon(true);
    reader.start();
    Thread.sleep(500);

    String jobId = batch.submitJob(b -> b.jobName("watched").jobQueue("events").jobDefinition("script")).jobId();
    batch.submitJob(b -> b.jobName("elsewhere").jobQueue("quiet").jobDefinition("script"));

    List<String> statuses = Await.until(TIMEOUT, () -> statusesOf(streamed, jobId),
        s -> s.contains("SUCCEEDED"), "the stream to carry job " + jobId + " to SUCCEEDED");
    assertEquals(List.of("RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED"), statuses);
    JsonNode event = streamed.stream().filter(e -> e.path("detail").path("jobId").asText().equals(jobId)).findFirst().orElseThrow();
    assertEquals("Batch Job State Change", event.path("detail-type").asText());
    assertEquals("aws.batch", event.path("source").asText());
    assertEquals("arn:aws:batch:us-east-1:000000000000:job/" + jobId, event.path("resources").get(0).asText());
    assertTrue(streamed.stream().allMatch(e -> e.path("detail").path("jobQueue").asText().endsWith("job-queue/events")),
        "only the events of the queue asked for");
  }

  @Test
  void webhooksGetEveryStatusChangeOfTheirQueuesEvenAfterRefusals() {
    String jobId = batch.submitJob(b -> b.jobName("hooked").jobQueue("events").jobDefinition("script")).jobId();
    String other = batch.submitJob(b -> b.jobName("not-hooked").jobQueue("quiet").jobDefinition("script")).jobId();

    List<String> statuses = Await.until(TIMEOUT, () -> statusesOf(delivered, jobId),
        s -> s.contains("SUCCEEDED"), "the webhook to receive job " + jobId + " SUCCEEDED");
    assertTrue(statuses.containsAll(List.of("RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED")), statuses.toString());
    assertTrue(refusals.get() < 0, "the receiver refused the first deliveries, which were retried");
    assertTrue(statusesOf(delivered, other).isEmpty(), "a webhook for queue events gets nothing of queue quiet");
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json.trim());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> statusesOf(List<JsonNode> events, String jobId) {
    return events.stream()
        .filter(e -> e.path("detail").path("jobId").asText().equals(jobId))
        .map(e -> e.path("detail").path("status").asText())
        .toList();
  }
}
