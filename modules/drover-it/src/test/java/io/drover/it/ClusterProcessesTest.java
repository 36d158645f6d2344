package io.drover.it;

import static io.drover.it.ControlPlaneApiTest.memory;
import static io.drover.it.ControlPlaneApiTest.order;
import static io.drover.it.ControlPlaneApiTest.vcpu;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.drover.agent.spot.ImdsStandIn;
import io.drover.it.support.Await;
import io.drover.it.support.DroverTestNode;
import io.drover.it.support.Hosts;
import io.drover.it.support.NodeProcess;
import io.drover.node.upgrade.NodeRestarter;
import io.drover.node.upgrade.RollingUpgrade;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
  private static final String UPGRADED_VERSION = "0.2.0";

  private static final List<NodeProcess> controllers = new ArrayList<>();
  private static final List<NodeProcess> agents = new ArrayList<>();
  private static String contactPoints;
  private static BatchClient batch;

  @BeforeAll
  static void startCluster() {
    List<Integer> managementPorts = List.of(NodeProcess.port(), NodeProcess.port(), NodeProcess.port());
    contactPoints = managementPorts.stream().map(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
    for (int i = 0; i < managementPorts.size(); i++) {
      controllers.add(NodeProcess.start(new NodeProcess.Spec("controller-" + (i + 1), "controller", managementPorts.get(i), 0,
          Map.of("DROVER_CONTACT_POINTS", contactPoints, "DROVER_REQUIRED_CONTACT_POINTS", "3"), clusterProperties())));
    }
    agents.add(startAgent("agent-1", "shared"));
    agents.add(startAgent("agent-2", "shared"));
    awaitUpMembers(5);
    controllers.forEach(c -> Await.until(FORMED, () -> c.get("/ready"), status -> status == 200, c.name() + " to be ready"));
    batch = DroverTestNode.batchClient(controllers.get(0).apiEndpoint());
    batch.createComputeEnvironment(b -> b.computeEnvironmentName("shared").type(CEType.UNMANAGED).tags(DroverTestNode.PROCESS_EXECUTOR));
    batch.createJobQueue(b -> b.jobQueueName("shared").priority(1).computeEnvironmentOrder(order(1, "shared")));
    batch.registerJobDefinition(b -> b.jobDefinitionName("script").type("container")
        .containerProperties(c -> c.image("unused").command("true").resourceRequirements(vcpu("1"), memory("64"))));
  }

  @AfterAll
  static void stopCluster() {
    agents.forEach(NodeProcess::close);
    controllers.forEach(NodeProcess::close);
  }

  /** Keyspaces of this run: the processes' state must not meet an earlier run's in a reused Cassandra. */
  private static final String KEYSPACE = "it_cluster_" + Long.toString(System.currentTimeMillis() / 1000 % 1_000_000, 36);

  private static Map<String, String> clusterProperties() {
    return NodeProcess.clusterProperties(KEYSPACE);
  }

  private static NodeProcess startAgent(String name, String computeEnvironment) {
    return startAgent(name, computeEnvironment, "process");
  }

  private static NodeProcess startAgent(String name, String computeEnvironment, String executor) {
    Map<String, String> properties = new HashMap<>(clusterProperties());
    properties.put("drover.agent.process.work-dir", System.getProperty("java.io.tmpdir") + "/drover-it-cluster-" + name);
    return NodeProcess.start(new NodeProcess.Spec(name, "agent", NodeProcess.port(), 0, Map.of(
        "DROVER_CONTACT_POINTS", contactPoints,
        "DROVER_AGENT_ID", name,
        "DROVER_COMPUTE_ENVIRONMENT", computeEnvironment,
        "DROVER_EXECUTOR", executor,
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

    batch.createComputeEnvironment(b -> b.computeEnvironmentName("late").type(CEType.UNMANAGED).tags(DroverTestNode.PROCESS_EXECUTOR));
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

  /**
   * Jobs submitted through the other controllers every 100 ms while the oldest controller (which
   * hosts the singletons and a third of the shards) is killed with -9, then started again.
   */
  @Test
  @Order(3)
  void killingTheOldestControllerUnderSubmissionsLosesAndRepeatsNoAcceptedJob() throws Exception {
    Matcher oldest = Pattern.compile("\"oldest\"\\s*:\\s*\"pekko://drover@127\\.0\\.0\\.1:(\\d+)\"")
        .matcher(controllers.get(0).body("/cluster/members"));
    assertTrue(oldest.find(), "the oldest member");
    int oldestPort = Integer.parseInt(oldest.group(1));
    NodeProcess victim = controllers.stream().filter(c -> c.remotePort() == oldestPort).findFirst().orElseThrow();
    List<BatchClient> survivors = controllers.stream().filter(c -> c != victim)
        .map(c -> DroverTestNode.batchClient(c.apiEndpoint())).toList();

    List<String> accepted = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger refused = new AtomicInteger();
    AtomicLong longestGap = new AtomicLong();
    AtomicBoolean submitting = new AtomicBoolean(true);
    Thread submitter = new Thread(() -> {
      long lastAccepted = System.currentTimeMillis();
      for (int n = 0; submitting.get(); n++) {
        BatchClient client = survivors.get(n % survivors.size());
        int number = n;
        try {
          accepted.add(client.submitJob(b -> b.jobName("steady-" + number).jobQueue("shared").jobDefinition("script")
              .containerOverrides(o -> o.command("true").resourceRequirements(vcpu("0.25"), memory("16")))).jobId());
          long now = System.currentTimeMillis();
          longestGap.accumulateAndGet(now - lastAccepted, Math::max);
          lastAccepted = now;
        } catch (RuntimeException e) {
          refused.incrementAndGet();
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "submitter");
    submitter.start();
    Thread.sleep(5_000);
    long killedAt = System.currentTimeMillis();
    victim.kill();
    Thread.sleep(25_000);
    NodeProcess restarted = NodeProcess.start(victim.spec());
    controllers.set(controllers.indexOf(victim), restarted);
    Await.until(FORMED, () -> restarted.get("/ready"), status -> status == 200, "the restarted controller to be ready");
    Thread.sleep(5_000);
    submitting.set(false);
    submitter.join();

    long firstStartAfterKill = Long.MAX_VALUE;
    for (String jobId : accepted) {
      JobDetail done = awaitDone(jobId);
      assertEquals(JobStatus.SUCCEEDED, done.status(), jobId + ": " + done.statusReason());
      assertEquals(1, done.attempts().size(), jobId + " ran exactly once");
      if (done.createdAt() > killedAt) {
        firstStartAfterKill = Math.min(firstStartAfterKill, done.startedAt());
      }
    }
    System.out.println("ClusterProcessesTest: controller kill -9 under submissions: " + accepted.size() + " accepted, "
        + refused.get() + " refused while it was down, every accepted job SUCCEEDED exactly once; longest gap between"
        + " accepted submissions " + longestGap.get() + " ms; first job submitted after the kill started "
        + (firstStartAfterKill - killedAt) + " ms after it");
    assertTrue(firstStartAfterKill < Long.MAX_VALUE, "jobs submitted after the kill were accepted and ran");
  }

  @Test
  @Order(4)
  void aStoppedAgentTakesNoNewWorkAndLetsItsRunningJobFinishBeforeItLeaves() throws InterruptedException {
    NodeProcess agent = agents.stream().filter(a -> a.name().equals("agent-3")).findFirst().orElseThrow();
    String running = submit("late", "finishes-while-draining", "sleep 6", 1);
    Await.until(TIMEOUT, () -> describe(running), j -> j.status() == JobStatus.RUNNING, "the job to run on agent-3");

    agent.terminate();
    // The drain begins at once (a shutdown phase before the agent leaves) and tells the scheduler.
    Await.until(TIMEOUT, () -> host("agent-3"), h -> h == null || !h.path("schedulable").asBoolean(),
        "the scheduler to hear that agent-3 drains");
    String later = submit("late", "not-for-a-draining-host", "true", 1);

    JobDetail done = awaitDone(running);
    assertEquals(JobStatus.SUCCEEDED, done.status(), "the running job finished on the draining agent: " + done.statusReason());
    assertEquals(1, done.attempts().size());
    assertTrue(agent.awaitExit(60), "agent-3 exits once drained");
    JobDetail waiting = describe(later);
    assertEquals(JobStatus.RUNNABLE, waiting.status(), "no new job was placed on the draining agent");
    assertTrue(waiting.attempts().isEmpty());
  }

  /**
   * kill -9 of an agent while its Docker container runs, and the agent started again on the same
   * host at once: it finds the container by its labels and re-attaches, so the job finishes in its
   * first attempt with its whole output, stored once.
   */
  @Test
  @Order(5)
  void anAgentRestartedOnItsHostReattachesToItsRunningContainer() throws Exception {
    batch.createComputeEnvironment(b -> b.computeEnvironmentName("containers").type(CEType.UNMANAGED));
    batch.createJobQueue(b -> b.jobQueueName("containers").priority(1).computeEnvironmentOrder(order(1, "containers")));
    batch.registerJobDefinition(b -> b.jobDefinitionName("container").type("container").containerProperties(c -> c
        .image("drover/busybox:local").command("true").resourceRequirements(vcpu("0.5"), memory("32"))));
    NodeProcess agent = startAgent("agent-docker", "containers", "docker");
    agents.add(agent);
    String jobId = batch.submitJob(b -> b.jobName("outlives-its-agent").jobQueue("containers").jobDefinition("container")
        .containerOverrides(o -> o.command("sh", "-c", "echo before; sleep 25; echo after"))).jobId();
    Await.until(TIMEOUT, () -> describe(jobId), j -> j.status() == JobStatus.RUNNING, "the container to run");
    Thread.sleep(2_000);

    agent.kill();
    long killedAt = System.currentTimeMillis();
    NodeProcess restarted = NodeProcess.start(agent.spec());
    agents.set(agents.indexOf(agent), restarted);

    JobDetail done = awaitDone(jobId);
    System.out.println("ClusterProcessesTest: agent kill -9 and restart with a running container: the job "
        + done.status() + " " + (done.stoppedAt() - killedAt) + " ms after the kill, in " + done.attempts().size()
        + " attempt(s)");
    assertEquals(JobStatus.SUCCEEDED, done.status(), done.statusReason());
    assertEquals(1, done.attempts().size(), "the one attempt carried on under the restarted agent");
    assertEquals(0, done.attempts().get(0).container().exitCode());
    assertEquals("before\nafter\n", logs(jobId, ""));
  }

  /**
   * Every process restarted one at a time with a raised app version, through the same procedure
   * as {@code ./drover upgrade} (controllers first, the oldest last, then the agents, each drained),
   * while jobs are submitted all along: every accepted job succeeds in one attempt.
   */
  @Test
  @Order(6)
  void aRollingUpgradeOfEveryNodeUnderSubmissionsLosesAndFailsNoJob() throws Exception {
    Map<String, NodeProcess> processes = new ConcurrentHashMap<>();
    List<RollingUpgrade.Node> inventory = new ArrayList<>();
    controllers.forEach(c -> processes.put(c.name(), c));
    agents.stream().filter(NodeProcess::alive).forEach(a -> processes.put(a.name(), a));
    processes.values().forEach(p -> inventory.add(new RollingUpgrade.Node(p.name(),
        p.spec().role().equals("controller") ? RollingUpgrade.Role.CONTROLLER : RollingUpgrade.Role.AGENT,
        URI.create("http://127.0.0.1:" + p.spec().managementPort()))));
    NodeRestarter restarter = node -> {
      NodeProcess old = processes.get(node.name());
      old.close();
      Map<String, String> env = new HashMap<>(old.spec().env());
      env.put("DROVER_APP_VERSION", UPGRADED_VERSION);
      NodeProcess upgraded = NodeProcess.start(new NodeProcess.Spec(old.spec().name(), old.spec().role(),
          old.spec().managementPort(), old.spec().httpPort(), env, old.spec().properties()));
      processes.put(node.name(), upgraded);
      List<NodeProcess> group = controllers.contains(old) ? controllers : agents;
      group.set(group.indexOf(old), upgraded);
    };

    // A restarted controller keeps its API port: one client per controller serves the whole upgrade.
    List<BatchClient> clients = controllers.stream().map(c -> DroverTestNode.batchClient(c.apiEndpoint())).toList();
    List<String> accepted = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger retried = new AtomicInteger();
    AtomicBoolean submitting = new AtomicBoolean(true);
    Thread submitter = new Thread(() -> {
      for (int n = 0; submitting.get(); n++) {
        int number = n;
        // A controller being restarted refuses: the client goes to the next one, as a pipeline would.
        for (int tries = 0; tries < 30 && submitting.get(); tries++) {
          try {
            accepted.add(clients.get((number + tries) % clients.size()).submitJob(b -> b.jobName("upgrade-" + number)
                .jobQueue("shared").jobDefinition("script")
                .containerOverrides(o -> o.command("sh", "-c", "sleep 1").resourceRequirements(vcpu("0.25"), memory("16"))))
                .jobId());
            break;
          } catch (RuntimeException e) {
            retried.incrementAndGet();
          }
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "upgrade-submitter");
    submitter.start();
    long started = System.currentTimeMillis();
    try {
      new RollingUpgrade(inventory, restarter,
          RollingUpgrade.Settings.defaults().withPollInterval(Duration.ofMillis(500)), System.out).run();
    } finally {
      submitting.set(false);
      submitter.join();
      clients.forEach(BatchClient::close);
    }
    long upgradeMillis = System.currentTimeMillis() - started;

    int succeeded = 0;
    for (String jobId : accepted) {
      JobDetail done = awaitDone(jobId);
      assertEquals(JobStatus.SUCCEEDED, done.status(), jobId + ": " + done.statusReason());
      assertEquals(1, done.attempts().size(), jobId + " ran exactly once");
      succeeded++;
    }
    System.out.println("ClusterProcessesTest: rolling upgrade of " + inventory.size() + " nodes to " + UPGRADED_VERSION
        + " in " + upgradeMillis + " ms under submissions: " + accepted.size() + " accepted, " + succeeded
        + " succeeded in one attempt, 0 lost, 0 failed; " + retried.get() + " submissions retried on another controller");
    assertTrue(accepted.size() > 0, "jobs were accepted during the upgrade");
  }

  /**
   * A Spot agent's instance metadata announces an interruption while its job runs: the agent drains
   * and stops the job, which runs again on the On-Demand agent and succeeds, its single allowed
   * attempt unspent.
   */
  @Test
  @Order(7)
  void aSpotInterruptionNoticeMovesTheJobElsewhereWithoutSpendingAnAttempt() throws Exception {
    try (ImdsStandIn imds = new ImdsStandIn()) {
      Map<String, String> properties = new HashMap<>(clusterProperties());
      properties.put("drover.agent.process.work-dir", System.getProperty("java.io.tmpdir") + "/drover-it-cluster-spot");
      properties.put("drover.agent.spot.poll-interval", "500ms");
      NodeProcess spot = NodeProcess.start(new NodeProcess.Spec("agent-spot", "agent", NodeProcess.port(), 0, Map.of(
          "DROVER_CONTACT_POINTS", contactPoints,
          "DROVER_AGENT_ID", "agent-spot",
          "DROVER_INSTANCE_ID", "i-0spot0000000000",
          "DROVER_COMPUTE_ENVIRONMENT", "shared",
          "DROVER_EXECUTOR", "process",
          "DROVER_AGENT_LIFECYCLE", "spot",
          "DROVER_IMDS_ENDPOINT", imds.endpoint(),
          "DROVER_VCPUS", "2",
          "DROVER_MEMORY_MIB", "2048"), properties));
      agents.add(spot);
      Await.until(FORMED, () -> spot.get("/ready"), status -> status == 200, "the Spot agent to be ready");
      Await.until(TIMEOUT, () -> host("agent-spot"), h -> h != null && h.path("schedulable").asBoolean(),
          "the scheduler to hear of the Spot agent");

      String jobId = submit("shared", "on-spot", "echo attempt $AWS_BATCH_JOB_ATTEMPT; sleep 15", 1);
      Await.until(TIMEOUT, () -> describe(jobId), j -> j.status() == JobStatus.RUNNING, "the job to run");
      assertTrue(describe(jobId).container().containerInstanceArn().endsWith("/agent-spot"),
          "the scheduler fills the Spot host first");

      long noticed = System.currentTimeMillis();
      imds.interruptAt(Instant.now().plusSeconds(120));
      JobDetail done = awaitDone(jobId);
      System.out.println("ClusterProcessesTest: Spot interruption notice to the job SUCCEEDED on the On-Demand agent: "
          + (done.stoppedAt() - noticed) + " ms");

      assertEquals(JobStatus.SUCCEEDED, done.status(), done.statusReason());
      assertEquals(2, done.attempts().size());
      assertTrue(done.attempts().get(0).statusReason().contains("Host EC2 (instance i-0spot0000000000) is being reclaimed"),
          done.attempts().get(0).statusReason());
      assertTrue(!done.attempts().get(1).container().containerInstanceArn().endsWith("/agent-spot"),
          "the re-run went to another agent");
      assertEquals("attempt 1\n", logs(jobId, "?attempt=1"));
      assertEquals("attempt 1\n", logs(jobId, "?attempt=2"), "AWS_BATCH_JOB_ATTEMPT: the reclaimed attempt was not counted");
    }
  }

  /** Host {@code hostId} as the scheduler reports it, or null; a host that is not connected is not schedulable. */
  private static JsonNode host(String hostId) {
    return Hosts.find(DroverTestNode.signed(controllers.get(0).apiEndpoint()), hostId);
  }

  /** A job's output; {@code query} selects, e.g. {@code ?attempt=2}. */
  private static String logs(String jobId, String query) throws Exception {
    HttpResponse<String> response = DroverTestNode.signed(controllers.get(0).apiEndpoint())
        .get("/drover/v1/jobs/" + jobId + "/logs" + query);
    assertEquals(200, response.statusCode(), response.body());
    return response.body();
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
