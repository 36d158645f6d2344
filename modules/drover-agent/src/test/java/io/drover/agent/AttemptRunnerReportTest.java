package io.drover.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.drover.agent.exec.NoopAttemptExecutor;
import io.drover.core.model.Resources;
import io.drover.protocol.AgentProtocol.AttemptLaunch;
import io.drover.protocol.JobProtocol;
import io.drover.protocol.JobProtocol.AttemptExited;
import io.drover.protocol.JobProtocol.AttemptReportAck;
import io.drover.protocol.JobProtocol.AttemptStarted;
import io.drover.protocol.JobProtocol.JobCommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.SelfUp;
import org.apache.pekko.cluster.typed.Subscribe;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An attempt's reports to its job are resent until the job acknowledges that very report, and the
 * agent hears the runner is done only then. The job here is a slow stand-in: it acknowledges the
 * attempt's start only after the attempt has ended (so the runner has reported the start again,
 * then the exit), and ignores the first exit. An attempt reports its start once it has run for the
 * start-report delay; one that ends sooner reports its start only with its end.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AttemptRunnerReportTest {

  private static final Config CONFIG = ConfigFactory.parseString("""
      pekko.actor.provider = cluster
      pekko.remote.artery.canonical.hostname = 127.0.0.1
      pekko.remote.artery.canonical.port = 0
      # The stand-in jobs are sharded on this node itself, which offers no job gateway.
      drover.node.job-gateway-wait = 0s
      """);

  @JUnit5TestKit
  final ActorTestKit testKit =
      new JUnit5TestKitBuilder().withName("AttemptRunnerReportTest").withCustomConfig(CONFIG).build();

  /** What each job (by id) was told, and whether it acknowledged an exit. */
  private final Map<String, TestProbe<JobCommand>> reports = new ConcurrentHashMap<>();
  private final Map<String, AtomicBoolean> exitAcknowledged = new ConcurrentHashMap<>();

  private TestProbe<JobCommand> reportsTo(String jobId) {
    return reports.computeIfAbsent(jobId, id -> testKit.createTestProbe(JobCommand.class));
  }

  @BeforeAll
  void joinClusterAndStartTheSlowJob() {
    Cluster cluster = Cluster.get(testKit.system());
    TestProbe<SelfUp> up = testKit.createTestProbe(SelfUp.class);
    cluster.subscriptions().tell(Subscribe.create(up.ref(), SelfUp.class));
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    up.expectMessageClass(SelfUp.class, Duration.ofSeconds(10));
    ClusterSharding.get(testKit.system()).init(Entity.of(JobProtocol.JOB, ctx -> slowJob(ctx.getEntityId())));
  }

  /** Holds the start's acknowledgement until the first exit, which it ignores; acknowledges later exits. */
  private Behavior<JobCommand> slowJob(String jobId) {
    TestProbe<JobCommand> told = reportsTo(jobId);
    AtomicBoolean acknowledged = exitAcknowledged.computeIfAbsent(jobId, id -> new AtomicBoolean());
    List<AttemptStarted> starts = new ArrayList<>();
    int[] exits = {0};
    return Behaviors.receive(JobCommand.class)
        .onMessage(AttemptStarted.class, started -> {
          told.ref().tell(started);
          starts.add(started);
          return Behaviors.same();
        })
        .onMessage(AttemptExited.class, exited -> {
          told.ref().tell(exited);
          if (exits[0]++ == 0) {
            starts.forEach(s -> s.replyTo().tell(new AttemptReportAck(s.jobId(), s.attempt())));
          } else {
            acknowledged.set(true);
            exited.replyTo().tell(new AttemptReportAck(exited.jobId(), exited.attempt()));
          }
          return Behaviors.same();
        })
        .build();
  }

  private static AgentSettings settings(String startReportDelay) {
    return AgentSettings.from(ConfigFactory.parseString("drover.agent { executor = noop, report-retry-interval = 200ms, "
            + "logs.flush-timeout = 200ms, start-report-delay = " + startReportDelay + " }")
        .withFallback(ConfigFactory.load()));
  }

  private static AttemptLaunch launch(String jobId) {
    return new AttemptLaunch(jobId, 1, "name", "queue", null, "ce", null, List.of("true"),
        Map.of(), Resources.of(1, 16, 0), null, false, false);
  }

  @Test
  void aLateAcknowledgementOfTheStartDoesNotStopTheExitFromBeingSentAgainNorEndTheRunner() {
    TestProbe<AttemptRunner.Progress> agent = testKit.createTestProbe(AttemptRunner.Progress.class);

    ActorRef<AttemptRunner.Command> runner = testKit.spawn(AttemptRunner.create(
        launch("slow-job"), null, "agent-1", new NoopAttemptExecutor(Duration.ZERO), settings("0s"), agent.ref()));

    agent.expectMessage(Duration.ofSeconds(10), new AttemptRunner.Released("slow-job", 1));
    List<Long> startTimes = new ArrayList<>();
    List<Long> exitStartTimes = new ArrayList<>();
    reportsTo("slow-job").fishForMessage(Duration.ofSeconds(10), "the exit, sent again after the start's late acknowledgement", report -> {
      if (report instanceof AttemptStarted started) {
        startTimes.add(started.at());
      } else if (report instanceof AttemptExited exited) {
        exitStartTimes.add(exited.startedAt());
      }
      return exitStartTimes.size() == 2 ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore();
    });
    assertEquals(List.of(startTimes.get(0), startTimes.get(0)), exitStartTimes,
        "each exit carries the start, for a job that never got it");
    agent.expectMessage(Duration.ofSeconds(10), new AttemptRunner.Done("slow-job", 1));
    assertTrue(exitAcknowledged.get("slow-job").get(), "the runner was done before the job acknowledged the exit");
    agent.expectTerminated(runner);
  }

  @Test
  void anAttemptThatEndsWithinTheStartReportDelayReportsItsStartOnlyWithItsEnd() {
    TestProbe<AttemptRunner.Progress> agent = testKit.createTestProbe(AttemptRunner.Progress.class);

    testKit.spawn(AttemptRunner.create(
        launch("quick-job"), null, "agent-1", new NoopAttemptExecutor(Duration.ZERO), settings("1h"), agent.ref()));

    TestProbe<JobCommand> jobs = reportsTo("quick-job");
    AttemptExited first = jobs.expectMessageClass(AttemptExited.class, Duration.ofSeconds(10));
    assertEquals("quick-job", first.jobId());
    assertNotNull(first.startedAt(), "the exit carries the start");
    AttemptExited again = jobs.expectMessageClass(AttemptExited.class, Duration.ofSeconds(10));
    assertEquals(first.startedAt(), again.startedAt());
    agent.expectMessage(Duration.ofSeconds(10), new AttemptRunner.Released("quick-job", 1));
    agent.expectMessage(Duration.ofSeconds(10), new AttemptRunner.Done("quick-job", 1));
    jobs.expectNoMessage(Duration.ofMillis(300));
  }

  @Test
  void anAttemptStillRunningAfterTheStartReportDelayReportsItsStartBeforeItsEnd() {
    TestProbe<AttemptRunner.Progress> agent = testKit.createTestProbe(AttemptRunner.Progress.class);

    testKit.spawn(AttemptRunner.create(
        launch("long-job"), null, "agent-1", new NoopAttemptExecutor(Duration.ofSeconds(1)), settings("50ms"), agent.ref()));

    TestProbe<JobCommand> jobs = reportsTo("long-job");
    AttemptStarted started = jobs.expectMessageClass(AttemptStarted.class, Duration.ofSeconds(10));
    assertEquals("long-job", started.jobId());
    AttemptExited exited = (AttemptExited) jobs.fishForMessage(Duration.ofSeconds(10), "the exit, after the resent starts",
        report -> report instanceof AttemptExited ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore())
        .get(0);
    assertEquals(started.at(), exited.startedAt(), "the exit carries the start the job was told");
    agent.expectMessage(Duration.ofSeconds(10), new AttemptRunner.Released("long-job", 1));
    agent.expectMessage(Duration.ofSeconds(10), new AttemptRunner.Done("long-job", 1));
  }
}
