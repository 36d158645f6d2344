package io.drover.it;

import static io.drover.it.ControlPlaneApiTest.memory;
import static io.drover.it.ControlPlaneApiTest.order;
import static io.drover.it.ControlPlaneApiTest.vcpu;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.it.support.Await;
import io.drover.it.support.DroverTestNode;
import io.drover.it.support.NodeProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.CEType;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobStatus;

/**
 * A cluster of real processes on loopback: three controllers and two agents started as an
 * operator starts them ({@code Main controller} / {@code Main agent}, DROVER_* environment), which
 * find each other through Cluster Bootstrap with discovery by configuration alone.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterProcessesTest {

  private static final Duration FORMED = Duration.ofSeconds(150);
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final Pattern UP = Pattern.compile("\"status\"\\s*:\\s*\"Up\"");

  private static final List<NodeProcess> controllers = new ArrayList<>();
  private static final List<NodeProcess> agents = new ArrayList<>();
  private static String contactPoints;
  private static BatchClient batch;

  @BeforeAll
  static void startCluster() {
    List<Integer> managementPorts = List.of(DroverTestNode.freePort(), DroverTestNode.freePort(), DroverTestNode.freePort());
    contactPoints = managementPorts.stream().map(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
    for (int i = 0; i < managementPorts.size(); i++) {
      controllers.add(NodeProcess.start(new NodeProcess.Spec("controller-" + (i + 1), "controller", managementPorts.get(i),
          Map.of("DROVER_CONTACT_POINTS", contactPoints, "DROVER_REQUIRED_CONTACT_POINTS", "3"), clusterProperties())));
    }
    agents.add(startAgent("agent-1", "shared"));
    agents.add(startAgent("agent-2", "shared"));
    awaitUpMembers(5);
    controllers.forEach(c -> Await.until(FORMED, () -> c.get("/ready"), status -> status == 200, c.name() + " to be ready"));
    batch = DroverTestNode.batchClient(controllers.get(0).apiEndpoint());
    batch.createComputeEnvironment(b -> b.computeEnvironmentName("shared").type(CEType.UNMANAGED));
    batch.createJobQueue(b -> b.jobQueueName("shared").priority(1).computeEnvironmentOrder(order(1, "shared")));
    batch.registerJobDefinition(b -> b.jobDefinitionName("script").type("container")
        .containerProperties(c -> c.image("unused").command("true").resourceRequirements(vcpu("1"), memory("64"))));
  }

  @AfterAll
  static void stopCluster() {
    agents.forEach(NodeProcess::close);
    controllers.forEach(NodeProcess::close);
  }

  /** Settings the processes get as system properties: the test's keyspaces and quicker downing. */
  private static Map<String, String> clusterProperties() {
    return Map.of(
        "pekko.persistence.cassandra.journal.keyspace", "it_cluster_journal",
        "pekko.persistence.cassandra.snapshot.keyspace", "it_cluster_snapshot",
        "pekko.projection.cassandra.offset-store.keyspace", "it_cluster",
        "drover.controller.read-side.keyspace", "it_cluster",
        "drover.cassandra.create-schema", "on",
        "pekko.persistence.cassandra.journal.replication-factor", "1",
        "pekko.persistence.cassandra.snapshot.replication-factor", "1",
        "drover.controller.read-side.replication-factor", "1",
        "pekko.cluster.split-brain-resolver.stable-after", "7s");
  }

  private static NodeProcess startAgent(String name, String computeEnvironment) {
    Map<String, String> properties = new java.util.HashMap<>(clusterProperties());
    properties.put("drover.agent.process.work-dir", System.getProperty("java.io.tmpdir") + "/drover-it-cluster-" + name);
    return NodeProcess.start(new NodeProcess.Spec(name, "agent", DroverTestNode.freePort(), Map.of(
        "DROVER_CONTACT_POINTS", contactPoints,
        "DROVER_AGENT_ID", name,
        "DROVER_COMPUTE_ENVIRONMENT", computeEnvironment,
        "DROVER_EXECUTOR", "process",
        "DROVER_VCPUS", "2",
        "DROVER_MEMORY_MIB", "2048"), properties));
  }

  private static void awaitUpMembers(int count) {
    try {
      Await.until(FORMED, () -> upMembers(controllers.get(0).body("/cluster/members")), n -> n == count,
          count + " Up members as controller-1 sees them");
    } catch (AssertionError e) {
      StringBuilder logs = new StringBuilder(e.getMessage());
      controllers.forEach(c -> logs.append("\n").append(c.tail()));
      agents.forEach(a -> logs.append("\n").append(a.tail()));
      throw new AssertionError(logs.toString(), e);
    }
  }

  private static int upMembers(String membersJson) {
    Matcher matcher = UP.matcher(membersJson);
    int count = 0;
    while (matcher.find()) {
      count++;
    }
    return count;
  }

  @Test
  @Order(1)
  void threeControllersAndTwoAgentsFormAClusterAndALateAgentJoinsAndGetsWork() {
    String first = submit("shared", "on-the-first-agents", "true", 1);
    assertEquals(JobStatus.SUCCEEDED, awaitDone(first).status());

    batch.createComputeEnvironment(b -> b.computeEnvironmentName("late").type(CEType.UNMANAGED));
    batch.createJobQueue(b -> b.jobQueueName("late").priority(1).computeEnvironmentOrder(order(1, "late")));
    agents.add(startAgent("agent-3", "late"));
    awaitUpMembers(6);

    String late = submit("late", "on-the-late-agent", "true", 1);
    JobDetail done = awaitDone(late);
    assertEquals(JobStatus.SUCCEEDED, done.status(), done.statusReason());
    assertTrue(done.container().containerInstanceArn().endsWith("/late/agent-3"), done.container().containerInstanceArn());
  }

  @Test
  @Order(2)
  void aJobWhoseAgentIsKilledIsRetriedOnTheOtherAgent() {
    String jobId = submit("shared", "outlives-its-host", "sleep 20", 2);
    JobDetail running = Await.until(TIMEOUT, () -> describe(jobId), j -> j.status() == JobStatus.RUNNING, "the job to run");
    String host = running.container().containerInstanceArn();
    NodeProcess victim = agents.stream().filter(a -> host.endsWith("/" + a.name())).findFirst().orElseThrow();

    long killedAt = System.currentTimeMillis();
    victim.kill();
    JobDetail again = Await.until(TIMEOUT, () -> describe(jobId),
        j -> j.status() == JobStatus.RUNNING && j.attempts().size() == 1, "the job to run again elsewhere");
    long rescheduled = System.currentTimeMillis() - killedAt;
    System.out.println("ClusterProcessesTest: kill -9 of " + victim.name() + " to the job RUNNING again on another agent: "
        + rescheduled + " ms");

    assertTrue(again.attempts().get(0).statusReason().contains("terminated"), again.attempts().get(0).statusReason());
    assertTrue(!again.container().containerInstanceArn().endsWith("/" + victim.name()), "the retry ran on the other agent");
    JobDetail done = awaitDone(jobId);
    assertEquals(JobStatus.SUCCEEDED, done.status(), done.statusReason());
    assertEquals(2, done.attempts().size());
  }

  private static String submit(String queue, String name, String script, int attempts) {
    return batch.submitJob(b -> b.jobName(name).jobQueue(queue).jobDefinition("script")
        .retryStrategy(r -> r.attempts(attempts))
        .containerOverrides(o -> o.command("sh", "-c", script))).jobId();
  }

  private static JobDetail describe(String jobId) {
    return batch.describeJobs(b -> b.jobs(jobId)).jobs().get(0);
  }

  private static JobDetail awaitDone(String jobId) {
    return Await.until(TIMEOUT, () -> describe(jobId),
        j -> j.status() == JobStatus.SUCCEEDED || j.status() == JobStatus.FAILED, "job " + jobId + " to finish");
  }
}
