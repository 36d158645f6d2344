package io.drover.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.drover.agent.exec.NoopAttemptExecutor;
import io.drover.core.model.Resources;
import io.drover.protocol.AgentProtocol.AgentCommand;
import io.drover.protocol.AgentProtocol.AttemptLaunch;
import io.drover.protocol.AgentProtocol.LaunchAccepted;
import io.drover.protocol.AgentProtocol.LaunchAttempt;
import io.drover.protocol.JobProtocol;
import io.drover.protocol.JobProtocol.AttemptExited;
import io.drover.protocol.JobProtocol.AttemptReportAck;
import io.drover.protocol.JobProtocol.AttemptStarted;
import io.drover.protocol.JobProtocol.JobCommand;
import io.drover.protocol.SchedulerProtocol;
import io.drover.protocol.SchedulerProtocol.AgentInfo;
import io.drover.protocol.SchedulerProtocol.AgentStatus;
import io.drover.protocol.SchedulerProtocol.HostedAttempt;
import io.drover.protocol.SchedulerProtocol.SchedulerCommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.SelfUp;
import org.apache.pekko.cluster.typed.Subscribe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a busy agent's statuses carry and how often they go out: attempts that ended long ago drop
 * out of the status (though the agent still ignores late launches of them), an attempt whose end
 * its job has not acknowledged stays listed and holds a drain, and a burst of starts and ends goes
 * out as a few statuses, not one per change. Attempts run on the no-op executor; jobs are a sharded
 * stand-in that acknowledges every report (exits only while {@link #acknowledgeExits}).
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeAgentStatusTest {

  private static final Config CONFIG = ConfigFactory.parseString("""
      pekko.actor.provider = cluster
      pekko.remote.artery.canonical.hostname = 127.0.0.1
      pekko.remote.artery.canonical.port = 0
      # The stand-in jobs are sharded on this node itself, which offers no job gateway.
      drover.node.job-gateway-wait = 0s
      """);

  @JUnit5TestKit
  final ActorTestKit testKit = new JUnit5TestKitBuilder().withName("NodeAgentStatusTest").withCustomConfig(CONFIG).build();

  /** Where the stand-in jobs forward what they get: a probe of the running test's own. */
  private volatile TestProbe<JobCommand> jobs;
  /** Whether the stand-in jobs acknowledge attempts' exits; they always acknowledge starts. */
  private volatile boolean acknowledgeExits = true;
  private TestProbe<SchedulerCommand> scheduler;
  private ExecutorService blocking;

  @BeforeAll
  void joinClusterAndStartJobs() {
    Cluster cluster = Cluster.get(testKit.system());
    TestProbe<SelfUp> up = testKit.createTestProbe(SelfUp.class);
    cluster.subscriptions().tell(Subscribe.create(up.ref(), SelfUp.class));
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    up.expectMessageClass(SelfUp.class, Duration.ofSeconds(10));
    ClusterSharding.get(testKit.system()).init(Entity.of(JobProtocol.JOB, ctx ->
        Behaviors.<JobCommand>receiveMessage(message -> {
          jobs.ref().tell(message);
          if (message instanceof AttemptStarted started) {
            started.replyTo().tell(new AttemptReportAck(started.jobId(), started.attempt()));
          } else if (message instanceof AttemptExited exited && acknowledgeExits) {
            exited.replyTo().tell(new AttemptReportAck(exited.jobId(), exited.attempt()));
          }
          return Behaviors.same();
        })));
    scheduler = testKit.createTestProbe(SchedulerCommand.class);
    TestProbe<Receptionist.Registered> registered = testKit.createTestProbe(Receptionist.Registered.class);
    testKit.system().receptionist().tell(
        Receptionist.register(SchedulerProtocol.SERVICE_KEY, scheduler.ref(), registered.ref()));
    registered.expectMessageClass(Receptionist.Registered.class);
    blocking = DroverAgent.blockingPool(settings(""));
  }

  @AfterAll
  void stopBlockingPool() {
    blocking.shutdownNow();
  }

  private static AgentSettings settings(String overrides) {
    return AgentSettings.from(ConfigFactory.parseString(
            "drover.agent { executor = noop, logs.flush-timeout = 200ms }\n" + overrides)
        .withFallback(ConfigFactory.load()));
  }

  private ActorRef<AgentCommand> agent(String agentId, AgentSettings settings) {
    AgentInfo info = new AgentInfo(agentId, "localhost", null, "ce", Resources.of(64, 65_536, 0), "noop", true, false,
        null, null, null, null);
    return testKit.spawn(NodeAgent.create(info, new NoopAttemptExecutor(Duration.ZERO), settings, null, null, blocking));
  }

  private static LaunchAttempt launch(String jobId, ActorRef<LaunchAccepted> replyTo) {
    return new LaunchAttempt(new AttemptLaunch(jobId, 1, "name", "queue", null, "ce", null, List.of("true"), Map.of(),
        Resources.of(1, 16, 0), null, false, false), replyTo);
  }

  /** The next status from {@code agentId} that {@code wanted} accepts; statuses from other agents are skipped. */
  private AgentStatus statusOf(String agentId, Predicate<AgentStatus> wanted) {
    List<SchedulerCommand> seen = scheduler.fishForMessage(Duration.ofSeconds(15), "a status of " + agentId,
        message -> message instanceof AgentStatus status && status.info().agentId().equals(agentId)
            && wanted.test(status) ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
    return (AgentStatus) seen.get(seen.size() - 1);
  }

  private static boolean lists(List<HostedAttempt> attempts, String jobId) {
    return attempts.stream().anyMatch(a -> a.jobId().equals(jobId));
  }

  @Test
  void anEndedAttemptLeavesTheStatusAfterThreeHeartbeatsButALateLaunchOfItStaysIgnored() {
    ActorRef<AgentCommand> agent = agent("agent-window",
        settings("drover.agent { heartbeat-interval = 100ms, status-min-interval = 0s, recently-ended-window = 60s }"));
    TestProbe<LaunchAccepted> accepted = testKit.createTestProbe(LaunchAccepted.class);
    jobs = testKit.createTestProbe(JobCommand.class);

    agent.tell(launch("window-job", accepted.ref()));
    accepted.expectMessage(new LaunchAccepted("window-job", 1));
    statusOf("agent-window", s -> lists(s.recentlyEnded(), "window-job"));
    jobs.fishForMessage(Duration.ofSeconds(5), "the attempt's exit", message ->
        message instanceof AttemptExited ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
    AgentStatus later = statusOf("agent-window", s -> s.recentlyEnded().isEmpty());
    assertEquals(List.of(), later.running());

    agent.tell(launch("window-job", accepted.ref()));
    accepted.expectMessage(new LaunchAccepted("window-job", 1));
    AgentStatus afterLateLaunch = statusOf("agent-window", s -> true);
    assertEquals(List.of(), afterLateLaunch.running(), "a late launch of an ended attempt ran again");
    jobs.expectNoMessage(Duration.ofMillis(300));
    testKit.stop(agent);
  }

  @Test
  void anAttemptWhoseEndTheJobHasNotAcknowledgedStaysListedAndHoldsTheDrain() {
    ActorRef<AgentCommand> agent = agent("agent-unacknowledged", settings(
        "drover.agent { heartbeat-interval = 100ms, status-min-interval = 0s, report-retry-interval = 200ms }"));
    TestProbe<LaunchAccepted> accepted = testKit.createTestProbe(LaunchAccepted.class);
    TestProbe<Done> drained = testKit.createTestProbe(Done.class);
    jobs = testKit.createTestProbe(JobCommand.class);
    acknowledgeExits = false;
    try {
      agent.tell(launch("unacknowledged-job", accepted.ref()));
      accepted.expectMessage(new LaunchAccepted("unacknowledged-job", 1));
      jobs.fishForMessage(Duration.ofSeconds(5), "the attempt's exit", message ->
          message instanceof AttemptExited ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
      long exitedAt = System.nanoTime();

      // Ten heartbeats on, the end is still on its way to the job: listed as ended, not running.
      AgentStatus later = statusOf("agent-unacknowledged", s -> System.nanoTime() - exitedAt > 1_000_000_000L);
      assertEquals(List.of(), later.running());
      assertTrue(lists(later.recentlyEnded(), "unacknowledged-job"), "the unacknowledged end left the status");
      agent.tell(new NodeAgent.Drain(Duration.ofHours(1), drained.ref()));
      drained.expectNoMessage(Duration.ofMillis(500));

      acknowledgeExits = true;
      drained.expectMessage(Duration.ofSeconds(5), Done.getInstance());
      statusOf("agent-unacknowledged", s -> !lists(s.recentlyEnded(), "unacknowledged-job"));
    } finally {
      acknowledgeExits = true;
      testKit.stop(agent);
    }
  }

  @Test
  void aBurstOfShortAttemptsGoesOutInAFewStatusesNotOnePerChange() {
    ActorRef<AgentCommand> agent = agent("agent-burst",
        settings("drover.agent { heartbeat-interval = 1h, status-min-interval = 2s }"));
    statusOf("agent-burst", s -> true);
    TestProbe<LaunchAccepted> accepted = testKit.createTestProbe(LaunchAccepted.class);
    jobs = testKit.createTestProbe(JobCommand.class);
    int attempts = 20;

    for (int i = 0; i < attempts; i++) {
      agent.tell(launch("burst-job-" + i, accepted.ref()));
    }
    accepted.receiveSeveralMessages(attempts);
    List<AgentStatus> statuses = new ArrayList<>();
    AgentStatus last;
    do {
      last = statusOf("agent-burst", s -> true);
      statuses.add(last);
    } while (last.recentlyEnded().size() < attempts);

    // 20 starts and 20 ends: one status each without the interval.
    assertTrue(statuses.size() < 10, "the burst went out as " + statuses.size() + " statuses");
    assertEquals(List.of(), last.running());
    assertEquals(IntStream.range(0, attempts).mapToObj(i -> "burst-job-" + i).collect(Collectors.toSet()),
        last.recentlyEnded().stream().map(HostedAttempt::jobId).collect(Collectors.toSet()));
    testKit.stop(agent);
  }
}
