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
import io.drover.it.support.NodeProcess;
import io.drover.it.support.Hosts;
import io.drover.node.admin.OperatorCommand;
import io.drover.node.admin.SignedClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.services.batch.model.CEType;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobStatus;

/**
 * Hosts and the cluster as operators see them, on a real node whose agent is {@code it-agent}:
 * {@code GET /drover/v1/hosts} and {@code /cluster}, drain and undrain through the API and through
 * {@code ./drover status|drain|undrain} (run in-process), and a drain that outlives a restart of the
 * node (controller and agent both).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostsTest {

  private static final String CE = "hosts-ce";
  private static final String HOST = "it-agent";
  private static final String ACCOUNT = "arn:aws:batch:us-east-1:000000000000:";
  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEYSPACES = DroverTestNode.uniqueKeyspacePrefix("it_hosts");

  private static DroverTestNode node;
  private static SignedClient root;
  private static SignedClient viewer;
  private static SignedClient otherTeam;

  @BeforeAll
  static void start() throws Exception {
    node = DroverTestNode.start(KEYSPACES, CE, DroverTestNode.Executor.PROCESS);
    root = node.signed();
    node.batch().createComputeEnvironment(b -> b.computeEnvironmentName(CE).type(CEType.UNMANAGED)
        .tags(DroverTestNode.PROCESS_EXECUTOR));
    node.batch().createJobQueue(b -> b.jobQueueName("hosts-q").priority(1).computeEnvironmentOrder(order(1, CE)));
    node.batch().registerJobDefinition(b -> b.jobDefinitionName("quick").type("container")
        .containerProperties(c -> c.image("unused").command("echo", "hi").resourceRequirements(vcpu("1"), memory("64"))));
    viewer = user("viewer", """
        {"Version": "2012-10-17", "Statement": [
          {"Effect": "Allow", "Action": "drover:ListHosts", "Resource": "%scompute-environment/*"},
          {"Effect": "Allow", "Action": "drover:DescribeCluster", "Resource": "*"}]}
        """.formatted(ACCOUNT));
    otherTeam = user("other-team", """
        {"Version": "2012-10-17", "Statement": [
          {"Effect": "Allow", "Action": "drover:ListHosts", "Resource": "%scompute-environment/other-ce"}]}
        """.formatted(ACCOUNT));
    Await.until(TIMEOUT, HostsTest::theHost, host -> host != null && host.path("connected").asBoolean(),
        "the agent to report to the scheduler");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  @Order(1)
  void hostsListTheAgentWithItsCapacityAndNoDrain() throws Exception {
    JsonNode host = theHost();

    assertEquals(CE, host.path("computeEnvironment").asText());
    assertEquals("process", host.path("executor").asText());
    assertEquals("ON_DEMAND", host.path("lifecycle").asText());
    assertEquals(2.0, host.path("vcpus").asDouble());
    assertEquals(2048, host.path("memoryMiB").asLong());
    assertTrue(host.path("schedulable").asBoolean(), host.toString());
    assertTrue(host.has("drained") && host.path("drained").isNull(), host.toString());
    assertEquals(1, get(root, "/drover/v1/hosts?computeEnvironment=" + CE).path("hosts").size());
    assertEquals(0, get(root, "/drover/v1/hosts?computeEnvironment=elsewhere").path("hosts").size());
  }

  @Test
  @Order(2)
  void aJobWaitsWhileItsOnlyHostIsDrainedAndRunsOnceItIsUndrained() throws Exception {
    JsonNode drained = ok(root.post("/drover/v1/hosts/" + HOST + "/drain", "{\"reason\":\"disk swap\"}"));
    assertEquals("disk swap", drained.path("drained").path("reason").asText());
    assertEquals("arn:aws:iam::000000000000:root", drained.path("drained").path("drainedBy").asText());
    assertFalse(drained.path("schedulable").asBoolean());
    assertEquals("disk swap", theHost().path("drained").path("reason").asText());

    String jobId = node.batch().submitJob(b -> b.jobName("after-drain").jobQueue("hosts-q").jobDefinition("quick")).jobId();
    JobDetail waiting = Await.until(TIMEOUT, () -> describe(jobId),
        job -> job.statusReason() != null && job.statusReason().contains("draining"), "the job to wait for a host");
    assertEquals(JobStatus.RUNNABLE, waiting.status());
    assertTrue(waiting.statusReason().contains("every host of compute environment " + CE + " is draining"),
        waiting.statusReason());

    JsonNode undrained = ok(root.post("/drover/v1/hosts/" + HOST + "/undrain", ""));
    assertTrue(undrained.path("drained").isNull(), undrained.toString());
    assertTrue(undrained.path("schedulable").asBoolean(), "undrain answers the host as it is now: " + undrained);

    Await.until(TIMEOUT, () -> describe(jobId), job -> job.status() == JobStatus.SUCCEEDED, "the job to run once undrained");
  }

  @Test
  @Order(3)
  void drainingNeedsDrainHostOnTheHostAndListingShowsOnlyTheCallersComputeEnvironments() throws Exception {
    assertEquals(List.of(HOST), hostIds(get(viewer, "/drover/v1/hosts")));
    assertEquals(List.of(), hostIds(get(otherTeam, "/drover/v1/hosts")));

    HttpResponse<String> refused = viewer.post("/drover/v1/hosts/" + HOST + "/drain", "{}");
    assertEquals(403, refused.statusCode(), refused.body());
    JsonNode error = JSON.readTree(refused.body());
    assertEquals("AccessDeniedException", error.path("__type").asText());
    assertTrue(error.path("message").asText().contains("drover:DrainHost on resource: " + ACCOUNT + "host/" + HOST),
        refused.body());
    HttpResponse<String> noCluster = otherTeam.get("/drover/v1/cluster");
    assertEquals(403, noCluster.statusCode(), noCluster.body());
    assertTrue(theHost().path("drained").isNull(), "the refused drain changed nothing");
  }

  @Test
  @Order(4)
  void badDrainsAreClientErrorsNamingTheField() throws Exception {
    HttpResponse<String> unknown = root.post("/drover/v1/hosts/no-such-host/drain", "{}");
    assertEquals(400, unknown.statusCode(), unknown.body());
    assertTrue(unknown.body().contains("hostId 'no-such-host'"), unknown.body());

    HttpResponse<String> tooLong = root.post("/drover/v1/hosts/" + HOST + "/drain",
        "{\"reason\":\"" + "x".repeat(257) + "\"}");
    assertEquals(400, tooLong.statusCode(), tooLong.body());
    assertTrue(tooLong.body().contains("reason must be at most 256 characters"), tooLong.body());

    HttpResponse<String> typo = root.post("/drover/v1/hosts/" + HOST + "/drain", "{\"reasons\":\"x\"}");
    assertEquals(400, typo.statusCode(), typo.body());
    assertTrue(typo.body().contains("reasons"), typo.body());
  }

  @Test
  @Order(5)
  void theSameSignedUndrainSentTwiceIsARefusedReplay() throws Exception {
    HttpRequest undrain = root.request("POST", "/drover/v1/hosts/" + HOST + "/undrain", "{}");

    assertEquals(200, root.http().send(undrain, HttpResponse.BodyHandlers.ofString()).statusCode());
    HttpResponse<String> again = root.http().send(undrain, HttpResponse.BodyHandlers.ofString());
    assertEquals(403, again.statusCode(), again.body());
    assertEquals("InvalidSignatureException", JSON.readTree(again.body()).path("__type").asText());
  }

  @Test
  @Order(6)
  void clusterListsTheMemberWithItsRolesAndVersionAsTheOldest() throws Exception {
    JsonNode cluster = get(viewer, "/drover/v1/cluster");

    JsonNode members = cluster.path("members");
    assertEquals(1, members.size(), cluster.toString());
    JsonNode self = members.get(0);
    assertEquals(cluster.path("selfAddress").asText(), self.path("address").asText());
    assertEquals("[\"agent\",\"controller\"]", self.path("roles").toString());
    assertEquals("Up", self.path("status").asText());
    assertFalse(self.path("appVersion").asText().isEmpty(), self.toString());
    assertTrue(self.path("reachable").asBoolean());
    assertTrue(self.path("oldest").asBoolean());
    assertEquals(List.of(HOST), hostIds(cluster));
  }

  @Test
  @Order(7)
  void theStatusCommandShowsMembersReadyAndHostsAndDrainShowsTheReason() {
    Run status = cli("status", "--management-port", Integer.toString(node.managementPort()));

    assertEquals(0, status.code(), status.err());
    assertTrue(status.out().contains("agent,controller  Up"), status.out());
    assertTrue(status.out().contains("ready"), status.out());
    String hostLine = lineOf(status.out(), HOST);
    assertTrue(hostLine.contains(CE) && hostLine.contains("schedulable"), status.out());

    Run drain = cli("drain", HOST, "--reason", "BIOS update");
    assertEquals(0, drain.code(), drain.err());
    assertTrue(lineOf(drain.out(), HOST).contains("drained: BIOS update"), drain.out());

    Run unknownPort = cli("status", "--management-port", Integer.toString(NodeProcess.port()));
    assertEquals(0, unknownPort.code(), unknownPort.err());
    assertTrue(unknownPort.out().contains("unknown (connection refused"), unknownPort.out());
    assertTrue(unknownPort.out().contains("drained: BIOS update"), unknownPort.out());
  }

  @Test
  @Order(8)
  void aDrainOutlivesARestartOfTheNodeUntilUndrained() throws Exception {
    assertEquals("BIOS update", theHost().path("drained").path("reason").asText(), "drained by the previous test");
    node.close();
    node = DroverTestNode.start(KEYSPACES, CE, DroverTestNode.Executor.PROCESS);
    root = node.signed();

    JsonNode host = Await.until(TIMEOUT, HostsTest::theHost, h -> h != null && h.path("connected").asBoolean(),
        "the agent to report to the new scheduler");
    assertEquals("BIOS update", host.path("drained").path("reason").asText(), host.toString());
    assertFalse(host.path("schedulable").asBoolean());

    Run undrain = cli("undrain", HOST);
    assertEquals(0, undrain.code(), undrain.err());
    assertTrue(undrain.out().contains("schedulable"), undrain.out());
    assertTrue(theHost().path("drained").isNull());
  }

  private record Run(int code, String out, String err) {}

  /** The line of a table that starts with {@code first}, or empty. */
  private static String lineOf(String table, String first) {
    return table.lines().filter(line -> line.startsWith(first + " ")).findFirst().orElse("");
  }

  private static Run cli(String command, String... args) {
    List<String> arguments = new ArrayList<>(List.of(args));
    arguments.addAll(List.of("--endpoint", node.endpoint()));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = OperatorCommand.run(command, arguments,
        AwsBasicCredentials.create(DroverTestNode.ROOT_ACCESS_KEY_ID, DroverTestNode.ROOT_SECRET_ACCESS_KEY),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** The agent's entry in {@code /hosts}, or null while it is not listed. */
  private static JsonNode theHost() {
    return Hosts.find(root, HOST);
  }

  private static List<String> hostIds(JsonNode answer) {
    List<String> ids = new ArrayList<>();
    answer.path("hosts").forEach(host -> ids.add(host.path("hostId").asText()));
    return ids;
  }

  private static JsonNode get(SignedClient client, String path) throws Exception {
    return ok(client.get(path));
  }

  private static JsonNode ok(HttpResponse<String> response) throws Exception {
    assertEquals(200, response.statusCode(), response.body());
    return JSON.readTree(response.body());
  }

  private static JobDetail describe(String jobId) {
    return node.batch().describeJobs(b -> b.jobs(jobId)).jobs().get(0);
  }

  /** A user with {@code policy} and a key; a client signing with it. */
  private static SignedClient user(String name, String policy) throws Exception {
    ok(root.post("/drover/v1/admin/CreateUser", JSON.writeValueAsString(Map.of("userName", name))));
    ok(root.post("/drover/v1/admin/PutUserPolicy", JSON.writeValueAsString(
        Map.of("userName", name, "policyName", "hosts", "policyDocument", policy))));
    JsonNode key = ok(root.post("/drover/v1/admin/CreateAccessKey", JSON.writeValueAsString(Map.of("userName", name))))
        .path("accessKey");
    return new SignedClient(URI.create(node.endpoint()), "us-east-1",
        AwsBasicCredentials.create(key.path("accessKeyId").asText(), key.path("secretAccessKey").asText()));
  }
}
