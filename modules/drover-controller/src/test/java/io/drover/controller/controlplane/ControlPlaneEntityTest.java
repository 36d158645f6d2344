package io.drover.controller.controlplane;

import static io.drover.controller.controlplane.ControlPlaneRequests.RULES;
import static io.drover.controller.controlplane.ControlPlaneRequests.createComputeEnvironment;
import static io.drover.controller.controlplane.ControlPlaneRequests.createFairShareJobQueue;
import static io.drover.controller.controlplane.ControlPlaneRequests.createJobQueue;
import static io.drover.controller.controlplane.ControlPlaneRequests.createSchedulingPolicy;
import static io.drover.controller.controlplane.ControlPlaneRequests.deleteComputeEnvironment;
import static io.drover.controller.controlplane.ControlPlaneRequests.deleteJobQueue;
import static io.drover.controller.controlplane.ControlPlaneRequests.deleteSchedulingPolicy;
import static io.drover.controller.controlplane.ControlPlaneRequests.deregisterJobDefinition;
import static io.drover.controller.controlplane.ControlPlaneRequests.registerJobDefinition;
import static io.drover.controller.controlplane.ControlPlaneRequests.updateComputeEnvironment;
import static io.drover.controller.controlplane.ControlPlaneRequests.updateJobQueue;
import static io.drover.controller.controlplane.ControlPlaneRequests.updateSchedulingPolicy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.drover.controller.controlplane.ControlPlaneEntity.Applied;
import io.drover.controller.controlplane.ControlPlaneEntity.Changed;
import io.drover.controller.controlplane.ControlPlaneEntity.Command;
import io.drover.controller.controlplane.ControlPlaneEntity.Snapshot;
import io.drover.controller.controlplane.ControlPlaneEntity.Update;
import io.drover.core.controlplane.ControlPlaneEvent;
import io.drover.core.controlplane.ControlPlaneEvent.ComputeEnvironmentCreated;
import io.drover.core.controlplane.ControlPlaneEvent.ComputeEnvironmentDeleted;
import io.drover.core.controlplane.ControlPlaneEvent.ComputeEnvironmentUpdated;
import io.drover.core.controlplane.ControlPlaneEvent.JobDefinitionDeregistered;
import io.drover.core.controlplane.ControlPlaneEvent.JobDefinitionRegistered;
import io.drover.core.controlplane.ControlPlaneEvent.JobQueueCreated;
import io.drover.core.controlplane.ControlPlaneEvent.JobQueueDeleted;
import io.drover.core.controlplane.ControlPlaneEvent.JobQueueUpdated;
import io.drover.core.controlplane.ControlPlaneEvent.SchedulingPolicyCreated;
import io.drover.core.controlplane.ControlPlaneEvent.SchedulingPolicyDeleted;
import io.drover.core.controlplane.ControlPlaneEvent.SchedulingPolicyUpdated;
import io.drover.core.controlplane.ControlPlaneRequest;
import io.drover.core.controlplane.ControlPlaneState;
import io.drover.core.definition.JobDefinition;
import io.drover.core.model.State;
import io.drover.core.policy.FairsharePolicy;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The control-plane entity: every request kind, rejections, subscriptions and recovery. Commands,
 * events, replies and state go through the real Jackson CBOR binding and must come back equal,
 * which exercises the named type ids on {@link ControlPlaneEntity.Execute#request()}. The journal
 * stores events serialized, so a restart replays what was written.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ControlPlaneEntityTest {

  private static final Config CONFIG = ConfigFactory.parseString("""
          pekko.actor.provider = cluster
          pekko.remote.artery.canonical.hostname = 127.0.0.1
          pekko.remote.artery.canonical.port = 0
          pekko.persistence.testkit.events.serialize = on
          pekko.persistence.testkit.snapshots.serialize = on
          """)
      .withFallback(EventSourcedBehaviorTestKit.config());

  private static final Duration WAIT = Duration.ofSeconds(3);
  private static final String CE_ARN = "arn:aws:batch:us-east-1:123456789012:compute-environment/ce-1";

  @JUnit5TestKit
  final ActorTestKit testKit = new JUnit5TestKitBuilder().withName("ControlPlaneEntityTest").withCustomConfig(CONFIG).build();

  private EventSourcedBehaviorTestKit<Command, ControlPlaneEvent, ControlPlaneState> controlPlane;

  @BeforeAll
  void createEntity() {
    // The entity is a singleton with one persistence id: one test kit, cleared before each test.
    controlPlane = EventSourcedBehaviorTestKit.create(
        testKit.system(),
        ControlPlaneEntity.create(RULES),
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyEquality(true));
  }

  @BeforeEach
  void clear() {
    controlPlane.clear();
  }

  @Test
  void eachRequestKindPersistsItsEventAndRepliesWithItsSequenceNumber() {
    ComputeEnvironmentCreated ceCreated = execute(createComputeEnvironment("ce-1"), 1, ComputeEnvironmentCreated.class);
    assertEquals(CE_ARN, ceCreated.computeEnvironment().computeEnvironmentArn());

    ComputeEnvironmentUpdated ceUpdated =
        execute(updateComputeEnvironment("ce-1", null, 16), 2, ComputeEnvironmentUpdated.class);
    assertEquals(16, ceUpdated.computeEnvironment().unmanagedvCpus());

    JobQueueCreated queueCreated = execute(createJobQueue("q-1", "ce-1"), 3, JobQueueCreated.class);
    assertEquals(CE_ARN, queueCreated.jobQueue().computeEnvironmentOrder().get(0).computeEnvironment());

    JobDefinitionRegistered registered = execute(registerJobDefinition("app"), 4, JobDefinitionRegistered.class);
    assertEquals(1, registered.jobDefinition().revision());
    assertEquals(2, execute(registerJobDefinition("app"), 5, JobDefinitionRegistered.class).jobDefinition().revision());

    assertEquals(new JobDefinitionDeregistered("app", 1),
        execute(deregisterJobDefinition("app:1"), 6, JobDefinitionDeregistered.class));

    JobQueueUpdated queueUpdated = execute(updateJobQueue("q-1", State.DISABLED), 7, JobQueueUpdated.class);
    assertEquals(State.DISABLED, queueUpdated.jobQueue().state());
    assertEquals(20, queueUpdated.jobQueue().priority());

    assertEquals(new JobQueueDeleted("q-1"), execute(deleteJobQueue("q-1"), 8, JobQueueDeleted.class));
    execute(updateComputeEnvironment(CE_ARN, State.DISABLED, null), 9, ComputeEnvironmentUpdated.class);
    assertEquals(new ComputeEnvironmentDeleted("ce-1"), execute(deleteComputeEnvironment(CE_ARN), 10, ComputeEnvironmentDeleted.class));

    ControlPlaneState state = controlPlane.getState();
    assertTrue(state.computeEnvironments().isEmpty());
    assertTrue(state.jobQueues().isEmpty());
    assertEquals(List.of(JobDefinition.INACTIVE, JobDefinition.ACTIVE),
        state.revisions("app").stream().map(JobDefinition::status).toList());
  }

  @Test
  void schedulingPolicyRequestsPersistTheirEventsAndSurviveARestart() {
    String policyArn = "arn:aws:batch:us-east-1:123456789012:scheduling-policy/fair";
    SchedulingPolicyCreated created = execute(createSchedulingPolicy("fair"), 1, SchedulingPolicyCreated.class);
    assertEquals(policyArn, created.schedulingPolicy().arn());
    execute(createSchedulingPolicy("spare"), 2, SchedulingPolicyCreated.class);
    execute(createComputeEnvironment("ce-1"), 3, ComputeEnvironmentCreated.class);
    JobQueueCreated queue = execute(createFairShareJobQueue("q-1", "ce-1", policyArn), 4, JobQueueCreated.class);
    assertEquals(policyArn, queue.jobQueue().schedulingPolicyArn());
    assertEquals(1, queue.jobQueue().jobStateTimeLimitActions().size());

    SchedulingPolicyUpdated updated =
        execute(updateSchedulingPolicy(policyArn, new FairsharePolicy(60, 0, null)), 5, SchedulingPolicyUpdated.class);
    assertEquals(60, updated.schedulingPolicy().fairsharePolicy().decaySeconds());
    assertRejected(deleteSchedulingPolicy(policyArn), "still used by job queue(s) [q-1]");
    assertEquals(new SchedulingPolicyDeleted("spare"), execute(deleteSchedulingPolicy("spare"), 6, SchedulingPolicyDeleted.class));

    ControlPlaneState before = controlPlane.getState();
    assertEquals(before, controlPlane.restart().state());
    assertEquals(List.of("fair"), List.copyOf(before.schedulingPolicies().keySet()));
    assertEquals(60, before.fairsharePolicyOf(before.jobQueue("q-1").orElseThrow()).orElseThrow().decaySeconds());
  }

  @Test
  void aRejectedRequestRepliesAnErrorAndPersistsNothing() {
    execute(createComputeEnvironment("ce-1"), 1, ComputeEnvironmentCreated.class);
    execute(createJobQueue("q-1", "ce-1"), 2, JobQueueCreated.class);
    ControlPlaneState before = controlPlane.getState();

    assertRejected(createComputeEnvironment("ce-1"), "computeEnvironmentName 'ce-1' already exists");
    assertRejected(createJobQueue("q-1", "ce-1"), "jobQueueName 'q-1' already exists");
    assertRejected(createJobQueue("q-2", "nowhere"), "computeEnvironmentOrder[0].computeEnvironment 'nowhere' does not exist.");
    assertRejected(deleteComputeEnvironment("ce-1"), "is ENABLED");
    assertRejected(deregisterJobDefinition("app:1"), "jobDefinition 'app:1' does not exist.");

    assertEquals(before, controlPlane.getState());
    execute(registerJobDefinition("app"), 3, JobDefinitionRegistered.class);
  }

  @Test
  void subscribeRepliesASnapshotAndThenEveryChangeInOrder() {
    execute(createComputeEnvironment("ce-1"), 1, ComputeEnvironmentCreated.class);
    TestProbe<Update> subscriber = testKit.createTestProbe(Update.class);

    controlPlane.runCommand(new ControlPlaneEntity.Subscribe(subscriber.ref()));
    Snapshot snapshot = subscriber.expectMessageClass(Snapshot.class, WAIT);
    assertEquals(1, snapshot.sequenceNr());
    assertEquals(controlPlane.getState(), snapshot.state());

    ControlPlaneEvent queueCreated = execute(createJobQueue("q-1", "ce-1"), 2, JobQueueCreated.class);
    assertRejected(createJobQueue("q-1", "ce-1"), "already exists");
    ControlPlaneEvent registered = execute(registerJobDefinition("app"), 3, JobDefinitionRegistered.class);

    SerializationTestKit serialization = new SerializationTestKit(testKit.system());
    assertEquals(new Changed(queueCreated, 2), serialization.verifySerialization(subscriber.expectMessageClass(Changed.class, WAIT), true));
    assertEquals(new Changed(registered, 3), serialization.verifySerialization(subscriber.expectMessageClass(Changed.class, WAIT), true));
    subscriber.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void subscribingAgainRepliesASnapshotWithoutDoublingTheChanges() {
    TestProbe<Update> subscriber = testKit.createTestProbe(Update.class);
    controlPlane.runCommand(new ControlPlaneEntity.Subscribe(subscriber.ref()));
    controlPlane.runCommand(new ControlPlaneEntity.Subscribe(subscriber.ref()));
    assertEquals(0, subscriber.expectMessageClass(Snapshot.class, WAIT).sequenceNr());
    assertEquals(0, subscriber.expectMessageClass(Snapshot.class, WAIT).sequenceNr());

    ControlPlaneEvent created = execute(createComputeEnvironment("ce-1"), 1, ComputeEnvironmentCreated.class);

    assertEquals(new Changed(created, 1), subscriber.expectMessageClass(Changed.class, WAIT));
    subscriber.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void getStateRepliesTheStateAndItsSequenceNumber() {
    assertEquals(new Snapshot(ControlPlaneState.EMPTY, 0), getState().reply());

    execute(createComputeEnvironment("ce-1"), 1, ComputeEnvironmentCreated.class);
    execute(registerJobDefinition("app"), 2, JobDefinitionRegistered.class);

    CommandResultWithReply<Command, ControlPlaneEvent, ControlPlaneState, Update> result = getState();
    assertTrue(result.hasNoEvents());
    Snapshot snapshot = assertInstanceOf(Snapshot.class, result.reply());
    assertEquals(2, snapshot.sequenceNr());
    assertTrue(snapshot.state().computeEnvironment("ce-1").isPresent());
    assertTrue(snapshot.state().latestActive("app").isPresent());
  }

  @Test
  void theStateSurvivesARestart() {
    execute(createComputeEnvironment("ce-1"), 1, ComputeEnvironmentCreated.class);
    execute(createJobQueue("q-1", CE_ARN), 2, JobQueueCreated.class);
    execute(registerJobDefinition("app"), 3, JobDefinitionRegistered.class);
    execute(deregisterJobDefinition("app"), 4, JobDefinitionDeregistered.class);
    ControlPlaneState before = controlPlane.getState();

    assertEquals(before, controlPlane.restart().state());

    assertEquals(new Snapshot(before, 4), getState().reply());
    execute(createComputeEnvironment("ce-2"), 5, ComputeEnvironmentCreated.class);
  }

  @Test
  void theRequestCarriesANamedTypeIdNotAClassName() throws Exception {
    // The mapper of Pekko's jackson-cbor binding: it reads what that binding writes.
    ObjectMapper mapper = JacksonObjectMapperProvider.get(testKit.system()).getOrCreate("jackson-cbor", Optional.empty());
    TestProbe<StatusReply<Applied>> replyTo = testKit.createTestProbe();

    byte[] bytes = SerializationExtension.get(testKit.system().classicSystem())
        .serialize(new ControlPlaneEntity.Execute(createJobQueue("q-1", "ce-1"), replyTo.ref()))
        .get();
    JsonNode json = mapper.readTree(bytes);

    assertEquals("CreateJobQueue", json.get("request").get("operation").asText());
    assertFalse(json.toString().contains("io.drover"), json::toString);

    byte[] policy = SerializationExtension.get(testKit.system().classicSystem())
        .serialize(new ControlPlaneEntity.Execute(deleteSchedulingPolicy("fair"), replyTo.ref()))
        .get();
    assertEquals("DeleteSchedulingPolicy", mapper.readTree(policy).get("request").get("operation").asText());
  }

  // ---- helpers

  /** Executes a request the rules accept: the reply names its event and sequence number. */
  private <E extends ControlPlaneEvent> E execute(ControlPlaneRequest request, long sequenceNr, Class<E> eventType) {
    CommandResultWithReply<Command, ControlPlaneEvent, ControlPlaneState, StatusReply<Applied>> result =
        controlPlane.runCommand(replyTo -> new ControlPlaneEntity.Execute(request, replyTo));
    assertTrue(result.reply().isSuccess(), () -> "rejected: " + result.reply().getError().getMessage());
    E event = result.eventOfType(eventType);
    assertEquals(new Applied(event, sequenceNr), result.reply().getValue());
    return event;
  }

  private void assertRejected(ControlPlaneRequest request, String message) {
    CommandResultWithReply<Command, ControlPlaneEvent, ControlPlaneState, StatusReply<Applied>> result =
        controlPlane.runCommand(replyTo -> new ControlPlaneEntity.Execute(request, replyTo));
    assertTrue(result.reply().isError(), () -> "accepted: " + result.reply());
    String error = result.reply().getError().getMessage();
    assertTrue(error.contains(message), () -> "expected '" + message + "' in: " + error);
    assertTrue(result.hasNoEvents());
  }

  private CommandResultWithReply<Command, ControlPlaneEvent, ControlPlaneState, Update> getState() {
    return controlPlane.runCommand(ControlPlaneEntity.GetState::new);
  }
}
