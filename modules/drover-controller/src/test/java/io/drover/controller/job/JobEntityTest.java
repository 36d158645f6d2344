package io.drover.controller.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.drover.controller.ControllerSettings;
import io.drover.controller.controlplane.ControlPlaneRequests;
import io.drover.controller.job.JobEntity.JobSnapshot;
import io.drover.controller.job.JobEntity.PlaceResult;
import io.drover.controller.queue.JobQueueActor;
import io.drover.core.api.ContainerOverrides;
import io.drover.core.api.RegisterJobDefinitionRequest;
import io.drover.core.api.SubmitJobRequest;
import io.drover.core.controlplane.ControlPlaneRequest;
import io.drover.core.controlplane.ControlPlaneState;
import io.drover.core.definition.ContainerProperties;
import io.drover.core.definition.JobTimeout;
import io.drover.core.definition.RetryStrategy;
import io.drover.core.job.JobEvent;
import io.drover.core.job.JobEvent.AttemptEnded;
import io.drover.core.job.JobEvent.AttemptReattached;
import io.drover.core.job.JobEvent.Cancelled;
import io.drover.core.job.JobEvent.Placed;
import io.drover.core.job.JobEvent.Started;
import io.drover.core.job.JobEvent.Submitted;
import io.drover.core.job.JobEvent.TerminationRequested;
import io.drover.core.job.JobSpec;
import io.drover.core.job.JobState;
import io.drover.core.job.Placement;
import io.drover.core.job.Submissions;
import io.drover.core.model.JobStatus;
import io.drover.core.model.KeyValuePair;
import io.drover.core.model.ResourceRequirement;
import io.drover.core.model.Resources;
import io.drover.core.scheduling.JobTicket;
import io.drover.metrics.ControllerMetrics;
import io.drover.metrics.NodeMetrics;
import io.drover.protocol.AgentProtocol.AgentCommand;
import io.drover.protocol.AgentProtocol.AttemptLaunch;
import io.drover.protocol.AgentProtocol.LaunchAccepted;
import io.drover.protocol.AgentProtocol.LaunchAttempt;
import io.drover.protocol.AgentProtocol.StopAttempt;
import io.drover.protocol.JobProtocol;
import io.drover.protocol.JobProtocol.AttemptExited;
import io.drover.protocol.JobProtocol.AttemptReportAck;
import io.drover.protocol.JobProtocol.AttemptStarted;
import io.drover.protocol.JobProtocol.JobCommand;
import io.drover.protocol.JobProtocol.ReattachAnswer;
import io.drover.protocol.JobProtocol.ReattachAttempt;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.List;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityContext;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.SelfUp;
import org.apache.pekko.cluster.typed.Subscribe;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResult;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The job entity's lifecycle, driven command by command. Every command, event, reply and state
 * also goes through the real Jackson CBOR binding (and must come back equal), and the journal
 * stores events serialized (the test kit's default is not to), so a restart replays what was written.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobEntityTest {

  private static final Duration LAUNCH_RETRY = Duration.ofMillis(200);
  private static final Duration REATTACH_WINDOW = Duration.ofMillis(1500);
  private static final Duration IDLE_TIMEOUT = Duration.ofMillis(500);

  private static final Config CONFIG = ConfigFactory.parseString("""
          pekko.actor.provider = cluster
          pekko.remote.artery.canonical.hostname = 127.0.0.1
          pekko.remote.artery.canonical.port = 0
          pekko.persistence.testkit.events.serialize = on
          pekko.persistence.testkit.snapshots.serialize = on
          drover.controller.job.launch-retry-interval = %dms
          drover.controller.job.reattach-window = %dms
          drover.controller.job.idle-timeout = %dms
          """.formatted(LAUNCH_RETRY.toMillis(), REATTACH_WINDOW.toMillis(), IDLE_TIMEOUT.toMillis()))
      .withFallback(EventSourcedBehaviorTestKit.config());

  private static final Duration WAIT = Duration.ofSeconds(3);
  private static final String COMPUTE_ENVIRONMENT = "on-prem";
  private static final String TERMINATE_REASON = "Terminated by the nightly cleanup";

  /** One attempt of 1 vCPU and 512 MiB; no retry strategy or timeout of its own. */
  private static final RegisterJobDefinitionRequest REPORT_DEFINITION = new RegisterJobDefinitionRequest(
      "report", "container", null, null,
      new ContainerProperties("busybox:1.36", null, null, List.of("sh", "-c", "echo $GREETING"), null, null,
          List.of(new KeyValuePair("GREETING", "hello")), null, null, null,
          List.of(new ResourceRequirement(ResourceRequirement.VCPU, "1"),
              new ResourceRequirement(ResourceRequirement.MEMORY, "512"))),
      null, null, null, null, null, null);

  private static final AtomicInteger JOB_COUNTER = new AtomicInteger();

  @JUnit5TestKit
  final ActorTestKit testKit = new JUnit5TestKitBuilder().withName("JobEntityTest").withCustomConfig(CONFIG).build();

  private final Map<String, TestProbe<JobQueueActor.Command>> queues = new ConcurrentHashMap<>();

  private final NodeMetrics nodeMetrics = new NodeMetrics(new PrometheusRegistry());
  private final ControllerMetrics metrics = nodeMetrics.controller();
  private ControllerSettings settings;
  private String jobId;
  private String queueName;
  private TestProbe<JobQueueActor.Command> queue;
  private TestProbe<AgentCommand> agent;
  private TestProbe<ClusterSharding.ShardCommand> shard;
  /** The controller's one warm place, which this test's job may take. */
  private WarmJobs warmJobs;
  private EventSourcedBehaviorTestKit<JobCommand, JobEvent, JobState> job;

  @BeforeAll
  void joinClusterAndStartQueues() {
    settings = ControllerSettings.from(testKit.system().settings().config());
    Cluster cluster = Cluster.get(testKit.system());
    TestProbe<SelfUp> up = testKit.createTestProbe(SelfUp.class);
    cluster.subscriptions().tell(Subscribe.create(up.ref(), SelfUp.class));
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    up.expectMessageClass(SelfUp.class, Duration.ofSeconds(10));
    // Jobs tell their queue through sharding: each queue entity hands what it gets to its test's probe.
    ClusterSharding.get(testKit.system()).init(Entity.of(JobQueueActor.TYPE, ctx ->
        Behaviors.<JobQueueActor.Command>receiveMessage(message -> {
          queues.get(ctx.getEntityId()).ref().tell(message);
          return Behaviors.same();
        })));
  }

  @BeforeEach
  void newJob() {
    int n = JOB_COUNTER.incrementAndGet();
    jobId = "job-" + n;
    queueName = "queue-" + n;
    queue = testKit.createTestProbe(JobQueueActor.Command.class);
    queues.put(queueName, queue);
    agent = testKit.createTestProbe(AgentCommand.class);
    shard = testKit.createTestProbe(ClusterSharding.ShardCommand.class);
    warmJobs = new WarmJobs(1);
    job = EventSourcedBehaviorTestKit.create(
        testKit.system(),
        JobEntity.create(new EntityContext<>(JobProtocol.JOB, jobId, shard.ref()), settings, metrics, warmJobs),
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyEquality(true));
  }

  // ---- submission

  @Test
  void submitPersistsSubmittedAndAcks() {
    JobSpec spec = spec(null, null);
    CommandResultWithReply<JobCommand, JobEvent, JobState, StatusReply<Done>> result =
        job.runCommand(replyTo -> new JobEntity.Submit(jobId, spec, 1_000, replyTo));

    assertTrue(result.reply().isSuccess());
    assertEquals(new Submitted(jobId, spec, 1_000), result.event());
    assertEquals(JobStatus.RUNNABLE, result.state().status());
    assertEquals(spec, result.state().spec());
    assertEquals(1_000, result.state().createdAt());
    assertTrue(result.state().attempts().isEmpty());
    expectQueue(enqueue());
  }

  @Test
  void submitAgainWithTheSameSpecAcksWithoutANewEvent() {
    submit(spec(null, null));

    CommandResultWithReply<JobCommand, JobEvent, JobState, StatusReply<Done>> again =
        job.runCommand(replyTo -> new JobEntity.Submit(jobId, spec(null, null), 2_000, replyTo));

    assertTrue(again.reply().isSuccess());
    assertTrue(again.hasNoEvents());
    assertEquals(1_000, again.state().createdAt());
  }

  @Test
  void submitAgainWithAnotherSpecIsAnError() {
    submit(spec(null, null));

    CommandResultWithReply<JobCommand, JobEvent, JobState, StatusReply<Done>> other =
        job.runCommand(replyTo -> new JobEntity.Submit(jobId, spec(new RetryStrategy(3, null), null), 2_000, replyTo));

    assertTrue(other.reply().isError());
    assertEquals("A different job with id " + jobId + " already exists.", other.reply().getError().getMessage());
    assertTrue(other.hasNoEvents());
  }

  @Test
  void submitAgainAfterARestartStillRecognizesTheSameSpec() {
    submit(spec(new RetryStrategy(2, null), new JobTimeout(600)));
    job.restart();

    CommandResultWithReply<JobCommand, JobEvent, JobState, StatusReply<Done>> again = job.runCommand(
        replyTo -> new JobEntity.Submit(jobId, spec(new RetryStrategy(2, null), new JobTimeout(600)), 2_000, replyTo));

    assertTrue(again.reply().isSuccess(), "the replayed spec must equal the one the API resolves again");
    assertTrue(again.hasNoEvents());
  }

  @Test
  void unknownJobHasANullStateAndRefusesCommands() {
    CommandResultWithReply<JobCommand, JobEvent, JobState, JobSnapshot> get =
        job.runCommand(replyTo -> new JobEntity.Get(jobId, replyTo));
    assertEquals(new JobSnapshot(jobId, null, Map.of()), get.reply());
    assertTrue(get.hasNoEvents());

    PlaceResult place = job.<PlaceResult>runCommand(replyTo -> new JobEntity.Place(jobId, placement(), replyTo)).reply();
    assertFalse(place.placed());
    assertEquals("no such job", place.reason());

    StatusReply<Done> cancel = job.<StatusReply<Done>>runCommand(replyTo -> new JobEntity.Cancel(jobId, "no", replyTo)).reply();
    assertEquals("Job " + jobId + " does not exist.", cancel.getError().getMessage());

    StatusReply<Done> terminate =
        job.<StatusReply<Done>>runCommand(replyTo -> new JobEntity.Terminate(jobId, "no", replyTo)).reply();
    assertEquals("Job " + jobId + " does not exist.", terminate.getError().getMessage());

    AttemptReportAck ack = job.<AttemptReportAck>runCommand(
        replyTo -> new AttemptExited(jobId, 1, "agent-1", 0, null, null, 5_000, replyTo)).reply();
    assertEquals(new AttemptReportAck(jobId, 1), ack, "an agent's report is acked even for an unknown job");
    assertNull(job.getState());
    agent.expectNoMessage(Duration.ofMillis(100));
  }

  // ---- logging

  @Test
  void logLinesNameTheJobItsAttemptAndTheController() {
    Logger logger = (Logger) LoggerFactory.getLogger(JobEntity.class);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    Level level = logger.getLevel();
    logger.setLevel(Level.INFO);
    logger.addAppender(lines);
    try {
      submit(spec(null, null));
      place(1);
      start(1);
      exit(1, 0);
    } finally {
      logger.detachAppender(lines);
      logger.setLevel(level);
    }

    ILoggingEvent ended = lines.list.stream()
        .filter(e -> e.getFormattedMessage().startsWith("Job " + jobId + " attempt 1 ended"))
        .findFirst().orElseThrow(() -> new AssertionError("no 'attempt 1 ended' line in " + lines.list));
    Map<String, String> mdc = ended.getMDCPropertyMap();
    assertEquals(jobId, mdc.get("jobId"), mdc.toString());
    assertEquals("1", mdc.get("attempt"), mdc.toString());
    assertEquals(testKit.system().address().toString(), mdc.get("node"), mdc.toString());
  }

  // ---- placement and launch

  @Test
  void placeOnARunnableJobPersistsPlacedAndLaunchesOnTheAgent() {
    submit(spec(null, null));

    CommandResultWithReply<JobCommand, JobEvent, JobState, PlaceResult> result =
        job.runCommand(replyTo -> new JobEntity.Place(jobId, placement(), replyTo));

    assertEquals(new PlaceResult(jobId, true, 1, "agent-1", null), result.reply());
    Placed placed = result.eventOfType(Placed.class);
    assertEquals(1, placed.attempt());
    assertEquals(placement(), placed.placement());
    assertEquals(JobStatus.STARTING, result.state().status());
    assertEquals(placement(), result.state().currentAttempt().placement());
    expectQueue(enqueue(), new JobQueueActor.Dequeue(jobId));

    AttemptLaunch launch = agent.expectMessageClass(LaunchAttempt.class, WAIT).launch();
    assertEquals(jobId, launch.jobId());
    assertEquals(1, launch.attempt());
    assertEquals("nightly-report", launch.jobName());
    assertEquals(queueName, launch.jobQueue());
    assertEquals(COMPUTE_ENVIRONMENT, launch.computeEnvironment());
    assertEquals("busybox:1.36", launch.image());
    assertEquals(List.of("sh", "-c", "echo $GREETING"), launch.command());
    assertEquals(new Resources(1000, 512, 0), launch.resources());
    assertEquals(Map.of(
        "GREETING", "hello",
        "AWS_BATCH_JOB_ID", jobId,
        "AWS_BATCH_JOB_ATTEMPT", "1",
        "AWS_BATCH_JQ_NAME", queueName,
        "AWS_BATCH_CE_NAME", COMPUTE_ENVIRONMENT), launch.environment());
  }

  @Test
  void placeAgainRepliesWithTheCurrentPlacementAndPersistsNothing() {
    submit(spec(null, null));
    place(1);

    Placement elsewhere = new Placement("agent-2", placement().agentRef(), "worker-2", null, COMPUTE_ENVIRONMENT, false);
    CommandResultWithReply<JobCommand, JobEvent, JobState, PlaceResult> again =
        job.runCommand(replyTo -> new JobEntity.Place(jobId, elsewhere, replyTo));

    assertEquals(new PlaceResult(jobId, true, 1, "agent-1", null), again.reply());
    assertTrue(again.hasNoEvents());
    assertEquals(1, again.state().attempts().size());
  }

  @Test
  void placeOnAFinishedJobIsRefused() {
    submit(spec(null, null));
    place(1);
    start(1);
    exit(1, 0);

    PlaceResult result = job.<PlaceResult>runCommand(replyTo -> new JobEntity.Place(jobId, placement(), replyTo)).reply();

    assertEquals(new PlaceResult(jobId, false, 0, null, "job is SUCCEEDED"), result);
  }

  @Test
  void anUnconfirmedLaunchIsSentAgainUntilTheAgentAcceptsIt() {
    submit(spec(null, null));
    job.<PlaceResult>runCommand(replyTo -> new JobEntity.Place(jobId, placement(), replyTo));

    LaunchAttempt first = agent.expectMessageClass(LaunchAttempt.class, WAIT);
    LaunchAttempt second = agent.expectMessageClass(LaunchAttempt.class, WAIT);
    assertEquals(first.launch(), second.launch(), "a resend is the same launch");

    second.replyTo().tell(new LaunchAccepted(jobId, 1));
    drainAgent();
    agent.expectNoMessage(LAUNCH_RETRY.multipliedBy(3));
  }

  // ---- attempt reports

  @Test
  void attemptStartedMovesTheJobToRunning() {
    submit(spec(null, null));
    place(1);

    CommandResultWithReply<JobCommand, JobEvent, JobState, AttemptReportAck> result =
        job.runCommand(replyTo -> new AttemptStarted(jobId, 1, "agent-1", 3_000, replyTo));

    assertEquals(new AttemptReportAck(jobId, 1), result.reply());
    assertEquals(new Started(jobId, 1, 3_000), result.event());
    assertEquals(JobStatus.RUNNING, result.state().status());
    assertEquals(3_000L, result.state().startedAt());
    assertEquals(3_000L, result.state().currentAttempt().startedAt());
  }

  @Test
  void exitCodeZeroSucceeds() {
    submit(spec(null, null));
    place(1);
    start(1);

    CommandResultWithReply<JobCommand, JobEvent, JobState, AttemptReportAck> result = exit(1, 0);

    assertEquals(new AttemptReportAck(jobId, 1), result.reply());
    AttemptEnded ended = result.eventOfType(AttemptEnded.class);
    assertEquals(JobStatus.SUCCEEDED, ended.next());
    assertEquals(0, ended.exitCode());
    assertEquals(JobStatus.SUCCEEDED, result.state().status());
    assertEquals(9_000L, result.state().stoppedAt());
    assertEquals(JobState.CONTAINER_EXITED, result.state().statusReason());
  }

  @Test
  void anExitWhoseStartNeverArrivedRecordsTheStartItCarriesInTheSameWrite() {
    submit(spec(null, null));
    place(1);

    CommandResultWithReply<JobCommand, JobEvent, JobState, AttemptReportAck> result = job.runCommand(replyTo ->
        new AttemptExited(jobId, 1, "agent-1", 0, null, JobState.CONTAINER_EXITED, 9_000, replyTo, false, 4_000L));

    assertEquals(new AttemptReportAck(jobId, 1), result.reply());
    assertEquals(List.of(Started.class, AttemptEnded.class), result.events().stream().map(Object::getClass).toList());
    assertEquals(JobStatus.SUCCEEDED, result.state().status());
    assertEquals(4_000L, result.state().startedAt());
    assertEquals(4_000L, result.state().lastAttempt().startedAt());
    assertEquals(9_000L, result.state().stoppedAt());

    AttemptReportAck lateStart = job.<AttemptReportAck>runCommand(
        replyTo -> new AttemptStarted(jobId, 1, "agent-1", 4_000, replyTo)).reply();
    assertEquals(new AttemptReportAck(jobId, 1), lateStart);
    job.restart();
    assertEquals(4_000L, job.getState().startedAt(), "the start is in the journal");
  }

  @Test
  void anExitAfterItsStartKeepsTheStartTheJobRecorded() {
    submit(spec(null, null));
    place(1);
    start(1);

    CommandResultWithReply<JobCommand, JobEvent, JobState, AttemptReportAck> result = job.runCommand(replyTo ->
        new AttemptExited(jobId, 1, "agent-1", 0, null, JobState.CONTAINER_EXITED, 9_000, replyTo, false, 2_500L));

    assertEquals(List.of(AttemptEnded.class), result.events().stream().map(Object::getClass).toList());
    assertEquals(3_000L, result.state().startedAt());
  }

  @Test
  void aVariableSubmittedWithoutAValueReachesTheLaunchEmpty() {
    submit(spec(null, null, new ContainerOverrides(null, null, null,
        List.of(new KeyValuePair("EMPTY", null)), null)));
    place(1);

    Map<String, String> environment = expectLaunch(1).environment();
    assertEquals("", environment.get("EMPTY"));
    assertEquals("hello", environment.get("GREETING"));
  }

  @Test
  void anAttemptStoppedForASpotReclaimRunsAgainAsTheSameAttemptNumberForTheJob() {
    submit(spec(null, null));
    place(1);
    start(1);

    CommandResultWithReply<JobCommand, JobEvent, JobState, AttemptReportAck> reclaimed = job.runCommand(replyTo ->
        new AttemptExited(jobId, 1, "agent-1", 143, null, "Host worker-1 (agent agent-1) is being reclaimed.", 9_000,
            replyTo, true, 3_000L));

    assertEquals(new AttemptReportAck(jobId, 1), reclaimed.reply());
    assertEquals(Boolean.TRUE, reclaimed.eventOfType(AttemptEnded.class).reclaimed());
    assertEquals(JobStatus.RUNNABLE, reclaimed.state().status(), "its one attempt was not spent");
    expectQueue(enqueue(), new JobQueueActor.Dequeue(jobId), enqueue());

    job.<PlaceResult>runCommand(replyTo -> new JobEntity.Place(jobId, placement(), replyTo));
    assertEquals("1", expectLaunch(2).environment().get("AWS_BATCH_JOB_ATTEMPT"));
  }

  @Test
  void aFailedAttemptWithAttemptsLeftIsRetriedOnANewPlacement() {
    submit(spec(new RetryStrategy(2, null), null));
    place(1);
    start(1);

    CommandResultWithReply<JobCommand, JobEvent, JobState, AttemptReportAck> failed = exit(1, 1);
    assertEquals(JobStatus.RUNNABLE, failed.eventOfType(AttemptEnded.class).next());
    assertEquals(JobStatus.RUNNABLE, failed.state().status());
    assertTrue(failed.state().statusReason().startsWith("Attempt 1 of 2 failed"), failed.state().statusReason());
    assertNull(failed.state().currentAttempt());
    expectQueue(enqueue(), new JobQueueActor.Dequeue(jobId), enqueue());

    CommandResultWithReply<JobCommand, JobEvent, JobState, PlaceResult> second =
        job.runCommand(replyTo -> new JobEntity.Place(jobId, placement(), replyTo));
    assertEquals(new PlaceResult(jobId, true, 2, "agent-1", null), second.reply());
    assertEquals(2, second.eventOfType(Placed.class).attempt());
    AttemptLaunch launch = expectLaunch(2);
    assertEquals("2", launch.environment().get("AWS_BATCH_JOB_ATTEMPT"));

    start(2);
    CommandResultWithReply<JobCommand, JobEvent, JobState, AttemptReportAck> last = exit(2, 1);
    assertEquals(JobStatus.FAILED, last.state().status(), "no attempts left");
    assertEquals(2, last.state().attempts().size());
  }

  @Test
  void persistedStatusChangesRetriesAndTheFirstStartAreCounted() {
    submit(spec(new RetryStrategy(2, null), null));
    place(1);
    start(1);
    exit(1, 1);
    place(2);
    start(2);
    exit(2, 0);

    String scrape = new String(nodeMetrics.scrape(), java.nio.charset.StandardCharsets.UTF_8);
    String queue = "queue=\"" + queueName + "\"";
    assertTrue(scrape.contains("drover_job_transitions_total{" + queue + ",to=\"RUNNABLE\"} 2.0"), scrape);
    assertTrue(scrape.contains("drover_job_transitions_total{" + queue + ",to=\"STARTING\"} 2.0"), scrape);
    assertTrue(scrape.contains("drover_job_transitions_total{" + queue + ",to=\"RUNNING\"} 2.0"), scrape);
    assertTrue(scrape.contains("drover_job_transitions_total{" + queue + ",to=\"SUCCEEDED\"} 1.0"), scrape);
    assertTrue(scrape.contains("drover_job_retries_total{" + queue + "} 1.0"), scrape);
    assertTrue(scrape.contains("drover_job_submit_to_start_seconds_count{" + queue + "} 1"), scrape);
    assertTrue(scrape.contains("drover_job_submit_to_start_seconds_sum{" + queue + "} 2.0"), scrape);
  }

  @Test
  void aReportForAStaleAttemptIsAckedWithoutAnEvent() {
    submit(spec(new RetryStrategy(2, null), null));
    place(1);
    start(1);
    exit(1, 1);
    place(2);

    CommandResultWithReply<JobCommand, JobEvent, JobState, AttemptReportAck> staleExit = exit(1, 0);
    assertEquals(new AttemptReportAck(jobId, 1), staleExit.reply());
    assertTrue(staleExit.hasNoEvents());

    CommandResultWithReply<JobCommand, JobEvent, JobState, AttemptReportAck> staleStart =
        job.runCommand(replyTo -> new AttemptStarted(jobId, 1, "agent-1", 9_500, replyTo));
    assertEquals(new AttemptReportAck(jobId, 1), staleStart.reply());
    assertTrue(staleStart.hasNoEvents());
    assertEquals(JobStatus.STARTING, staleStart.state().status());
    assertEquals(2, staleStart.state().currentAttempt().number());
  }

  @Test
  void aRepeatedStartReportIsAckedWithoutAnEvent() {
    submit(spec(null, null));
    place(1);
    start(1);

    CommandResultWithReply<JobCommand, JobEvent, JobState, AttemptReportAck> again =
        job.runCommand(replyTo -> new AttemptStarted(jobId, 1, "agent-1", 4_000, replyTo));

    assertEquals(new AttemptReportAck(jobId, 1), again.reply());
    assertTrue(again.hasNoEvents());
    assertEquals(3_000L, again.state().startedAt());
  }

  // ---- cancel and terminate

  @Test
  void cancelOnARunnableJobFailsItWithTheReason() {
    submit(spec(null, null));

    CommandResultWithReply<JobCommand, JobEvent, JobState, StatusReply<Done>> result =
        job.runCommand(replyTo -> new JobEntity.Cancel(jobId, "Not needed any more", replyTo));

    assertTrue(result.reply().isSuccess());
    Cancelled cancelled = result.eventOfType(Cancelled.class);
    assertEquals("Not needed any more", cancelled.reason());
    assertEquals(JobStatus.FAILED, result.state().status());
    assertEquals("Not needed any more", result.state().statusReason());
    assertTrue(result.state().cancelled());
    expectQueue(enqueue(), new JobQueueActor.Dequeue(jobId));
  }

  @Test
  void cancelOnARunningJobChangesNothingButAcks() {
    submit(spec(null, null));
    place(1);
    start(1);

    CommandResultWithReply<JobCommand, JobEvent, JobState, StatusReply<Done>> result =
        job.runCommand(replyTo -> new JobEntity.Cancel(jobId, "Not needed any more", replyTo));

    assertTrue(result.reply().isSuccess());
    assertTrue(result.hasNoEvents());
    assertEquals(JobStatus.RUNNING, result.state().status());
  }

  @Test
  void terminateOnARunnableJobCancelsIt() {
    submit(spec(null, null));

    CommandResultWithReply<JobCommand, JobEvent, JobState, StatusReply<Done>> result =
        job.runCommand(replyTo -> new JobEntity.Terminate(jobId, TERMINATE_REASON, replyTo));

    assertTrue(result.reply().isSuccess());
    assertEquals(TERMINATE_REASON, result.eventOfType(Cancelled.class).reason());
    assertEquals(JobStatus.FAILED, result.state().status());
    expectQueue(enqueue(), new JobQueueActor.Dequeue(jobId));
  }

  @Test
  void terminateOnARunningJobStopsItsContainerAndFailsItWithoutRetry() {
    submit(spec(new RetryStrategy(3, null), null));
    place(1);
    start(1);

    CommandResultWithReply<JobCommand, JobEvent, JobState, StatusReply<Done>> result =
        job.runCommand(replyTo -> new JobEntity.Terminate(jobId, TERMINATE_REASON, replyTo));
    assertTrue(result.reply().isSuccess());
    assertEquals(TERMINATE_REASON, result.eventOfType(TerminationRequested.class).reason());
    assertEquals(JobStatus.RUNNING, result.state().status(), "running until the container has stopped");
    assertEquals(new StopAttempt(jobId, 1, TERMINATE_REASON, settings.stopGraceSeconds()), expectStop());

    CommandResultWithReply<JobCommand, JobEvent, JobState, AttemptReportAck> exited = exit(1, 137);
    AttemptEnded ended = exited.eventOfType(AttemptEnded.class);
    assertEquals(JobStatus.FAILED, ended.next(), "a terminated job does not retry, whatever its attempts left");
    assertEquals(TERMINATE_REASON, ended.statusReason(), "the attempt reports why it was stopped");
    assertEquals(JobStatus.FAILED, exited.state().status());
    assertEquals(TERMINATE_REASON, exited.state().statusReason());
    assertTrue(exited.state().terminated());
    assertEquals(1, exited.state().attempts().size());
  }

  @Test
  void terminateTwiceSendsOneStopRequest() {
    submit(spec(null, null));
    place(1);
    start(1);
    job.<StatusReply<Done>>runCommand(replyTo -> new JobEntity.Terminate(jobId, TERMINATE_REASON, replyTo));
    expectStop();

    CommandResultWithReply<JobCommand, JobEvent, JobState, StatusReply<Done>> again =
        job.runCommand(replyTo -> new JobEntity.Terminate(jobId, "again", replyTo));

    assertTrue(again.reply().isSuccess());
    assertTrue(again.hasNoEvents());
    assertEquals(TERMINATE_REASON, again.state().terminationReason());
  }

  // ---- host loss

  @Test
  void agentLostEndsTheAttemptWithTheHostInTheReason() {
    submit(spec(null, null));
    place(1);
    start(1);

    CommandResult<JobCommand, JobEvent, JobState> otherAgent = job.runCommand(new JobEntity.AgentLost(jobId,
        ActorRefResolver.get(testKit.system()).toSerializationFormat(testKit.createTestProbe(AgentCommand.class).ref())));
    assertTrue(otherAgent.hasNoEvents(), "another agent's loss does not concern this job");

    CommandResult<JobCommand, JobEvent, JobState> lost = job.runCommand(new JobEntity.AgentLost(jobId, placement().agentRef()));

    AttemptEnded ended = lost.eventOfType(AttemptEnded.class);
    assertEquals("Host worker-1 (agent agent-1) terminated.", ended.statusReason());
    assertNull(ended.exitCode());
    assertEquals(JobStatus.FAILED, lost.state().status(), "one attempt only");
    assertEquals("Host worker-1 (agent agent-1) terminated.", lost.state().statusReason());
  }

  @Test
  void agentLostWithAttemptsLeftRetriesAndNamesTheInstance() {
    submit(spec(new RetryStrategy(2, null), null));
    Placement ec2 = new Placement("agent-1", placement().agentRef(), "ip-10-0-0-5", "i-0abc123", COMPUTE_ENVIRONMENT, false);
    job.<PlaceResult>runCommand(replyTo -> new JobEntity.Place(jobId, ec2, replyTo));

    CommandResult<JobCommand, JobEvent, JobState> lost = job.runCommand(new JobEntity.AgentLost(jobId, ec2.agentRef()));

    assertEquals("Host EC2 (instance i-0abc123) terminated.", lost.eventOfType(AttemptEnded.class).statusReason());
    assertEquals(JobStatus.RUNNABLE, lost.state().status());
  }

  @Test
  void anAgentThatStopsEndsTheAttemptItHeld() {
    submit(spec(null, null));
    place(1);
    start(1);

    agent.stop();

    JobState state = agent.awaitAssert(WAIT, () -> {
      JobState current = job.getState();
      assertEquals(JobStatus.FAILED, current.status());
      return current;
    });
    assertEquals("Host worker-1 (agent agent-1) terminated.", state.statusReason());
  }

  @Test
  void anUnaccountedAttemptEndsOnlyAfterTheGrace() {
    submit(spec(null, null));
    place(1);
    long placedAt = job.getState().currentAttempt().placedAt();

    CommandResult<JobCommand, JobEvent, JobState> young = job.runCommand(new JobEntity.AttemptUnaccounted(jobId, placedAt));
    assertTrue(young.hasNoEvents(), "an attempt younger than the reconcile grace is left alone");

    long later = placedAt + settings.reconcileGrace().toMillis() + 1_000;
    CommandResult<JobCommand, JobEvent, JobState> old = job.runCommand(new JobEntity.AttemptUnaccounted(jobId, later));
    assertEquals("Host worker-1 (agent agent-1) terminated.", old.eventOfType(AttemptEnded.class).statusReason());
    assertEquals(JobStatus.FAILED, old.state().status());
  }

  /**
   * A STARTING job whose controller died sleeps until a message wakes it; when that message is the
   * reconcile's, the job has only just sent its launch again, so it is not lost yet.
   */
  @Test
  void aJobWokenByTheReconcileGetsTheGraceBeforeItsAttemptCountsAsLost() throws InterruptedException {
    submit(spec(null, null));
    place(1);
    Thread.sleep(5);
    long recovered = System.currentTimeMillis();
    job.restart();

    CommandResult<JobCommand, JobEvent, JobState> woken =
        job.runCommand(new JobEntity.AttemptUnaccounted(jobId, recovered + settings.reconcileGrace().toMillis()));
    assertTrue(woken.hasNoEvents(), "the launch it just sent again gets its chance");

    long nextCheck = recovered + settings.reconcileGrace().toMillis() + 60_000;
    CommandResult<JobCommand, JobEvent, JobState> later = job.runCommand(new JobEntity.AttemptUnaccounted(jobId, nextCheck));
    assertEquals("Host worker-1 (agent agent-1) terminated.", later.eventOfType(AttemptEnded.class).statusReason());
  }

  @Test
  void aContainerWhoseAgentLeftIsAdoptedByTheRestartedAgentWithinTheWindow() {
    submit(spec(null, null));
    Placement container = placeContainer();
    start(1);

    CommandResult<JobCommand, JobEvent, JobState> lost = job.runCommand(new JobEntity.AgentLost(jobId, container.agentRef()));
    assertTrue(lost.hasNoEvents(), "a container may outlive its agent: the attempt waits for the window");

    TestProbe<AgentCommand> restarted = testKit.createTestProbe(AgentCommand.class);
    CommandResultWithReply<JobCommand, JobEvent, JobState, ReattachAnswer> adopted =
        job.runCommand(replyTo -> new ReattachAttempt(jobId, 1, "agent-1", restarted.ref(), replyTo));

    assertEquals(new ReattachAnswer(jobId, 1, true), adopted.reply());
    String newRef = ActorRefResolver.get(testKit.system()).toSerializationFormat(restarted.ref());
    assertEquals(new AttemptReattached(jobId, 1, newRef, adopted.event().at()), adopted.event());
    assertEquals(JobStatus.RUNNING, adopted.state().status());
    assertEquals(container.withAgentRef(newRef), adopted.state().currentAttempt().placement());

    CommandResultWithReply<JobCommand, JobEvent, JobState, ReattachAnswer> again =
        job.runCommand(replyTo -> new ReattachAttempt(jobId, 1, "agent-1", restarted.ref(), replyTo));
    assertTrue(again.reply().adopted(), "a resent re-attach is answered the same");
    assertTrue(again.hasNoEvents());
    assertTrue(job.runCommand(new JobEntity.AgentLost(jobId, container.agentRef())).hasNoEvents(),
        "the earlier incarnation's loss no longer concerns the attempt");

    restarted.expectNoMessage(REATTACH_WINDOW.plusMillis(500));
    assertEquals(JobStatus.RUNNING, job.getState().status(), "the window passed without ending the adopted attempt");

    job.<AttemptReportAck>runCommand(replyTo -> new AttemptExited(jobId, 1, "agent-1", 0, null,
        "Essential container in task exited", 9_000, replyTo));
    assertEquals(JobStatus.SUCCEEDED, job.getState().status());
  }

  @Test
  void aContainerWhoseAgentDoesNotComeBackEndsAsLostAfterTheWindow() {
    submit(spec(new RetryStrategy(2, null), null));
    Placement container = placeContainer();
    start(1);

    assertTrue(job.runCommand(new JobEntity.AgentLost(jobId, container.agentRef())).hasNoEvents());

    JobState state = agent.awaitAssert(WAIT, () -> {
      JobState current = job.getState();
      assertEquals(JobStatus.RUNNABLE, current.status());
      return current;
    });
    assertEquals("Host worker-1 (agent agent-1) terminated.", state.attempts().get(0).statusReason());

    TestProbe<AgentCommand> tooLate = testKit.createTestProbe(AgentCommand.class);
    CommandResultWithReply<JobCommand, JobEvent, JobState, ReattachAnswer> refused =
        job.runCommand(replyTo -> new ReattachAttempt(jobId, 1, "agent-1", tooLate.ref(), replyTo));
    assertEquals(new ReattachAnswer(jobId, 1, false), refused.reply(), "the agent must stop a container the job gave up on");
    assertTrue(refused.hasNoEvents());
  }

  @Test
  void anotherHostCannotClaimTheAttempt() {
    submit(spec(null, null));
    placeContainer();
    start(1);

    TestProbe<AgentCommand> other = testKit.createTestProbe(AgentCommand.class);
    CommandResultWithReply<JobCommand, JobEvent, JobState, ReattachAnswer> refused =
        job.runCommand(replyTo -> new ReattachAttempt(jobId, 1, "agent-2", other.ref(), replyTo));

    assertFalse(refused.reply().adopted());
    assertTrue(refused.hasNoEvents());
  }

  // ---- memory

  @Test
  void aWaitingJobStaysInMemoryPastItsIdleTimeoutWhileItHoldsAWarmPlace() {
    submit(spec(null, null));

    shard.expectNoMessage(IDLE_TIMEOUT.multipliedBy(3));
    assertEquals(1, warmJobs.held());
  }

  @Test
  void aWaitingJobLeavesMemoryAfterItsIdleTimeoutWhenNoWarmPlaceIsLeft() {
    assertTrue(warmJobs.tryHold(), "another job takes the only place");
    submit(spec(null, null));

    shard.expectMessageClass(ClusterSharding.Passivate.class, WAIT);
    assertEquals(1, warmJobs.held());
  }

  @Test
  void aPlacedJobGivesBackItsWarmPlaceAndStaysWhileItHoldsTheHost() {
    submit(spec(null, null));
    awaitWarm();

    place(1);

    assertEquals(0, warmJobs.held());
    shard.expectNoMessage(IDLE_TIMEOUT.multipliedBy(3));
    assertEquals(0, warmJobs.held());
  }

  @Test
  void aFinishedJobHoldsNoWarmPlaceAndLeavesMemory() {
    submit(spec(null, null));
    job.<StatusReply<Done>>runCommand(replyTo -> new JobEntity.Cancel(jobId, "not needed", replyTo));

    shard.expectMessageClass(ClusterSharding.Passivate.class, WAIT);
    assertEquals(0, warmJobs.held());
  }

  @Test
  void aWarmJobThatStopsGivesBackItsPlace() {
    String otherId = jobId + "-stopped";
    var other = testKit.spawn(JobEntity.create(
        new EntityContext<>(JobProtocol.JOB, otherId, shard.ref()), settings, metrics, warmJobs));
    TestProbe<StatusReply<Done>> accepted = testKit.createTestProbe();
    other.tell(new JobEntity.Submit(otherId, spec(null, null), 1_000, accepted.ref()));
    assertTrue(accepted.receiveMessage(WAIT).isSuccess());
    awaitWarm();

    testKit.stop(other, WAIT);

    assertEquals(0, warmJobs.held());
  }

  // ---- restarts

  @Test
  void theJobSurvivesARestart() {
    submit(spec(new RetryStrategy(2, null), null));
    place(1);
    start(1);
    JobState before = job.getState();

    JobState recovered = job.restart().state();

    assertEquals(before, recovered);
    assertEquals(new JobSnapshot(jobId, before, Map.of()),
        job.<JobSnapshot>runCommand(replyTo -> new JobEntity.Get(jobId, replyTo)).reply());
  }

  @Test
  void aRunnableJobJoinsItsQueueAgainAfterARestart() {
    submit(spec(null, null));
    expectQueue(enqueue());

    job.restart();

    // Queues keep no durable state: a recovering RUNNABLE job tells its queue again.
    expectQueue(enqueue());
  }

  @Test
  void aStartingJobLaunchesAgainAfterARestart() {
    submit(spec(null, null));
    place(1);
    agent.expectMessageClass(LaunchAttempt.class, WAIT).replyTo().tell(new LaunchAccepted(jobId, 1));
    drainAgent();

    job.restart();

    assertEquals(1, agent.expectMessageClass(LaunchAttempt.class, WAIT).launch().attempt(),
        "a new incarnation does not know whether the agent has the launch");
  }

  @Test
  void aTerminationInProgressIsRequestedAgainAfterARestart() {
    submit(spec(null, null));
    place(1);
    start(1);
    job.<StatusReply<Done>>runCommand(replyTo -> new JobEntity.Terminate(jobId, TERMINATE_REASON, replyTo));
    expectStop();
    drainAgent();

    job.restart();

    assertEquals(TERMINATE_REASON, expectStop().reason());
  }

  // ---- timeouts

  @Test
  void anAttemptPastItsTimeoutIsStoppedAndFails() {
    submit(spec(null, new JobTimeout(60)));
    place(1);
    // The timeout counts from the start the agent reports: one that started a minute ago is due now.
    long aMinuteAgo = System.currentTimeMillis() - 60_000;
    job.<AttemptReportAck>runCommand(replyTo -> new AttemptStarted(jobId, 1, "agent-1", aMinuteAgo, replyTo));

    StopAttempt stop = expectStop();
    assertEquals(new StopAttempt(jobId, 1, JobEntity.TIMEOUT_REASON, settings.stopGraceSeconds()), stop);

    CommandResultWithReply<JobCommand, JobEvent, JobState, AttemptReportAck> exited = exit(1, 137);
    assertEquals(JobStatus.FAILED, exited.state().status());
    assertEquals(JobEntity.TIMEOUT_REASON, exited.state().statusReason());
  }

  @Test
  void anAttemptStoppedForItsTimeoutIsNotRetried() {
    submit(spec(new RetryStrategy(2, null), new JobTimeout(60)));
    place(1);
    long aMinuteAgo = System.currentTimeMillis() - 60_000;
    job.<AttemptReportAck>runCommand(replyTo -> new AttemptStarted(jobId, 1, "agent-1", aMinuteAgo, replyTo));
    assertEquals(JobEntity.TIMEOUT_REASON, expectStop().reason());

    CommandResultWithReply<JobCommand, JobEvent, JobState, AttemptReportAck> exited = exit(1, 137);

    assertEquals(JobStatus.FAILED, exited.state().status());
    assertEquals(JobEntity.TIMEOUT_REASON, exited.state().statusReason());
  }

  @Test
  void anAttemptWithinItsTimeoutIsNotStopped() {
    submit(spec(null, new JobTimeout(60)));
    place(1);
    job.<AttemptReportAck>runCommand(replyTo -> new AttemptStarted(jobId, 1, "agent-1", System.currentTimeMillis(), replyTo));
    drainAgent();

    agent.expectNoMessage(Duration.ofMillis(300));
  }

  // ---- helpers

  /** Waits until the job's idle timeout passes and it takes the warm place. */
  private void awaitWarm() {
    shard.awaitAssert(WAIT, () -> {
      assertEquals(1, warmJobs.held());
      return null;
    });
  }

  /**
   * This test's job as the API accepts it: a SubmitJob request resolved by {@link Submissions}
   * against a control plane holding this test's queue and the "report" definition.
   */
  private JobSpec spec(RetryStrategy retryStrategy, JobTimeout timeout) {
    return spec(retryStrategy, timeout, null);
  }

  private JobSpec spec(RetryStrategy retryStrategy, JobTimeout timeout, ContainerOverrides overrides) {
    ControlPlaneState controlPlane = ControlPlaneState.EMPTY;
    for (ControlPlaneRequest request : List.of(
        ControlPlaneRequests.createComputeEnvironment(COMPUTE_ENVIRONMENT),
        ControlPlaneRequests.createJobQueue(queueName, COMPUTE_ENVIRONMENT),
        REPORT_DEFINITION)) {
      controlPlane = controlPlane.apply(ControlPlaneRequests.RULES.execute(controlPlane, request));
    }
    SubmitJobRequest submit = new SubmitJobRequest("nightly-report", queueName, null, null, null, null, "report",
        Map.of("day", "monday"), overrides, retryStrategy, null, timeout, Map.of("team", "data"));
    return Submissions.resolve(controlPlane, ControlPlaneRequests.RULES, submit, jobId);
  }

  /**
   * Where the test places attempts: host worker-1, whose agent is the test's probe, running plain
   * processes (which end with their agent).
   */
  private Placement placement() {
    return new Placement("agent-1", ActorRefResolver.get(testKit.system()).toSerializationFormat(agent.ref()),
        "worker-1", null, COMPUTE_ENVIRONMENT, false);
  }

  /** Places the next attempt on worker-1 as a container, which outlives its agent. */
  private Placement placeContainer() {
    Placement container = new Placement("agent-1", placement().agentRef(), "worker-1", null, COMPUTE_ENVIRONMENT, true);
    job.<PlaceResult>runCommand(replyTo -> new JobEntity.Place(jobId, container, replyTo));
    return container;
  }

  private void submit(JobSpec spec) {
    StatusReply<Done> reply = job.<StatusReply<Done>>runCommand(replyTo -> new JobEntity.Submit(jobId, spec, 1_000, replyTo)).reply();
    assertTrue(reply.isSuccess());
  }

  private void place(int expectedAttempt) {
    PlaceResult result = job.<PlaceResult>runCommand(replyTo -> new JobEntity.Place(jobId, placement(), replyTo)).reply();
    assertEquals(expectedAttempt, result.attempt());
  }

  private void start(int attempt) {
    AttemptReportAck ack = job.<AttemptReportAck>runCommand(
        replyTo -> new AttemptStarted(jobId, attempt, "agent-1", 3_000, replyTo)).reply();
    assertEquals(new AttemptReportAck(jobId, attempt), ack);
  }

  private CommandResultWithReply<JobCommand, JobEvent, JobState, AttemptReportAck> exit(int attempt, int exitCode) {
    return job.runCommand(replyTo ->
        new AttemptExited(jobId, attempt, "agent-1", exitCode, null, JobState.CONTAINER_EXITED, 9_000, replyTo));
  }

  /**
   * What the job's queue hears from the job, in order. An Enqueue's ticket must match but for
   * when the job became RUNNABLE, which is when it was submitted or its last attempt ended.
   */
  private void expectQueue(JobQueueActor.Command... expected) {
    for (JobQueueActor.Command message : expected) {
      if (message instanceof JobQueueActor.Enqueue enqueue) {
        JobTicket got = queue.expectMessageClass(JobQueueActor.Enqueue.class, WAIT).ticket();
        JobTicket want = enqueue.ticket();
        assertEquals(want, new JobTicket(got.jobId(), got.queue(), got.resources(), got.createdAt(), got.schedulingPriority(),
            got.shareIdentifier(), want.runnableSince(), got.arrayJobId(), got.maxConcurrentChildren()));
        assertTrue(got.runnableSince() >= got.createdAt(), "RUNNABLE since " + got.runnableSince());
      } else {
        queue.expectMessage(WAIT, message);
      }
    }
  }

  private JobQueueActor.Enqueue enqueue() {
    return new JobQueueActor.Enqueue(JobTicket.of(jobId, queueName, new Resources(1000, 512, 0), 1_000));
  }

  /** The launch of {@code attempt}, skipping resends of earlier launches. */
  private AttemptLaunch expectLaunch(int attempt) {
    return expectAgent(LaunchAttempt.class, m -> m.launch().attempt() == attempt).launch();
  }

  /** The next stop request; launches resent before the attempt started may come first. */
  private StopAttempt expectStop() {
    return expectAgent(StopAttempt.class, m -> true);
  }

  private <T extends AgentCommand> T expectAgent(Class<T> type, Predicate<T> wanted) {
    List<AgentCommand> received = agent.fishForMessage(WAIT, message ->
        type.isInstance(message) && wanted.test(type.cast(message))
            ? FishingOutcomes.complete()
            : FishingOutcomes.continueAndIgnore());
    return type.cast(received.get(received.size() - 1));
  }

  /**
   * Discards what the job sent the agent so far. A Get processed by the job after everything the
   * test did orders the job's earlier sends before a marker that the test then sends the agent.
   */
  private void drainAgent() {
    job.<JobSnapshot>runCommand(replyTo -> new JobEntity.Get(jobId, replyTo));
    StopAttempt marker = new StopAttempt("marker", 0, "drain", 0);
    agent.ref().tell(marker);
    agent.fishForMessage(WAIT, message -> marker.equals(message) ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
  }
}
