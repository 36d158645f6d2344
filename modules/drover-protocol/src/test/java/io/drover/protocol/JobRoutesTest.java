package io.drover.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.drover.protocol.JobProtocol.AttemptReportAck;
import io.drover.protocol.JobProtocol.AttemptStarted;
import io.drover.protocol.JobProtocol.JobCommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Nodes without the controller role reach jobs through the controllers' gateways, with no sharding
 * proxy of their own (which would put them in the job shards' coordinator state); with no gateway
 * offered, as with controllers of an older Drover, through a proxy once the wait for one is over;
 * what they send before the first gateway is listed waits for it; and when a gateway's controller
 * leaves, through the gateways that remain.
 */
class JobRoutesTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  /** Which controller's job entity got each job's reports, by job id. */
  private final Map<String, List<String>> heardBy = new ConcurrentHashMap<>();
  private final List<ActorTestKit> kits = new ArrayList<>();

  @AfterEach
  void stopAll() {
    for (int i = kits.size() - 1; i >= 0; i--) {
      kits.get(i).shutdownTestKit();
    }
  }

  /** A node of the test's cluster (each cluster's nodes share the actor system's name), joining {@code join} or itself. */
  private ActorTestKit node(String role, Address join) {
    return node(role, join, Duration.ofSeconds(10));
  }

  /** A node that waits {@code gatewayWait} for a job gateway before it falls back to a proxy. */
  private ActorTestKit node(String role, Address join, Duration gatewayWait) {
    Config config = ConfigFactory.parseString("""
        pekko.actor.provider = cluster
        pekko.remote.artery.canonical.hostname = 127.0.0.1
        pekko.remote.artery.canonical.port = 0
        pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
        pekko.cluster.roles = [%s]
        drover.node.job-gateway-wait = %d ms
        """.formatted(role, gatewayWait.toMillis())).withFallback(ConfigFactory.load());
    ActorTestKit kit = ActorTestKit.create("JobRoutesTest", config);
    kits.add(kit);
    Cluster cluster = Cluster.get(kit.system());
    cluster.manager().tell(Join.create(join != null ? join : cluster.selfMember().address()));
    return kit;
  }

  private static Address address(ActorTestKit kit) {
    return Cluster.get(kit.system()).selfMember().address();
  }

  private static void awaitUp(ActorTestKit kit, int members) {
    kit.createTestProbe().awaitAssert(WAIT, () -> {
      assertEquals(members, countUp(kit));
      return null;
    });
  }

  private static long countUp(ActorTestKit kit) {
    List<org.apache.pekko.cluster.Member> up = new ArrayList<>();
    Cluster.get(kit.system()).state().getMembers().forEach(up::add);
    return up.stream().filter(m -> m.status() == MemberStatus.up()).count();
  }

  /** A controller's job entities (each acknowledging every start it hears of), and its gateway if {@code gateway}. */
  private ActorTestKit controller(String name, Address join, boolean gateway) {
    ActorTestKit kit = node(Roles.CONTROLLER, join);
    ClusterSharding.get(kit.system()).init(Entity.of(JobProtocol.JOB, ctx -> job(name)).withRole(Roles.CONTROLLER));
    if (gateway) {
      kit.system().systemActorOf(JobProtocol.gateway(), "job-gateway", Props.empty());
    }
    return kit;
  }

  private Behavior<JobCommand> job(String controller) {
    return Behaviors.receiveMessage(command -> {
      heardBy.computeIfAbsent(command.jobId(), id -> new CopyOnWriteArrayList<>()).add(controller);
      if (command instanceof AttemptStarted started) {
        started.replyTo().tell(new AttemptReportAck(started.jobId(), started.attempt()));
      }
      return Behaviors.same();
    });
  }

  /** Tells job {@code jobId} that its attempt started, from {@code agent}, and waits for the job's acknowledgement. */
  private static void reportStart(ActorTestKit agent, String jobId) {
    reportStart(agent, jobId, null);
  }

  /** As {@link #reportStart(ActorTestKit, String)}, through the gateway at {@code near} if it is listed. */
  private static void reportStart(ActorTestKit agent, String jobId, Address near) {
    TestProbe<AttemptReportAck> acks = agent.createTestProbe(AttemptReportAck.class);
    JobRoutes.get(agent.system()).tell(new AttemptStarted(jobId, 1, "agent", 1L, acks.ref()), near);
    assertEquals(new AttemptReportAck(jobId, 1), acks.receiveMessage(WAIT));
  }

  /** Whether {@code system} (with no shard region for jobs) has started a sharding proxy for them. */
  private static boolean hasJobShardingProxy(ActorSystem<?> system) {
    try {
      org.apache.pekko.cluster.sharding.ClusterSharding.get(Adapter.toClassic(system)).shardRegion(JobProtocol.JOB.name());
      return true;
    } catch (IllegalStateException notStarted) {
      return false;
    }
  }

  private static void awaitGateways(ActorTestKit agent, int count) {
    agent.createTestProbe().awaitAssert(WAIT, () -> {
      assertEquals(count, JobRoutes.get(agent.system()).gateways().size());
      return null;
    });
  }

  @Test
  void anAgentReachesJobsThroughTheControllersGatewaysWithoutAShardingProxyOfItsOwn() {
    ActorTestKit controller = controller("controller", null, true);
    ActorTestKit agent = node(Roles.AGENT, address(controller));
    awaitUp(agent, 2);
    awaitGateways(agent, 1);

    reportStart(agent, "job-1");
    reportStart(agent, "job-2");

    assertEquals(List.of("controller"), heardBy.get("job-1"));
    assertFalse(hasJobShardingProxy(agent.system()), "the agent started a sharding proxy for jobs");
  }

  @Test
  void withNoGatewayOfferedAnAgentReachesJobsThroughAShardingProxy() {
    ActorTestKit controller = controller("older controller", null, false);
    ActorTestKit agent = node(Roles.AGENT, address(controller), Duration.ofSeconds(1));
    awaitUp(agent, 2);

    reportStart(agent, "job-3");

    assertEquals(List.of("older controller"), heardBy.get("job-3"));
    assertTrue(hasJobShardingProxy(agent.system()));
  }

  @Test
  void reportsSentBeforeAnyGatewayIsListedWaitForOneInsteadOfStartingAProxy() {
    ActorTestKit controller = controller("controller", null, false);
    ActorTestKit agent = node(Roles.AGENT, address(controller));
    awaitUp(agent, 2);
    TestProbe<AttemptReportAck> acks = agent.createTestProbe(AttemptReportAck.class);
    JobRoutes.get(agent.system()).tell(new AttemptStarted("job-early", 1, "agent", 1L, acks.ref()));
    acks.expectNoMessage(Duration.ofSeconds(1));

    controller.system().systemActorOf(JobProtocol.gateway(), "job-gateway", Props.empty());

    assertEquals(new AttemptReportAck("job-early", 1), acks.receiveMessage(WAIT));
    assertEquals(List.of("controller"), heardBy.get("job-early"));
    assertFalse(hasJobShardingProxy(agent.system()), "the agent started a sharding proxy for jobs");
  }

  @Test
  void reportsGoThroughTheGatewayOfTheControllerTheyNameWhileItIsListed() {
    ActorTestKit first = controller("first", null, false);
    ActorTestKit second = controller("second", address(first), false);
    TestProbe<JobCommand> throughFirst = first.createTestProbe(JobCommand.class);
    TestProbe<JobCommand> throughSecond = second.createTestProbe(JobCommand.class);
    first.system().systemActorOf(
        Behaviors.monitor(JobCommand.class, throughFirst.ref(), JobProtocol.gateway()), "job-gateway", Props.empty());
    second.system().systemActorOf(
        Behaviors.monitor(JobCommand.class, throughSecond.ref(), JobProtocol.gateway()), "job-gateway", Props.empty());
    ActorTestKit agent = node(Roles.AGENT, address(first));
    awaitUp(agent, 3);
    awaitGateways(agent, 2);

    for (int i = 0; i < 10; i++) {
      reportStart(agent, "job-near-second-" + i, address(second));
    }
    assertEquals(10, throughSecond.receiveSeveralMessages(10, WAIT).size());
    throughFirst.expectNoMessage(Duration.ofMillis(200));
    for (int i = 0; i < 10; i++) {
      reportStart(agent, "job-near-first-" + i, address(first));
    }
    assertEquals(10, throughFirst.receiveSeveralMessages(10, WAIT).size());
    throughSecond.expectNoMessage(Duration.ofMillis(200));

    // A node with no gateway named: the job id chooses among the listed ones, as with none named.
    List<ActorRef<JobCommand>> listed = JobRoutes.get(agent.system()).gateways();
    int toFirst = 0;
    for (int i = 0; i < 10; i++) {
      String job = "job-near-none-" + i;
      reportStart(agent, job, address(agent));
      if (listed.get(Math.floorMod(job.hashCode(), listed.size())).path().address().equals(address(first))) {
        toFirst++;
      }
    }
    assertTrue(toFirst > 0 && toFirst < 10, "the job ids chose one gateway only: " + toFirst);
    assertEquals(toFirst, throughFirst.receiveSeveralMessages(toFirst, WAIT).size());
    assertEquals(10 - toFirst, throughSecond.receiveSeveralMessages(10 - toFirst, WAIT).size());
  }

  @Test
  void whenAGatewaysControllerLeavesReportsGoThroughTheGatewaysThatRemain() {
    ActorTestKit first = controller("first", null, true);
    ActorTestKit second = controller("second", address(first), true);
    ActorTestKit agent = node(Roles.AGENT, address(first));
    awaitUp(agent, 3);
    awaitGateways(agent, 2);
    List<String> jobs = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      jobs.add("job-of-two-" + i);
    }
    jobs.forEach(job -> reportStart(agent, job));

    second.shutdownTestKit();
    kits.remove(second);
    awaitGateways(agent, 1);
    awaitUp(agent, 2);
    heardBy.clear();
    jobs.forEach(job -> reportStart(agent, job));

    jobs.forEach(job -> assertEquals(List.of("first"), heardBy.get(job), job));
    assertFalse(hasJobShardingProxy(agent.system()), "the agent started a sharding proxy for jobs");
  }
}
