package io.drover.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.it.support.Await;
import io.drover.it.support.DroverTestNode;
import io.drover.node.admin.SignedClient;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.BatchException;
import software.amazon.awssdk.services.batch.model.CEType;
import software.amazon.awssdk.services.batch.model.JobStatus;
import software.amazon.awssdk.services.batch.model.ResourceRequirement;
import software.amazon.awssdk.services.batch.model.ResourceType;

/**
 * The API is closed by default: every call is signed (SigV4) by a known, active key, within the
 * clock-skew window and not replayed; users reach only what their policies allow; callers are
 * rate-limited; oversized bodies are refused. A real node, real users and keys made through the
 * admin API.
 */
class SecurityTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient PLAIN = HttpClient.newHttpClient();

  private static DroverTestNode node;
  private static BatchClient root;
  private static SignedClient admin;
  private static String aliceKey;
  private static String aliceSecret;
  private static BatchClient alice;

  @BeforeAll
  static void start() throws Exception {
    node = DroverTestNode.start(DroverTestNode.uniqueKeyspacePrefix("it_security"), "sec-ce", DroverTestNode.Executor.PROCESS, Map.of(
        "drover.security.rate-limit.requests-per-second", 20,
        "drover.security.rate-limit.burst", 40));
    root = node.batch();
    admin = node.signed();
    root.createComputeEnvironment(b -> b.computeEnvironmentName("sec-ce").type(CEType.UNMANAGED)
        .tags(DroverTestNode.PROCESS_EXECUTOR));
    for (String queue : List.of("team-a", "team-b")) {
      root.createJobQueue(b -> b.jobQueueName(queue).priority(1)
          .computeEnvironmentOrder(o -> o.order(1).computeEnvironment("sec-ce")));
    }
    root.registerJobDefinition(b -> b.jobDefinitionName("echo").type("container")
        .containerProperties(c -> c.image("unused").command("sh", "-c", "echo secret-of-$AWS_BATCH_JQ_NAME")
            .resourceRequirements(
                ResourceRequirement.builder().type(ResourceType.VCPU).value("0.25").build(),
                ResourceRequirement.builder().type(ResourceType.MEMORY).value("16").build())));

    adminCall("CreateUser", Map.of("userName", "alice"));
    adminCall("PutUserPolicy", Map.of("userName", "alice", "policyName", "team-a", "policyDocument", """
        {"Version": "2012-10-17", "Statement": [
          {"Effect": "Allow", "Action": ["batch:SubmitJob", "batch:DescribeJobs", "batch:ListJobs", "batch:CancelJob"],
           "Resource": ["arn:aws:batch:us-east-1:000000000000:job-queue/team-a",
                        "arn:aws:batch:us-east-1:000000000000:job-definition/echo:*"]}]}
        """));
    JsonNode key = adminCall("CreateAccessKey", Map.of("userName", "alice")).path("accessKey");
    aliceKey = key.path("accessKeyId").asText();
    aliceSecret = key.path("secretAccessKey").asText();
    alice = DroverTestNode.batchClient(node.endpoint(), aliceKey, aliceSecret);
  }

  @AfterAll
  static void stop() {
    alice.close();
    node.close();
  }

  @Test
  void unsignedCallsAreRefusedEverywhere() throws Exception {
    HttpResponse<String> api = PLAIN.send(HttpRequest.newBuilder(URI.create(node.endpoint() + "/v1/describejobqueues"))
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    assertRefused(api, 403, "MissingAuthenticationTokenException");
    for (String path : List.of("/drover/v1/jobs/x/logs", "/drover/v1/events", "/drover/v1/cost")) {
      HttpResponse<String> get = PLAIN.send(HttpRequest.newBuilder(URI.create(node.endpoint() + path)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertRefused(get, 403, "MissingAuthenticationTokenException");
    }
    HttpResponse<String> adminApi = PLAIN.send(HttpRequest.newBuilder(URI.create(node.endpoint() + "/drover/v1/admin/ListUsers"))
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    assertRefused(adminApi, 403, "MissingAuthenticationTokenException");
  }

  @Test
  void wronglySignedCallsAreRefused() throws Exception {
    try (BatchClient wrongSecret = DroverTestNode.batchClient(node.endpoint(), aliceKey, aliceSecret + "x");
         BatchClient unknownKey = DroverTestNode.batchClient(node.endpoint(), "AKIAUNKNOWNKEY000000", aliceSecret)) {
      assertSdkRefused(403, "InvalidSignatureException", () -> wrongSecret.describeJobQueues(b -> {}));
      assertSdkRefused(403, "UnrecognizedClientException", () -> unknownKey.describeJobQueues(b -> {}));
    }
    String body = "{\"jobName\":\"tampered\",\"jobQueue\":\"team-a\",\"jobDefinition\":\"echo\"}";
    HttpRequest signedForOtherBody = sign("POST", "/v1/submitjob", body, Clock.systemUTC());
    HttpRequest tampered = HttpRequest.newBuilder(signedForOtherBody, (n, v) -> true)
        .POST(HttpRequest.BodyPublishers.ofString(body.replace("team-a", "team-b"))).build();
    assertRefused(PLAIN.send(tampered, HttpResponse.BodyHandlers.ofString()), 403, "InvalidSignatureException");

    Clock tenMinutesAgo = Clock.fixed(Instant.now().minus(Duration.ofMinutes(10)), ZoneOffset.UTC);
    HttpResponse<String> old = PLAIN.send(sign("POST", "/v1/describejobqueues", "{}", tenMinutesAgo),
        HttpResponse.BodyHandlers.ofString());
    assertRefused(old, 403, "InvalidSignatureException");
    assertTrue(old.body().contains("Signature expired"), old.body());
  }

  @Test
  void aReplayedSubmissionIsRefusedAndSubmitsNothing() throws Exception {
    String body = "{\"jobName\":\"replayed\",\"jobQueue\":\"team-a\",\"jobDefinition\":\"echo\"}";
    HttpRequest once = sign("POST", "/v1/submitjob", body, Clock.systemUTC());
    assertEquals(200, PLAIN.send(once, HttpResponse.BodyHandlers.ofString()).statusCode());
    assertRefused(PLAIN.send(once, HttpResponse.BodyHandlers.ofString()), 403, "InvalidSignatureException");
    long replayed = Await.until(Duration.ofSeconds(30),
        () -> root.listJobs(b -> b.jobQueue("team-a").filters(f -> f.name("JOB_NAME").values("replayed")))
            .jobSummaryList().size(),
        n -> n >= 1, "the first submission to be listed");
    assertEquals(1, replayed, "a replayed SubmitJob must not submit a second job");
  }

  @Test
  void aSubmissionTheSdkRetriesIsOneJobAndTheRetryAnswersWithIt() throws Exception {
    String invocation = UUID.randomUUID().toString();
    String body = "{\"jobName\":\"retried\",\"jobQueue\":\"team-a\",\"jobDefinition\":\"echo\"}";
    HttpResponse<String> first = PLAIN.send(sign("POST", "/v1/submitjob", body, Clock.systemUTC(), invocation),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, first.statusCode(), first.body());
    // The SDK's retry, a moment later: the same call id, signed again.
    Clock later = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(2));
    HttpResponse<String> retry = PLAIN.send(sign("POST", "/v1/submitjob", body, later, invocation),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, retry.statusCode(), retry.body());
    String jobId = JSON.readTree(first.body()).path("jobId").asText();
    assertEquals(jobId, JSON.readTree(retry.body()).path("jobId").asText());

    HttpResponse<String> reused = PLAIN.send(sign("POST", "/v1/submitjob",
            "{\"jobName\":\"another\",\"jobQueue\":\"team-a\",\"jobDefinition\":\"echo\"}",
            Clock.offset(Clock.systemUTC(), Duration.ofSeconds(4)), invocation),
        HttpResponse.BodyHandlers.ofString());
    assertRefused(reused, 400, "ClientException");
    assertTrue(reused.body().contains("amz-sdk-invocation-id (" + invocation + ") already submitted job " + jobId),
        reused.body());

    HttpResponse<String> otherCaller = PLAIN.send(admin.request("POST", "/v1/submitjob", body, invocation),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, otherCaller.statusCode(), otherCaller.body());
    assertNotEquals(jobId, JSON.readTree(otherCaller.body()).path("jobId").asText(),
        "the same call id from another access key is another call");

    long retried = Await.until(Duration.ofSeconds(30),
        () -> root.listJobs(b -> b.jobQueue("team-a").filters(f -> f.name("JOB_NAME").values("retried")))
            .jobSummaryList().size(),
        n -> n >= 2, "both callers' submissions to be listed");
    assertEquals(2, retried, "the retry must not have submitted a job of its own");
  }

  @Test
  void aUserLimitedToQueueACannotSubmitToListOrReadQueueB() throws Exception {
    String own = alice.submitJob(b -> b.jobName("mine").jobQueue("team-a").jobDefinition("echo")).jobId();
    String other = root.submitJob(b -> b.jobName("theirs").jobQueue("team-b").jobDefinition("echo")).jobId();

    assertSdkRefused(403, "AccessDeniedException",
        () -> alice.submitJob(b -> b.jobName("sneaky").jobQueue("team-b").jobDefinition("echo")));
    assertSdkRefused(403, "AccessDeniedException", () -> alice.listJobs(b -> b.jobQueue("team-b")));
    assertSdkRefused(403, "AccessDeniedException", () -> alice.describeJobQueues(b -> {}));
    assertSdkRefused(403, "AccessDeniedException", () -> alice.cancelJob(b -> b.jobId(other).reason("not mine")));

    awaitSucceeded(own);
    awaitSucceeded(other);
    assertEquals(List.of(own), alice.describeJobs(b -> b.jobs(own, other)).jobs().stream().map(j -> j.jobId()).toList(),
        "alice sees her job and not the other queue's");
    SignedClient aliceHttp = new SignedClient(URI.create(node.endpoint()), "us-east-1",
        AwsBasicCredentials.create(aliceKey, aliceSecret));
    HttpResponse<String> ownLogs = aliceHttp.get("/drover/v1/jobs/" + own + "/logs");
    assertEquals(200, ownLogs.statusCode(), ownLogs.body());
    assertEquals("secret-of-team-a\n", ownLogs.body());
    HttpResponse<String> otherLogs = aliceHttp.get("/drover/v1/jobs/" + other + "/logs");
    assertRefused(otherLogs, 403, "AccessDeniedException");
    assertTrue(!otherLogs.body().contains("secret-of-team-b"), otherLogs.body());
    assertRefused(aliceHttp.post("/drover/v1/admin/CreateUser", "{\"userName\":\"mallory\"}"), 403, "AccessDeniedException");
    assertRefused(aliceHttp.get("/drover/v1/cost"), 403, "AccessDeniedException");
  }

  @Test
  void aDeactivatedOrDeletedKeySignsNothing() throws Exception {
    adminCall("CreateUser", Map.of("userName", "temp"));
    adminCall("PutUserPolicy", Map.of("userName", "temp", "policyName", "read", "policyDocument",
        "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"batch:Describe*\",\"Resource\":\"*\"}}"));
    JsonNode key = adminCall("CreateAccessKey", Map.of("userName", "temp")).path("accessKey");
    String id = key.path("accessKeyId").asText();
    try (BatchClient temp = DroverTestNode.batchClient(node.endpoint(), id, key.path("secretAccessKey").asText())) {
      assertEquals(2, temp.describeJobQueues(b -> {}).jobQueues().size());
      adminCall("UpdateAccessKey", Map.of("userName", "temp", "accessKeyId", id, "status", "Inactive"));
      assertSdkRefused(403, "UnrecognizedClientException", () -> temp.describeJobQueues(b -> {}));
      adminCall("UpdateAccessKey", Map.of("userName", "temp", "accessKeyId", id, "status", "Active"));
      assertEquals(2, temp.describeJobQueues(b -> {}).jobQueues().size());
      adminCall("DeleteAccessKey", Map.of("userName", "temp", "accessKeyId", id));
      assertSdkRefused(403, "UnrecognizedClientException", () -> temp.describeJobQueues(b -> {}));
    }
    HttpResponse<String> stillHasPolicy = admin.post("/drover/v1/admin/DeleteUser", "{\"userName\":\"temp\"}");
    assertRefused(stillHasPolicy, 400, "ClientException");
    adminCall("DeleteUserPolicy", Map.of("userName", "temp", "policyName", "read"));
    adminCall("DeleteUser", Map.of("userName", "temp"));
  }

  @Test
  void aCallerOverItsRateIsThrottledOthersAreNot() throws Exception {
    // A user of its own, so that the bucket it empties is no other test's.
    adminCall("CreateUser", Map.of("userName", "hasty"));
    adminCall("PutUserPolicy", Map.of("userName", "hasty", "policyName", "list", "policyDocument", """
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "batch:ListJobs",
          "Resource": "arn:aws:batch:us-east-1:000000000000:job-queue/team-a"}]}
        """));
    JsonNode key = adminCall("CreateAccessKey", Map.of("userName", "hasty")).path("accessKey");
    SignedClient hasty = new SignedClient(URI.create(node.endpoint()), "us-east-1",
        AwsBasicCredentials.create(key.path("accessKeyId").asText(), key.path("secretAccessKey").asText()));
    List<Integer> statuses = new ArrayList<>();
    HttpResponse<String> throttled = null;
    for (int i = 0; i < 120 && throttled == null; i++) {
      HttpResponse<String> response = hasty.post("/v1/listjobs", "{\"jobQueue\":\"team-a\"}");
      statuses.add(response.statusCode());
      if (response.statusCode() == 429) {
        throttled = response;
      }
    }
    assertTrue(throttled != null, "120 calls at once were never throttled: " + statuses);
    assertRefused(throttled, 429, "TooManyRequestsException");
    assertEquals(200, admin.post("/v1/describejobqueues", "{}").statusCode(), "another key has its own rate");
  }

  @Test
  void anOversizedBodyIsRefusedBeforeAnythingHappens() throws Exception {
    String huge = "{\"jobName\":\"huge\",\"jobQueue\":\"team-a\",\"jobDefinition\":\"echo\",\"parameters\":{\"p\":\""
        + "x".repeat(31 * 1024) + "\"}}";
    assertRefused(admin.post("/v1/submitjob", huge), 413, "ClientException");
  }

  @Test
  void aCallerStillSendingAnOversizedBodyGetsThe413() throws Exception {
    // Sent slowly enough that the answer would come while the body is still on its way: the caller
    // must still read a 413, not a connection reset.
    URI api = URI.create(node.endpoint());
    int length = 900 * 1024;
    try (Socket socket = new Socket(api.getHost(), api.getPort())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /v1/submitjob HTTP/1.1\r\nHost: " + api.getAuthority() + "\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = new byte[64 * 1024];
      Arrays.fill(chunk, (byte) 'x');
      for (int sent = 0; sent < length; sent += chunk.length) {
        out.write(chunk, 0, Math.min(chunk.length, length - sent));
        out.flush();
        Thread.sleep(20);
      }
      String statusLine = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
      assertTrue(statusLine != null && statusLine.startsWith("HTTP/1.1 413 "), statusLine);
    }
  }

  @Test
  void aBodySentInChunksIsReadWholeAndHeldToTheSameLimit() throws Exception {
    // With no Content-Length the body streams in, unlike the whole bodies the SDKs send.
    String queues = "{\"jobQueues\":[\"team-a\"]}";
    HttpResponse<String> described = sendChunked(admin.request("POST", "/v1/describejobqueues", queues), queues);
    assertEquals(200, described.statusCode(), described.body());
    assertTrue(described.body().contains("team-a"), described.body());
    String huge = "{\"jobQueues\":[\"" + "x".repeat(31 * 1024) + "\"]}";
    assertRefused(sendChunked(admin.request("POST", "/v1/describejobqueues", huge), huge), 413, "ClientException");
  }

  @Test
  void enablingTheProcessExecutorNeedsItsOwnGrant() throws Exception {
    adminCall("CreateUser", Map.of("userName", "builder"));
    adminCall("PutUserPolicy", Map.of("userName", "builder", "policyName", "ce", "policyDocument",
        "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"batch:CreateComputeEnvironment\",\"Resource\":\"*\"}]}"));
    JsonNode key = adminCall("CreateAccessKey", Map.of("userName", "builder")).path("accessKey");
    try (BatchClient builder = DroverTestNode.batchClient(node.endpoint(), key.path("accessKeyId").asText(),
        key.path("secretAccessKey").asText())) {
      assertSdkRefused(403, "AccessDeniedException", () -> builder.createComputeEnvironment(b -> b
          .computeEnvironmentName("hosty").type(CEType.UNMANAGED).tags(DroverTestNode.PROCESS_EXECUTOR)));
      builder.createComputeEnvironment(b -> b.computeEnvironmentName("contained").type(CEType.UNMANAGED));
    }
    assertTrue(root.describeComputeEnvironments(b -> b.computeEnvironments("hosty")).computeEnvironments().isEmpty());
  }

  private static JsonNode adminCall(String operation, Map<String, String> body) throws Exception {
    HttpResponse<String> response = admin.post("/drover/v1/admin/" + operation, JSON.writeValueAsString(body));
    assertEquals(200, response.statusCode(), operation + ": " + response.body());
    return response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
  }

  /** A request signed by alice's key as the SDKs sign, at the time {@code clock} says. */
  private static HttpRequest sign(String method, String path, String body, Clock clock) {
    return sign(method, path, body, clock, UUID.randomUUID().toString());
  }

  private static HttpRequest sign(String method, String path, String body, Clock clock, String invocationId) {
    return new SignedClient(URI.create(node.endpoint()), "us-east-1", AwsBasicCredentials.create(aliceKey, aliceSecret),
        clock).request(method, path, body, invocationId);
  }

  /** {@code signed} with its body sent in chunks, of no length given beforehand. */
  private static HttpResponse<String> sendChunked(HttpRequest signed, String body) throws Exception {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    HttpRequest chunked = HttpRequest.newBuilder(signed, (name, value) -> true)
        .version(HttpClient.Version.HTTP_1_1)
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)))
        .build();
    return admin.http().send(chunked, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private static void awaitSucceeded(String jobId) {
    Await.until(Duration.ofSeconds(60), () -> root.describeJobs(b -> b.jobs(jobId)).jobs().get(0).status(),
        s -> s == JobStatus.SUCCEEDED || s == JobStatus.FAILED, "job " + jobId + " to finish");
  }

  private static void assertRefused(HttpResponse<String> response, int status, String type) {
    assertEquals(status, response.statusCode(), response.body());
    assertEquals(type, response.headers().firstValue("x-amzn-ErrorType").orElse(""), response.body());
    assertTrue(response.body().contains("\"__type\":\"" + type + "\""), response.body());
  }

  private static void assertSdkRefused(int status, String code, Runnable call) {
    BatchException e = assertThrows(BatchException.class, call::run);
    assertEquals(status, e.statusCode(), e.getMessage());
    assertEquals(code, e.awsErrorDetails().errorCode(), e.getMessage());
  }
}
