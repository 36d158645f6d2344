package io.drover.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.core.controlplane.ControlPlaneState;
import io.drover.it.support.DroverTestNode;
import io.drover.node.admin.SignedClient;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.CEType;
import software.amazon.awssdk.services.batch.model.JobStatus;

/**
 * Drives every API operation with random and mutated requests, signed (by the root key, by a
 * user with narrow rights, with a wrong secret) and unsigned: never a 5xx, the node keeps serving,
 * and a refused request changes nothing (the control plane is unchanged, and no job it named
 * exists). The run is the same every time (seed 20261126); -Ddrover.fuzz.seed and
 * -Ddrover.fuzz.requests explore further.
 */
class ApiFuzzTest {

  private static final int REQUESTS = Integer.getInteger("drover.fuzz.requests", 4000);
  private static final long SEED = Long.getLong("drover.fuzz.seed", 20261126L);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** One valid request per operation, the starting points of the mutations. */
  private static final Map<String, String> SEEDS = new LinkedHashMap<>();

  static {
    SEEDS.put("/v1/createcomputeenvironment", "{\"computeEnvironmentName\":\"f-ce\",\"type\":\"UNMANAGED\",\"state\":\"ENABLED\",\"unmanagedvCpus\":4,\"tags\":{\"k\":\"v\"}}");
    SEEDS.put("/v1/updatecomputeenvironment", "{\"computeEnvironment\":\"fuzz-ce\",\"state\":\"ENABLED\",\"unmanagedvCpus\":8}");
    SEEDS.put("/v1/deletecomputeenvironment", "{\"computeEnvironment\":\"f-ce\"}");
    SEEDS.put("/v1/describecomputeenvironments", "{\"computeEnvironments\":[\"fuzz-ce\"],\"maxResults\":10}");
    SEEDS.put("/v1/createjobqueue", "{\"jobQueueName\":\"f-q\",\"priority\":1,\"state\":\"ENABLED\",\"computeEnvironmentOrder\":[{\"order\":1,\"computeEnvironment\":\"fuzz-ce\"}]}");
    SEEDS.put("/v1/updatejobqueue", "{\"jobQueue\":\"fuzz\",\"priority\":2,\"state\":\"ENABLED\"}");
    SEEDS.put("/v1/deletejobqueue", "{\"jobQueue\":\"f-q\"}");
    SEEDS.put("/v1/describejobqueues", "{\"jobQueues\":[\"fuzz\"],\"maxResults\":5,\"nextToken\":null}");
    SEEDS.put("/v1/registerjobdefinition", "{\"jobDefinitionName\":\"f-def\",\"type\":\"container\",\"parameters\":{\"a\":\"b\"},\"retryStrategy\":{\"attempts\":2},\"timeout\":{\"attemptDurationSeconds\":60},\"containerProperties\":{\"image\":\"unused\",\"command\":[\"true\"],\"environment\":[{\"name\":\"A\",\"value\":\"1\"}],\"resourceRequirements\":[{\"type\":\"VCPU\",\"value\":\"0.25\"},{\"type\":\"MEMORY\",\"value\":\"16\"}]}}");
    SEEDS.put("/v1/deregisterjobdefinition", "{\"jobDefinition\":\"f-def:1\"}");
    SEEDS.put("/v1/describejobdefinitions", "{\"jobDefinitionName\":\"fuzz\",\"status\":\"ACTIVE\"}");
    SEEDS.put("/v1/createschedulingpolicy", "{\"name\":\"f-p\",\"fairsharePolicy\":{\"shareDecaySeconds\":60,\"computeReservation\":1,\"shareDistribution\":[{\"shareIdentifier\":\"a\",\"weightFactor\":1.0}]}}");
    SEEDS.put("/v1/updateschedulingpolicy", "{\"arn\":\"f-p\",\"fairsharePolicy\":{\"shareDecaySeconds\":30}}");
    SEEDS.put("/v1/deleteschedulingpolicy", "{\"arn\":\"f-p\"}");
    SEEDS.put("/v1/describeschedulingpolicies", "{\"arns\":[\"f-p\"]}");
    SEEDS.put("/v1/listschedulingpolicies", "{\"maxResults\":10}");
    SEEDS.put("/v1/submitjob", "{\"jobName\":\"NAME\",\"jobQueue\":\"fuzz\",\"jobDefinition\":\"fuzz\",\"parameters\":{\"a\":\"b\"},\"arrayProperties\":{\"size\":2},\"retryStrategy\":{\"attempts\":1},\"timeout\":{\"attemptDurationSeconds\":30},\"containerOverrides\":{\"command\":[\"true\"],\"environment\":[{\"name\":\"X\",\"value\":\"y\"}]},\"tags\":{\"t\":\"v\"}}");
    SEEDS.put("/v1/describejobs", "{\"jobs\":[\"00000000-0000-0000-0000-000000000000\"]}");
    SEEDS.put("/v1/listjobs", "{\"jobQueue\":\"fuzz\",\"jobStatus\":\"SUCCEEDED\",\"maxResults\":10}");
    SEEDS.put("/v1/canceljob", "{\"jobId\":\"00000000-0000-0000-0000-000000000000\",\"reason\":\"fuzz\"}");
    SEEDS.put("/v1/terminatejob", "{\"jobId\":\"00000000-0000-0000-0000-000000000000\",\"reason\":\"fuzz\"}");
    SEEDS.put("/drover/v1/admin/CreateUser", "{\"userName\":\"f-user\"}");
    SEEDS.put("/drover/v1/admin/GetUser", "{\"userName\":\"narrow\"}");
    SEEDS.put("/drover/v1/admin/ListUsers", "{}");
    SEEDS.put("/drover/v1/admin/DeleteUser", "{\"userName\":\"f-user\"}");
    SEEDS.put("/drover/v1/admin/CreateAccessKey", "{\"userName\":\"f-user\"}");
    SEEDS.put("/drover/v1/admin/ListAccessKeys", "{\"userName\":\"narrow\"}");
    SEEDS.put("/drover/v1/admin/UpdateAccessKey", "{\"userName\":\"f-user\",\"accessKeyId\":\"AKIAAAAAAAAAAAAAAAAA\",\"status\":\"Inactive\"}");
    SEEDS.put("/drover/v1/admin/DeleteAccessKey", "{\"userName\":\"f-user\",\"accessKeyId\":\"AKIAAAAAAAAAAAAAAAAA\"}");
    SEEDS.put("/drover/v1/admin/PutUserPolicy", "{\"userName\":\"f-user\",\"policyName\":\"p\",\"policyDocument\":\"{\\\"Version\\\":\\\"2012-10-17\\\",\\\"Statement\\\":[{\\\"Effect\\\":\\\"Allow\\\",\\\"Action\\\":[\\\"batch:Describe*\\\"],\\\"Resource\\\":\\\"*\\\"}]}\"}");
    SEEDS.put("/drover/v1/admin/GetUserPolicy", "{\"userName\":\"narrow\",\"policyName\":\"fuzz\"}");
    SEEDS.put("/drover/v1/admin/ListUserPolicies", "{\"userName\":\"narrow\"}");
    SEEDS.put("/drover/v1/admin/DeleteUserPolicy", "{\"userName\":\"f-user\",\"policyName\":\"p\"}");
  }

  private static final List<String> GETS = List.of(
      "/drover/v1/jobs/JOB/logs", "/drover/v1/jobs/JOB/logs?attempt=1&fromSeq=0&limit=10&format=json",
      "/drover/v1/cost", "/drover/v1/cost?from=2026-01-01&to=2026-02-01&groupBy=queue");

  private static DroverTestNode node;
  private static SignedClient root;
  private static SignedClient narrow;
  private static SignedClient wrong;
  private static final HttpClient PLAIN = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    node = DroverTestNode.start(DroverTestNode.uniqueKeyspacePrefix("it_fuzz"), "fuzz-ce", DroverTestNode.Executor.PROCESS);
    BatchClient batch = node.batch();
    batch.createComputeEnvironment(b -> b.computeEnvironmentName("fuzz-ce").type(CEType.UNMANAGED)
        .tags(DroverTestNode.PROCESS_EXECUTOR));
    batch.createJobQueue(b -> b.jobQueueName("fuzz").priority(1)
        .computeEnvironmentOrder(o -> o.order(1).computeEnvironment("fuzz-ce")));
    batch.registerJobDefinition(b -> b.jobDefinitionName("fuzz").type("container")
        .containerProperties(c -> c.image("unused").command("true").vcpus(1).memory(16)));
    root = node.signed();
    post(root, "/drover/v1/admin/CreateUser", "{\"userName\":\"narrow\"}");
    post(root, "/drover/v1/admin/PutUserPolicy", "{\"userName\":\"narrow\",\"policyName\":\"fuzz\",\"policyDocument\":"
        + "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":[\"batch:SubmitJob\",\"batch:Describe*\"],\"Resource\":\"*\"}}}");
    JsonNode key = JSON.readTree(post(root, "/drover/v1/admin/CreateAccessKey", "{\"userName\":\"narrow\"}").body())
        .path("accessKey");
    URI endpoint = URI.create(node.endpoint());
    narrow = new SignedClient(endpoint, "us-east-1",
        AwsBasicCredentials.create(key.path("accessKeyId").asText(), key.path("secretAccessKey").asText()));
    wrong = new SignedClient(endpoint, "us-east-1",
        AwsBasicCredentials.create(DroverTestNode.ROOT_ACCESS_KEY_ID, "not-the-secret"));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void randomAndMutatedRequestsNeverFailTheServerNorChangeStateWhenRefused() throws Exception {
    Random random = new Random(SEED);
    System.out.println("ApiFuzzTest seed " + SEED + " (replay: -Ddrover.fuzz.seed=" + SEED + ")");
    Map<Integer, Integer> byStatus = new TreeMap<>();
    Set<String> refusedJobNames = new HashSet<>();
    List<String> knownJobs = new ArrayList<>(List.of("00000000-0000-0000-0000-000000000000"));
    for (int i = 0; i < REQUESTS; i++) {
      String jobName = "fuzz-" + i;
      Request request = request(random, jobName, knownJobs);
      ControlPlaneState before = controlPlane();
      HttpResponse<String> response = send(random, request);
      byStatus.merge(response.statusCode(), 1, Integer::sum);
      String what = "request " + i + " (seed " + SEED + "): " + request.method() + " " + request.path() + " "
          + abbreviate(request.body()) + " -> " + response.statusCode() + " " + abbreviate(response.body());
      assertTrue(response.statusCode() < 500, what);
      if (response.statusCode() >= 400) {
        assertEquals(before, controlPlane(), "a refused request changed the control plane: " + what);
        assertTrue(response.headers().firstValue("x-amzn-ErrorType").isPresent(), "no AWS error type: " + what);
        if (request.path().equals("/v1/submitjob")) {
          refusedJobNames.add(jobName);
        }
      } else if (request.path().equals("/v1/submitjob")) {
        knownJobs.add(JSON.readTree(response.body()).path("jobId").asText());
      }
    }
    System.out.println("ApiFuzzTest sent " + REQUESTS + " requests; responses by status: " + byStatus);

    assertEquals(200, post(root, "/v1/describejobqueues", "{}").statusCode(), "the node still serves");
    Set<String> listed = new HashSet<>();
    for (JobStatus status : List.of(JobStatus.SUBMITTED, JobStatus.PENDING, JobStatus.RUNNABLE, JobStatus.STARTING,
        JobStatus.RUNNING, JobStatus.SUCCEEDED, JobStatus.FAILED)) {
      String token = null;
      do {
        ObjectNode list = NODES.objectNode().put("jobQueue", "fuzz").put("jobStatus", status.toString());
        if (token != null) {
          list.put("nextToken", token);
        }
        JsonNode page = JSON.readTree(post(root, "/v1/listjobs", list.toString()).body());
        page.path("jobSummaryList").forEach(j -> listed.add(j.path("jobName").asText()));
        token = page.path("nextToken").isTextual() ? page.path("nextToken").asText() : null;
      } while (token != null);
    }
    listed.retainAll(refusedJobNames);
    assertTrue(listed.isEmpty(), "jobs exist for refused SubmitJob requests: " + listed);
  }

  private record Request(String method, String path, String body, int signer) {}

  private static Request request(Random random, String jobName, List<String> knownJobs) {
    int signer = random.nextInt(10);
    if (random.nextInt(8) == 0) {
      String path = GETS.get(random.nextInt(GETS.size())).replace("JOB", knownJobs.get(random.nextInt(knownJobs.size())));
      return new Request("GET", random.nextInt(4) == 0 ? mutatePath(random, path) : path, null, signer);
    }
    List<String> paths = new ArrayList<>(SEEDS.keySet());
    String path = paths.get(random.nextInt(paths.size()));
    String seed = SEEDS.get(path).replace("NAME", jobName)
        .replace("00000000-0000-0000-0000-000000000000", knownJobs.get(random.nextInt(knownJobs.size())));
    String body = switch (random.nextInt(6)) {
      case 0 -> seed;
      case 1 -> randomBytes(random);
      case 2 -> seed.substring(0, random.nextInt(seed.length()));
      default -> mutateJson(random, seed);
    };
    if (random.nextInt(20) == 0) {
      path = mutatePath(random, path);
    }
    return new Request("POST", path, body, signer);
  }

  /** 0-5: root; 6-7: the narrow user; 8: a wrong secret; 9: unsigned. */
  private static HttpResponse<String> send(Random random, Request request) throws Exception {
    SignedClient client = request.signer() < 6 ? root : request.signer() < 8 ? narrow : wrong;
    if (request.signer() == 9) {
      HttpRequest.Builder plain = HttpRequest.newBuilder(URI.create(node.endpoint() + request.path()));
      plain.method(request.method(), request.body() == null
          ? HttpRequest.BodyPublishers.noBody()
          : HttpRequest.BodyPublishers.ofString(request.body(), StandardCharsets.UTF_8));
      if (random.nextBoolean()) {
        plain.header("Authorization", "AWS4-HMAC-SHA256 Credential=" + randomText(random) + ", Signature=" + randomText(random));
      }
      return PLAIN.send(plain.build(), HttpResponse.BodyHandlers.ofString());
    }
    return request.body() == null ? client.get(request.path()) : client.post(request.path(), request.body());
  }

  private static String mutateJson(Random random, String seed) {
    try {
      JsonNode tree = JSON.readTree(seed);
      int mutations = 1 + random.nextInt(3);
      for (int m = 0; m < mutations; m++) {
        List<ObjectNode> objects = new ArrayList<>();
        collect(tree, objects);
        ObjectNode target = objects.get(random.nextInt(objects.size()));
        List<String> fields = new ArrayList<>();
        target.fieldNames().forEachRemaining(fields::add);
        String field = fields.isEmpty() || random.nextInt(6) == 0 ? randomText(random) : fields.get(random.nextInt(fields.size()));
        if (random.nextInt(5) == 0) {
          target.remove(field);
        } else {
          target.set(field, randomValue(random, 0));
        }
      }
      return JSON.writeValueAsString(tree);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void collect(JsonNode node, List<ObjectNode> objects) {
    if (node instanceof ObjectNode object) {
      objects.add(object);
    }
    for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
      collect(it.next(), objects);
    }
  }

  private static JsonNode randomValue(Random random, int depth) {
    return switch (random.nextInt(depth > 2 ? 10 : 13)) {
      case 0 -> NODES.nullNode();
      case 1 -> NODES.numberNode(random.nextInt());
      case 2 -> NODES.numberNode(random.nextLong());
      case 3 -> NODES.numberNode(random.nextDouble() * 1e12 - 5e11);
      case 4 -> NODES.booleanNode(random.nextBoolean());
      case 5 -> NODES.textNode("");
      case 6 -> NODES.textNode("x".repeat(random.nextInt(3000)));
      case 7 -> NODES.textNode(randomText(random));
      case 8 -> NODES.textNode(List.of("ENABLED", "DISABLED", "MANAGED", "UNMANAGED", "SUCCEEDED", "VCPU", "MEMORY",
          "arn:aws:batch:us-east-1:000000000000:job-queue/fuzz", "fuzz", "-1", "0", "1e9", "*", "../..")
          .get(random.nextInt(14)));
      case 9 -> NODES.numberNode(List.of(0, -1, 1, Integer.MAX_VALUE, Integer.MIN_VALUE, 10_001).get(random.nextInt(6)));
      case 10 -> {
        ArrayNode array = NODES.arrayNode();
        int n = random.nextInt(4) == 0 ? random.nextInt(200) : random.nextInt(4);
        for (int i = 0; i < n; i++) {
          array.add(randomValue(random, depth + 1));
        }
        yield array;
      }
      case 11 -> {
        ObjectNode object = NODES.objectNode();
        for (int i = random.nextInt(4); i > 0; i--) {
          object.set(randomText(random), randomValue(random, depth + 1));
        }
        yield object;
      }
      default -> NODES.textNode(new String(Character.toChars(0x1F600 + random.nextInt(50))) + "\u0000\ud800");
    };
  }

  /** A changed path, still a valid URI: what is random in it is percent-encoded. */
  private static String mutatePath(Random random, String path) {
    return switch (random.nextInt(4)) {
      case 0 -> path + "/" + encoded(random);
      case 1 -> path.toUpperCase();
      case 2 -> path + (path.contains("?") ? "&" : "?") + encoded(random) + "=" + encoded(random);
      default -> "/v1/" + encoded(random);
    };
  }

  private static String encoded(Random random) {
    return URLEncoder.encode(randomText(random), StandardCharsets.UTF_8);
  }

  private static String randomText(Random random) {
    String alphabet = "abcXYZ019-_:/.*?%~ {}[]\"'\\";
    StringBuilder text = new StringBuilder();
    for (int i = random.nextInt(24); i >= 0; i--) {
      text.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return text.toString();
  }

  private static String randomBytes(Random random) {
    byte[] bytes = new byte[random.nextInt(300)];
    random.nextBytes(bytes);
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }

  private static ControlPlaneState controlPlane() {
    return node.node().controller().orElseThrow().controlPlane().state();
  }

  private static HttpResponse<String> post(SignedClient client, String path, String body) throws Exception {
    return client.post(path, body);
  }

  private static String abbreviate(String text) {
    return text == null ? "" : text.length() > 300 ? text.substring(0, 300) + "..." : text;
  }
}
