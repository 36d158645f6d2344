package io.drover.core.controlplane;

import static io.drover.core.Fixtures.ARN_PREFIX;
import static io.drover.core.Fixtures.RULES;
import static io.drover.core.Fixtures.apply;
import static io.drover.core.Fixtures.assertRejected;
import static io.drover.core.Fixtures.computeEnvironment;
import static io.drover.core.Fixtures.computeEnvironmentState;
import static io.drover.core.Fixtures.container;
import static io.drover.core.Fixtures.deprecatedContainer;
import static io.drover.core.Fixtures.gpu;
import static io.drover.core.Fixtures.jobDefinition;
import static io.drover.core.Fixtures.jobQueue;
import static io.drover.core.Fixtures.jobQueueState;
import static io.drover.core.Fixtures.memory;
import static io.drover.core.Fixtures.vcpu;
import static io.drover.core.compute.ComputeResourcesBuilder.ec2;
import static io.drover.core.compute.ComputeResourcesBuilder.spot;
import static io.drover.core.compute.ComputeResourcesBuilder.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.core.api.CreateComputeEnvironmentRequest;
import io.drover.core.api.CreateJobQueueRequest;
import io.drover.core.api.CreateSchedulingPolicyRequest;
import io.drover.core.api.DeleteComputeEnvironmentRequest;
import io.drover.core.api.DeleteJobQueueRequest;
import io.drover.core.api.DeleteSchedulingPolicyRequest;
import io.drover.core.api.DeregisterJobDefinitionRequest;
import io.drover.core.api.RegisterJobDefinitionRequest;
import io.drover.core.api.UpdateComputeEnvironmentRequest;
import io.drover.core.api.UpdateJobQueueRequest;
import io.drover.core.api.UpdateSchedulingPolicyRequest;
import io.drover.core.capacity.AllocationStrategy;
import io.drover.core.compute.ComputeEnvironment;
import io.drover.core.compute.ComputeResources;
import io.drover.core.compute.ComputeResourcesBuilder;
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
import io.drover.core.definition.ContainerProperties;
import io.drover.core.definition.ContainerRules;
import io.drover.core.definition.EvaluateOnExit;
import io.drover.core.definition.JobDefinition;
import io.drover.core.definition.RetryStrategy;
import io.drover.core.model.KeyValuePair;
import io.drover.core.model.ObjectStatus;
import io.drover.core.model.ResourceRequirement;
import io.drover.core.model.Resources;
import io.drover.core.model.State;
import io.drover.core.policy.FairsharePolicy;
import io.drover.core.policy.SchedulingPolicy;
import io.drover.core.policy.ShareAttributes;
import io.drover.core.queue.ComputeEnvironmentOrder;
import io.drover.core.queue.JobQueue;
import io.drover.core.queue.JobStateTimeLimitAction;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ControlPlaneRulesTest {

  private static final ControlPlaneState EMPTY = ControlPlaneState.EMPTY;

  private static ComputeEnvironment createdComputeEnvironment(ControlPlaneState state, CreateComputeEnvironmentRequest request) {
    return assertInstanceOf(ComputeEnvironmentCreated.class, RULES.createComputeEnvironment(state, request))
        .computeEnvironment();
  }

  private static CreateComputeEnvironmentRequest managed(String name, ComputeResourcesBuilder resources, Map<String, String> tags) {
    return new CreateComputeEnvironmentRequest(name, ComputeEnvironment.Type.MANAGED, null, null, resources.build(), null, tags);
  }

  private static JobQueue createdQueue(ControlPlaneState state, CreateJobQueueRequest request) {
    return assertInstanceOf(JobQueueCreated.class, RULES.createJobQueue(state, request)).jobQueue();
  }

  private static JobQueue updatedQueue(ControlPlaneState state, UpdateJobQueueRequest request) {
    return assertInstanceOf(JobQueueUpdated.class, RULES.updateJobQueue(state, request)).jobQueue();
  }

  private static JobDefinition registered(ControlPlaneState state, RegisterJobDefinitionRequest request) {
    return assertInstanceOf(JobDefinitionRegistered.class, RULES.registerJobDefinition(state, request)).jobDefinition();
  }

  @Nested
  class ComputeEnvironments {

    @Test
    void createsAnUnmanagedEnvironmentEnabledAndValidWithAnAwsArn() {
      ComputeEnvironment ce = createdComputeEnvironment(EMPTY, computeEnvironment("gpu-pool"));

      assertEquals("gpu-pool", ce.computeEnvironmentName());
      assertEquals("arn:aws:batch:us-east-1:123456789012:compute-environment/gpu-pool", ce.computeEnvironmentArn());
      assertEquals(ComputeEnvironment.Type.UNMANAGED, ce.type());
      assertEquals(State.ENABLED, ce.state());
      assertEquals(ObjectStatus.VALID, ce.status());
    }

    @Test
    void createKeepsTheRequestedStateAndTags() {
      ComputeEnvironment ce = createdComputeEnvironment(EMPTY, new CreateComputeEnvironmentRequest(
          "ce", ComputeEnvironment.Type.UNMANAGED, State.DISABLED, 16, null, null, Map.of("team", "data")));

      assertEquals(State.DISABLED, ce.state());
      assertEquals(16, ce.unmanagedvCpus());
      assertEquals(Map.of("team", "data"), ce.tags());
    }

    @Test
    void rejectsADuplicateName() {
      ControlPlaneState state = apply(EMPTY, computeEnvironment("ce"));

      assertRejected(() -> RULES.createComputeEnvironment(state, computeEnvironment("ce")),
          "computeEnvironmentName", "'ce'", "already exists");
    }

    @ParameterizedTest
    @MethodSource("io.drover.core.controlplane.ControlPlaneRulesTest#invalidObjectNames")
    void rejectsAnInvalidName(String name) {
      assertRejected(() -> RULES.createComputeEnvironment(EMPTY, computeEnvironment(name)), "computeEnvironmentName");
    }

    @Test
    void acceptsANameOf128LettersDigitsHyphensAndUnderscores() {
      String name = "Ab_9-" + "x".repeat(123);

      assertEquals(name, createdComputeEnvironment(EMPTY, computeEnvironment(name)).computeEnvironmentName());
    }

    @Test
    void createsAManagedEnvironmentStoringItsComputeResourcesWithAwsDefaults() {
      ComputeEnvironment ce = createdComputeEnvironment(EMPTY, managed("spot-pool", spot().vCpus(2, null, 128),
          Map.of(ComputeResources.MAX_HOURLY_COST_TAG, "40")));

      assertEquals(ComputeEnvironment.Type.MANAGED, ce.type());
      assertEquals(ObjectStatus.VALID, ce.status());
      assertEquals("ComputeEnvironment Healthy", ce.statusReason());
      assertEquals(ComputeResources.Type.SPOT, ce.computeResources().type());
      assertEquals(AllocationStrategy.SPOT_PRICE_CAPACITY_OPTIMIZED, ce.computeResources().allocationStrategy());
      assertEquals(2, ce.computeResources().desiredvCpus());
      assertEquals(40.0, ce.computeResources().maxHourlyCost());
      assertEquals(Map.of(ComputeResources.MAX_HOURLY_COST_TAG, "40"), ce.tags());
      assertNull(ce.unmanagedvCpus());
      assertTrue(ce.managed());
      assertTrue(ce.spot());
      assertEquals(2_000, ce.minMilliCpus());
      assertEquals(2_000, ce.desiredMilliCpus());
      assertEquals(128_000, ce.maxMilliCpus());
    }

    @Test
    void anUnmanagedEnvironmentHasNoComputeResourcesAndNoVcpuLimits() {
      ComputeEnvironment ce = createdComputeEnvironment(EMPTY, computeEnvironment("ce"));

      assertNull(ce.computeResources());
      assertFalse(ce.managed());
      assertFalse(ce.spot());
      assertEquals(List.of(0L, 0L, 0L), List.of(ce.minMilliCpus(), ce.desiredMilliCpus(), ce.maxMilliCpus()));
    }

    @Test
    void managedNeedsComputeResources() {
      CreateComputeEnvironmentRequest bare = new CreateComputeEnvironmentRequest(
          "ce", ComputeEnvironment.Type.MANAGED, null, null, null, null, null);

      assertRejected(() -> RULES.createComputeEnvironment(EMPTY, bare), "computeResources is required", "MANAGED");
    }

    @Test
    void managedComputeResourcesAreCheckedNamingTheField() {
      assertRejected(() -> RULES.createComputeEnvironment(EMPTY, managed("ce", ec2().instanceRole(null), null)),
          "computeResources.instanceRole is required");
      assertRejected(() -> RULES.createComputeEnvironment(EMPTY, managed("ce", ec2().type(ComputeResources.Type.FARGATE), null)),
          "computeResources.type FARGATE");
    }

    @Test
    void unmanagedvCpusIsRefusedForManaged() {
      CreateComputeEnvironmentRequest request = new CreateComputeEnvironmentRequest(
          "ce", ComputeEnvironment.Type.MANAGED, null, 16, ec2().build(), null, null);

      assertRejected(() -> RULES.createComputeEnvironment(EMPTY, request), "unmanagedvCpus applies to UNMANAGED", "maxvCpus");
    }

    @Test
    void theMaxHourlyCostTagIsRefusedForUnmanaged() {
      CreateComputeEnvironmentRequest request = new CreateComputeEnvironmentRequest("ce", ComputeEnvironment.Type.UNMANAGED,
          null, null, null, null, Map.of(ComputeResources.MAX_HOURLY_COST_TAG, "5"));

      assertRejected(() -> RULES.createComputeEnvironment(EMPTY, request), "tags drover:maxHourlyCost", "MANAGED");
    }

    @Test
    void rejectsAMissingType() {
      CreateComputeEnvironmentRequest untyped = new CreateComputeEnvironmentRequest("ce", null, null, null, null, null, null);

      assertRejected(() -> RULES.createComputeEnvironment(EMPTY, untyped), "type is required");
    }

    @Test
    void rejectsComputeResourcesOnAnUnmanagedEnvironment() {
      CreateComputeEnvironmentRequest request = new CreateComputeEnvironmentRequest(
          "ce", ComputeEnvironment.Type.UNMANAGED, null, null, ec2().build(), null, null);

      assertRejected(() -> RULES.createComputeEnvironment(EMPTY, request), "computeResources");
    }

    @Test
    void updateChangesTheStateByNameOrArnAndKeepsTheRest() {
      ControlPlaneState state = apply(EMPTY, computeEnvironment("ce"));
      ComputeEnvironment before = state.computeEnvironments().get("ce");

      for (String ref : List.of("ce", ARN_PREFIX + "compute-environment/ce")) {
        ComputeEnvironment after = assertInstanceOf(ComputeEnvironmentUpdated.class,
            RULES.updateComputeEnvironment(state, computeEnvironmentState(ref, State.DISABLED))).computeEnvironment();
        assertEquals(before.withState(State.DISABLED), after, ref);
      }
    }

    @Test
    void updateOfAnUnknownEnvironmentIsRejected() {
      assertRejected(() -> RULES.updateComputeEnvironment(EMPTY, computeEnvironmentState("nope", State.DISABLED)),
          "computeEnvironment 'nope' does not exist");
    }

    @Test
    void updateRejectsComputeResourcesForUnmanaged() {
      ControlPlaneState state = apply(EMPTY, computeEnvironment("ce"));

      assertRejected(() -> RULES.updateComputeEnvironment(state,
              new UpdateComputeEnvironmentRequest("ce", null, null, update().maxvCpus(4).build(), null)),
          "computeResources applies to MANAGED", "'ce' is UNMANAGED");
    }

    @Test
    void updateOfAManagedEnvironmentMergesComputeResourcesAndKeepsTheRest() {
      ControlPlaneState state = apply(EMPTY, managed("ce", ec2().vCpus(0, 0, 64), Map.of("team", "data")));
      ComputeEnvironment before = state.computeEnvironments().get("ce");

      ComputeEnvironment after = assertInstanceOf(ComputeEnvironmentUpdated.class, RULES.updateComputeEnvironment(state,
          new UpdateComputeEnvironmentRequest("ce", State.DISABLED, null, update().maxvCpus(16).maxHourlyCost(2.5).build(),
              null))).computeEnvironment();

      assertEquals(State.DISABLED, after.state());
      assertEquals(16, after.computeResources().maxvCpus());
      assertEquals(2.5, after.computeResources().maxHourlyCost());
      assertEquals(before.computeResources().instanceTypes(), after.computeResources().instanceTypes());
      assertEquals(before.withState(State.DISABLED).withComputeResources(after.computeResources()), after);
    }

    @Test
    void updateOfAManagedEnvironmentWithoutComputeResourcesKeepsThem() {
      ControlPlaneState state = apply(EMPTY, managed("ce", ec2(), null));

      ComputeEnvironment after = assertInstanceOf(ComputeEnvironmentUpdated.class,
          RULES.updateComputeEnvironment(state, computeEnvironmentState("ce", State.DISABLED))).computeEnvironment();

      assertEquals(state.computeEnvironments().get("ce").withState(State.DISABLED), after);
    }

    @Test
    void updateOfAManagedEnvironmentAppliesAwsUpdateRules() {
      ControlPlaneState state = apply(EMPTY, managed("ce", ec2(), null));

      assertRejected(() -> RULES.updateComputeEnvironment(state,
              new UpdateComputeEnvironmentRequest("ce", null, null, update().subnets(List.of("subnet-9")).build(), null)),
          "computeResources.subnets can be updated only", "BEST_FIT");
      assertRejected(() -> RULES.updateComputeEnvironment(state,
          new UpdateComputeEnvironmentRequest("ce", null, 8, null, null)), "unmanagedvCpus applies to UNMANAGED");
    }

    @Test
    void deleteRequiresTheEnvironmentToBeDisabled() {
      ControlPlaneState state = apply(EMPTY, computeEnvironment("ce"));

      assertRejected(() -> RULES.deleteComputeEnvironment(state, new DeleteComputeEnvironmentRequest("ce")),
          "'ce' is ENABLED", "DISABLED");
    }

    @Test
    void deleteIsRejectedWhileAQueueUsesTheEnvironmentAndNamesTheQueue() {
      ControlPlaneState state = apply(EMPTY, computeEnvironment("ce"), jobQueue("nightly", 1, "ce"),
          computeEnvironmentState("ce", State.DISABLED));

      assertRejected(() -> RULES.deleteComputeEnvironment(state, new DeleteComputeEnvironmentRequest("ce")),
          "nightly", "computeEnvironmentOrder");
    }

    @Test
    void deleteOfADisabledUnusedEnvironmentNamesIt() {
      ControlPlaneState state = apply(EMPTY, computeEnvironment("ce"), computeEnvironmentState("ce", State.DISABLED));

      assertEquals(new ComputeEnvironmentDeleted("ce"),
          RULES.deleteComputeEnvironment(state, new DeleteComputeEnvironmentRequest(ARN_PREFIX + "compute-environment/ce")));
    }
  }

  static Stream<String> invalidObjectNames() {
    return Stream.of("", "x".repeat(129), "has space", "a/b", "dots.not.allowed");
  }

  static Stream<Arguments> invalidContainers() {
    return Stream.of(
        Arguments.of("missing image", container(null, List.of(), List.of(), List.of(vcpu("1"), memory("512"))),
            "containerProperties.image is required"),
        Arguments.of("missing VCPU", container(memory("512")), "containerProperties needs a VCPU"),
        Arguments.of("MEMORY below 4", container(vcpu("1"), memory("3")), "containerProperties.resourceRequirements MEMORY"),
        Arguments.of("missing MEMORY", container(vcpu("1")), "containerProperties needs a MEMORY"),
        Arguments.of("VCPU not a number", container(vcpu("abc"), memory("512")),
            "containerProperties.resourceRequirements VCPU value 'abc' is not a number"),
        Arguments.of("VCPU zero", container(vcpu("0"), memory("512")), "containerProperties.resourceRequirements VCPU value '0'"),
        Arguments.of("VCPU with 4 decimals", container(vcpu("0.0001"), memory("512")),
            "containerProperties.resourceRequirements VCPU value '0.0001'"),
        Arguments.of("GPU negative", container(vcpu("1"), memory("512"), gpu("-1")),
            "containerProperties.resourceRequirements GPU value '-1'"),
        Arguments.of("VCPU twice", container(vcpu("1"), vcpu("2"), memory("512")),
            "containerProperties.resourceRequirements lists VCPU more than once"),
        Arguments.of("vcpus and VCPU", new ContainerProperties("busybox", 1, null, null, null, null, null, null, null, null,
            List.of(vcpu("1"), memory("512"))), "containerProperties sets both vcpus and a VCPU"),
        Arguments.of("unknown type", container(vcpu("1"), memory("512"), new ResourceRequirement("DISK", "10")),
            "containerProperties.resourceRequirements type 'DISK'"),
        Arguments.of("null command entry", container("busybox", Collections.singletonList(null), List.of(),
            List.of(vcpu("1"), memory("512"))), "containerProperties.command"),
        Arguments.of("NUL in a command entry", container("busybox", List.of("echo", "a\0b"), List.of(),
            List.of(vcpu("1"), memory("512"))), "containerProperties.command[1] has a NUL character"));
  }

  @Nested
  class JobQueues {

    private final ControlPlaneState withEnvironments =
        apply(EMPTY, computeEnvironment("ce-a"), computeEnvironment("ce-b"), computeEnvironment("ce-c"), computeEnvironment("ce-d"));

    private CreateJobQueueRequest queueWith(Integer priority, List<ComputeEnvironmentOrder> order) {
      return new CreateJobQueueRequest("q", null, null, priority, order, null, null);
    }

    @Test
    void createsAnEnabledValidQueueWithAnAwsArn() {
      JobQueue queue = createdQueue(withEnvironments, jobQueue("nightly", 10, "ce-a"));

      assertEquals("nightly", queue.jobQueueName());
      assertEquals("arn:aws:batch:us-east-1:123456789012:job-queue/nightly", queue.jobQueueArn());
      assertEquals(State.ENABLED, queue.state());
      assertEquals(ObjectStatus.VALID, queue.status());
      assertEquals(10, queue.priority());
    }

    @Test
    void storesComputeEnvironmentsGivenByNameOrArnAsArnsSortedByOrder() {
      JobQueue queue = createdQueue(withEnvironments, queueWith(1, List.of(
          new ComputeEnvironmentOrder(5, "ce-a"),
          new ComputeEnvironmentOrder(0, ARN_PREFIX + "compute-environment/ce-b"),
          new ComputeEnvironmentOrder(2, "ce-c"))));

      assertEquals(List.of(
              new ComputeEnvironmentOrder(0, ARN_PREFIX + "compute-environment/ce-b"),
              new ComputeEnvironmentOrder(2, ARN_PREFIX + "compute-environment/ce-c"),
              new ComputeEnvironmentOrder(5, ARN_PREFIX + "compute-environment/ce-a")),
          queue.computeEnvironmentOrder());
    }

    @Test
    void priorityIsRequired() {
      assertRejected(() -> RULES.createJobQueue(withEnvironments, queueWith(null, List.of(new ComputeEnvironmentOrder(1, "ce-a")))),
          "priority is required");
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 1001})
    void priorityOutside0To1000IsRejected(int priority) {
      assertRejected(() -> RULES.createJobQueue(withEnvironments, jobQueue("q", priority, "ce-a")),
          "priority must be from 0 to 1000", Integer.toString(priority));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1000})
    void priorityAtTheBoundsIsAccepted(int priority) {
      assertEquals(priority, createdQueue(withEnvironments, jobQueue("q", priority, "ce-a")).priority());
    }

    @Test
    void computeEnvironmentOrderIsRequired() {
      assertRejected(() -> RULES.createJobQueue(withEnvironments, queueWith(1, null)), "computeEnvironmentOrder is required");
    }

    @Test
    void computeEnvironmentOrderMustNotBeEmpty() {
      assertRejected(() -> RULES.createJobQueue(withEnvironments, queueWith(1, List.of())),
          "computeEnvironmentOrder must list 1 to 3", "not 0");
    }

    @Test
    void computeEnvironmentOrderTakesAtMostThreeEntries() {
      assertEquals(3, createdQueue(withEnvironments, jobQueue("q", 1, "ce-a", "ce-b", "ce-c")).computeEnvironmentOrder().size());
      assertRejected(() -> RULES.createJobQueue(withEnvironments, jobQueue("q", 1, "ce-a", "ce-b", "ce-c", "ce-d")),
          "computeEnvironmentOrder must list 1 to 3", "not 4");
    }

    @Test
    void ordersMustBeUnique() {
      assertRejected(() -> RULES.createJobQueue(withEnvironments, queueWith(1, List.of(
              new ComputeEnvironmentOrder(1, "ce-a"), new ComputeEnvironmentOrder(1, "ce-b")))),
          "computeEnvironmentOrder[1].order 1 is used twice");
    }

    @Test
    void theSameEnvironmentCannotBeListedTwice() {
      assertRejected(() -> RULES.createJobQueue(withEnvironments, queueWith(1, List.of(
              new ComputeEnvironmentOrder(1, "ce-a"), new ComputeEnvironmentOrder(2, ARN_PREFIX + "compute-environment/ce-a")))),
          "computeEnvironmentOrder[1].computeEnvironment", "listed twice");
    }

    @Test
    void anUnknownEnvironmentIsRejectedNamingItsEntry() {
      assertRejected(() -> RULES.createJobQueue(withEnvironments, jobQueue("q", 1, "ce-a", "missing")),
          "computeEnvironmentOrder[1].computeEnvironment 'missing' does not exist");
    }

    @Test
    void anArnOfAnotherResourceTypeIsRejectedNamingItsEntry() {
      assertRejected(() -> RULES.createJobQueue(withEnvironments, jobQueue("q", 1, ARN_PREFIX + "job-queue/ce-a")),
          "computeEnvironmentOrder[0].computeEnvironment", "is not a compute-environment ARN");
    }

    @Test
    void aQueueWithoutPolicyIsFifoAndHasNoTimeLimitActions() {
      JobQueue queue = createdQueue(withEnvironments, jobQueue("q", 1, "ce-a"));

      assertNull(queue.schedulingPolicyArn());
      assertFalse(queue.isFairShare());
      assertEquals(List.of(), queue.jobStateTimeLimitActions());
    }

    @Test
    void aQueueWithAnExistingPolicyIsFairShareAndStoresItsArn() {
      ControlPlaneState state = apply(withEnvironments, policy("fair"));

      for (String ref : List.of("fair", ARN_PREFIX + "scheduling-policy/fair")) {
        JobQueue queue = createdQueue(state, fairShareQueue("q", ref));
        assertEquals(ARN_PREFIX + "scheduling-policy/fair", queue.schedulingPolicyArn(), ref);
        assertTrue(queue.isFairShare());
      }
    }

    @Test
    void anUnknownOrMistypedPolicyIsRejected() {
      assertRejected(() -> RULES.createJobQueue(withEnvironments, fairShareQueue("q", ARN_PREFIX + "scheduling-policy/fair")),
          "schedulingPolicyArn", "does not exist");
      assertRejected(() -> RULES.createJobQueue(withEnvironments, fairShareQueue("q", ARN_PREFIX + "job-queue/fair")),
          "schedulingPolicyArn", "is not a scheduling-policy ARN");
    }

    @Test
    void jobStateTimeLimitActionsAreStored() {
      List<JobStateTimeLimitAction> actions = List.of(
          new JobStateTimeLimitAction("MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT", "RUNNABLE", 600, "CANCEL"),
          new JobStateTimeLimitAction("CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY", "RUNNABLE", 86_400, "CANCEL"));

      JobQueue queue = createdQueue(withEnvironments, queueWithActions(actions));

      assertEquals(actions, queue.jobStateTimeLimitActions());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.drover.core.controlplane.ControlPlaneRulesTest#invalidTimeLimitActions")
    void invalidJobStateTimeLimitActionsAreRejectedNamingTheEntry(
        String description, List<JobStateTimeLimitAction> actions, String fragment) {
      assertRejected(() -> RULES.createJobQueue(withEnvironments, queueWithActions(actions)), fragment);
    }

    @Test
    void atMostFiveJobStateTimeLimitActions() {
      JobStateTimeLimitAction action = new JobStateTimeLimitAction("CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY", "RUNNABLE", 600,
          "CANCEL");

      assertEquals(5, createdQueue(withEnvironments, queueWithActions(Collections.nCopies(5, action)))
          .jobStateTimeLimitActions().size());
      assertRejected(() -> RULES.createJobQueue(withEnvironments, queueWithActions(Collections.nCopies(6, action))),
          "jobStateTimeLimitActions lists 6 actions; at most 5");
    }

    private CreateJobQueueRequest fairShareQueue(String name, String policy) {
      return new CreateJobQueueRequest(name, null, policy, 1, List.of(new ComputeEnvironmentOrder(1, "ce-a")), null, null);
    }

    private CreateJobQueueRequest queueWithActions(List<JobStateTimeLimitAction> actions) {
      return new CreateJobQueueRequest("q", null, null, 1, List.of(new ComputeEnvironmentOrder(1, "ce-a")), null, actions);
    }

    @Test
    void rejectsADuplicateQueue() {
      ControlPlaneState state = apply(withEnvironments, jobQueue("q", 1, "ce-a"));

      assertRejected(() -> RULES.createJobQueue(state, jobQueue("q", 2, "ce-b")), "jobQueueName 'q' already exists");
    }

    @ParameterizedTest
    @MethodSource("io.drover.core.controlplane.ControlPlaneRulesTest#invalidObjectNames")
    void rejectsAnInvalidName(String name) {
      assertRejected(() -> RULES.createJobQueue(withEnvironments, jobQueue(name, 1, "ce-a")), "jobQueueName");
    }

    @Test
    void updateChangesPriorityStateAndOrderIndependently() {
      ControlPlaneState state = apply(withEnvironments, jobQueue("q", 1, "ce-a"));
      JobQueue original = state.jobQueues().get("q");

      JobQueue priority = updatedQueue(state, new UpdateJobQueueRequest("q", null, null, 500, null, null));
      assertEquals(original.with(State.ENABLED, 500, original.computeEnvironmentOrder()), priority);

      JobQueue disabled = updatedQueue(state, jobQueueState(ARN_PREFIX + "job-queue/q", State.DISABLED));
      assertEquals(original.with(State.DISABLED, 1, original.computeEnvironmentOrder()), disabled);

      JobQueue reordered = updatedQueue(state, new UpdateJobQueueRequest("q", null, null, null,
          List.of(new ComputeEnvironmentOrder(2, "ce-a"), new ComputeEnvironmentOrder(1, "ce-b")), null));
      assertEquals(List.of(
              new ComputeEnvironmentOrder(1, ARN_PREFIX + "compute-environment/ce-b"),
              new ComputeEnvironmentOrder(2, ARN_PREFIX + "compute-environment/ce-a")),
          reordered.computeEnvironmentOrder());
      assertEquals(1, reordered.priority());
      assertEquals(State.ENABLED, reordered.state());
    }

    @Test
    void updateValidatesPriorityAndOrder() {
      ControlPlaneState state = apply(withEnvironments, jobQueue("q", 1, "ce-a"));

      assertRejected(() -> RULES.updateJobQueue(state, new UpdateJobQueueRequest("q", null, null, 1001, null, null)),
          "priority");
      assertRejected(() -> RULES.updateJobQueue(state, new UpdateJobQueueRequest("q", null, null, null,
          List.of(new ComputeEnvironmentOrder(1, "missing")), null)), "computeEnvironmentOrder[0].computeEnvironment");
      assertRejected(() -> RULES.updateJobQueue(state, new UpdateJobQueueRequest("q", null, null, null, null,
          List.of(new JobStateTimeLimitAction("r", "RUNNING", 600, "CANCEL")))), "jobStateTimeLimitActions[0].state");
    }

    @Test
    void aFairShareQueuesPolicyCanBeReplacedAndTheRestIsKept() {
      ControlPlaneState state = apply(withEnvironments, policy("fair"), policy("fairer"),
          fairShareQueue("q", "fair"));
      JobQueue original = state.jobQueues().get("q");

      JobQueue replaced = updatedQueue(state, new UpdateJobQueueRequest("q", null, ARN_PREFIX + "scheduling-policy/fairer",
          null, null, null));

      assertEquals(original.withSchedulingPolicyArn(ARN_PREFIX + "scheduling-policy/fairer"), replaced);
      assertEquals(original, updatedQueue(state, new UpdateJobQueueRequest("q", null, null, null, null, null)));
      assertRejected(() -> RULES.updateJobQueue(state, new UpdateJobQueueRequest("q", null, "missing", null, null, null)),
          "schedulingPolicyArn 'missing' does not exist");
    }

    @Test
    void aFairShareQueuesPolicyCannotBeRemoved() {
      ControlPlaneState state = apply(withEnvironments, policy("fair"), fairShareQueue("q", "fair"));

      assertRejected(() -> RULES.updateJobQueue(state, new UpdateJobQueueRequest("q", null, "", null, null, null)),
          "schedulingPolicyArn cannot be removed", "'q' is a fair-share queue");
    }

    @Test
    void aFifoQueueCanNeverGetAPolicy() {
      ControlPlaneState state = apply(withEnvironments, policy("fair"), jobQueue("q", 1, "ce-a"));

      assertRejected(() -> RULES.updateJobQueue(state, new UpdateJobQueueRequest("q", null, "fair", null, null, null)),
          "schedulingPolicyArn cannot be added", "'q' was created without a scheduling policy");
      assertNull(updatedQueue(state, new UpdateJobQueueRequest("q", null, "", null, null, null)).schedulingPolicyArn());
    }

    @Test
    void updateReplacesOrClearsJobStateTimeLimitActions() {
      JobStateTimeLimitAction first = new JobStateTimeLimitAction("CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY", "RUNNABLE", 600,
          "CANCEL");
      JobStateTimeLimitAction second = new JobStateTimeLimitAction("MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT", "RUNNABLE",
          3600, "CANCEL");
      ControlPlaneState state = apply(withEnvironments, queueWithActions(List.of(first)));

      assertEquals(List.of(second), updatedQueue(state,
          new UpdateJobQueueRequest("q", null, null, null, null, List.of(second))).jobStateTimeLimitActions());
      assertEquals(List.of(first), updatedQueue(state,
          new UpdateJobQueueRequest("q", null, null, 5, null, null)).jobStateTimeLimitActions());
      assertEquals(List.of(), updatedQueue(state,
          new UpdateJobQueueRequest("q", null, null, null, null, List.of())).jobStateTimeLimitActions());
    }

    @Test
    void updateOfAnUnknownQueueIsRejected() {
      assertRejected(() -> RULES.updateJobQueue(withEnvironments, jobQueueState("nope", State.DISABLED)),
          "jobQueue 'nope' does not exist");
    }

    @Test
    void deleteRequiresTheQueueToBeDisabled() {
      ControlPlaneState state = apply(withEnvironments, jobQueue("q", 1, "ce-a"));

      assertRejected(() -> RULES.deleteJobQueue(state, new DeleteJobQueueRequest("q")), "'q' is ENABLED", "DISABLED");

      ControlPlaneState disabled = apply(state, jobQueueState("q", State.DISABLED));
      assertEquals(new JobQueueDeleted("q"), RULES.deleteJobQueue(disabled, new DeleteJobQueueRequest(ARN_PREFIX + "job-queue/q")));
    }
  }

  static Stream<Arguments> invalidTimeLimitActions() {
    String reason = "CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY";
    return Stream.of(
        Arguments.of("no reason", List.of(new JobStateTimeLimitAction(null, "RUNNABLE", 600, "CANCEL")),
            "jobStateTimeLimitActions[0].reason is required"),
        Arguments.of("blank reason", List.of(new JobStateTimeLimitAction(" ", "RUNNABLE", 600, "CANCEL")),
            "jobStateTimeLimitActions[0].reason is required"),
        Arguments.of("long reason", List.of(new JobStateTimeLimitAction("x".repeat(1025), "RUNNABLE", 600, "CANCEL")),
            "jobStateTimeLimitActions[0].reason has 1025 characters"),
        Arguments.of("no state", List.of(new JobStateTimeLimitAction(reason, null, 600, "CANCEL")),
            "jobStateTimeLimitActions[0].state is required"),
        Arguments.of("state RUNNING", List.of(new JobStateTimeLimitAction(reason, "RUNNING", 600, "CANCEL")),
            "jobStateTimeLimitActions[0].state 'RUNNING' must be RUNNABLE"),
        Arguments.of("no time", List.of(new JobStateTimeLimitAction(reason, "RUNNABLE", null, "CANCEL")),
            "jobStateTimeLimitActions[0].maxTimeSeconds is required"),
        Arguments.of("time 599", List.of(new JobStateTimeLimitAction(reason, "RUNNABLE", 599, "CANCEL")),
            "jobStateTimeLimitActions[0].maxTimeSeconds must be from 600 (10 minutes) to 86400 (24 hours), not 599"),
        Arguments.of("time 86401", List.of(
                new JobStateTimeLimitAction(reason, "RUNNABLE", 600, "CANCEL"),
                new JobStateTimeLimitAction(reason, "RUNNABLE", 86_401, "CANCEL")),
            "jobStateTimeLimitActions[1].maxTimeSeconds must be from 600"),
        Arguments.of("no action", List.of(new JobStateTimeLimitAction(reason, "RUNNABLE", 600, null)),
            "jobStateTimeLimitActions[0].action is required"),
        Arguments.of("action TERMINATE", List.of(new JobStateTimeLimitAction(reason, "RUNNABLE", 600, "TERMINATE")),
            "jobStateTimeLimitActions[0].action 'TERMINATE' must be CANCEL"),
        Arguments.of("null entry", Collections.singletonList(null), "jobStateTimeLimitActions[0] is empty"));
  }

  static CreateSchedulingPolicyRequest policy(String name) {
    return new CreateSchedulingPolicyRequest(name, null, null);
  }

  @Nested
  class SchedulingPolicies {

    private final FairsharePolicy fairshare = new FairsharePolicy(3600, 10,
        List.of(new ShareAttributes("team_a", 0.5f), new ShareAttributes("team_b*", null)));

    private SchedulingPolicy created(ControlPlaneState state, CreateSchedulingPolicyRequest request) {
      return assertInstanceOf(SchedulingPolicyCreated.class, RULES.createSchedulingPolicy(state, request)).schedulingPolicy();
    }

    @Test
    void createsAPolicyWithAnAwsArnItsTagsAndAwsDefaultsFilledIn() {
      SchedulingPolicy policy = created(EMPTY, new CreateSchedulingPolicyRequest("fair", fairshare, Map.of("team", "data")));

      assertEquals("fair", policy.name());
      assertEquals("arn:aws:batch:us-east-1:123456789012:scheduling-policy/fair", policy.arn());
      assertEquals(Map.of("team", "data"), policy.tags());
      assertEquals(new FairsharePolicy(3600, 10,
              List.of(new ShareAttributes("team_a", 0.5f), new ShareAttributes("team_b*", 1.0f))),
          policy.fairsharePolicy());
    }

    @Test
    void aPolicyWithoutFairsharePolicyGetsAwsDefaults() {
      assertEquals(new FairsharePolicy(0, 0, List.of()), created(EMPTY, policy("fair")).fairsharePolicy());
    }

    @Test
    void rejectsADuplicateOrInvalidName() {
      ControlPlaneState state = apply(EMPTY, policy("fair"));

      assertRejected(() -> RULES.createSchedulingPolicy(state, policy("fair")), "name 'fair' already exists");
      assertRejected(() -> RULES.createSchedulingPolicy(EMPTY, policy("bad name")), "name 'bad name' is invalid");
      assertRejected(() -> RULES.createSchedulingPolicy(EMPTY, policy(null)), "name is required");
      assertRejected(() -> RULES.createSchedulingPolicy(EMPTY, policy("x".repeat(129))), "name");
    }

    @Test
    void createValidatesTheFairsharePolicyAndTags() {
      FairsharePolicy bad = new FairsharePolicy(null, null, List.of(new ShareAttributes("a", 1f),
          new ShareAttributes("b", 1f), new ShareAttributes("c", 1000f)));

      assertRejected(() -> RULES.createSchedulingPolicy(EMPTY, new CreateSchedulingPolicyRequest("fair", bad, null)),
          "fairsharePolicy.shareDistribution[2].weightFactor must be from 0.0001 to 999.9999");
      assertRejected(() -> RULES.createSchedulingPolicy(EMPTY,
          new CreateSchedulingPolicyRequest("fair", null, Map.of("aws:x", "y"))), "tags key 'aws:x'");
    }

    @Test
    void updateReplacesTheFairsharePolicyByArnOrNameAndKeepsNameArnAndTags() {
      ControlPlaneState state = apply(EMPTY, new CreateSchedulingPolicyRequest("fair", fairshare, Map.of("k", "v")));
      SchedulingPolicy before = state.schedulingPolicy("fair").orElseThrow();
      FairsharePolicy next = new FairsharePolicy(60, 0, List.of(new ShareAttributes("x", 2f)));

      for (String ref : List.of("fair", before.arn())) {
        SchedulingPolicy after = assertInstanceOf(SchedulingPolicyUpdated.class,
            RULES.updateSchedulingPolicy(state, new UpdateSchedulingPolicyRequest(ref, next))).schedulingPolicy();
        assertEquals(before.withFairsharePolicy(next), after, ref);
      }
      assertEquals(new SchedulingPolicyUpdated(before),
          RULES.updateSchedulingPolicy(state, new UpdateSchedulingPolicyRequest("fair", null)));
    }

    @Test
    void updateValidatesAndNeedsAnExistingPolicy() {
      ControlPlaneState state = apply(EMPTY, policy("fair"));

      assertRejected(() -> RULES.updateSchedulingPolicy(state,
              new UpdateSchedulingPolicyRequest("fair", new FairsharePolicy(null, 100, null))),
          "fairsharePolicy.computeReservation must be from 0 to 99");
      assertRejected(() -> RULES.updateSchedulingPolicy(state, new UpdateSchedulingPolicyRequest(null, null)),
          "arn is required");
      assertRejected(() -> RULES.updateSchedulingPolicy(state,
          new UpdateSchedulingPolicyRequest(ARN_PREFIX + "scheduling-policy/other", null)), "arn", "does not exist");
      assertRejected(() -> RULES.updateSchedulingPolicy(state,
          new UpdateSchedulingPolicyRequest(ARN_PREFIX + "job-queue/fair", null)), "is not a scheduling-policy ARN");
    }

    @Test
    void deleteIsRejectedWhileQueuesUseThePolicyAndNamesThem() {
      ControlPlaneState state = apply(EMPTY, computeEnvironment("ce"), policy("fair"),
          new CreateJobQueueRequest("q1", null, "fair", 1, List.of(new ComputeEnvironmentOrder(1, "ce")), null, null),
          new CreateJobQueueRequest("q2", null, "fair", 1, List.of(new ComputeEnvironmentOrder(1, "ce")), null, null),
          jobQueue("fifo", 1, "ce"));

      assertRejected(() -> RULES.deleteSchedulingPolicy(state, new DeleteSchedulingPolicyRequest(ARN_PREFIX
          + "scheduling-policy/fair")), "Scheduling policy 'fair' is still used by job queue(s) [q1, q2]");
    }

    @Test
    void deleteOfAnUnusedPolicyNamesIt() {
      ControlPlaneState state = apply(EMPTY, policy("fair"));

      assertEquals(new SchedulingPolicyDeleted("fair"),
          RULES.deleteSchedulingPolicy(state, new DeleteSchedulingPolicyRequest(ARN_PREFIX + "scheduling-policy/fair")));
      assertEquals(new SchedulingPolicyDeleted("fair"),
          RULES.deleteSchedulingPolicy(state, new DeleteSchedulingPolicyRequest("fair")));
      assertRejected(() -> RULES.deleteSchedulingPolicy(EMPTY, new DeleteSchedulingPolicyRequest("fair")),
          "arn 'fair' does not exist");
    }

    @Test
    void executeDispatchesSchedulingPolicyRequests() {
      ControlPlaneState state = apply(EMPTY, policy("fair"),
          new UpdateSchedulingPolicyRequest("fair", fairshare));
      assertEquals(0.5, state.schedulingPolicy("fair").orElseThrow().fairsharePolicy().weightFactor("team_a"));

      assertTrue(apply(state, new DeleteSchedulingPolicyRequest("fair")).schedulingPolicies().isEmpty());
    }
  }

  @Nested
  class JobDefinitions {

    @Test
    void registeringTheSameNameAddsRevisionsOneTwoThree() {
      ControlPlaneState state = EMPTY;
      for (int revision = 1; revision <= 3; revision++) {
        JobDefinition definition = registered(state, jobDefinition("sleep").build());
        assertEquals(revision, definition.revision());
        assertEquals("arn:aws:batch:us-east-1:123456789012:job-definition/sleep:" + revision, definition.jobDefinitionArn());
        assertEquals(JobDefinition.ACTIVE, definition.status());
        state = state.apply(new JobDefinitionRegistered(definition));
      }
      assertEquals(1, registered(state, jobDefinition("other").build()).revision());
    }

    @Test
    void registrationKeepsWhatWasAskedAndDefaultsPlatformToEc2() {
      JobDefinition definition = registered(EMPTY, jobDefinition("app")
          .parameters(Map.of("input", "a.txt"))
          .schedulingPriority(7)
          .tags(Map.of("team", "data"))
          .propagateTags(true)
          .build());

      assertEquals("container", definition.type());
      assertEquals(Map.of("input", "a.txt"), definition.parameters());
      assertEquals(7, definition.schedulingPriority());
      assertEquals(Map.of("team", "data"), definition.tags());
      assertEquals(true, definition.propagateTags());
      assertEquals(List.of("EC2"), definition.platformCapabilities());
      assertEquals(container(vcpu("1"), memory("2048")), definition.containerProperties());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.drover.core.controlplane.ControlPlaneRulesTest#invalidContainers")
    void rejectsAnInvalidContainerNamingTheField(String description, ContainerProperties container, String fragment) {
      assertRejected(() -> RULES.registerJobDefinition(EMPTY, jobDefinition("app").container(container).build()), fragment);
    }

    @Test
    void acceptsTheDeprecatedVcpusAndMemoryFields() {
      JobDefinition definition = registered(EMPTY, jobDefinition("legacy").container(deprecatedContainer(2, 512)).build());

      assertEquals(new Resources(2000, 512, 0), ContainerRules.resources(definition.containerProperties()));
    }

    @Test
    void acceptsFractionalVcpusAndGpus() {
      JobDefinition definition = registered(EMPTY,
          jobDefinition("train").container(container(vcpu("0.25"), memory("4"), gpu("2"))).build());

      assertEquals(new Resources(250, 4, 2), ContainerRules.resources(definition.containerProperties()));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 11})
    void retryAttemptsOutside1To10AreRejected(int attempts) {
      assertRejected(() -> RULES.registerJobDefinition(EMPTY,
              jobDefinition("app").retryStrategy(new RetryStrategy(attempts, null)).build()),
          "retryStrategy.attempts must be from 1 to 10", "not " + attempts);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 10})
    void retryAttemptsAtTheBoundsAreAccepted(int attempts) {
      RetryStrategy strategy = new RetryStrategy(attempts, null);

      assertEquals(strategy, registered(EMPTY, jobDefinition("app").retryStrategy(strategy).build()).retryStrategy());
    }

    @Test
    void atMostFiveEvaluateOnExitRules() {
      EvaluateOnExit rule = new EvaluateOnExit(null, null, "1", "RETRY");

      registered(EMPTY, jobDefinition("app").retryStrategy(new RetryStrategy(2, Collections.nCopies(5, rule))).build());
      assertRejected(() -> RULES.registerJobDefinition(EMPTY,
              jobDefinition("app").retryStrategy(new RetryStrategy(2, Collections.nCopies(6, rule))).build()),
          "retryStrategy.evaluateOnExit has 6 rules");
    }

    @Test
    void actionMustBeRetryOrExitInAnyCase() {
      registered(EMPTY, jobDefinition("app").retryStrategy(retryOn(new EvaluateOnExit(null, null, "1", "retry"))).build());
      registered(EMPTY, jobDefinition("app").retryStrategy(retryOn(new EvaluateOnExit(null, null, "1", "Exit"))).build());

      assertRejected(() -> RULES.registerJobDefinition(EMPTY,
              jobDefinition("app").retryStrategy(retryOn(new EvaluateOnExit(null, null, "1", "ABORT"))).build()),
          "retryStrategy.evaluateOnExit[0].action 'ABORT' must be RETRY or EXIT");
      assertRejected(() -> RULES.registerJobDefinition(EMPTY,
              jobDefinition("app").retryStrategy(retryOn(new EvaluateOnExit(null, null, "1", null))).build()),
          "retryStrategy.evaluateOnExit[0].action is required");
    }

    @Test
    void onExitCodeMustBeDigitsOptionallyEndingInAStar() {
      registered(EMPTY, jobDefinition("app").retryStrategy(retryOn(new EvaluateOnExit(null, null, "1*", "EXIT"))).build());

      assertRejected(() -> RULES.registerJobDefinition(EMPTY,
              jobDefinition("app").retryStrategy(retryOn(new EvaluateOnExit(null, null, "a*", "EXIT"))).build()),
          "retryStrategy.evaluateOnExit[0].onExitCode 'a*'");
    }

    @Test
    void onReasonAndOnStatusReasonAreGlobsOfLettersDigitsAndPunctuation() {
      registered(EMPTY, jobDefinition("app")
          .retryStrategy(retryOn(new EvaluateOnExit("Host EC2*", "CannotPullContainerError:*", null, "RETRY"))).build());

      assertRejected(() -> RULES.registerJobDefinition(EMPTY,
              jobDefinition("app").retryStrategy(retryOn(new EvaluateOnExit(null, "Out/Of*Memory", null, "EXIT"))).build()),
          "retryStrategy.evaluateOnExit[0].onReason");
      assertRejected(() -> RULES.registerJobDefinition(EMPTY,
              jobDefinition("app").retryStrategy(retryOn(new EvaluateOnExit("a?b", null, null, "EXIT"))).build()),
          "retryStrategy.evaluateOnExit[0].onStatusReason");
    }

    @Test
    void timeoutMustBeAtLeast60Seconds() {
      assertRejected(() -> RULES.registerJobDefinition(EMPTY, jobDefinition("app").timeout(59).build()),
          "timeout.attemptDurationSeconds must be at least 60", "not 59");
      assertEquals(60, registered(EMPTY, jobDefinition("app").timeout(60).build()).timeout().attemptDurationSeconds());
    }

    @Test
    void schedulingPriorityMustBeFrom0To9999() {
      assertRejected(() -> RULES.registerJobDefinition(EMPTY, jobDefinition("app").schedulingPriority(10000).build()),
          "schedulingPriority must be from 0 to 9999");
    }

    @Test
    void environmentVariablesWithTheAwsBatchPrefixAreRejected() {
      ContainerProperties container = container("busybox", List.of(), List.of(new KeyValuePair("AWS_BATCH_FOO", "1")),
          List.of(vcpu("1"), memory("512")));

      assertRejected(() -> RULES.registerJobDefinition(EMPTY, jobDefinition("app").container(container).build()),
          "containerProperties.environment", "AWS_BATCH_FOO", "AWS_BATCH");
    }

    @Test
    void fargateIsRejectedAndEc2Accepted() {
      assertRejected(() -> RULES.registerJobDefinition(EMPTY, jobDefinition("app").platformCapabilities("FARGATE").build()),
          "platformCapabilities", "FARGATE");
      assertEquals(List.of("EC2"), registered(EMPTY, jobDefinition("app").platformCapabilities("EC2").build()).platformCapabilities());
    }

    @Test
    void onlyContainerDefinitionsAreAccepted() {
      assertRejected(() -> RULES.registerJobDefinition(EMPTY, jobDefinition("app").type("multinode").build()), "multinode");
      assertRejected(() -> RULES.registerJobDefinition(EMPTY, jobDefinition("app").type("batch").build()),
          "type 'batch' must be container");
      assertRejected(() -> RULES.registerJobDefinition(EMPTY, jobDefinition("app").type(null).build()), "type is required");
    }

    @ParameterizedTest
    @MethodSource("io.drover.core.controlplane.ControlPlaneRulesTest#invalidObjectNames")
    void rejectsAnInvalidName(String name) {
      assertRejected(() -> RULES.registerJobDefinition(EMPTY, jobDefinition(name).build()), "jobDefinitionName");
    }

    @Test
    void aParameterWithoutAValueIsAClientError() {
      Map<String, String> parameters = new HashMap<>();
      parameters.put("input", null);

      assertRejected(() -> RULES.registerJobDefinition(EMPTY, jobDefinition("app").parameters(parameters).build()),
          "parameters");
    }

    @Test
    void aParameterValueWithNulIsAClientErrorNamingTheParameter() {
      assertRejected(() -> RULES.registerJobDefinition(EMPTY,
          jobDefinition("app").parameters(Map.of("input", "a\0b")).build()),
          "parameters value of 'input' has a NUL character");
    }

    private static RetryStrategy retryOn(EvaluateOnExit rule) {
      return new RetryStrategy(3, List.of(rule));
    }
  }

  @Nested
  class DefinitionResolution {

    /** sleep:1..3 registered, sleep:3 then deregistered. */
    private final ControlPlaneState state = apply(EMPTY,
        jobDefinition("sleep").build(), jobDefinition("sleep").timeout(120).build(), jobDefinition("sleep").timeout(180).build(),
        new DeregisterJobDefinitionRequest("sleep:3"));

    @Test
    void aBareNameMeansTheNewestActiveRevision() {
      assertEquals(2, RULES.jobDefinition(state, "sleep", "jobDefinition", true).revision());
    }

    @Test
    void nameColonRevisionAndTheFullArnPickThatRevision() {
      assertEquals(1, RULES.jobDefinition(state, "sleep:1", "jobDefinition", true).revision());
      JobDefinition byArn = RULES.jobDefinition(state, ARN_PREFIX + "job-definition/sleep:2", "jobDefinition", true);
      assertEquals(2, byArn.revision());
      assertEquals(120, byArn.timeout().attemptDurationSeconds());
    }

    @Test
    void aDeregisteredRevisionIsInactiveRejectedForSubmissionButStillDescribable() {
      assertRejected(() -> RULES.jobDefinition(state, "sleep:3", "jobDefinition", true), "'sleep:3' is INACTIVE");

      JobDefinition described = RULES.jobDefinition(state, "sleep:3", "jobDefinition", false);
      assertEquals(JobDefinition.INACTIVE, described.status());
      assertEquals(180, described.timeout().attemptDurationSeconds());
    }

    @Test
    void deregisteringByBareNameDeregistersTheNewestActiveRevision() {
      assertEquals(new JobDefinitionDeregistered("sleep", 2),
          RULES.deregisterJobDefinition(state, new DeregisterJobDefinitionRequest("sleep")));
    }

    @Test
    void aDefinitionWithEveryRevisionDeregisteredHasNoActiveRevision() {
      ControlPlaneState allGone = apply(state, new DeregisterJobDefinitionRequest("sleep:1"), new DeregisterJobDefinitionRequest("sleep:2"));

      assertRejected(() -> RULES.jobDefinition(allGone, "sleep", "jobDefinition", true), "'sleep' has no ACTIVE revision");
    }

    @Test
    void anUnknownDefinitionOrRevisionDoesNotExist() {
      assertRejected(() -> RULES.jobDefinition(state, "sleep:4", "jobDefinition", false), "'sleep:4' does not exist");
      assertRejected(() -> RULES.jobDefinition(state, "sleep:0", "jobDefinition", false), "'sleep:0' does not exist");
      assertRejected(() -> RULES.jobDefinition(state, "nope:1", "jobDefinition", false), "'nope:1' does not exist");
      assertRejected(() -> RULES.jobDefinition(state, "nope", "jobDefinition", true), "jobDefinition 'nope'");
    }

    @Test
    void aRevisionThatIsNotANumberIsRejectedSayingSo() {
      assertRejected(() -> RULES.jobDefinition(state, "sleep:x", "jobDefinition", true), "'sleep:x'", "revision is not a number");
    }

    @Test
    void anArnOfAnotherTypeIsRejected() {
      assertRejected(() -> RULES.jobDefinition(state, ARN_PREFIX + "job-queue/sleep", "jobDefinition", true),
          "jobDefinition", "is not a job-definition ARN");
    }

    @Test
    void aMissingReferenceIsRequired() {
      assertRejected(() -> RULES.jobDefinition(state, null, "jobDefinition", true), "jobDefinition is required");
    }
  }

  @Test
  void executeDispatchesEveryRequestTypeToItsRule() {
    ControlPlaneState state = apply(EMPTY, computeEnvironment("ce"), jobQueue("q", 1, "ce"), jobDefinition("app").build());

    assertInstanceOf(ComputeEnvironmentCreated.class, RULES.execute(state, computeEnvironment("ce-2")));
    assertInstanceOf(ComputeEnvironmentUpdated.class, RULES.execute(state, computeEnvironmentState("ce", State.ENABLED)));
    assertInstanceOf(JobQueueCreated.class, RULES.execute(state, jobQueue("q-2", 1, "ce")));
    assertInstanceOf(JobQueueUpdated.class, RULES.execute(state, jobQueueState("q", State.DISABLED)));
    assertInstanceOf(JobDefinitionRegistered.class, RULES.execute(state, jobDefinition("app").build()));
    assertInstanceOf(JobDefinitionDeregistered.class, RULES.execute(state, new DeregisterJobDefinitionRequest("app:1")));

    ControlPlaneState disabled = apply(state, jobQueueState("q", State.DISABLED), computeEnvironmentState("ce", State.DISABLED));
    assertInstanceOf(JobQueueDeleted.class, RULES.execute(disabled, new DeleteJobQueueRequest("q")));
    ControlPlaneState unused = disabled.apply(new JobQueueDeleted("q"));
    assertInstanceOf(ComputeEnvironmentDeleted.class, RULES.execute(unused, new DeleteComputeEnvironmentRequest("ce")));
  }
}
