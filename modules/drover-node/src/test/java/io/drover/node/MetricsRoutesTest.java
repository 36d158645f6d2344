package io.drover.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.metrics.ControllerMetrics;
import io.drover.metrics.NodeMetrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.management.javadsl.ManagementRouteProviderSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MetricsRoutesTest {

  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final NodeMetrics metrics = NodeMetrics.get(testKit.system());
  private static ServerBinding binding;

  @BeforeAll
  static void bind() throws Exception {
    // As Pekko Management creates it: from the classic system, finding the node's registry.
    var route = new MetricsRoutes((ExtendedActorSystem) Adapter.toClassic(testKit.system())).routes(ManagementRouteProviderSettings.create(Uri.create("http://127.0.0.1")));
    binding = Http.get(testKit.system()).newServerAt("127.0.0.1", 0).bind(route).toCompletableFuture().get();
  }

  @AfterAll
  static void stop() {
    binding.unbind();
    testKit.shutdownTestKit();
  }

  @Test
  void servesTheRegistryInPrometheusTextFormat() throws Exception {
    ControllerMetrics controller = metrics.controller();
    controller.submitted("high");
    controller.transition("high", "RUNNABLE");
    controller.firstStart("high", 1_500);
    controller.apiRequest("SubmitJob", 200, 3_000_000);

    HttpResponse<String> response = get("/metrics");

    assertEquals(200, response.statusCode());
    assertEquals("text/plain; version=0.0.4; charset=UTF-8",
        response.headers().firstValue("Content-Type").orElseThrow());
    String body = response.body();
    assertTrue(body.contains("# HELP drover_jobs_submitted_total "), body);
    assertTrue(body.contains("# TYPE drover_jobs_submitted_total counter"), body);
    assertTrue(body.contains("drover_jobs_submitted_total{queue=\"high\"} 1.0"), body);
    assertTrue(body.contains("drover_job_transitions_total{queue=\"high\",to=\"RUNNABLE\"} 1.0"), body);
    assertTrue(body.contains("drover_job_submit_to_start_seconds_bucket{queue=\"high\",le=\"2.5\"} 1"), body);
    assertTrue(body.contains("drover_job_submit_to_start_seconds_bucket{queue=\"high\",le=\"1.0\"} 0"), body);
    assertTrue(body.contains("drover_job_submit_to_start_seconds_count{queue=\"high\"} 1"), body);
    assertTrue(body.contains("drover_api_requests_total{code=\"200\",operation=\"SubmitJob\"} 1.0"), body);
    assertTrue(body.contains("# TYPE jvm_memory_used_bytes gauge"), body);
  }

  @Test
  void answersOnlyItsPath() throws Exception {
    assertEquals(404, get("/metrics/extra").statusCode());
  }

  private static HttpResponse<String> get(String path) throws Exception {
    int port = binding.localAddress().getPort();
    return HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
