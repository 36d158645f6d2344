package io.drover.core.controlplane;

import static io.drover.core.Fixtures.ARN_PREFIX;
import static io.drover.core.Fixtures.JSON;
import static io.drover.core.Fixtures.RULES;
import static io.drover.core.Fixtures.apply;
import static io.drover.core.Fixtures.computeEnvironment;
import static io.drover.core.Fixtures.computeEnvironmentState;
import static io.drover.core.Fixtures.jobDefinition;
import static io.drover.core.Fixtures.jobQueue;
import static io.drover.core.Fixtures.jobQueueState;
import static io.drover.core.Fixtures.roundTrip;
import static io.drover.core.compute.ComputeResourcesBuilder.spot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.drover.core.api.CreateComputeEnvironmentRequest;
import io.drover.core.api.CreateJobQueueRequest;
import io.drover.core.api.CreateSchedulingPolicyRequest;
import io.drover.core.api.DeregisterJobDefinitionRequest;
import io.drover.core.api.UpdateSchedulingPolicyRequest;
import io.drover.core.compute.ComputeEnvironment;
import io.drover.core.compute.ComputeResources.Ec2Configuration;
import io.drover.core.compute.ComputeResources.LaunchTemplateSpecification;
import io.drover.core.controlplane.ControlPlaneEvent.ComputeEnvironmentDeleted;
import io.drover.core.controlplane.ControlPlaneEvent.ComputeEnvironmentUpdated;
import io.drover.core.controlplane.ControlPlaneEvent.JobDefinitionDeregistered;
import io.drover.core.controlplane.ControlPlaneEvent.JobQueueDeleted;
import io.drover.core.controlplane.ControlPlaneEvent.JobQueueUpdated;
import io.drover.core.controlplane.ControlPlaneEvent.SchedulingPolicyDeleted;
import io.drover.core.controlplane.ControlPlaneEvent.SchedulingPolicyUpdated;
import io.drover.core.definition.EvaluateOnExit;
import io.drover.core.definition.JobDefinition;
import io.drover.core.definition.RetryStrategy;
import io.drover.core.model.State;
import io.drover.core.users.AccessKey;
import io.drover.core.users.User;
import io.drover.core.policy.FairsharePolicy;
import io.drover.core.policy.ShareAttributes;
import io.drover.core.queue.ComputeEnvironmentOrder;
import io.drover.core.queue.JobQueue;
import io.drover.core.queue.JobStateTimeLimitAction;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ControlPlaneStateTest {

  private static final ControlPlaneState EMPTY = ControlPlaneState.EMPTY;

  private static final FairsharePolicy FAIRSHARE = new FairsharePolicy(3600, 20,
      List.of(new ShareAttributes("team_a", 0.25f), new ShareAttributes("team_*", 2f)));

  /**
   * Two environments, a queue using both, a fair-share queue with a time-limit action, a scheduling
   * policy, and two revisions of a definition with rich settings.
   */
  private static ControlPlaneState populated() {
    return apply(EMPTY,
        computeEnvironment("ce-b"),
        computeEnvironment("ce-a"),
        jobQueue("nightly", 5, "ce-b", "ce-a"),
        new CreateSchedulingPolicyRequest("fair", FAIRSHARE, Map.of("team", "data")),
        new CreateJobQueueRequest("shared", null, "fair", 7, List.of(new ComputeEnvironmentOrder(1, "ce-a")), null,
            List.of(new JobStateTimeLimitAction("CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY", "RUNNABLE", 600, "CANCEL"))),
        jobDefinition("app")
            .parameters(Map.of("input", "in.txt"))
            .retryStrategy(new RetryStrategy(3, List.of(new EvaluateOnExit(null, "CannotPull*", null, "RETRY"))))
            .timeout(300)
            .tags(Map.of("team", "data"))
            .build(),
        jobDefinition("app").build());
  }

  /** One event of every type, each valid against the state the previous ones left. */
  private static List<ControlPlaneEvent> everyEventType() {
    ControlPlaneState state = populated();
    ControlPlaneEvent ceCreated = RULES.execute(state, computeEnvironment("ce-c"));
    ControlPlaneEvent ceUpdated = RULES.execute(state, computeEnvironmentState("ce-a", State.DISABLED));
    ControlPlaneEvent queueCreated = RULES.execute(state, jobQueue("urgent", 900, "ce-a"));
    ControlPlaneEvent queueUpdated = RULES.execute(state, jobQueueState("nightly", State.DISABLED));
    ControlPlaneEvent definitionRegistered = RULES.execute(state, jobDefinition("app").timeout(60).build());
    ControlPlaneEvent definitionDeregistered = RULES.execute(state, new DeregisterJobDefinitionRequest("app:1"));
    ControlPlaneEvent policyCreated = RULES.execute(state, new CreateSchedulingPolicyRequest("spare", FAIRSHARE, null));
    ControlPlaneEvent policyUpdated = RULES.execute(state,
        new UpdateSchedulingPolicyRequest("fair", new FairsharePolicy(60, null, null)));
    User user = new User("alice", "arn:aws:iam::000000000000:user/alice", 5, new TreeMap<>(Map.of("all", "{}")));
    AccessKey key = new AccessKey("AKIAAAAAAAAAAAAAAAA1", "alice", "v1:sealed", AccessKey.Status.Active, 6);
    return List.of(ceCreated, ceUpdated, new ComputeEnvironmentDeleted("ce-c"), queueCreated, queueUpdated,
        new JobQueueDeleted("nightly"), definitionRegistered, definitionDeregistered, policyCreated, policyUpdated,
        new SchedulingPolicyDeleted("spare"), new ControlPlaneEvent.UserCreated(user),
        new ControlPlaneEvent.UserUpdated(user.withoutPolicy("all")), new ControlPlaneEvent.UserDeleted("alice"),
        new ControlPlaneEvent.AccessKeyCreated(key), new ControlPlaneEvent.AccessKeyUpdated(key.withStatus(AccessKey.Status.Inactive)),
        new ControlPlaneEvent.AccessKeyDeleted(key.accessKeyId()),
        new ControlPlaneEvent.HostDrained("agent-1", new DrainedHost("disk swap", 7, user.arn())),
        new ControlPlaneEvent.HostUndrained("agent-1"));
  }

  @Test
  void computeEnvironmentEventsCreateReplaceAndRemove() {
    ControlPlaneState created = apply(EMPTY, computeEnvironment("ce"));
    assertEquals(State.ENABLED, created.computeEnvironment("ce").orElseThrow().state());

    ControlPlaneEvent update = RULES.execute(created, computeEnvironmentState("ce", State.DISABLED));
    ControlPlaneState updated = created.apply(update);
    assertEquals(((ComputeEnvironmentUpdated) update).computeEnvironment(), updated.computeEnvironments().get("ce"));
    assertEquals(1, updated.computeEnvironments().size());

    ControlPlaneState deleted = updated.apply(new ComputeEnvironmentDeleted("ce"));
    assertTrue(deleted.computeEnvironment("ce").isEmpty());
    assertTrue(deleted.computeEnvironments().isEmpty());
  }

  @Test
  void jobQueueEventsCreateReplaceAndRemove() {
    ControlPlaneState created = apply(EMPTY, computeEnvironment("ce"), jobQueue("q", 1, "ce"));
    JobQueue queue = created.jobQueue("q").orElseThrow();
    assertEquals(1, queue.priority());

    ControlPlaneState updated = created.apply(new JobQueueUpdated(queue.with(State.DISABLED, 7, queue.computeEnvironmentOrder())));
    assertEquals(7, updated.jobQueue("q").orElseThrow().priority());
    assertEquals(State.DISABLED, updated.jobQueue("q").orElseThrow().state());
    assertEquals(1, updated.jobQueues().size());

    ControlPlaneState deleted = updated.apply(new JobQueueDeleted("q"));
    assertTrue(deleted.jobQueue("q").isEmpty());
    assertEquals(Set.of("ce"), deleted.computeEnvironments().keySet());
  }

  @Test
  void schedulingPolicyEventsCreateReplaceAndRemove() {
    ControlPlaneState created = apply(EMPTY, new CreateSchedulingPolicyRequest("fair", FAIRSHARE, null));
    assertEquals(0.25, created.schedulingPolicy("fair").orElseThrow().fairsharePolicy().weightFactor("team_a"));

    ControlPlaneEvent update = RULES.execute(created, new UpdateSchedulingPolicyRequest("fair", new FairsharePolicy(60, 5, null)));
    ControlPlaneState updated = created.apply(update);
    assertEquals(((SchedulingPolicyUpdated) update).schedulingPolicy(), updated.schedulingPolicies().get("fair"));
    assertEquals(60, updated.schedulingPolicy("fair").orElseThrow().fairsharePolicy().decaySeconds());
    assertEquals(1, updated.schedulingPolicies().size());

    ControlPlaneState deleted = updated.apply(new SchedulingPolicyDeleted("fair"));
    assertTrue(deleted.schedulingPolicy("fair").isEmpty());
    assertTrue(deleted.schedulingPolicies().isEmpty());
  }

  @Test
  void fairsharePolicyOfAQueueIsItsPolicysAndEmptyForAFifoQueue() {
    ControlPlaneState state = populated();

    assertEquals(Optional.empty(), state.fairsharePolicyOf(state.jobQueue("nightly").orElseThrow()));
    FairsharePolicy policy = state.fairsharePolicyOf(state.jobQueue("shared").orElseThrow()).orElseThrow();
    assertEquals(state.schedulingPolicy("fair").orElseThrow().fairsharePolicy(), policy);
    assertEquals(2.0, policy.weightFactor("team_b"));

    ControlPlaneState updated = apply(state, new UpdateSchedulingPolicyRequest(ARN_PREFIX + "scheduling-policy/fair",
        new FairsharePolicy(0, 0, List.of(new ShareAttributes("team_b", 4f)))));
    assertEquals(4.0, updated.fairsharePolicyOf(updated.jobQueue("shared").orElseThrow()).orElseThrow().weightFactor("team_b"));
  }

  @Test
  void queuesWithPolicyFindsTheFairShareQueuesOfAPolicy() {
    ControlPlaneState state = populated();

    assertEquals(List.of("shared"), state.queuesWithPolicy(ARN_PREFIX + "scheduling-policy/fair").stream()
        .map(JobQueue::jobQueueName).toList());
    assertEquals(List.of(), state.queuesWithPolicy(ARN_PREFIX + "scheduling-policy/other"));
  }

  @Test
  void aSnapshotFromBeforeSchedulingPoliciesReadsAsNoPoliciesAndFifoQueues() throws Exception {
    ObjectNode json = JSON.valueToTree(apply(EMPTY, computeEnvironment("ce"), jobQueue("q", 1, "ce")));
    json.remove("schedulingPolicies");
    ObjectNode queue = (ObjectNode) json.path("jobQueues").path("q");
    queue.remove("schedulingPolicyArn");
    queue.remove("jobStateTimeLimitActions");

    ControlPlaneState old = JSON.treeToValue(json, ControlPlaneState.class);

    assertTrue(old.schedulingPolicies().isEmpty());
    JobQueue q = old.jobQueue("q").orElseThrow();
    assertEquals(List.of(), q.jobStateTimeLimitActions());
    assertEquals(Optional.empty(), old.fairsharePolicyOf(q));
    assertEquals(EMPTY, new ControlPlaneState(new TreeMap<>(), new TreeMap<>(), new TreeMap<>(), null, null, null, null));
  }

  @Test
  void registrationsAppendRevisionsAndDeregistrationMarksOnlyThatOneInactive() {
    ControlPlaneState state = populated();
    assertEquals(List.of(1, 2), state.revisions("app").stream().map(JobDefinition::revision).toList());
    assertEquals(2, state.latestActive("app").orElseThrow().revision());

    ControlPlaneState deregistered = state.apply(new JobDefinitionDeregistered("app", 2));
    assertEquals(List.of(JobDefinition.ACTIVE, JobDefinition.INACTIVE),
        deregistered.revisions("app").stream().map(JobDefinition::status).toList());
    assertEquals(state.revisions("app").get(1).deregistered(), deregistered.jobDefinition("app", 2).orElseThrow());
    assertEquals(1, deregistered.latestActive("app").orElseThrow().revision());
    assertTrue(deregistered.jobDefinition("app", 3).isEmpty());
    assertTrue(deregistered.revisions("unknown").isEmpty());
  }

  @Test
  void applyReturnsANewStateAndLeavesTheOldOneAlone() {
    ControlPlaneState before = populated();

    ControlPlaneState after = before.apply(new ComputeEnvironmentDeleted("ce-a"));

    assertEquals(Set.of("ce-a", "ce-b"), before.computeEnvironments().keySet());
    assertEquals(Set.of("ce-b"), after.computeEnvironments().keySet());
    assertThrows(UnsupportedOperationException.class, () -> before.computeEnvironments().clear());
    assertThrows(UnsupportedOperationException.class, () -> before.jobQueues().clear());
    assertThrows(UnsupportedOperationException.class, () -> before.revisions("app").clear());
    assertThrows(UnsupportedOperationException.class, () -> before.schedulingPolicies().clear());
  }

  @Test
  void everyMapStaysSortedByName() {
    ControlPlaneState state = apply(EMPTY,
        computeEnvironment("zeta"), computeEnvironment("alpha"), computeEnvironment("mid"),
        jobQueue("zq", 1, "zeta"), jobQueue("aq", 1, "alpha"), jobQueue("mq", 1, "mid"),
        jobDefinition("zd").build(), jobDefinition("ad").build(), jobDefinition("md").build());
    state = state.apply(RULES.execute(state, computeEnvironmentState("alpha", State.DISABLED)));

    assertEquals(List.of("alpha", "mid", "zeta"), List.copyOf(state.computeEnvironments().keySet()));
    assertEquals(List.of("aq", "mq", "zq"), List.copyOf(state.jobQueues().keySet()));
    assertEquals(List.of("ad", "md", "zd"), List.copyOf(state.jobDefinitions().keySet()));
  }

  @Test
  void queuesUsingFindsQueuesByComputeEnvironmentArn() {
    ControlPlaneState state = apply(populated(), jobQueue("solo", 1, "ce-b"));

    assertEquals(List.of("nightly", "shared"),
        state.queuesUsing(ARN_PREFIX + "compute-environment/ce-a").stream().map(JobQueue::jobQueueName).toList());
    assertEquals(List.of("nightly", "solo"),
        state.queuesUsing(ARN_PREFIX + "compute-environment/ce-b").stream().map(JobQueue::jobQueueName).toList());
    assertEquals(List.of(), state.queuesUsing("ce-a"));
  }

  @Test
  void theWholeStateSurvivesAJsonRoundTrip() {
    ControlPlaneState state = apply(populated(), new DeregisterJobDefinitionRequest("app:1"));

    ControlPlaneState copy = roundTrip(state, ControlPlaneState.class);

    assertEquals(state, copy);
    assertEquals(JobDefinition.INACTIVE, copy.jobDefinition("app", 1).orElseThrow().status());
    assertEquals(List.of("ce-a", "ce-b"), List.copyOf(copy.computeEnvironments().keySet()));
    assertEquals(state.schedulingPolicy("fair"), copy.schedulingPolicy("fair"));
    assertEquals(1, copy.jobQueue("shared").orElseThrow().jobStateTimeLimitActions().size());
  }

  @Test
  void aManagedEnvironmentWithEveryFieldSurvivesAJsonRoundTripInEventAndState() {
    CreateComputeEnvironmentRequest request = new CreateComputeEnvironmentRequest("spot", ComputeEnvironment.Type.MANAGED,
        State.ENABLED, null, spot()
            .vCpus(2, 4, 64)
            .imageId("ami-1")
            .ec2KeyPair("ops")
            .tags(Map.of("team", "data"))
            .placementGroup("spread")
            .bidPercentage(60)
            .spotIamFleetRole("fleet-role")
            .launchTemplate(new LaunchTemplateSpecification("lt-1", null, "$Default"))
            .ec2Configuration(List.of(new Ec2Configuration("ECS_AL2023", "ami-2")))
            .maxHourlyCost(9.75)
            .build(), null, Map.of("owner", "ml"));
    ControlPlaneEvent created = RULES.execute(EMPTY, request);
    ControlPlaneState state = EMPTY.apply(created);

    assertEquals(created, roundTrip(created, ControlPlaneEvent.class));
    assertEquals(state, roundTrip(state, ControlPlaneState.class));
  }

  @Test
  void anEnvironmentWrittenBeforeComputeResourcesExistedReadsWithoutThem() {
    ObjectNode json = JSON.valueToTree(apply(EMPTY, computeEnvironment("ce")));
    assertFalse(json.path("computeEnvironments").path("ce").has("computeResources"));

    ComputeEnvironment old = JSON.convertValue(json, ControlPlaneState.class).computeEnvironment("ce").orElseThrow();

    assertNull(old.computeResources());
    assertFalse(old.managed());
  }

  @Test
  void theEmptyStateSurvivesAJsonRoundTrip() {
    assertEquals(EMPTY, roundTrip(EMPTY, ControlPlaneState.class));
  }

  @Test
  void everyEventSurvivesAJsonRoundTripTaggedWithItsTypeName() throws Exception {
    List<ControlPlaneEvent> events = everyEventType();
    assertEquals(
        Stream.of(ControlPlaneEvent.class.getPermittedSubclasses()).collect(Collectors.toSet()),
        events.stream().map(Object::getClass).collect(Collectors.toSet()),
        "the test covers every event type");

    for (ControlPlaneEvent event : events) {
      JsonNode json = JSON.readTree(JSON.writeValueAsString(event));
      assertEquals(event.getClass().getSimpleName(), json.path("event").asText(), json.toString());
      assertEquals(event, roundTrip(event, ControlPlaneEvent.class));
    }
  }

  @Test
  void replayingRoundTrippedEventsRebuildsTheSameState() {
    ControlPlaneState original = populated();
    ControlPlaneState replayed = populated();
    for (ControlPlaneEvent event : everyEventType()) {
      original = original.apply(event);
      replayed = replayed.apply(roundTrip(event, ControlPlaneEvent.class));
    }

    assertEquals(original, replayed);
    assertFalse(replayed.jobQueue("nightly").isPresent());
    assertTrue(replayed.jobQueue("urgent").isPresent());
    assertEquals(3, replayed.revisions("app").size());
    assertEquals(Set.of("fair"), replayed.schedulingPolicies().keySet());
    assertEquals(60, replayed.schedulingPolicy("fair").orElseThrow().fairsharePolicy().decaySeconds());
  }
}
