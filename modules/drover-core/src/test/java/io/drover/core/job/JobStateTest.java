package io.drover.core.job;

import static io.drover.core.Fixtures.ARN_PREFIX;
import static io.drover.core.Fixtures.JSON;
import static io.drover.core.Fixtures.container;
import static io.drover.core.Fixtures.memory;
import static io.drover.core.Fixtures.roundTrip;
import static io.drover.core.Fixtures.vcpu;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.drover.core.api.JobDependency;
import io.drover.core.definition.EvaluateOnExit;
import io.drover.core.definition.JobTimeout;
import io.drover.core.definition.RetryStrategy;
import io.drover.core.job.JobEvent.ArrayExpanded;
import io.drover.core.job.JobEvent.AttemptEnded;
import io.drover.core.job.JobEvent.AttemptReattached;
import io.drover.core.job.JobEvent.Cancelled;
import io.drover.core.job.JobEvent.ChildrenFinished;
import io.drover.core.job.JobEvent.DependencyResolved;
import io.drover.core.job.JobEvent.DependentAdded;
import io.drover.core.job.JobEvent.Placed;
import io.drover.core.job.JobEvent.Started;
import io.drover.core.job.JobEvent.Submitted;
import io.drover.core.job.JobEvent.TerminationRequested;
import io.drover.core.model.JobStatus;
import io.drover.core.model.Resources;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class JobStateTest {

  static final String JOB_ID = "job-1";
  static final Placement PLACEMENT =
      new Placement("agent-1", "pekko://drover@10.0.0.5:25520/user/agent", "worker-1", null, "ce", true);

  static JobSpec spec(RetryStrategy retryStrategy) {
    return new JobSpec(JOB_ID, "nightly", "q", ARN_PREFIX + "job-definition/app:1",
        container(vcpu("1"), memory("2048")), new Resources(1000, 2048, 0), Map.of("input", "a.txt"),
        retryStrategy, new JobTimeout(600), Map.of("team", "data"), true, 3, null, List.of("EC2"), List.of(), null);
  }

  static JobState submitted(RetryStrategy retryStrategy) {
    return JobState.submitted(new Submitted(JOB_ID, spec(retryStrategy), 1_000));
  }

  static RetryStrategy attempts(int attempts, EvaluateOnExit... rules) {
    return new RetryStrategy(attempts, rules.length == 0 ? null : List.of(rules));
  }

  /** Places the next attempt at {@code at} and starts it one tick later. */
  static JobState running(JobState state, long at) {
    int attempt = state.nextAttemptNumber();
    return state.apply(new Placed(JOB_ID, attempt, PLACEMENT, at)).apply(new Started(JOB_ID, attempt, at + 1));
  }

  /** Ends the current attempt with {@code exitCode} and {@code reason}, as the agent reports it. */
  static JobState ended(JobState state, Integer exitCode, String reason, long at) {
    AttemptEnded event = state.attemptEnded(state.currentAttempt().number(), exitCode, reason, JobState.CONTAINER_EXITED, at);
    assertNotNull(event, "the current attempt can always end");
    return state.apply(event);
  }

  /** Runs attempts ending with each exit code in turn, as long as the job keeps retrying. */
  static JobState runWithExitCodes(RetryStrategy strategy, int... exitCodes) {
    JobState state = submitted(strategy);
    long at = 2_000;
    for (int exitCode : exitCodes) {
      assertEquals(JobStatus.RUNNABLE, state.status(), "only a RUNNABLE job gets another attempt");
      state = ended(running(state, at), exitCode, null, at + 10);
      at += 100;
    }
    return state;
  }

  @Test
  void aSubmittedJobIsRunnableWithNoAttempts() {
    JobState state = submitted(null);

    assertEquals(JobStatus.RUNNABLE, state.status());
    assertEquals(1_000, state.createdAt());
    assertEquals(List.of(), state.attempts());
    assertNull(state.currentAttempt());
    assertNull(state.lastAttempt());
    assertEquals(1, state.nextAttemptNumber());
    assertFalse(state.cancelled());
    assertFalse(state.terminated());
  }

  @Test
  void placedMakesTheJobStartingWithAttemptOneAndItsLogStream() {
    JobState state = submitted(null).apply(new Placed(JOB_ID, 1, PLACEMENT, 2_000));

    assertEquals(JobStatus.STARTING, state.status());
    Attempt attempt = state.currentAttempt();
    assertEquals(1, attempt.number());
    assertEquals(PLACEMENT, attempt.placement());
    assertEquals(2_000, attempt.placedAt());
    assertEquals("drover/job-1/1", attempt.logStreamName());
    assertNull(attempt.startedAt());
    assertEquals(2, state.nextAttemptNumber());
  }

  @Test
  void startedMakesTheJobRunningWithStartedAt() {
    JobState state = submitted(null).apply(new Placed(JOB_ID, 1, PLACEMENT, 2_000)).apply(new Started(JOB_ID, 1, 2_500));

    assertEquals(JobStatus.RUNNING, state.status());
    assertEquals(2_500L, state.startedAt());
    assertEquals(2_500L, state.currentAttempt().startedAt());
    assertNull(state.stoppedAt());
  }

  @Test
  void exitCodeZeroSucceedsWithStoppedAt() {
    JobState state = ended(running(submitted(null), 2_000), 0, null, 9_000);

    assertEquals(JobStatus.SUCCEEDED, state.status());
    assertEquals(9_000L, state.stoppedAt());
    assertEquals(JobState.CONTAINER_EXITED, state.statusReason());
    assertNull(state.currentAttempt());
    Attempt attempt = state.lastAttempt();
    assertEquals(0, attempt.exitCode());
    assertEquals(9_000L, attempt.stoppedAt());
  }

  @Test
  void aFailureWithOneAttemptFails() {
    JobState state = runWithExitCodes(attempts(1), 1);

    assertEquals(JobStatus.FAILED, state.status());
    assertEquals(1, state.attempts().size());
    assertNotNull(state.stoppedAt());
  }

  @Test
  void aFailureWithoutARetryStrategyFails() {
    assertEquals(JobStatus.FAILED, runWithExitCodes(null, 1).status());
  }

  @Test
  void failFailSucceedWithThreeAttemptsSucceedsRecordingEveryAttempt() {
    JobState state = submitted(attempts(3));

    state = ended(running(state, 2_000), 1, null, 2_010);
    assertEquals(JobStatus.RUNNABLE, state.status());
    assertNull(state.stoppedAt());
    assertTrue(state.statusReason().contains("Attempt 1 of 3 failed"), state.statusReason());
    assertTrue(state.statusReason().contains("exit code 1"), state.statusReason());

    state = ended(running(state, 3_000), 2, null, 3_010);
    assertEquals(JobStatus.RUNNABLE, state.status());
    assertTrue(state.statusReason().contains("Attempt 2 of 3 failed"), state.statusReason());

    state = ended(running(state, 4_000), 0, null, 4_010);
    assertEquals(JobStatus.SUCCEEDED, state.status());
    assertEquals(4_010L, state.stoppedAt());
    assertEquals(List.of(1, 2, 3), state.attempts().stream().map(Attempt::number).toList());
    assertEquals(List.of(1, 2, 0), state.attempts().stream().map(Attempt::exitCode).toList());
    assertEquals(List.of("drover/job-1/1", "drover/job-1/2", "drover/job-1/3"),
        state.attempts().stream().map(Attempt::logStreamName).toList());
    assertEquals(List.of(2_010L, 3_010L, 4_010L), state.attempts().stream().map(Attempt::stoppedAt).toList());
  }

  @Test
  void retriesStopWhenAttemptsRunOut() {
    JobState state = runWithExitCodes(attempts(3), 1, 1, 1);

    assertEquals(JobStatus.FAILED, state.status());
    assertEquals(3, state.attempts().size());
  }

  @Test
  void anExitRuleOnTheExitCodeStopsRetries() {
    RetryStrategy strategy = attempts(5, new EvaluateOnExit(null, null, "2", "EXIT"));

    assertEquals(JobStatus.FAILED, runWithExitCodes(strategy, 2).status());
    assertEquals(JobStatus.RUNNABLE, runWithExitCodes(strategy, 3).status());
    assertEquals(JobStatus.RUNNABLE, runWithExitCodes(strategy, 22).status(), "'2' matches exactly, not by prefix");
  }

  @Test
  void aRetryRuleOnTheReasonRetriesPullErrorsOnly() {
    RetryStrategy strategy = attempts(3,
        new EvaluateOnExit(null, "CannotPull*", null, "RETRY"),
        new EvaluateOnExit(null, "*", null, "EXIT"));

    JobState pullError = ended(running(submitted(strategy), 2_000), null,
        "CannotPullContainerError: pull access denied", 2_010);
    assertEquals(JobStatus.RUNNABLE, pullError.status());
    assertEquals("CannotPullContainerError: pull access denied", pullError.lastAttempt().reason());

    JobState outOfMemory = ended(running(submitted(strategy), 2_000), 137, "OutOfMemoryError: Container killed", 2_010);
    assertEquals(JobStatus.FAILED, outOfMemory.status());
  }

  @Test
  void rulesAreEvaluatedInOrderAndTheFirstMatchWins() {
    EvaluateOnExit exitOnOnes = new EvaluateOnExit(null, null, "1*", "EXIT");
    EvaluateOnExit retryOnOne = new EvaluateOnExit(null, null, "1", "RETRY");

    assertEquals(JobStatus.FAILED, runWithExitCodes(attempts(3, exitOnOnes, retryOnOne), 1).status());
    assertEquals(JobStatus.RUNNABLE, runWithExitCodes(attempts(3, retryOnOne, exitOnOnes), 1).status());
  }

  @Test
  void whenNoRuleMatchesTheJobRetriesWhileAttemptsRemain() {
    RetryStrategy strategy = attempts(2, new EvaluateOnExit(null, null, "137", "EXIT"));

    JobState state = runWithExitCodes(strategy, 1);
    assertEquals(JobStatus.RUNNABLE, state.status());

    state = ended(running(state, 5_000), 1, null, 5_010);
    assertEquals(JobStatus.FAILED, state.status());
  }

  @Test
  void actionsAreCaseInsensitive() {
    assertEquals(JobStatus.FAILED, runWithExitCodes(attempts(3, new EvaluateOnExit(null, null, "*", "exit")), 1).status());
    assertEquals(JobStatus.RUNNABLE, runWithExitCodes(attempts(3, new EvaluateOnExit(null, null, "*", "Retry")), 1).status());
  }

  @Test
  void retryPolicyMatchesEveryConditionOfARule() {
    EvaluateOnExit rule = new EvaluateOnExit("Essential*", "Out*", "13*", "EXIT");
    RetryStrategy strategy = attempts(3, rule);

    assertFalse(RetryPolicy.shouldRetry(strategy, 1, 137, "OutOfMemory", "Essential container in task exited"));
    assertTrue(RetryPolicy.shouldRetry(strategy, 1, 137, "OutOfMemory", "Task failed to start"));
    assertTrue(RetryPolicy.shouldRetry(strategy, 1, 1, "OutOfMemory", "Essential container in task exited"));
    assertTrue(RetryPolicy.shouldRetry(strategy, 1, null, "OutOfMemory", "Essential container in task exited"),
        "a pattern never matches a missing exit code");
  }

  @Test
  void retryPolicyNeverRetriesOnceAttemptsAreUsedUpEvenWhenARetryRuleMatches() {
    RetryStrategy strategy = attempts(2, new EvaluateOnExit(null, null, "*", "RETRY"));

    assertTrue(RetryPolicy.shouldRetry(strategy, 1, 1, null, null));
    assertFalse(RetryPolicy.shouldRetry(strategy, 2, 1, null, null));
    assertFalse(RetryPolicy.shouldRetry(null, 1, 1, null, null));
    assertFalse(RetryPolicy.shouldRetry(new RetryStrategy(null, null), 1, 1, null, null));
  }

  @Test
  void anEndForAStaleAttemptNumberIsIgnored() {
    JobState secondAttempt = running(runWithExitCodes(attempts(3), 1), 5_000);

    assertNull(secondAttempt.attemptEnded(1, 0, null, null, 6_000));
    assertNull(secondAttempt.attemptEnded(3, 0, null, null, 6_000));
    assertNotNull(secondAttempt.attemptEnded(2, 0, null, null, 6_000));
  }

  @Test
  void anEndWhileNoAttemptHoldsAHostIsIgnored() {
    assertNull(submitted(null).attemptEnded(1, 0, null, null, 2_000));
    assertNull(runWithExitCodes(null, 0).attemptEnded(1, 0, null, null, 9_000));
  }

  @Test
  void cancellingARunnableJobFailsItAsCancelled() {
    JobState state = submitted(attempts(3));

    Cancelled cancel = state.cancel("Cancelled by operator", 1_500);
    assertEquals(new Cancelled(JOB_ID, "Cancelled by operator", 1_500), cancel);

    JobState cancelled = state.apply(cancel);
    assertEquals(JobStatus.FAILED, cancelled.status());
    assertEquals("Cancelled by operator", cancelled.statusReason());
    assertEquals(1_500L, cancelled.stoppedAt());
    assertTrue(cancelled.cancelled());
    assertFalse(cancelled.terminated());
  }

  @Test
  void cancellingAJobOnAHostOrFinishedChangesNothing() {
    JobState starting = submitted(null).apply(new Placed(JOB_ID, 1, PLACEMENT, 2_000));
    JobState running = running(submitted(null), 2_000);
    JobState succeeded = ended(running, 0, null, 3_000);
    JobState cancelled = submitted(null).apply(new Cancelled(JOB_ID, "first", 1_500));

    assertNull(starting.cancel("late", 4_000));
    assertNull(running.cancel("late", 4_000));
    assertNull(succeeded.cancel("late", 4_000));
    assertNull(cancelled.cancel("again", 4_000));
  }

  @Test
  void terminatingARunnableJobCancelsIt() {
    JobEvent event = submitted(null).terminate("Terminated by operator", 1_500);

    assertEquals(new Cancelled(JOB_ID, "Terminated by operator", 1_500), event);
  }

  @Test
  void terminatingARunningJobFailsItWithTheReasonAndNeverRetries() {
    JobState running = running(submitted(attempts(5)), 2_000);

    TerminationRequested request = assertInstanceOf(TerminationRequested.class, running.terminate("Stop it", 3_000));
    JobState terminating = running.apply(request);
    assertEquals(JobStatus.RUNNING, terminating.status(), "still running until the container stops");
    assertEquals("Stop it", terminating.terminationReason());
    assertNull(terminating.terminate("Again", 3_100), "a second terminate changes nothing");

    AttemptEnded end = terminating.attemptEnded(1, 143, null, JobState.CONTAINER_EXITED, 3_500);
    assertEquals(JobStatus.FAILED, end.next());
    JobState failed = terminating.apply(end);
    assertEquals(JobStatus.FAILED, failed.status());
    assertEquals("Stop it", failed.statusReason());
    assertEquals(3_500L, failed.stoppedAt());
    assertTrue(failed.terminated());
    assertFalse(failed.cancelled());
    assertEquals(1, failed.attempts().size());
    assertEquals(143, failed.lastAttempt().exitCode());
    assertNull(failed.terminate("After", 4_000));
  }

  @Test
  void terminatingAStartingJobFailsItWhenTheAttemptEnds() {
    JobState starting = submitted(attempts(3)).apply(new Placed(JOB_ID, 1, PLACEMENT, 2_000));

    JobState terminating = starting.apply(starting.terminate("Stop", 2_100));
    JobState failed = terminating.apply(terminating.attemptEnded(1, null, null, JobState.TASK_FAILED_TO_START, 2_200));

    assertEquals(JobStatus.FAILED, failed.status());
    assertTrue(failed.terminated());
    assertEquals("Stop", failed.statusReason());
  }

  @Test
  void aSubmittedEventCannotApplyToAnExistingJob() {
    JobState state = submitted(null);

    assertThrows(IllegalStateException.class, () -> state.apply(new Submitted(JOB_ID, state.spec(), 2_000)));
  }

  @Test
  void theJobStateSurvivesAJsonRoundTrip() {
    JobState retried = running(runWithExitCodes(attempts(3), 1), 5_000);
    JobState terminating = retried.apply(retried.terminate("Stop", 5_500));
    JobState failed = terminating.apply(terminating.attemptEnded(2, 137, "OutOfMemory", JobState.CONTAINER_EXITED, 6_000));

    for (JobState state : List.of(submitted(null), retried, terminating, failed)) {
      assertEquals(state, roundTrip(state, JobState.class));
    }
  }

  @Test
  void aJobWithDependenciesWaitsPendingUntilEveryParentSucceeded() {
    JobState pending = JobState.submitted(new Submitted(JOB_ID, withDependencies("parent-a", "parent-b"), 1_000));
    assertEquals(JobStatus.PENDING, pending.status());
    assertEquals(List.of("parent-a", "parent-b"), pending.waitingOn());
    assertNull(pending.dependencyResolved("stranger", true, null, 1_100));

    DependencyResolved first = pending.dependencyResolved("parent-a", true, null, 1_100);
    assertEquals(JobStatus.PENDING, first.next());
    JobState halfway = pending.apply(first);
    assertEquals(List.of("parent-b"), halfway.waitingOn());
    assertNull(halfway.dependencyResolved("parent-a", true, null, 1_150), "a parent resolves once");

    JobState runnable = halfway.apply(halfway.dependencyResolved("parent-b", true, null, 1_200));
    assertEquals(JobStatus.RUNNABLE, runnable.status());
    assertNull(runnable.dependencyResolved("parent-b", true, null, 1_300));
  }

  @Test
  void aJobFailsWhenAParentFailsAndTheReasonNamesIt() {
    JobState pending = JobState.submitted(new Submitted(JOB_ID, withDependencies("parent-a", "parent-b"), 1_000));
    JobState failed = pending.apply(pending.dependencyResolved("parent-b", false, "job parent-b FAILED.", 1_100));
    assertEquals(JobStatus.FAILED, failed.status());
    assertTrue(failed.statusReason().contains("parent-b"), failed.statusReason());
    assertEquals(1_100L, failed.stoppedAt());
    assertTrue(failed.attempts().isEmpty());
  }

  @Test
  void aPendingJobCanBeCancelledAndDependentsAreRecordedOnce() {
    JobState pending = JobState.submitted(new Submitted(JOB_ID, withDependencies("parent-a"), 1_000));
    assertEquals(JobStatus.FAILED, pending.apply(pending.cancel("no", 1_100)).status());

    JobState parent = submitted(null);
    JobState withChild = parent.apply(parent.addDependent("child-1", 1_100));
    assertEquals(List.of("child-1"), withChild.dependents());
    assertNull(withChild.addDependent("child-1", 1_200));
  }

  @Test
  void anArrayJobIsPendingUntilEveryChildFinishedAndRecordsEachOnce() {
    JobSpec base = spec(null);
    JobSpec array = new JobSpec(base.jobId(), base.jobName(), base.jobQueue(), base.jobDefinitionArn(), base.container(),
        base.resources(), base.parameters(), base.retryStrategy(), base.timeout(), base.tags(), base.propagateTags(),
        base.schedulingPriority(), base.shareIdentifier(), base.platformCapabilities(), List.of(), ArraySpec.parent(3));
    JobState pending = JobState.submitted(new Submitted(JOB_ID, array, 1_000));
    assertEquals(JobStatus.PENDING, pending.status());
    assertTrue(pending.readyToExpand());
    JobState expanded = pending.apply(new ArrayExpanded(JOB_ID, 1_100));
    assertFalse(expanded.readyToExpand());

    JobState partial = expanded.apply(expanded.childrenFinished(Map.of(0, true, 2, true), 1_200));
    assertEquals(JobStatus.PENDING, partial.status());
    assertEquals(2, partial.array().succeeded());
    assertNull(partial.childrenFinished(Map.of(0, false), 1_250), "a child is recorded once");
    assertNull(partial.childrenFinished(Map.of(7, true), 1_260), "indexes outside the array are ignored");

    JobState done = partial.apply(partial.childrenFinished(Map.of(1, false, 2, true), 1_300));
    assertEquals(JobStatus.FAILED, done.status());
    assertEquals(1_300L, done.stoppedAt());
    assertEquals(2, done.array().succeeded());
    assertEquals(1, done.array().failed());
    assertTrue(done.statusReason().contains("1 of 3"), done.statusReason());

    JobState allGood = partial.apply(partial.childrenFinished(Map.of(1, true), 1_300));
    assertEquals(JobStatus.SUCCEEDED, allGood.status());
  }

  @Test
  void childrenGetTheirOwnIdsAndTheDependenciesAwsGivesThem() {
    JobSpec base = spec(null);
    JobSpec array = new JobSpec("arr", base.jobName(), base.jobQueue(), base.jobDefinitionArn(), base.container(),
        base.resources(), base.parameters(), base.retryStrategy(), base.timeout(), base.tags(), base.propagateTags(),
        base.schedulingPriority(), base.shareIdentifier(), base.platformCapabilities(),
        List.of(new JobDependency("plain", null), new JobDependency("other", JobSpec.N_TO_N),
            new JobDependency(null, JobSpec.SEQUENTIAL)),
        ArraySpec.parent(5));
    assertEquals(List.of("plain"), array.parents(), "the array job itself waits only for plain dependencies");
    JobSpec first = array.child(0);
    assertEquals("arr:0", first.jobId());
    assertEquals(ArraySpec.child("arr", 0), first.array());
    assertEquals(List.of(new JobDependency("other:0", null)), first.dependsOn());
    assertEquals(List.of(new JobDependency("other:3", null), new JobDependency("arr:2", null)), array.child(3).dependsOn());
    assertEquals(JobStatus.RUNNABLE, JobState.submitted(new Submitted("x", spec(null), 1)).status());
    assertEquals(JobStatus.PENDING, JobState.submitted(new Submitted("arr:3", array.child(3), 1)).status());
  }

  @Test
  void anAttemptStoppedForASpotReclaimRunsAgainWithoutSpendingTheRetryBudget() {
    JobState state = running(submitted(attempts(1)), 2_000);
    String reason = "Host EC2 (instance i-0abc) is being reclaimed: Spot interruption notice for 2026-01-01T00:02:00Z.";

    AttemptEnded reclaimed = state.attemptEnded(1, 143, null, reason, 2_100, true);
    JobState again = state.apply(reclaimed);

    assertEquals(JobStatus.RUNNABLE, again.status(), "one attempt allowed, and it was not spent");
    assertEquals(Boolean.TRUE, reclaimed.reclaimed());
    assertEquals(Boolean.TRUE, again.attempts().get(0).reclaimed());
    assertEquals(0, again.spentAttempts());
    assertTrue(again.statusReason().startsWith(reason), again.statusReason());
    assertEquals(2, again.nextAttemptNumber(), "attempt numbers stay unique");

    JobState second = running(again, 2_200);
    assertEquals(1, second.spentAttempts(), "the second attempt is the first that counts");
    JobState failed = ended(second, 1, null, 2_300);
    assertEquals(JobStatus.FAILED, failed.status(), "a real failure still spends the only attempt");
  }

  @Test
  void aReclaimNoticeDoesNotUndoASuccessOrATermination() {
    JobState state = running(submitted(attempts(1)), 2_000);
    assertEquals(JobStatus.SUCCEEDED, state.attemptEnded(1, 0, null, "done", 2_100, true).next());
    assertNull(state.attemptEnded(1, 0, null, "done", 2_100, true).reclaimed());

    JobState terminating = state.apply(state.terminate("stop it", 2_050));
    assertEquals(JobStatus.FAILED, terminating.attemptEnded(1, 143, null, "reclaimed", 2_100, true).next());
  }

  @Test
  void aRestartedAgentOnTheSameHostReattachesTheCurrentAttemptAndOnlyThatOne() {
    JobState state = running(submitted(attempts(2)), 2_000);
    String newRef = "pekko://drover@10.0.0.5:25520/user/agent#2";

    assertNull(state.reattached(2, "agent-1", newRef, 3_000), "not the current attempt");
    assertNull(state.reattached(1, "agent-2", newRef, 3_000), "not the attempt's host");
    AttemptReattached event = state.reattached(1, "agent-1", newRef, 3_000);
    assertNotNull(event);
    JobState moved = state.apply(event);

    assertEquals(JobStatus.RUNNING, moved.status());
    assertEquals(PLACEMENT.withAgentRef(newRef), moved.currentAttempt().placement());
    assertEquals(state.currentAttempt().startedAt(), moved.currentAttempt().startedAt());
    assertNull(ended(moved, 0, null, 4_000).reattached(1, "agent-1", newRef, 4_100), "an ended attempt stays ended");
  }

  private static JobSpec withDependencies(String... parents) {
    JobSpec base = spec(null);
    return new JobSpec(base.jobId(), base.jobName(), base.jobQueue(), base.jobDefinitionArn(), base.container(),
        base.resources(), base.parameters(), base.retryStrategy(), base.timeout(), base.tags(), base.propagateTags(),
        base.schedulingPriority(), base.shareIdentifier(), base.platformCapabilities(),
        Stream.of(parents).map(p -> new JobDependency(p, null)).toList(), null);
  }

  @Test
  void everyJobEventSurvivesAJsonRoundTripTaggedWithItsTypeName() throws Exception {
    List<JobEvent> events = new ArrayList<>(List.of(
        new Submitted(JOB_ID, spec(attempts(2, new EvaluateOnExit("Essential*", null, "1*", "RETRY"))), 1_000),
        new Placed(JOB_ID, 1, PLACEMENT, 2_000),
        new Placed(JOB_ID, 2, new Placement("agent-2", "ref", "worker-2", "i-0abc", "ce", true), 2_000),
        new Started(JOB_ID, 1, 2_100),
        new AttemptReattached(JOB_ID, 1, "pekko://drover@10.0.0.5:25520/user/agent#2", 2_150),
        new AttemptEnded(JOB_ID, 1, 1, "reason", JobState.CONTAINER_EXITED, JobStatus.RUNNABLE, "retrying", 2_200),
        new AttemptEnded(JOB_ID, 2, null, null, JobState.TASK_FAILED_TO_START, JobStatus.FAILED, null, 2_300),
        new Cancelled(JOB_ID, "no longer needed", 2_400),
        new TerminationRequested(JOB_ID, "stop", 2_500),
        new DependentAdded(JOB_ID, "child-1", 2_600),
        new DependencyResolved(JOB_ID, "parent-1", true, JobStatus.RUNNABLE, null, 2_700),
        new ArrayExpanded(JOB_ID, 2_800),
        new ChildrenFinished(JOB_ID, Map.of(0, true, 3, false), JobStatus.PENDING, null, 2_900)));
    assertEquals(
        Stream.of(JobEvent.class.getPermittedSubclasses()).collect(Collectors.toSet()),
        events.stream().map(Object::getClass).collect(Collectors.toSet()),
        "the test covers every event type");

    for (JobEvent event : events) {
      JsonNode json = JSON.readTree(JSON.writeValueAsString(event));
      assertEquals(event.getClass().getSimpleName(), json.path("event").asText(), json.toString());
      assertEquals(event, roundTrip(event, JobEvent.class));
    }
  }
}
