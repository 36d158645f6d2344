package io.drover.controller.controlplane;

import static io.drover.controller.controlplane.ControlPlaneRequests.RULES;
import static io.drover.controller.controlplane.ControlPlaneRequests.createComputeEnvironment;
import static io.drover.controller.controlplane.ControlPlaneRequests.createJobQueue;
import static io.drover.controller.controlplane.ControlPlaneRequests.registerJobDefinition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.controller.controlplane.ControlPlaneEntity.Applied;
import io.drover.controller.controlplane.ControlPlaneEntity.Changed;
import io.drover.controller.controlplane.ControlPlaneEntity.Snapshot;
import io.drover.core.controlplane.ControlPlaneEvent;
import io.drover.core.controlplane.ControlPlaneRequest;
import io.drover.core.controlplane.ControlPlaneState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A node's view of the control plane: against the real entity (in-memory journal), and against a
 * probe standing in for the entity where the test needs to choose what the view receives.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ControlPlaneViewTest {

  @JUnit5TestKit
  final ActorTestKit testKit = new JUnit5TestKitBuilder()
      .withName("ControlPlaneViewTest")
      .withCustomConfig(PersistenceTestKitPlugin.getInstance().config()
          .withFallback(PersistenceTestKitSnapshotPlugin.getInstance().config()))
      .build();

  private static final Duration RESUBSCRIBE = Duration.ofMillis(200);
  private static final Duration WAIT = Duration.ofSeconds(3);

  private final List<ActorRef<?>> started = new ArrayList<>();
  private ControlPlaneView.Shared shared;

  @BeforeEach
  void emptyJournal() {
    PersistenceTestKit.create(testKit.system()).clearAll();
    shared = new ControlPlaneView.Shared();
  }

  @AfterEach
  void stopActors() {
    // The entity has one persistence id: the next test's entity must not run beside this one.
    started.forEach(testKit::stop);
    started.clear();
  }

  // ---- against the entity

  @Test
  void sharedLatestFollowsTheEntity() throws Exception {
    ActorRef<ControlPlaneEntity.Command> entity = entity();
    view(entity);
    assertEquals(ControlPlaneState.EMPTY, await(0));

    Applied applied = execute(entity, createComputeEnvironment("ce-1"));
    ControlPlaneState state = await(applied.sequenceNr());

    assertTrue(state.computeEnvironment("ce-1").isPresent());
    Snapshot latest = shared.latest.get();
    assertEquals(1, latest.sequenceNr());
    assertSame(state, latest.state());
  }

  @Test
  void awaitCompletesOnceTheSequenceNumberIsSeen() throws Exception {
    ActorRef<ControlPlaneEntity.Command> entity = entity();
    view(entity);
    await(0);
    CompletableFuture<ControlPlaneState> second = shared.await(2);

    execute(entity, createComputeEnvironment("ce-1"));
    await(1);
    assertFalse(second.isDone(), "sequence number 2 is not written yet");

    execute(entity, createJobQueue("q-1", "ce-1"));
    ControlPlaneState state = second.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertTrue(state.jobQueue("q-1").isPresent());
    assertTrue(state.computeEnvironment("ce-1").isPresent());
  }

  @Test
  void aViewStartedLateCatchesUpFromTheSnapshot() throws Exception {
    ActorRef<ControlPlaneEntity.Command> entity = entity();
    execute(entity, createComputeEnvironment("ce-1"));
    execute(entity, registerJobDefinition("app"));

    view(entity);

    ControlPlaneState state = await(2);
    assertTrue(state.computeEnvironment("ce-1").isPresent());
    assertTrue(state.latestActive("app").isPresent());
  }

  @Test
  void aListenerReceivesTheCurrentStateAndThenEveryNewOne() throws Exception {
    ActorRef<ControlPlaneEntity.Command> entity = entity();
    ActorRef<ControlPlaneView.Command> view = view(entity);
    await(0);
    TestProbe<ControlPlaneState> listener = testKit.createTestProbe(ControlPlaneState.class);

    view.tell(new ControlPlaneView.Listen(listener.ref()));
    assertEquals(ControlPlaneState.EMPTY, listener.receiveMessage(WAIT));

    execute(entity, createComputeEnvironment("ce-1"));
    assertTrue(listener.receiveMessage(WAIT).computeEnvironment("ce-1").isPresent());
    execute(entity, createJobQueue("q-1", "ce-1"));
    assertTrue(listener.receiveMessage(WAIT).jobQueue("q-1").isPresent());
    // Re-subscribing brings snapshots the view already has: the listener hears nothing new.
    listener.expectNoMessage(RESUBSCRIBE.multipliedBy(2));
  }

  // ---- against a probe standing in for the entity

  @Test
  void theViewSubscribesAgainPeriodically() {
    TestProbe<ControlPlaneEntity.Command> entity = testKit.createTestProbe(ControlPlaneEntity.Command.class);
    view(entity.ref());

    ControlPlaneEntity.Subscribe first = entity.expectMessageClass(ControlPlaneEntity.Subscribe.class, WAIT);
    ControlPlaneEntity.Subscribe again = entity.expectMessageClass(ControlPlaneEntity.Subscribe.class, WAIT);
    assertEquals(first.subscriber(), again.subscriber());
  }

  @Test
  void aGapInTheChangesAsksForTheWholeStateAndStaleUpdatesAreIgnored() throws Exception {
    TestProbe<ControlPlaneEntity.Command> entity = testKit.createTestProbe(ControlPlaneEntity.Command.class);
    view(entity.ref());
    ActorRef<ControlPlaneEntity.Update> updates =
        entity.expectMessageClass(ControlPlaneEntity.Subscribe.class, WAIT).subscriber();

    ControlPlaneEvent e1 = RULES.execute(ControlPlaneState.EMPTY, createComputeEnvironment("ce-1"));
    ControlPlaneState s1 = ControlPlaneState.EMPTY.apply(e1);
    ControlPlaneEvent e2 = RULES.execute(s1, createJobQueue("q-1", "ce-1"));
    ControlPlaneState s2 = s1.apply(e2);
    ControlPlaneEvent e3 = RULES.execute(s2, registerJobDefinition("app"));
    ControlPlaneState s3 = s2.apply(e3);
    ControlPlaneEvent e4 = RULES.execute(s3, registerJobDefinition("app"));
    ControlPlaneState s4 = s3.apply(e4);

    updates.tell(new Snapshot(s1, 1));
    updates.tell(new Changed(e2, 2));
    assertEquals(s2, await(2));

    updates.tell(new Snapshot(ControlPlaneState.EMPTY, 0));
    updates.tell(new Changed(e2, 2));
    updates.tell(new Changed(e4, 4));
    ActorRef<ControlPlaneEntity.Update> replyTo = expectGetState(entity);
    assertEquals(new Snapshot(s2, 2), shared.latest.get(), "older and repeated updates change nothing; a gap is not applied");

    replyTo.tell(new Snapshot(s4, 4));
    assertEquals(s4, await(4));
  }

  // ---- helpers

  private ActorRef<ControlPlaneEntity.Command> entity() {
    ActorRef<ControlPlaneEntity.Command> entity = testKit.spawn(ControlPlaneEntity.create(RULES));
    started.add(entity);
    return entity;
  }

  private ActorRef<ControlPlaneView.Command> view(ActorRef<ControlPlaneEntity.Command> entity) {
    ActorRef<ControlPlaneView.Command> view = testKit.spawn(ControlPlaneView.create(entity, shared, RESUBSCRIBE));
    started.add(view);
    return view;
  }

  private Applied execute(ActorRef<ControlPlaneEntity.Command> entity, ControlPlaneRequest request) {
    TestProbe<StatusReply<Applied>> replyTo = testKit.createTestProbe();
    entity.tell(new ControlPlaneEntity.Execute(request, replyTo.ref()));
    StatusReply<Applied> reply = replyTo.receiveMessage(WAIT);
    assertTrue(reply.isSuccess(), () -> "rejected: " + reply.getError().getMessage());
    return reply.getValue();
  }

  private ControlPlaneState await(long sequenceNr) throws Exception {
    return shared.await(sequenceNr).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The view's request for the whole state; its periodic subscriptions may come first. */
  private ActorRef<ControlPlaneEntity.Update> expectGetState(TestProbe<ControlPlaneEntity.Command> entity) {
    List<ControlPlaneEntity.Command> received = entity.fishForMessage(WAIT, message ->
        message instanceof ControlPlaneEntity.GetState ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
    return ((ControlPlaneEntity.GetState) received.get(received.size() - 1)).replyTo();
  }
}
