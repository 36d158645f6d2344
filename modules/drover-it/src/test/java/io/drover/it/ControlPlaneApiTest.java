package io.drover.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.it.support.DroverTestNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.CEState;
import software.amazon.awssdk.services.batch.model.CEStatus;
import software.amazon.awssdk.services.batch.model.CEType;
import software.amazon.awssdk.services.batch.model.ClientException;
import software.amazon.awssdk.services.batch.model.ComputeEnvironmentDetail;
import software.amazon.awssdk.services.batch.model.ComputeEnvironmentOrder;
import software.amazon.awssdk.services.batch.model.DescribeJobDefinitionsResponse;
import software.amazon.awssdk.services.batch.model.JQState;
import software.amazon.awssdk.services.batch.model.JobDefinition;
import software.amazon.awssdk.services.batch.model.JobQueueDetail;
import software.amazon.awssdk.services.batch.model.RegisterJobDefinitionResponse;
import software.amazon.awssdk.services.batch.model.ResourceRequirement;
import software.amazon.awssdk.services.batch.model.ResourceType;

/**
 * Compute environments, job queues and job definitions through the AWS SDK for Java v2, against a
 * real node on a real Cassandra: what AWS Batch users do first, and the errors they get wrong.
 */
class ControlPlaneApiTest {

  private static DroverTestNode node;
  private static BatchClient batch;

  @BeforeAll
  static void start() {
    node = DroverTestNode.start("it_controlplane", "cp-ce", DroverTestNode.Executor.PROCESS);
    batch = node.batch();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void computeEnvironmentLifecycle() {
    var created = batch.createComputeEnvironment(b -> b.computeEnvironmentName("lifecycle-ce").type(CEType.UNMANAGED).tags(DroverTestNode.PROCESS_EXECUTOR));
    assertEquals("lifecycle-ce", created.computeEnvironmentName());
    assertEquals("arn:aws:batch:us-east-1:000000000000:compute-environment/lifecycle-ce", created.computeEnvironmentArn());

    ComputeEnvironmentDetail detail = batch.describeComputeEnvironments(b -> b.computeEnvironments("lifecycle-ce"))
        .computeEnvironments().get(0);
    assertEquals(CEType.UNMANAGED, detail.type());
    assertEquals(CEState.ENABLED, detail.state());
    assertEquals(CEStatus.VALID, detail.status());

    batch.updateComputeEnvironment(b -> b.computeEnvironment(created.computeEnvironmentArn()).state(CEState.DISABLED));
    assertEquals(CEState.DISABLED, batch.describeComputeEnvironments(b -> b.computeEnvironments("lifecycle-ce"))
        .computeEnvironments().get(0).state());

    batch.deleteComputeEnvironment(b -> b.computeEnvironment("lifecycle-ce"));
    assertTrue(batch.describeComputeEnvironments(b -> b.computeEnvironments("lifecycle-ce")).computeEnvironments().isEmpty());
  }

  @Test
  void jobQueueLifecycle() {
    batch.createComputeEnvironment(b -> b.computeEnvironmentName("queue-ce-1").type(CEType.UNMANAGED).tags(DroverTestNode.PROCESS_EXECUTOR));
    batch.createComputeEnvironment(b -> b.computeEnvironmentName("queue-ce-2").type(CEType.UNMANAGED).tags(DroverTestNode.PROCESS_EXECUTOR));
    var created = batch.createJobQueue(b -> b.jobQueueName("lifecycle-queue").priority(10)
        .computeEnvironmentOrder(order(1, "queue-ce-1"), order(2, "queue-ce-2")));
    assertEquals("arn:aws:batch:us-east-1:000000000000:job-queue/lifecycle-queue", created.jobQueueArn());

    JobQueueDetail queue = batch.describeJobQueues(b -> b.jobQueues("lifecycle-queue")).jobQueues().get(0);
    assertEquals(10, queue.priority());
    assertEquals(JQState.ENABLED, queue.state());
    assertEquals(List.of(
            "arn:aws:batch:us-east-1:000000000000:compute-environment/queue-ce-1",
            "arn:aws:batch:us-east-1:000000000000:compute-environment/queue-ce-2"),
        queue.computeEnvironmentOrder().stream().map(ComputeEnvironmentOrder::computeEnvironment).toList());

    batch.updateJobQueue(b -> b.jobQueue("lifecycle-queue").priority(50).state(JQState.DISABLED)
        .computeEnvironmentOrder(order(1, "queue-ce-2")));
    queue = batch.describeJobQueues(b -> b.jobQueues(created.jobQueueArn())).jobQueues().get(0);
    assertEquals(50, queue.priority());
    assertEquals(JQState.DISABLED, queue.state());
    assertEquals(1, queue.computeEnvironmentOrder().size());

    ClientException stillUsed = assertThrows(ClientException.class, () -> {
      batch.updateComputeEnvironment(b -> b.computeEnvironment("queue-ce-2").state(CEState.DISABLED));
      batch.deleteComputeEnvironment(b -> b.computeEnvironment("queue-ce-2"));
    });
    assertTrue(stillUsed.getMessage().contains("lifecycle-queue"), stillUsed.getMessage());

    batch.deleteJobQueue(b -> b.jobQueue("lifecycle-queue"));
    assertTrue(batch.describeJobQueues(b -> b.jobQueues("lifecycle-queue")).jobQueues().isEmpty());
  }

  @Test
  void jobDefinitionRevisions() {
    RegisterJobDefinitionResponse first = register("revised", "1");
    RegisterJobDefinitionResponse second = register("revised", "2");
    assertEquals(1, first.revision());
    assertEquals(2, second.revision());
    assertEquals("arn:aws:batch:us-east-1:000000000000:job-definition/revised:2", second.jobDefinitionArn());

    batch.deregisterJobDefinition(b -> b.jobDefinition("revised:1"));
    List<JobDefinition> all = batch.describeJobDefinitions(b -> b.jobDefinitionName("revised")).jobDefinitions();
    assertEquals(List.of("INACTIVE", "ACTIVE"), all.stream().map(JobDefinition::status).toList());
    List<JobDefinition> active = batch.describeJobDefinitions(b -> b.jobDefinitionName("revised").status("ACTIVE"))
        .jobDefinitions();
    assertEquals(List.of(2), active.stream().map(JobDefinition::revision).toList());
    JobDefinition byArn = batch.describeJobDefinitions(b -> b.jobDefinitions(second.jobDefinitionArn())).jobDefinitions().get(0);
    assertEquals(List.of("echo", "2"), byArn.containerProperties().command());
    assertEquals("VCPU", byArn.containerProperties().resourceRequirements().get(0).typeAsString());
  }

  @Test
  void describePaginationReturnsEveryDefinitionOnce() {
    IntStream.range(0, 12).forEach(i -> register("paged-" + i, "x"));
    List<String> seen = new ArrayList<>();
    String token = null;
    do {
      String next = token;
      DescribeJobDefinitionsResponse page = batch.describeJobDefinitions(b -> b.maxResults(5).nextToken(next));
      page.jobDefinitions().stream().map(JobDefinition::jobDefinitionName).filter(n -> n.startsWith("paged-")).forEach(seen::add);
      token = page.nextToken();
    } while (token != null);
    assertEquals(12, seen.size());
    assertEquals(12, seen.stream().distinct().count());
  }

  @Test
  void mistakesAreClientErrorsThatNameTheField() {
    assertClientError("computeEnvironmentName",
        () -> batch.createComputeEnvironment(b -> b.computeEnvironmentName("bad name").type(CEType.UNMANAGED)));
    assertClientError("MANAGED",
        () -> batch.createComputeEnvironment(b -> b.computeEnvironmentName("managed").type(CEType.MANAGED)));
    assertClientError("priority",
        () -> batch.createJobQueue(b -> b.jobQueueName("no-priority").computeEnvironmentOrder(order(1, "cp-missing"))));
    assertClientError("computeEnvironmentOrder[0].computeEnvironment",
        () -> batch.createJobQueue(b -> b.jobQueueName("bad-order").priority(1).computeEnvironmentOrder(order(1, "cp-missing"))));
    assertClientError("containerProperties.image", () -> batch.registerJobDefinition(b -> b.jobDefinitionName("no-image")
        .type("container").containerProperties(c -> c.resourceRequirements(vcpu("1"), memory("128")))));
    assertClientError("MEMORY", () -> batch.registerJobDefinition(b -> b.jobDefinitionName("tiny")
        .type("container").containerProperties(c -> c.image("busybox").resourceRequirements(vcpu("1"), memory("2")))));
    assertClientError("attempts", () -> batch.registerJobDefinition(b -> b.jobDefinitionName("retries")
        .type("container").retryStrategy(r -> r.attempts(11))
        .containerProperties(c -> c.image("busybox").resourceRequirements(vcpu("1"), memory("128")))));
    assertClientError("jobQueue", () -> batch.deleteJobQueue(b -> b.jobQueue("never-created")));
    assertClientError("jobDefinition", () -> batch.deregisterJobDefinition(b -> b.jobDefinition("never-registered:1")));
    assertClientError("jobQueue 'never-created' does not exist",
        () -> batch.submitJob(b -> b.jobName("j").jobQueue("never-created").jobDefinition("x")));
  }

  @Test
  void unknownObjectsAreEmptyDescriptionsNotErrors() {
    assertTrue(batch.describeJobQueues(b -> b.jobQueues("nothing-here")).jobQueues().isEmpty());
    assertTrue(batch.describeComputeEnvironments(b -> b.computeEnvironments("nothing-here")).computeEnvironments().isEmpty());
    assertTrue(batch.describeJobs(b -> b.jobs("6f1b1fd4-0000-0000-0000-000000000000")).jobs().isEmpty());
    assertNull(batch.describeJobQueues(b -> b.jobQueues("nothing-here")).nextToken());
  }

  private static void assertClientError(String fragment, Runnable call) {
    ClientException e = assertThrows(ClientException.class, call::run);
    assertEquals(400, e.statusCode());
    assertTrue(e.awsErrorDetails().errorMessage().contains(fragment),
        "expected the message to name " + fragment + ": " + e.awsErrorDetails().errorMessage());
  }

  private static RegisterJobDefinitionResponse register(String name, String word) {
    return batch.registerJobDefinition(b -> b.jobDefinitionName(name).type("container")
        .containerProperties(c -> c.image("busybox").command("echo", word).resourceRequirements(vcpu("1"), memory("128"))));
  }

  static ComputeEnvironmentOrder order(int order, String computeEnvironment) {
    return ComputeEnvironmentOrder.builder().order(order).computeEnvironment(computeEnvironment).build();
  }

  static ResourceRequirement vcpu(String value) {
    return ResourceRequirement.builder().type(ResourceType.VCPU).value(value).build();
  }

  static ResourceRequirement memory(String value) {
    return ResourceRequirement.builder().type(ResourceType.MEMORY).value(value).build();
  }
}
