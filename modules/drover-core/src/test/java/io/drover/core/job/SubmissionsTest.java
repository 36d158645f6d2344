package io.drover.core.job;

import static io.drover.core.Fixtures.ARN_PREFIX;
import static io.drover.core.Fixtures.RULES;
import static io.drover.core.Fixtures.apply;
import static io.drover.core.Fixtures.assertRejected;
import static io.drover.core.Fixtures.computeEnvironment;
import static io.drover.core.Fixtures.container;
import static io.drover.core.Fixtures.deprecatedContainer;
import static io.drover.core.Fixtures.gpu;
import static io.drover.core.Fixtures.jobDefinition;
import static io.drover.core.Fixtures.jobQueue;
import static io.drover.core.Fixtures.jobQueueState;
import static io.drover.core.Fixtures.memory;
import static io.drover.core.Fixtures.submit;
import static io.drover.core.Fixtures.vcpu;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.core.Fixtures.SubmitBuilder;
import io.drover.core.api.ArrayProperties;
import io.drover.core.api.ContainerOverrides;
import io.drover.core.api.CreateJobQueueRequest;
import io.drover.core.api.CreateSchedulingPolicyRequest;
import io.drover.core.api.DeregisterJobDefinitionRequest;
import io.drover.core.api.JobDependency;
import io.drover.core.controlplane.ControlPlaneState;
import io.drover.core.definition.EvaluateOnExit;
import io.drover.core.definition.JobTimeout;
import io.drover.core.definition.RetryStrategy;
import io.drover.core.model.KeyValuePair;
import io.drover.core.model.ResourceRequirement;
import io.drover.core.model.Resources;
import io.drover.core.model.State;
import io.drover.core.queue.ComputeEnvironmentOrder;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SubmissionsTest {

  private static final String JOB_ID = "0b7c2f1e-job";
  private static final RetryStrategy DEFINITION_RETRY = new RetryStrategy(2, null);

  /**
   * Queue "q" (enabled) and "off" (disabled) on "ce", and "fair" scheduled by the fair-share policy
   * "shares"; definition "app" with default parameters, a
   * command with Ref:: placeholders, two environment variables, 1 vCPU and 2048 MiB, 2 attempts, a
   * 120 s timeout, scheduling priority 5 and tags; definition "plain" with none of that.
   */
  private static final ControlPlaneState STATE = apply(ControlPlaneState.EMPTY,
      computeEnvironment("ce"),
      jobQueue("q", 10, "ce"),
      jobQueue("off", 10, "ce"),
      jobQueueState("off", State.DISABLED),
      new CreateSchedulingPolicyRequest("shares", null, null),
      new CreateJobQueueRequest("fair", null, "shares", 10, List.of(new ComputeEnvironmentOrder(1, "ce")), null, null),
      jobDefinition("app")
          .parameters(Map.of("input", "default.txt", "mode", "fast"))
          .container(container("busybox",
              List.of("run", "Ref::input", "--in=Ref::input", "Ref::unknown", "--mode=Ref::mode"),
              List.of(new KeyValuePair("A", "1"), new KeyValuePair("B", "2")),
              List.of(vcpu("1"), memory("2048"))))
          .retryStrategy(DEFINITION_RETRY)
          .timeout(120)
          .schedulingPriority(5)
          .tags(Map.of("team", "data", "cost", "def"))
          .build(),
      jobDefinition("plain").build());

  private static JobSpec resolve(SubmitBuilder request) {
    return Submissions.resolve(STATE, RULES, request.build(), JOB_ID);
  }

  private static SubmitBuilder app() {
    return submit("nightly-run", "q", "app");
  }

  private static Map<String, String> environment(JobSpec spec) {
    return spec.container().environment().stream().collect(Collectors.toMap(KeyValuePair::name, KeyValuePair::value));
  }

  private static Map<String, String> requirements(JobSpec spec) {
    return spec.container().resourceRequirements().stream()
        .collect(Collectors.toMap(ResourceRequirement::type, ResourceRequirement::value));
  }

  private static ContainerOverrides overrides(
      List<String> command, List<KeyValuePair> environment, List<ResourceRequirement> requirements) {
    return new ContainerOverrides(null, null, command, environment, requirements);
  }

  @Test
  void aCallsInvocationIdAndAccessKeyGiveItsJobTheSameIdOnEveryRetry() {
    String id = Submissions.jobId("AKIAALICE", "6f1c2b7e-0d4a-4e9b-9a57-1f0c3d2e8b41");
    assertEquals(id, Submissions.jobId("AKIAALICE", "6f1c2b7e-0d4a-4e9b-9a57-1f0c3d2e8b41"));
    assertNotEquals(id, Submissions.jobId("AKIABOB", "6f1c2b7e-0d4a-4e9b-9a57-1f0c3d2e8b41"), "another caller's job");
    assertNotEquals(id, Submissions.jobId("AKIAALICE", "0a9d5e31-77c2-4f0e-b1d8-2c6e4a9f7b10"), "another call's job");
    UUID uuid = UUID.fromString(id);
    assertEquals(8, uuid.version());
    assertEquals(2, uuid.variant());
  }

  @Test
  void aCallWithoutAnInvocationIdGetsARandomJobId() {
    String first = Submissions.jobId("AKIAALICE", null);
    assertNotEquals(first, Submissions.jobId("AKIAALICE", null));
    assertEquals(4, UUID.fromString(first).version());
  }

  @Test
  void resolvesTheJobAgainstQueueAndNewestActiveDefinition() {
    JobSpec spec = resolve(app());

    assertEquals(JOB_ID, spec.jobId());
    assertEquals("nightly-run", spec.jobName());
    assertEquals("q", spec.jobQueue());
    assertEquals(ARN_PREFIX + "job-definition/app:1", spec.jobDefinitionArn());
    assertEquals("app", spec.jobDefinitionName());
    assertEquals("busybox", spec.container().image());
    assertEquals(List.of("EC2"), spec.platformCapabilities());
    assertNull(spec.shareIdentifier());
  }

  @Test
  void theQueueMayBeGivenByArn() {
    assertEquals("q", resolve(submit("j", ARN_PREFIX + "job-queue/q", "app")).jobQueue());
  }

  @Test
  void aDisabledQueueAcceptsNoJobs() {
    assertRejected(() -> resolve(submit("j", "off", "app")), "jobQueue 'off' is DISABLED");
  }

  @Test
  void anUnknownQueueIsRejected() {
    assertRejected(() -> resolve(submit("j", "nope", "app")), "jobQueue 'nope' does not exist");
  }

  @Test
  void anInactiveDefinitionIsRejected() {
    ControlPlaneState deregistered = apply(STATE, new DeregisterJobDefinitionRequest("plain:1"));

    assertRejected(() -> Submissions.resolve(deregistered, RULES, submit("j", "q", "plain:1").build(), JOB_ID), "INACTIVE");
    assertRejected(() -> Submissions.resolve(deregistered, RULES, submit("j", "q", "plain").build(), JOB_ID),
        "no ACTIVE revision");
  }

  @Test
  void definitionParametersAreDefaultsThatSubmitParametersOverride() {
    JobSpec defaults = resolve(app());
    assertEquals(Map.of("input", "default.txt", "mode", "fast"), defaults.parameters());

    JobSpec overridden = resolve(app().parameters(Map.of("input", "s3://bucket/today.csv", "extra", "x")));
    assertEquals(Map.of("input", "s3://bucket/today.csv", "mode", "fast", "extra", "x"), overridden.parameters());
  }

  @Test
  void refPlaceholdersAreSubstitutedAsWholeTokensAndInsideTokensAndUnknownOnesKept() {
    assertEquals(List.of("run", "default.txt", "--in=default.txt", "Ref::unknown", "--mode=fast"),
        resolve(app()).container().command());
    assertEquals(List.of("run", "today.csv", "--in=today.csv", "Ref::unknown", "--mode=fast"),
        resolve(app().parameters(Map.of("input", "today.csv"))).container().command());
  }

  @Test
  void substitutionTakesTheLongestNameAndHandlesSeveralPlaceholdersInOneArgument() {
    assertEquals(List.of("1/2", "Ref::", "xRef::e-fy"),
        Submissions.substitute(List.of("Ref::a-b/Ref::c_d", "Ref::", "xRef::e-fy"), Map.of("a-b", "1", "c_d", "2", "e-f", "3")));
  }

  @Test
  void overrideCommandReplacesTheDefinitionsAndIsSubstitutedToo() {
    JobSpec spec = resolve(app().containerOverrides(overrides(List.of("sh", "-c", "cat Ref::input"), null, null)));

    assertEquals(List.of("sh", "-c", "cat default.txt"), spec.container().command());
  }

  @Test
  void overrideEnvironmentMergesByNameWithTheOverrideWinning() {
    JobSpec spec = resolve(app().containerOverrides(overrides(null,
        List.of(new KeyValuePair("B", "20"), new KeyValuePair("C", "3")), null)));

    assertEquals(Map.of("A", "1", "B", "20", "C", "3"), environment(spec));
    assertEquals(3, spec.container().environment().size());
    assertEquals(List.of("run", "default.txt", "--in=default.txt", "Ref::unknown", "--mode=fast"), spec.container().command());
  }

  @Test
  void overrideEnvironmentCannotUseTheAwsBatchPrefix() {
    assertRejected(() -> resolve(app().containerOverrides(overrides(null, List.of(new KeyValuePair("AWS_BATCH_JOB_ID", "x")), null))),
        "containerOverrides.environment", "AWS_BATCH_JOB_ID");
  }

  @Test
  void overrideEnvironmentNamesCannotHoldAnEqualsSignOrNul() {
    assertRejected(() -> resolve(app().containerOverrides(overrides(null, List.of(new KeyValuePair("A=B", "x")), null))),
        "containerOverrides.environment", "'A=B'");
    assertRejected(() -> resolve(app().containerOverrides(overrides(null, List.of(new KeyValuePair("A\0B", "x")), null))),
        "containerOverrides.environment", "NUL");
  }

  @Test
  void overrideCommandAndParametersCannotHoldNul() {
    assertRejected(() -> resolve(app().containerOverrides(overrides(List.of("echo", "a\0b"), null, null))),
        "containerOverrides.command[1] has a NUL character");
    assertRejected(() -> resolve(app().parameters(Map.of("day", "mon\0day"))),
        "parameters value of 'day' has a NUL character");
  }

  @Test
  void overrideEnvironmentValuesCannotHoldNulAndTheRefusalKeepsTheValueOut() {
    String message = assertRejected(
        () -> resolve(app().containerOverrides(overrides(null, List.of(new KeyValuePair("TOKEN", "se\0cret")), null))),
        "containerOverrides.environment", "'TOKEN'", "NUL character in its value");
    assertFalse(message.contains("cret"), message);
  }

  @Test
  void overrideResourceRequirementsReplaceOnlyTheirOwnType() {
    JobSpec spec = resolve(app().containerOverrides(overrides(null, null, List.of(memory("4096"), gpu("1")))));

    assertEquals(Map.of("VCPU", "1", "MEMORY", "4096", "GPU", "1"), requirements(spec));
    assertEquals(new Resources(1000, 4096, 1), spec.resources());
  }

  @Test
  void deprecatedVcpusAndMemoryOverridesReplaceTheRequirements() {
    JobSpec spec = resolve(app().containerOverrides(new ContainerOverrides(4, 8192, null, null, null)));

    assertEquals(new Resources(4000, 8192, 0), spec.resources());
    assertEquals(Map.of("VCPU", "4", "MEMORY", "8192"), requirements(spec));
    assertNull(spec.container().vcpus());
    assertNull(spec.container().memory());
  }

  @Test
  void aDefinitionUsingDeprecatedFieldsCanBeOverriddenWithRequirements() {
    ControlPlaneState state = apply(STATE, jobDefinition("legacy").container(deprecatedContainer(2, 512)).build());

    JobSpec plain = Submissions.resolve(state, RULES, submit("j", "q", "legacy").build(), JOB_ID);
    assertEquals(new Resources(2000, 512, 0), plain.resources());

    JobSpec overridden = Submissions.resolve(state, RULES, submit("j", "q", "legacy")
        .containerOverrides(overrides(null, null, List.of(vcpu("0.5")))).build(), JOB_ID);
    assertEquals(new Resources(500, 512, 0), overridden.resources());
  }

  @Test
  void invalidOverridesAreRejectedNamingContainerOverrides() {
    assertRejected(() -> resolve(app().containerOverrides(overrides(null, null, List.of(vcpu("0"))))),
        "containerOverrides.resourceRequirements VCPU");
    assertRejected(() -> resolve(app().containerOverrides(overrides(null, null, List.of(memory("2"))))),
        "containerOverrides.resourceRequirements MEMORY");
    assertRejected(() -> resolve(app().containerOverrides(new ContainerOverrides(2, null, null, null, List.of(vcpu("2"))))),
        "containerOverrides sets both vcpus and a VCPU");
  }

  @Test
  void resourcesAreComputedFromTheRequirements() {
    ControlPlaneState state = apply(STATE,
        jobDefinition("gpu").container(container(vcpu("0.5"), memory("1536"), gpu("2"))).build());

    JobSpec spec = Submissions.resolve(state, RULES, submit("j", "q", "gpu").build(), JOB_ID);

    assertEquals(new Resources(500, 1536, 2), spec.resources());
  }

  @Test
  void retryStrategyAndTimeoutComeFromTheDefinitionUnlessTheSubmissionOverrides() {
    JobSpec inherited = resolve(app());
    assertEquals(DEFINITION_RETRY, inherited.retryStrategy());
    assertEquals(2, inherited.maxAttempts());
    assertEquals(new JobTimeout(120), inherited.timeout());

    RetryStrategy submitted = new RetryStrategy(5, List.of(new EvaluateOnExit(null, null, "137", "EXIT")));
    JobSpec overridden = resolve(app().retryStrategy(submitted).timeout(600));
    assertEquals(submitted, overridden.retryStrategy());
    assertEquals(5, overridden.maxAttempts());
    assertEquals(new JobTimeout(600), overridden.timeout());

    JobSpec none = resolve(submit("j", "q", "plain"));
    assertNull(none.retryStrategy());
    assertEquals(1, none.maxAttempts());
    assertNull(none.timeout());
  }

  @Test
  void submittedRetryStrategyAndTimeoutAreValidated() {
    assertRejected(() -> resolve(app().retryStrategy(new RetryStrategy(11, null))), "retryStrategy.attempts");
    assertRejected(() -> resolve(app().timeout(59)), "timeout.attemptDurationSeconds");
  }

  @Test
  void schedulingPriorityComesFromTheOverrideElseTheDefinitionElseZero() {
    assertEquals(5, resolve(app()).schedulingPriority());
    assertEquals(9999, resolve(app().schedulingPriorityOverride(9999)).schedulingPriority());
    assertEquals(0, resolve(submit("j", "q", "plain")).schedulingPriority());
    assertRejected(() -> resolve(app().schedulingPriorityOverride(-1)), "schedulingPriorityOverride");
  }

  @Test
  void propagateTagsMergesTheDefinitionTagsUnderTheSubmittedOnes() {
    JobSpec propagated = resolve(app().propagateTags(true).tags(Map.of("cost", "job", "run", "42")));
    assertTrue(propagated.propagateTags());
    assertEquals(Map.of("team", "data", "cost", "job", "run", "42"), propagated.tags());

    JobSpec notPropagated = resolve(app().tags(Map.of("run", "42")));
    assertFalse(notPropagated.propagateTags());
    assertEquals(Map.of("run", "42"), notPropagated.tags());
  }

  @Test
  void propagateTagsDefaultsToTheDefinitionsSetting() {
    ControlPlaneState state = apply(STATE,
        jobDefinition("tagged").tags(Map.of("team", "ml")).propagateTags(true).build());

    JobSpec inherited = Submissions.resolve(state, RULES, submit("j", "q", "tagged").build(), JOB_ID);
    assertEquals(Map.of("team", "ml"), inherited.tags());

    JobSpec optedOut = Submissions.resolve(state, RULES, submit("j", "q", "tagged").propagateTags(false).build(), JOB_ID);
    assertEquals(Map.of(), optedOut.tags());
  }

  @Test
  void shareIdentifierIsRejectedOnAFifoQueue() {
    assertRejected(() -> resolve(app().shareIdentifier("teamA")), "shareIdentifier", "'q'");
    assertRejected(() -> resolve(app().shareIdentifier("")), "shareIdentifier", "'q'");
  }

  @Test
  void aFairShareQueueKeepsTheShareIdentifier() {
    JobSpec spec = resolve(submit("j", "fair", "app").shareIdentifier("team_A9"));

    assertEquals("team_A9", spec.shareIdentifier());
    assertEquals(5, spec.schedulingPriority());
    assertEquals("team_A9", resolve(submit("j", "fair", "app").shareIdentifier("team_A9")
        .arrayProperties(new ArrayProperties(2, null))).child(1).shareIdentifier());
  }

  @Test
  void aFairShareQueueRequiresAShareIdentifier() {
    assertRejected(() -> resolve(submit("j", "fair", "app")),
        "shareIdentifier is required", "'fair' is a fair-share queue", ARN_PREFIX + "scheduling-policy/shares");
    assertRejected(() -> resolve(submit("j", "fair", "app").shareIdentifier("")), "shareIdentifier is required");
  }

  @ParameterizedTest
  @ValueSource(strings = {"team*", "team-a", "with space", "*", "dot.ted"})
  void aShareIdentifierIsLettersDigitsAndUnderscoresOnly(String share) {
    assertRejected(() -> resolve(submit("j", "fair", "app").shareIdentifier(share)),
        "shareIdentifier '" + share + "' is invalid");
  }

  @Test
  void aShareIdentifierHasAtMost255Characters() {
    assertEquals(255, resolve(submit("j", "fair", "app").shareIdentifier("s".repeat(255))).shareIdentifier().length());
    assertRejected(() -> resolve(submit("j", "fair", "app").shareIdentifier("s".repeat(256))), "shareIdentifier");
  }

  @Test
  void arrayJobsTakeTwoToTenThousandChildren() {
    assertEquals(ArraySpec.parent(10_000), resolve(app().arrayProperties(new ArrayProperties(10_000, null))).array());
    assertEquals(ArraySpec.parent(2), resolve(app().arrayProperties(new ArrayProperties(2, null))).array());
    assertRejected(() -> resolve(app().arrayProperties(new ArrayProperties(1, null))), "arrayProperties.size");
    assertRejected(() -> resolve(app().arrayProperties(new ArrayProperties(10_001, null))), "arrayProperties.size");
    assertRejected(() -> resolve(app().arrayProperties(new ArrayProperties(null, null))), "arrayProperties.size");
  }

  @Test
  void maxConcurrentChildrenComesFromTheFieldOrTheTagAndChildrenInheritIt() {
    JobSpec byField = resolve(app().arrayProperties(new ArrayProperties(50, 4)));
    assertEquals(ArraySpec.parent(50, 4), byField.array());
    assertEquals(ArraySpec.child(JOB_ID, 7, 4), byField.child(7).array());

    JobSpec byTag = resolve(app().arrayProperties(new ArrayProperties(50, null))
        .tags(Map.of(ArraySpec.MAX_CONCURRENT_CHILDREN_TAG, "10000")));
    assertEquals(ArraySpec.parent(50, 10_000), byTag.array());
    assertEquals("10000", byTag.tags().get("drover:maxConcurrentChildren"));

    JobSpec both = resolve(app().arrayProperties(new ArrayProperties(50, 1))
        .tags(Map.of(ArraySpec.MAX_CONCURRENT_CHILDREN_TAG, "1")));
    assertEquals(1, both.array().maxConcurrentChildren());

    assertNull(resolve(app().arrayProperties(new ArrayProperties(50, null))).child(0).array().maxConcurrentChildren());
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, 10_001})
  void maxConcurrentChildrenOutside1To10000IsRejected(int value) {
    assertRejected(() -> resolve(app().arrayProperties(new ArrayProperties(5, value))),
        "arrayProperties.maxConcurrentChildren must be from 1 to 10000", "not " + value);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "10001", "many", "2.5", ""})
  void aMaxConcurrentChildrenTagThatIsNotAWholeNumberFrom1To10000IsRejected(String value) {
    assertRejected(() -> resolve(app().arrayProperties(new ArrayProperties(5, null))
            .tags(Map.of(ArraySpec.MAX_CONCURRENT_CHILDREN_TAG, value))),
        "tag drover:maxConcurrentChildren value '" + value + "' must be a whole number from 1 to 10000");
  }

  @Test
  void maxConcurrentChildrenNeedsAnArrayJobAndFieldAndTagMustAgree() {
    assertRejected(() -> resolve(app().tags(Map.of(ArraySpec.MAX_CONCURRENT_CHILDREN_TAG, "2"))),
        "tag drover:maxConcurrentChildren applies to array jobs only");
    assertRejected(() -> resolve(app().arrayProperties(new ArrayProperties(5, 2))
            .tags(Map.of(ArraySpec.MAX_CONCURRENT_CHILDREN_TAG, "3"))),
        "arrayProperties.maxConcurrentChildren (2) and tag drover:maxConcurrentChildren (3) disagree");
  }

  @Test
  void arrayDependencyTypesNeedAnArrayJob() {
    assertRejected(() -> resolve(app().dependsOn(List.of(new JobDependency("a", JobSpec.N_TO_N)))), "array jobs only");
    assertRejected(() -> resolve(app().arrayProperties(new ArrayProperties(3, null))
        .dependsOn(List.of(new JobDependency("a", JobSpec.SEQUENTIAL)))), "SEQUENTIAL dependency names no jobId");
    assertRejected(() -> resolve(app().arrayProperties(new ArrayProperties(3, null))
        .dependsOn(List.of(new JobDependency(null, "MANY_TO_ONE")))), "dependsOn[0].type");
    JobSpec spec = resolve(app().arrayProperties(new ArrayProperties(3, null))
        .dependsOn(List.of(new JobDependency("a", JobSpec.N_TO_N), new JobDependency(null, JobSpec.SEQUENTIAL))));
    assertEquals(2, spec.dependsOn().size());
  }

  @Test
  void dependenciesAreKeptOnceEachInOrder() {
    JobSpec spec = resolve(app().dependsOn(List.of(
        new JobDependency("parent-b", null), new JobDependency("parent-a", null), new JobDependency("parent-b", null))));
    assertEquals(List.of(new JobDependency("parent-b", null), new JobDependency("parent-a", null)), spec.dependsOn());
  }

  @Test
  void dependencyMistakesAreRejectedNamingTheEntry() {
    assertRejected(() -> resolve(app().dependsOn(List.of(new JobDependency(null, null)))), "dependsOn[0].jobId");
    assertRejected(() -> resolve(app().dependsOn(List.of(new JobDependency("ok", null), new JobDependency("not ok", null)))),
        "dependsOn[1].jobId");
    List<JobDependency> tooMany = IntStream.range(0, 1001)
        .mapToObj(i -> new JobDependency("parent-" + i, null)).toList();
    assertRejected(() -> resolve(app().dependsOn(tooMany)), "at most 1000");
    List<JobDependency> allowed = IntStream.range(0, 1000)
        .mapToObj(i -> new JobDependency("parent-" + i, null)).toList();
    assertEquals(1000, resolve(app().dependsOn(allowed)).dependsOn().size());
  }

  @Test
  void anEmptyDependsOnIsAccepted() {
    assertEquals(JOB_ID, resolve(app().dependsOn(List.of())).jobId());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-leading-hyphen", "_leading-underscore", "has space", "semi;colon"})
  void anInvalidJobNameIsRejected(String jobName) {
    assertRejected(() -> resolve(submit(jobName, "q", "app")), "jobName");
  }

  @Test
  void aJobNameOf128CharactersIsAccepted() {
    String name = "a".repeat(128);

    assertEquals(name, resolve(submit(name, "q", "app")).jobName());
    assertRejected(() -> resolve(submit(name + "a", "q", "app")), "jobName");
  }
}
