package io.drover.controller.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.core.iam.PolicyDocument;
import io.drover.core.iam.Principal;
import io.drover.core.model.AwsIdentity;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's static files as a browser gets them over HTTP (content types, security headers,
 * nothing outside the dashboard's folder, 404 for what is not there), and who counts as an operator.
 */
class DashboardRoutesTest {

  private static final AwsIdentity IDENTITY = new AwsIdentity("us-east-1", "123456789012");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static ActorTestKit testKit;
  private static ServerBinding binding;

  @BeforeAll
  static void bind() throws Exception {
    testKit = ActorTestKit.create();
    DashboardRoutes dashboard = new DashboardRoutes();
    AllDirectives fallback = new AllDirectives() {};
    binding = Http.get(testKit.system()).newServerAt("127.0.0.1", 0)
        .bind(fallback.concat(dashboard.route(), fallback.complete(StatusCodes.IM_A_TEAPOT, "the API's routes")))
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void unbind() throws Exception {
    binding.unbind().toCompletableFuture().get(30, TimeUnit.SECONDS);
    testKit.shutdownTestKit();
  }

  @Test
  void servesEachFileWithItsTypeAndStrictHeaders() throws Exception {
    for (String[] file : List.of(
        new String[] {"/ui/", "text/html; charset=UTF-8"},
        new String[] {"/ui/index.html", "text/html; charset=UTF-8"},
        new String[] {"/ui/app.js", "text/javascript; charset=UTF-8"},
        new String[] {"/ui/sigv4.js", "text/javascript; charset=UTF-8"},
        new String[] {"/ui/style.css", "text/css; charset=UTF-8"})) {
      HttpResponse<String> response = get(file[0]);
      assertEquals(200, response.statusCode(), file[0]);
      assertEquals(file[1], response.headers().firstValue("Content-Type").orElseThrow(), file[0]);
      assertEquals("no-cache", response.headers().firstValue("Cache-Control").orElseThrow(), file[0]);
      assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElseThrow(), file[0]);
      String policy = response.headers().firstValue("Content-Security-Policy").orElseThrow();
      assertTrue(policy.contains("default-src 'none'") && policy.contains("script-src 'self'")
          && policy.contains("connect-src 'self'") && !policy.contains("unsafe"), policy);
    }
    assertTrue(get("/ui/").body().contains("<script type=\"module\" src=\"app.js\">"));
  }

  @Test
  void redirectsTheRootToTheDashboard() throws Exception {
    for (String path : List.of("/", "/ui")) {
      HttpResponse<String> response = get(path);
      assertEquals(302, response.statusCode(), path);
      assertEquals("/ui/", response.headers().firstValue("Location").orElseThrow(), path);
    }
  }

  @Test
  void answersNotFoundForUnknownFiles() throws Exception {
    for (String path : List.of("/ui/missing.js", "/ui/app.exe", "/ui/APP.JS", "/ui/sub/app.js", "/ui/.hidden.js",
        "/ui/..%2freference.conf")) {
      HttpResponse<String> response = get(path);
      assertEquals(404, response.statusCode(), path);
      assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElseThrow(), path);
      assertTrue(response.body().contains("Open /ui/ for the dashboard"), response.body());
    }
    assertEquals(404, new DashboardRoutes().asset("../reference.conf").status().intValue());
    assertEquals(404, new DashboardRoutes().asset("").status().intValue());
  }

  @Test
  void noPathLeavesTheDashboardsFolder() throws Exception {
    for (String path : List.of("/ui/../reference.conf", "/ui/./../../reference.conf", "/ui/%2e%2e/reference.conf",
        "/ui/%2e%2e%2freference.conf", "/ui/..\\reference.conf")) {
      String answer = rawGet(path);
      assertFalse(answer.contains("drover {"), path + " served a file outside the dashboard: " + answer);
      assertFalse(answer.startsWith("HTTP/1.1 200"), path + ": " + answer);
    }
  }

  @Test
  void leavesOtherPathsAndMethodsToTheApi() throws Exception {
    assertEquals(418, get("/v1/describejobqueues").statusCode());
    assertEquals(418, get("/uix").statusCode());
    assertEquals(418, HTTP.send(HttpRequest.newBuilder(uri("/ui/app.js")).POST(HttpRequest.BodyPublishers.ofString("{}"))
        .build(), HttpResponse.BodyHandlers.ofString()).statusCode());
  }

  @Test
  void anAdministratorIsAnOperator() {
    DashboardRoutes.Whoami admin = DashboardRoutes.whoami(principal(PolicyDocument.adminPolicy()), IDENTITY);
    assertTrue(admin.admin());
    assertEquals("someone", admin.userName());
    assertEquals("arn:aws:iam::123456789012:user/someone", admin.userArn());
    assertEquals("AKIASOMEONE", admin.accessKeyId());
  }

  @Test
  void operatorRightsOnEveryQueueAndHostMakeAnOperator() throws Exception {
    assertTrue(DashboardRoutes.whoami(principal(policy("""
        {"Statement": [
          {"Effect": "Allow", "Action": ["batch:UpdateJobQueue", "batch:TerminateJob"],
           "Resource": "arn:aws:batch:us-east-1:123456789012:job-queue/*"},
          {"Effect": "Allow", "Action": "drover:DrainHost", "Resource": "*"}]}
        """)), IDENTITY).admin());
  }

  @Test
  void readersAndOneQueuesOperatorsAreReadOnly() throws Exception {
    assertFalse(DashboardRoutes.whoami(principal(policy("""
        {"Statement": {"Effect": "Allow", "Action": ["batch:Describe*", "batch:List*"], "Resource": "*"}}
        """)), IDENTITY).admin());
    assertFalse(DashboardRoutes.whoami(principal(policy("""
        {"Statement": [
          {"Effect": "Allow", "Action": ["batch:UpdateJobQueue", "batch:TerminateJob"],
           "Resource": "arn:aws:batch:us-east-1:123456789012:job-queue/team-a"},
          {"Effect": "Allow", "Action": "drover:DrainHost", "Resource": "*"}]}
        """)), IDENTITY).admin());
    assertFalse(DashboardRoutes.whoami(principal(policy("""
        {"Statement": [
          {"Effect": "Allow", "Action": "*", "Resource": "*"},
          {"Effect": "Deny", "Action": "drover:DrainHost", "Resource": "*"}]}
        """)), IDENTITY).admin());
    assertFalse(DashboardRoutes.whoami(new Principal("nobody", IDENTITY.userArn("nobody"), "AKIANOBODY", List.of()),
        IDENTITY).admin());
  }

  private static Principal principal(PolicyDocument policy) {
    return new Principal("someone", IDENTITY.userArn("someone"), "AKIASOMEONE", List.of(policy));
  }

  private static PolicyDocument policy(String json) throws IOException {
    return PolicyDocument.parse(new ObjectMapper().readValue(json, Object.class), "policyDocument");
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static java.net.URI uri(String path) {
    return java.net.URI.create("http://127.0.0.1:" + binding.localAddress().getPort() + path);
  }

  /** A GET whose path goes on the wire exactly as given, dot segments and all (HTTP clients would resolve them). */
  private static String rawGet(String path) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", binding.localAddress().getPort())) {
      socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
