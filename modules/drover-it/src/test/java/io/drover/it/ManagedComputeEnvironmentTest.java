package io.drover.it;

import static io.drover.it.ControlPlaneApiTest.memory;
import static io.drover.it.ControlPlaneApiTest.order;
import static io.drover.it.ControlPlaneApiTest.vcpu;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.it.support.Await;
import io.drover.it.support.DroverTestNode;
import io.drover.it.support.NodeProcess;
import io.drover.it.support.TestCassandra;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.CEType;
import software.amazon.awssdk.services.batch.model.CRType;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobStatus;

/**
 * A MANAGED compute environment on a controller whose capacity provider starts agents as local
 * processes: it has no host until a job waits, grows one for it, and gives it back once idle.
 */
class ManagedComputeEnvironmentTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(150);
  private static final Pattern MEMBER = Pattern.compile("\"nodeUid\"\\s*:");
  private static final String KEYSPACE = "it_managed_" + Long.toString(System.currentTimeMillis() / 1000 % 1_000_000, 36);

  private static NodeProcess controller;
  private static BatchClient batch;

  @BeforeAll
  static void startController() {
    int management = NodeProcess.port();
    Map<String, String> cluster = NodeProcess.clusterProperties(KEYSPACE);
    Map<String, String> properties = new HashMap<>(cluster);
    properties.put("drover.capacity.interval", "1s");
    properties.put("drover.capacity.idle-delay", "5s");
    List<String> agent = NodeProcess.command("agent", cluster);
    for (int i = 0; i < agent.size(); i++) {
      properties.put("drover.capacity.local.command." + i, agent.get(i));
    }
    Map<String, String> agentEnvironment = Map.of(
        "DROVER_CONTACT_POINTS", "127.0.0.1:" + management,
        "DROVER_HOSTNAME", "127.0.0.1",
        "DROVER_MANAGEMENT_HOSTNAME", "127.0.0.1",
        "DROVER_CASSANDRA_CONTACT_POINTS", TestCassandra.contactPoint(),
        "DROVER_EXECUTOR", "process");
    agentEnvironment.forEach((key, value) -> properties.put("drover.capacity.local.environment." + key, value));
    properties.put("drover.capacity.local.log-dir",
        System.getProperty("java.io.tmpdir") + "/drover-it-managed-" + KEYSPACE);
    controller = NodeProcess.start(new NodeProcess.Spec("managed-controller", "controller", management, 0, Map.of(
        "DROVER_CONTACT_POINTS", "127.0.0.1:" + management,
        "DROVER_CAPACITY_PROVIDER", "local"), properties));
    Await.until(TIMEOUT, () -> controller.get("/ready"), status -> status == 200, "the controller to be ready");
    batch = DroverTestNode.batchClient(controller.apiEndpoint());
  }

  @AfterAll
  static void stopController() {
    if (controller != null) {
      controller.close();
    }
  }

  @Test
  void anEnvironmentWithoutHostsGrowsOneForAWaitingJobAndGivesItBackWhenIdle() {
    batch.createComputeEnvironment(b -> b.computeEnvironmentName("auto").type(CEType.MANAGED)
        .tags(DroverTestNode.PROCESS_EXECUTOR).computeResources(r -> r
        .type(CRType.EC2).minvCpus(0).maxvCpus(4).instanceTypes("c5.large").subnets("subnet-local")
        .securityGroupIds("sg-local").instanceRole("drover-agent")));
    batch.createJobQueue(b -> b.jobQueueName("auto").priority(1).computeEnvironmentOrder(order(1, "auto")));
    batch.registerJobDefinition(b -> b.jobDefinitionName("small").type("container")
        .containerProperties(c -> c.image("unused").command("true").resourceRequirements(vcpu("1"), memory("64"))));
    assertEquals(1, members(), "no host before there is work");

    long submitted = System.currentTimeMillis();
    String jobId = batch.submitJob(b -> b.jobName("needs-a-host").jobQueue("auto").jobDefinition("small")
        .containerOverrides(o -> o.command("sh", "-c", "echo on a fresh host"))).jobId();
    JobDetail done = Await.until(TIMEOUT, () -> batch.describeJobs(b -> b.jobs(jobId)).jobs().get(0),
        j -> j.status() == JobStatus.SUCCEEDED || j.status() == JobStatus.FAILED, "the job to finish");
    long ranAfter = done.startedAt() - submitted;

    assertEquals(JobStatus.SUCCEEDED, done.status(), done.statusReason());
    assertTrue(done.container().containerInstanceArn().endsWith("/auto/local-1"), done.container().containerInstanceArn());
    long idleAt = System.currentTimeMillis();
    Await.until(TIMEOUT, ManagedComputeEnvironmentTest::members, n -> n == 1, "the idle host to be given back");
    System.out.println("ManagedComputeEnvironmentTest: scale-up from zero, submit to RUNNING " + ranAfter
        + " ms; scale-down to zero " + (System.currentTimeMillis() - idleAt) + " ms after the job ended (idle delay 5 s)");
  }

  private static int members() {
    Matcher matcher = MEMBER.matcher(controller.body("/cluster/members"));
    int count = 0;
    while (matcher.find()) {
      count++;
    }
    return count;
  }
}
