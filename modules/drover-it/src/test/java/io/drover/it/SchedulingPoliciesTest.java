package io.drover.it;

import static io.drover.it.ControlPlaneApiTest.memory;
import static io.drover.it.ControlPlaneApiTest.order;
import static io.drover.it.ControlPlaneApiTest.vcpu;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.it.support.Await;
import io.drover.it.support.DroverTestNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.CEType;
import software.amazon.awssdk.services.batch.model.ClientException;
import software.amazon.awssdk.services.batch.model.CreateSchedulingPolicyResponse;
import software.amazon.awssdk.services.batch.model.FairsharePolicy;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobStatus;
import software.amazon.awssdk.services.batch.model.JobQueueDetail;
import software.amazon.awssdk.services.batch.model.JobStateTimeLimitAction;
import software.amazon.awssdk.services.batch.model.JobStateTimeLimitActionsAction;
import software.amazon.awssdk.services.batch.model.JobStateTimeLimitActionsState;
import software.amazon.awssdk.services.batch.model.ListSchedulingPoliciesResponse;
import software.amazon.awssdk.services.batch.model.SchedulingPolicyDetail;
import software.amazon.awssdk.services.batch.model.SchedulingPolicyListingDetail;
import software.amazon.awssdk.services.batch.model.ShareAttributes;

/**
 * Scheduling policies, fair-share queues and share identifiers through the AWS SDK for Java v2,
 * against a real node on a real Cassandra, and Drover's array concurrency cap.
 */
class SchedulingPoliciesTest {

  private static final String ARN_PREFIX = "arn:aws:batch:us-east-1:000000000000:";

  private static DroverTestNode node;
  private static BatchClient batch;

  @BeforeAll
  static void start() {
    node = DroverTestNode.start("it_policies", "policies-ce", DroverTestNode.Executor.PROCESS);
    batch = node.batch();
    batch.createComputeEnvironment(b -> b.computeEnvironmentName("policies-ce").type(CEType.UNMANAGED).tags(DroverTestNode.PROCESS_EXECUTOR));
    batch.createJobQueue(b -> b.jobQueueName("fifo").priority(1).computeEnvironmentOrder(order(1, "policies-ce")));
    batch.registerJobDefinition(b -> b.jobDefinitionName("quick").type("container").schedulingPriority(7)
        .containerProperties(c -> c.image("unused").command("true").resourceRequirements(vcpu("0.1"), memory("16"))));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void schedulingPolicyLifecycle() {
    CreateSchedulingPolicyResponse created = batch.createSchedulingPolicy(b -> b.name("lifecycle")
        .fairsharePolicy(f -> f.shareDecaySeconds(3600).computeReservation(10)
            .shareDistribution(share("team_a", 0.5f), share("team_*", null)))
        .tags(Map.of("team", "data")));
    assertEquals("lifecycle", created.name());
    assertEquals(ARN_PREFIX + "scheduling-policy/lifecycle", created.arn());

    SchedulingPolicyDetail detail = describe(created.arn());
    assertEquals("lifecycle", detail.name());
    assertEquals(created.arn(), detail.arn());
    assertEquals(Map.of("team", "data"), detail.tags());
    assertEquals(3600, detail.fairsharePolicy().shareDecaySeconds());
    assertEquals(10, detail.fairsharePolicy().computeReservation());
    assertEquals(List.of(share("team_a", 0.5f), share("team_*", 1.0f)), detail.fairsharePolicy().shareDistribution());

    batch.updateSchedulingPolicy(b -> b.arn(created.arn()).fairsharePolicy(f -> f.shareDecaySeconds(60)
        .shareDistribution(share("team_b", 4f))));
    FairsharePolicy updated = describe(created.arn()).fairsharePolicy();
    assertEquals(60, updated.shareDecaySeconds());
    assertEquals(0, updated.computeReservation());
    assertEquals(List.of(share("team_b", 4f)), updated.shareDistribution());
    assertEquals(Map.of("team", "data"), describe(created.arn()).tags());

    batch.deleteSchedulingPolicy(b -> b.arn(created.arn()));
    assertTrue(batch.describeSchedulingPolicies(b -> b.arns(created.arn())).schedulingPolicies().isEmpty());
  }

  @Test
  void listSchedulingPoliciesPagesThroughEveryPolicyOnce() {
    IntStream.range(0, 7).forEach(i -> batch.createSchedulingPolicy(b -> b.name("listed-" + i)));
    List<String> seen = new ArrayList<>();
    String token = null;
    do {
      String next = token;
      ListSchedulingPoliciesResponse page = batch.listSchedulingPolicies(b -> b.maxResults(3).nextToken(next));
      assertTrue(page.schedulingPolicies().size() <= 3);
      page.schedulingPolicies().stream().map(SchedulingPolicyListingDetail::arn)
          .filter(arn -> arn.contains("/listed-")).forEach(seen::add);
      token = page.nextToken();
    } while (token != null);
    assertEquals(IntStream.range(0, 7).mapToObj(i -> ARN_PREFIX + "scheduling-policy/listed-" + i).toList(), seen);

    List<String> described = batch.describeSchedulingPolicies(b -> b.arns(ARN_PREFIX + "scheduling-policy/listed-2",
            "listed-5", ARN_PREFIX + "scheduling-policy/never-created"))
        .schedulingPolicies().stream().map(SchedulingPolicyDetail::name).toList();
    assertEquals(List.of("listed-2", "listed-5"), described);
  }

  @Test
  void aFairShareQueueShowsItsPolicyAndTimeLimitActions() {
    String fair = batch.createSchedulingPolicy(b -> b.name("queue-fair")).arn();
    String fairer = batch.createSchedulingPolicy(b -> b.name("queue-fairer")).arn();
    JobStateTimeLimitAction cancel = JobStateTimeLimitAction.builder()
        .reason("CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY").state(JobStateTimeLimitActionsState.RUNNABLE)
        .maxTimeSeconds(600).action(JobStateTimeLimitActionsAction.CANCEL).build();
    batch.createJobQueue(b -> b.jobQueueName("shared").priority(5).schedulingPolicyArn(fair)
        .computeEnvironmentOrder(order(1, "policies-ce")).jobStateTimeLimitActions(cancel));

    JobQueueDetail queue = queue("shared");
    assertEquals(fair, queue.schedulingPolicyArn());
    assertEquals(List.of(cancel), queue.jobStateTimeLimitActions());
    assertNull(queue("fifo").schedulingPolicyArn());

    batch.updateJobQueue(b -> b.jobQueue("shared").schedulingPolicyArn(fairer).jobStateTimeLimitActions(List.of()));
    queue = queue("shared");
    assertEquals(fairer, queue.schedulingPolicyArn());
    assertEquals(List.of(), queue.jobStateTimeLimitActions());
    assertEquals(5, queue.priority());

    assertClientError("cannot be removed", () -> batch.updateJobQueue(b -> b.jobQueue("shared").schedulingPolicyArn("")));
    assertClientError("cannot be added", () -> batch.updateJobQueue(b -> b.jobQueue("fifo").schedulingPolicyArn(fair)));
    assertClientError("still used by job queue(s) [shared]", () -> batch.deleteSchedulingPolicy(b -> b.arn(fairer)));
    batch.deleteSchedulingPolicy(b -> b.arn(fair));
  }

  @Test
  void mistakesAreClientErrorsThatNameTheField() {
    assertClientError("name", () -> batch.createSchedulingPolicy(b -> b.name("bad name")));
    assertClientError("fairsharePolicy.shareDistribution[1].weightFactor", () -> batch.createSchedulingPolicy(b -> b
        .name("bad-weight").fairsharePolicy(f -> f.shareDistribution(share("a", 1f), share("b", 0f)))));
    assertClientError("fairsharePolicy.shareDecaySeconds", () -> batch.createSchedulingPolicy(b -> b
        .name("bad-decay").fairsharePolicy(f -> f.shareDecaySeconds(604_801))));
    assertClientError("fairsharePolicy.computeReservation", () -> batch.createSchedulingPolicy(b -> b
        .name("bad-reservation").fairsharePolicy(f -> f.computeReservation(100))));
    assertClientError("fairsharePolicy.shareDistribution[0].shareIdentifier", () -> batch.createSchedulingPolicy(b -> b
        .name("bad-share").fairsharePolicy(f -> f.shareDistribution(share("team-a", 1f)))));
    assertClientError("arn", () -> batch.updateSchedulingPolicy(b -> b.arn(ARN_PREFIX + "scheduling-policy/never-created")));
    assertClientError("arns is required", () -> batch.describeSchedulingPolicies(b -> { }));
    assertClientError("schedulingPolicyArn", () -> batch.createJobQueue(b -> b.jobQueueName("no-policy").priority(1)
        .schedulingPolicyArn(ARN_PREFIX + "scheduling-policy/never-created").computeEnvironmentOrder(order(1, "policies-ce"))));
    assertClientError("jobStateTimeLimitActions[0].maxTimeSeconds", () -> batch.createJobQueue(b -> b
        .jobQueueName("short-limit").priority(1).computeEnvironmentOrder(order(1, "policies-ce"))
        .jobStateTimeLimitActions(a -> a.reason("CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY")
            .state(JobStateTimeLimitActionsState.RUNNABLE).maxTimeSeconds(60).action(JobStateTimeLimitActionsAction.CANCEL))));
  }

  @Test
  void aFairShareQueueNeedsAShareIdentifierAndDescribeJobsShowsIt() {
    String policy = batch.createSchedulingPolicy(b -> b.name("jobs-fair")).arn();
    batch.createJobQueue(b -> b.jobQueueName("fair-jobs").priority(1).schedulingPolicyArn(policy)
        .computeEnvironmentOrder(order(1, "policies-ce")));

    assertClientError("shareIdentifier is required",
        () -> batch.submitJob(b -> b.jobName("unshared").jobQueue("fair-jobs").jobDefinition("quick")));
    assertClientError("shareIdentifier 'team*' is invalid",
        () -> batch.submitJob(b -> b.jobName("starred").jobQueue("fair-jobs").jobDefinition("quick").shareIdentifier("team*")));
    assertClientError("shareIdentifier can only be used with a fair-share job queue",
        () -> batch.submitJob(b -> b.jobName("fifo-shared").jobQueue("fifo").jobDefinition("quick").shareIdentifier("team_a")));

    String jobId = batch.submitJob(b -> b.jobName("shared").jobQueue("fair-jobs").jobDefinition("quick")
        .shareIdentifier("team_a").schedulingPriorityOverride(42)).jobId();
    JobDetail job = batch.describeJobs(b -> b.jobs(jobId)).jobs().get(0);
    assertEquals("team_a", job.shareIdentifier());
    assertEquals(42, job.schedulingPriority());

    String defaultPriority = batch.submitJob(b -> b.jobName("shared-default").jobQueue("fair-jobs").jobDefinition("quick")
        .shareIdentifier("team_b")).jobId();
    assertEquals(7, batch.describeJobs(b -> b.jobs(defaultPriority)).jobs().get(0).schedulingPriority());
  }

  @Test
  void fairShareUsageShowsWhatEachShareHoldsAndItsWeight() throws Exception {
    String policy = batch.createSchedulingPolicy(b -> b.name("usage-fair").fairsharePolicy(FairsharePolicy.builder()
        .shareDistribution(share("team_a", 0.5f), share("team_b", 2.0f)).build())).arn();
    batch.createJobQueue(b -> b.jobQueueName("fair-usage").priority(1).schedulingPolicyArn(policy)
        .computeEnvironmentOrder(order(1, "policies-ce")));
    batch.registerJobDefinition(b -> b.jobDefinitionName("holder").type("container")
        .containerProperties(c -> c.image("unused").command("sleep", "120").resourceRequirements(vcpu("0.5"), memory("16"))));
    String jobId = batch.submitJob(b -> b.jobName("holding").jobQueue("fair-usage").jobDefinition("holder")
        .shareIdentifier("team_a")).jobId();
    Await.until(Duration.ofSeconds(60), () -> batch.describeJobs(b -> b.jobs(jobId)).jobs().get(0).status(),
        status -> status == JobStatus.RUNNING, "the job to run");

    JsonNode teamA = Await.until(Duration.ofSeconds(30), () -> shares("?jobQueue=fair-usage").path("fair-usage"),
        queue -> queue.path("shares").size() > 0, "the share to be counted").path("shares").get(0);
    assertEquals("team_a", teamA.path("shareIdentifier").asText(), teamA.toString());
    assertEquals(0.5, teamA.path("weightFactor").asDouble(), 1e-9, teamA.toString());
    assertEquals(0.5, teamA.path("heldVcpus").asDouble(), 1e-9, teamA.toString());
    assertTrue(teamA.path("usageVcpus").asDouble() > 0, teamA.toString());

    JsonNode all = shares("");
    assertTrue(all.has("fair-usage"), all.toString());
    assertFalse(all.has("fifo"), "a first-in, first-out queue has no shares: " + all);
    HttpResponse<String> unknown = node.signed().get("/drover/v1/fair-share?jobQueue=nowhere");
    assertEquals(400, unknown.statusCode(), unknown.body());
    assertTrue(unknown.body().contains("jobQueue"), unknown.body());

    batch.terminateJob(b -> b.jobId(jobId).reason("test over"));
  }

  /** {@code GET /drover/v1/fair-share} with {@code query}: its {@code queues}. */
  private static JsonNode shares(String query) {
    try {
      HttpResponse<String> response = node.signed().get("/drover/v1/fair-share" + query);
      assertEquals(200, response.statusCode(), response.body());
      return new ObjectMapper().readTree(response.body()).path("queues");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void theArrayConcurrencyCapIsATagThatIsValidated() {
    String jobId = batch.submitJob(b -> b.jobName("capped").jobQueue("fifo").jobDefinition("quick")
        .arrayProperties(a -> a.size(4)).tags(Map.of("drover:maxConcurrentChildren", "2"))).jobId();
    assertEquals("2", batch.describeJobs(b -> b.jobs(jobId)).jobs().get(0).tags().get("drover:maxConcurrentChildren"));

    assertClientError("tag drover:maxConcurrentChildren value '0'", () -> batch.submitJob(b -> b.jobName("zero")
        .jobQueue("fifo").jobDefinition("quick").arrayProperties(a -> a.size(4))
        .tags(Map.of("drover:maxConcurrentChildren", "0"))));
    assertClientError("tag drover:maxConcurrentChildren value 'many'", () -> batch.submitJob(b -> b.jobName("words")
        .jobQueue("fifo").jobDefinition("quick").arrayProperties(a -> a.size(4))
        .tags(Map.of("drover:maxConcurrentChildren", "many"))));
    assertClientError("applies to array jobs only", () -> batch.submitJob(b -> b.jobName("single")
        .jobQueue("fifo").jobDefinition("quick").tags(Map.of("drover:maxConcurrentChildren", "2"))));
  }

  /** The AWS SDKs cannot send the field, so these requests are plain JSON, as curl would send them. */
  @Test
  void theArrayConcurrencyCapFieldIsValidatedAndMustAgreeWithTheTag() throws Exception {
    HttpResponse<String> accepted = post("""
        {"jobName": "field", "jobQueue": "fifo", "jobDefinition": "quick",
         "arrayProperties": {"size": 4, "maxConcurrentChildren": 2}}""");
    assertEquals(200, accepted.statusCode(), accepted.body());
    assertPostRejected("arrayProperties.maxConcurrentChildren must be from 1 to 10000", """
        {"jobName": "field", "jobQueue": "fifo", "jobDefinition": "quick",
         "arrayProperties": {"size": 4, "maxConcurrentChildren": 10001}}""");
    assertPostRejected("disagree", """
        {"jobName": "field", "jobQueue": "fifo", "jobDefinition": "quick",
         "arrayProperties": {"size": 4, "maxConcurrentChildren": 2}, "tags": {"drover:maxConcurrentChildren": "3"}}""");
  }

  private static void assertPostRejected(String fragment, String body) throws Exception {
    HttpResponse<String> response = post(body);
    assertEquals(400, response.statusCode(), response.body());
    assertTrue(response.body().contains("ClientException") && response.body().contains(fragment), response.body());
  }

  private static HttpResponse<String> post(String body) throws Exception {
    return node.signed().post("/v1/submitjob", body);
  }

  private static SchedulingPolicyDetail describe(String arn) {
    return batch.describeSchedulingPolicies(b -> b.arns(arn)).schedulingPolicies().get(0);
  }

  private static JobQueueDetail queue(String name) {
    return batch.describeJobQueues(b -> b.jobQueues(name)).jobQueues().get(0);
  }

  private static ShareAttributes share(String id, Float weight) {
    return ShareAttributes.builder().shareIdentifier(id).weightFactor(weight).build();
  }

  private static void assertClientError(String fragment, Runnable call) {
    ClientException e = assertThrows(ClientException.class, call::run);
    assertEquals(400, e.statusCode());
    assertTrue(e.awsErrorDetails().errorMessage().contains(fragment),
        "expected the message to name " + fragment + ": " + e.awsErrorDetails().errorMessage());
  }
}
