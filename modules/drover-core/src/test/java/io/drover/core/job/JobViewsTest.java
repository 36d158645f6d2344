package io.drover.core.job;

import static io.drover.core.Fixtures.ARN_PREFIX;
import static io.drover.core.Fixtures.IDENTITY;
import static io.drover.core.Fixtures.JSON;
import static io.drover.core.job.JobStateTest.JOB_ID;
import static io.drover.core.job.JobStateTest.attempts;
import static io.drover.core.job.JobStateTest.ended;
import static io.drover.core.job.JobStateTest.running;
import static io.drover.core.job.JobStateTest.submitted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.drover.core.job.JobDetail.AttemptContainerDetail;
import io.drover.core.job.JobDetail.AttemptDetail;
import io.drover.core.job.JobEvent.Cancelled;
import io.drover.core.job.JobSummary.ContainerSummary;
import io.drover.core.model.JobStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobViewsTest {

  private static final String INSTANCE_ARN = "arn:aws:ecs:us-east-1:123456789012:container-instance/ce/agent-1";

  /** Attempt 1 failed with exit code 1 at 2_010; attempt 2 placed at 3_000 and running since 3_001. */
  private static JobState secondAttemptRunning() {
    return running(ended(running(submitted(attempts(3)), 2_000), 1, "Error", 2_010), 3_000);
  }

  private static JsonNode json(Object value) throws Exception {
    return JSON.readTree(JSON.writeValueAsString(value));
  }

  @Test
  void detailUsesAwsArnsForJobQueueAndDefinition() {
    JobDetail detail = JobViews.detail(submitted(null), IDENTITY);

    assertEquals("arn:aws:batch:us-east-1:123456789012:job/job-1", detail.jobArn());
    assertEquals(JOB_ID, detail.jobId());
    assertEquals("nightly", detail.jobName());
    assertEquals("arn:aws:batch:us-east-1:123456789012:job-queue/q", detail.jobQueue());
    assertEquals(ARN_PREFIX + "job-definition/app:1", detail.jobDefinition());
    assertEquals(JobStatus.RUNNABLE, detail.status());
    assertEquals(1_000L, detail.createdAt());
    assertEquals(3, detail.schedulingPriority());
    assertEquals(List.of(), detail.attempts());
    assertNull(detail.container().exitCode());
    assertNull(detail.container().logStreamName());
  }

  @Test
  void detailListsOnlyEndedAttemptsAndShowsTheLastAttemptsContainer() {
    JobDetail detail = JobViews.detail(secondAttemptRunning(), IDENTITY);

    assertEquals(JobStatus.RUNNING, detail.status());
    assertEquals(List.of(new AttemptDetail(
            new AttemptContainerDetail(INSTANCE_ARN, 1, "Error", "drover/job-1/1"), 2_001L, 2_010L, JobState.CONTAINER_EXITED)),
        detail.attempts());
    assertEquals("drover/job-1/2", detail.container().logStreamName());
    assertNull(detail.container().exitCode(), "the running attempt has no exit code yet");
    assertEquals(INSTANCE_ARN, detail.container().containerInstanceArn());
    assertEquals(3_001L, detail.startedAt());
  }

  @Test
  void detailOfAFinishedJobShowsTheLastExitCodeAndEveryAttempt() {
    JobState state = secondAttemptRunning();
    state = ended(state, 0, null, 4_000);

    JobDetail detail = JobViews.detail(state, IDENTITY);

    assertEquals(JobStatus.SUCCEEDED, detail.status());
    assertEquals(2, detail.attempts().size());
    assertEquals(List.of(1, 0), detail.attempts().stream().map(a -> a.container().exitCode()).toList());
    assertEquals(0, detail.container().exitCode());
    assertEquals("drover/job-1/2", detail.container().logStreamName());
    assertEquals(4_000L, detail.stoppedAt());
    assertEquals("busybox", detail.container().image());
  }

  @Test
  void detailShowsTheContainerReasonOfAnAttemptThatNeverRan() {
    JobState state = ended(running(submitted(null), 2_000), null, "CannotPullContainerError: not found", 2_050);

    JobDetail detail = JobViews.detail(state, IDENTITY);

    assertEquals("CannotPullContainerError: not found", detail.container().reason());
    assertNull(detail.container().exitCode());
    assertEquals("CannotPullContainerError: not found", detail.attempts().get(0).container().reason());
  }

  @Test
  void isCancelledAndIsTerminatedAreSerializedUnderTheirAwsNames() throws Exception {
    JobState cancelled = submitted(null).apply(new Cancelled(JOB_ID, "no longer needed", 1_500));
    JsonNode cancelledJson = json(JobViews.detail(cancelled, IDENTITY));

    assertTrue(cancelledJson.path("isCancelled").isBoolean(), cancelledJson.toString());
    assertTrue(cancelledJson.path("isCancelled").booleanValue());
    assertFalse(cancelledJson.path("isTerminated").booleanValue());
    assertTrue(cancelledJson.path("isTerminated").isBoolean(), cancelledJson.toString());
    assertFalse(cancelledJson.has("cancelled"), cancelledJson.toString());
    assertFalse(cancelledJson.has("terminated"), cancelledJson.toString());

    JobState running = running(submitted(null), 2_000);
    JobState terminating = running.apply(running.terminate("stop", 2_500));
    JobState terminated = terminating.apply(terminating.attemptEnded(1, 143, null, JobState.CONTAINER_EXITED, 3_000));
    JsonNode terminatedJson = json(JobViews.detail(terminated, IDENTITY));

    assertTrue(terminatedJson.path("isTerminated").booleanValue(), terminatedJson.toString());
    assertFalse(terminatedJson.path("isCancelled").booleanValue());
    assertEquals("FAILED", terminatedJson.path("status").asText());
    assertEquals("stop", terminatedJson.path("statusReason").asText());
  }

  @Test
  void detailJsonUsesAwsFieldNamesAndOmitsNulls() throws Exception {
    JsonNode json = json(JobViews.detail(secondAttemptRunning(), IDENTITY));

    assertEquals("arn:aws:batch:us-east-1:123456789012:job/job-1", json.path("jobArn").asText());
    assertEquals("RUNNING", json.path("status").asText());
    assertEquals("drover/job-1/2", json.path("container").path("logStreamName").asText());
    assertEquals(1, json.path("attempts").get(0).path("container").path("exitCode").asInt());
    assertFalse(json.has("stoppedAt"), json.toString());
    assertFalse(json.path("container").has("exitCode"), json.toString());
  }

  @Test
  void summaryCarriesArnsStatusAndTheLastExitCode() {
    JobState state = secondAttemptRunning();
    state = ended(state, 3, "Error", 4_000);
    state = ended(running(state, 5_000), 4, null, 6_000);

    JobSummary summary = JobViews.summary(state, IDENTITY);

    assertEquals("arn:aws:batch:us-east-1:123456789012:job/job-1", summary.jobArn());
    assertEquals(JOB_ID, summary.jobId());
    assertEquals("nightly", summary.jobName());
    assertEquals(JobStatus.FAILED, summary.status());
    assertEquals(new ContainerSummary(4, null), summary.container());
    assertEquals(ARN_PREFIX + "job-definition/app:1", summary.jobDefinition());
    assertEquals(6_000L, summary.stoppedAt());
    assertEquals(5_001L, summary.startedAt());
  }

  @Test
  void summaryHasNoContainerUntilAnAttemptEnds() throws Exception {
    JobSummary running = JobViews.summary(running(submitted(null), 2_000), IDENTITY);

    assertNull(running.container());
    assertFalse(json(running).has("container"));
    assertNull(JobViews.summary(submitted(null), IDENTITY).container());
  }
}
