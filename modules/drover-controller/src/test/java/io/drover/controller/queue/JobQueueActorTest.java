package io.drover.controller.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.drover.controller.ControllerSettings;
import io.drover.controller.controlplane.ControlPlaneRequests;
import io.drover.controller.job.JobEntity;
import io.drover.controller.scheduler.SchedulerActor;
import io.drover.core.controlplane.ControlPlaneRequest;
import io.drover.core.controlplane.ControlPlaneState;
import io.drover.core.model.Resources;
import io.drover.core.scheduling.JobTicket;
import io.drover.core.scheduling.Scheduler;
import io.drover.protocol.JobProtocol;
import io.drover.protocol.JobProtocol.JobCommand;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
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
 * A fair-share queue with a job state time limit action (cancel after 600 s RUNNABLE waiting for
 * capacity), fed by a stubbed read side, talking to a probe scheduler and probe jobs.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobQueueActorTest {

  private static final Config CONFIG = ConfigFactory.parseString("""
      pekko.actor.provider = cluster
      pekko.remote.artery.canonical.hostname = 127.0.0.1
      pekko.remote.artery.canonical.port = 0
      drover.controller.queue.head-size = 4
      """);

  @JUnit5TestKit
  final ActorTestKit testKit = new JUnit5TestKitBuilder().withName("JobQueueActorTest").withCustomConfig(CONFIG).build();

  private ControllerSettings settings;
  private TestProbe<JobCommand> jobs;
  private ControlPlaneState state;

  @BeforeAll
  void joinClusterAndStartJobs() {
    settings = ControllerSettings.from(testKit.system().settings().config());
    Cluster cluster = Cluster.get(testKit.system());
    TestProbe<SelfUp> up = testKit.createTestProbe(SelfUp.class);
    cluster.subscriptions().tell(Subscribe.create(up.ref(), SelfUp.class));
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    up.expectMessageClass(SelfUp.class, Duration.ofSeconds(10));
    jobs = testKit.createTestProbe(JobCommand.class);
    ClusterSharding.get(testKit.system()).init(Entity.of(JobProtocol.JOB, ctx ->
        Behaviors.<JobCommand>receiveMessage(message -> {
          jobs.ref().tell(message);
          return Behaviors.same();
        })));
    state = ControlPlaneState.EMPTY;
    for (ControlPlaneRequest request : List.of(
        ControlPlaneRequests.createComputeEnvironment("ce"),
        ControlPlaneRequests.createSchedulingPolicy("fair"),
        ControlPlaneRequests.createFairShareJobQueue("fs", "ce",
            ControlPlaneRequests.RULES.identity().schedulingPolicyArn("fair")))) {
      state = state.apply(ControlPlaneRequests.RULES.execute(state, request));
    }
  }

  private ActorRef<JobQueueActor.Command> start(TestProbe<SchedulerActor.Command> scheduler, JobTicket... runnable) {
    ControlPlaneState current = state;
    return testKit.spawn(JobQueueActor.create("fs", settings,
        queue -> CompletableFuture.completedFuture(List.of(runnable)), () -> current, scheduler.ref()));
  }

  private static JobTicket ticket(String jobId, String share, long createdAt, int priority, long runnableSince) {
    return new JobTicket(jobId, "fs", new Resources(1000, 512, 0), createdAt, priority, share, runnableSince, null, 0);
  }

  @Test
  void aFairShareQueueOffersTheHeadOfEveryShareInPriorityOrder() {
    TestProbe<SchedulerActor.Command> scheduler = testKit.createTestProbe(SchedulerActor.Command.class);
    start(scheduler,
        ticket("a-1", "team_a", 1, 1, 1), ticket("a-2", "team_a", 2, 9, 2), ticket("a-3", "team_a", 3, 5, 3),
        ticket("b-1", "team_b", 4, 0, 4));

    SchedulerActor.QueueOffer offer = scheduler.expectMessageClass(SchedulerActor.QueueOffer.class);

    // A head of 4 over two shares takes two from each: team_a's by priority, team_b's only job.
    assertEquals(4, offer.runnable());
    assertEquals(List.of("a-2", "a-3"),
        offer.head().stream().filter(t -> t.shareIdentifier().equals("team_a")).map(JobTicket::jobId).toList());
    assertTrue(offer.head().stream().anyMatch(t -> t.jobId().equals("b-1")), offer.head().toString());
  }

  @Test
  void aJobRunnableForLongerThanATimeLimitWithAMatchingReasonIsCancelledWithTheActionsReason() {
    long now = System.currentTimeMillis();
    TestProbe<SchedulerActor.Command> scheduler = testKit.createTestProbe(SchedulerActor.Command.class);
    ActorRef<JobQueueActor.Command> queue = start(scheduler,
        ticket("stuck", "team_a", now - 700_000, 0, now - 700_000),
        ticket("recent", "team_a", now - 700_000, 0, now - 10_000),
        ticket("too-big", "team_b", now - 700_000, 0, now - 700_000));
    scheduler.expectMessageClass(SchedulerActor.QueueOffer.class);

    String waitingForCapacity = Scheduler.INSUFFICIENT_CAPACITY + " - Waiting for capacity: compute environment ce has no host"
        + " with 1 vCPU, 512 MiB free.";
    queue.tell(new JobQueueActor.WaitReasons(Map.of(
        "stuck", waitingForCapacity,
        "recent", waitingForCapacity,
        "too-big", Scheduler.JOB_RESOURCE_REQUIREMENT + " - Cannot run: no compute environment of job queue fs can ever fit it.")));

    JobEntity.Cancel cancel = jobs.expectMessageClass(JobEntity.Cancel.class, Duration.ofSeconds(10));
    assertEquals("stuck", cancel.jobId());
    assertEquals(Scheduler.INSUFFICIENT_CAPACITY, cancel.reason());
    // The next check leaves the job that has not waited long enough and the one waiting for another
    // reason alone, and does not cancel the first one twice.
    jobs.expectNoMessage(Duration.ofSeconds(6));
  }
}
