package io.drover.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.it.support.DroverTestNode;
import io.drover.node.admin.SignedClient;
import io.drover.node.cassandra.RepoRoot;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.services.batch.model.CEType;
import software.amazon.awssdk.services.batch.model.ResourceRequirement;
import software.amazon.awssdk.services.batch.model.ResourceType;

/**
 * The web dashboard in a real browser: headless Chromium (Debian's {@code chromium}) driven by the
 * Playwright script in {@code src/test/dashboard}, against a real node. The script signs in, sees
 * the pages load, submits a job and watches it reach SUCCEEDED through the event stream, reads its
 * log, and checks that a read-only user is offered no operator actions. Its screenshots are kept in
 * {@code target/dashboard-screenshots}.
 */
class DashboardTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient PLAIN = HttpClient.newHttpClient();
  private static final String QUEUE = "dash-queue";
  private static final String FAIR_QUEUE = "dash-fair-queue";
  private static final String DEFINITION = "dash-echo";
  private static final String LOG_LINE = "hello from the dashboard test";
  private static final long SCRIPT_TIMEOUT_MINUTES = 10;

  private static DroverTestNode node;
  private static SignedClient admin;

  @BeforeAll
  static void start() {
    node = DroverTestNode.start(DroverTestNode.uniqueKeyspacePrefix("it_dashboard"), "dash-ce",
        DroverTestNode.Executor.PROCESS);
    admin = node.signed();
    node.batch().createComputeEnvironment(b -> b.computeEnvironmentName("dash-ce").type(CEType.UNMANAGED)
        .tags(DroverTestNode.PROCESS_EXECUTOR));
    node.batch().createJobQueue(b -> b.jobQueueName(QUEUE).priority(5)
        .computeEnvironmentOrder(o -> o.order(1).computeEnvironment("dash-ce")));
    String policy = node.batch().createSchedulingPolicy(b -> b.name("dash-fair").fairsharePolicy(f -> f
        .shareDistribution(s -> s.shareIdentifier("analytics").weightFactor(0.5f)))).arn();
    node.batch().createJobQueue(b -> b.jobQueueName(FAIR_QUEUE).priority(4).schedulingPolicyArn(policy)
        .computeEnvironmentOrder(o -> o.order(1).computeEnvironment("dash-ce")));
    node.batch().registerJobDefinition(b -> b.jobDefinitionName(DEFINITION).type("container")
        .containerProperties(c -> c.image("unused").command("sh", "-c", "echo '" + LOG_LINE + "'")
            .resourceRequirements(
                ResourceRequirement.builder().type(ResourceType.VCPU).value("0.25").build(),
                ResourceRequirement.builder().type(ResourceType.MEMORY).value("16").build())));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void onlyTheDashboardsFilesAnswerUnsigned() throws Exception {
    HttpResponse<String> page = PLAIN.send(HttpRequest.newBuilder(URI.create(node.endpoint() + "/ui/")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, page.statusCode());
    assertTrue(page.headers().firstValue("Content-Security-Policy").orElseThrow().startsWith("default-src 'none'"));
    HttpResponse<String> root = PLAIN.send(HttpRequest.newBuilder(URI.create(node.endpoint() + "/")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(302, root.statusCode());
    assertEquals("/ui/", root.headers().firstValue("Location").orElseThrow());

    for (String path : List.of("/drover/v1/whoami", "/ui-not", "/v1/describejobqueues")) {
      HttpResponse<String> unsigned = PLAIN.send(HttpRequest.newBuilder(URI.create(node.endpoint() + path)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(403, unsigned.statusCode(), path + ": " + unsigned.body());
      assertEquals("MissingAuthenticationTokenException", unsigned.headers().firstValue("x-amzn-ErrorType").orElseThrow());
    }
    HttpResponse<String> posted = PLAIN.send(HttpRequest.newBuilder(URI.create(node.endpoint() + "/ui/app.js"))
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(403, posted.statusCode(), "a POST to the dashboard's path is an API call, and must be signed");
    HttpResponse<String> signedUnknown = admin.get("/drover/v1/nothing-here");
    assertEquals(404, signedUnknown.statusCode(), signedUnknown.body());
    assertEquals("UnknownOperationException", signedUnknown.headers().firstValue("x-amzn-ErrorType").orElseThrow());
    HttpResponse<String> wrongMethod = admin.post("/drover/v1/whoami", "{}");
    assertEquals(405, wrongMethod.statusCode(), wrongMethod.body());
  }

  @Test
  void whoamiTellsOperatorsFromReaders() throws Exception {
    JsonNode root = JSON.readTree(ok(admin.get("/drover/v1/whoami")));
    assertTrue(root.path("admin").asBoolean(), root.toString());
    String[] reader = createUser("whoami-reader", readOnlyPolicy());
    SignedClient readerClient = new SignedClient(URI.create(node.endpoint()), "us-east-1",
        AwsBasicCredentials.create(reader[0], reader[1]));
    JsonNode me = JSON.readTree(ok(readerClient.get("/drover/v1/whoami")));
    assertEquals("whoami-reader", me.path("userName").asText());
    assertEquals("arn:aws:iam::000000000000:user/whoami-reader", me.path("userArn").asText());
    assertTrue(!me.path("admin").asBoolean(), me.toString());
  }

  @Test
  void aUserWatchesAJobSucceedAndReadsItsLogInTheBrowser() throws Exception {
    Path dir = RepoRoot.locate().resolve("modules/drover-it/src/test/dashboard");
    if (!Files.isDirectory(dir.resolve("node_modules/playwright-core"))) {
      fail("The dashboard's browser test needs its Node packages: run `npm ci` in " + dir
          + " (Node.js 20 or later), and install Debian's chromium (`apt-get install -y chromium`).");
    }
    Path chromium = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
    if (!Files.isExecutable(chromium)) {
      fail("The dashboard's browser test needs Chromium at " + chromium + ": `apt-get install -y chromium` "
          + "(or set CHROMIUM to another Chromium's path).");
    }
    String[] reader = createUser("dashboard-reader", readOnlyPolicy());
    Path screenshots = RepoRoot.locate().resolve("modules/drover-it/target/dashboard-screenshots");
    Path output = Files.createTempFile("drover-dashboard-test", ".log");

    ProcessBuilder script = new ProcessBuilder("node", "dashboard.mjs").directory(dir.toFile())
        .redirectErrorStream(true).redirectOutput(output.toFile());
    Map<String, String> env = script.environment();
    env.put("DROVER_ENDPOINT", node.endpoint());
    env.put("DROVER_ADMIN_KEY_ID", DroverTestNode.ROOT_ACCESS_KEY_ID);
    env.put("DROVER_ADMIN_SECRET", DroverTestNode.ROOT_SECRET_ACCESS_KEY);
    env.put("DROVER_READER_KEY_ID", reader[0]);
    env.put("DROVER_READER_SECRET", reader[1]);
    env.put("DROVER_QUEUE", QUEUE);
    env.put("DROVER_FAIR_QUEUE", FAIR_QUEUE);
    env.put("DROVER_JOB_DEFINITION", DEFINITION);
    env.put("DROVER_LOG_LINE", LOG_LINE);
    env.put("DROVER_SCREENSHOTS", screenshots.toString());
    env.put("CHROMIUM", chromium.toString());
    Process process = script.start();
    boolean finished = process.waitFor(SCRIPT_TIMEOUT_MINUTES, TimeUnit.MINUTES);
    if (!finished) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor();
    }
    String log = Files.readString(output, StandardCharsets.UTF_8);
    Files.delete(output);
    if (!finished || process.exitValue() != 0) {
      fail("The dashboard's browser script " + (finished ? "failed (exit " + process.exitValue() + ")"
          : "did not finish within " + SCRIPT_TIMEOUT_MINUTES + " minutes") + "; screenshots so far are in "
          + screenshots + ". Its output:\n" + log);
    }
    for (String shot : List.of("01-sign-in", "02-queues", "03-compute-environments", "04-hosts", "05-jobs",
        "06-job-detail", "07-job-detail-narrow", "08-queues-narrow", "09-queues-read-only")) {
      assertTrue(Files.size(screenshots.resolve(shot + ".png")) > 0, shot + ".png is missing\n" + log);
    }
  }

  private static String readOnlyPolicy() {
    return "{\"Version\": \"2012-10-17\", \"Statement\": {\"Effect\": \"Allow\","
        + " \"Action\": [\"batch:Describe*\", \"batch:List*\"], \"Resource\": \"*\"}}";
  }

  /** A user with one policy and an access key: {id, secret}. */
  private static String[] createUser(String name, String policy) throws Exception {
    ok(admin.post("/drover/v1/admin/CreateUser", JSON.writeValueAsString(Map.of("userName", name))));
    ok(admin.post("/drover/v1/admin/PutUserPolicy", JSON.writeValueAsString(
        Map.of("userName", name, "policyName", "read-only", "policyDocument", policy))));
    JsonNode key = JSON.readTree(ok(admin.post("/drover/v1/admin/CreateAccessKey",
        JSON.writeValueAsString(Map.of("userName", name))))).path("accessKey");
    return new String[] {key.path("accessKeyId").asText(), key.path("secretAccessKey").asText()};
  }

  private static String ok(HttpResponse<String> response) {
    assertEquals(200, response.statusCode(), response.body());
    return response.body();
  }
}
