package io.drover.it;

import static io.drover.it.ControlPlaneApiTest.memory;
import static io.drover.it.ControlPlaneApiTest.order;
import static io.drover.it.ControlPlaneApiTest.vcpu;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.it.support.Await;
import io.drover.it.support.DroverTestNode;
import io.drover.it.support.Logs;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.AttemptDetail;
import software.amazon.awssdk.services.batch.model.CEType;
import software.amazon.awssdk.services.batch.model.EvaluateOnExit;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobStatus;
import software.amazon.awssdk.services.batch.model.RetryAction;

/**
 * Retry strategies, evaluateOnExit rules and attempt timeouts, as AWS Batch documents them, on a
 * real node (process executor). The timeout needs a minute (AWS's minimum), so its job is
 * submitted first and checked last, while the other tests run.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RetriesAndTimeoutsTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private static DroverTestNode node;
  private static BatchClient batch;
  private static String timedOut;

  @BeforeAll
  static void start() {
    node = DroverTestNode.start("it_retries", "retries-ce", DroverTestNode.Executor.PROCESS);
    batch = node.batch();
    batch.createComputeEnvironment(b -> b.computeEnvironmentName("retries-ce").type(CEType.UNMANAGED).tags(DroverTestNode.PROCESS_EXECUTOR));
    batch.createJobQueue(b -> b.jobQueueName("retries").priority(1).computeEnvironmentOrder(order(1, "retries-ce")));
    batch.registerJobDefinition(b -> b.jobDefinitionName("script").type("container")
        .containerProperties(c -> c.image("unused").command("true").resourceRequirements(vcpu("0.5"), memory("64"))));
    timedOut = batch.submitJob(b -> b.jobName("too-slow").jobQueue("retries").jobDefinition("script")
        .timeout(t -> t.attemptDurationSeconds(60))
        .retryStrategy(r -> r.attempts(2))
        .containerOverrides(o -> o.command("sh", "-c", "echo started; exec sleep 600"))).jobId();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  @Order(1)
  void aJobThatFailsTwiceSucceedsOnItsThirdAttempt() {
    String jobId = submit("third-time", 3, null, "echo attempt $AWS_BATCH_JOB_ATTEMPT; [ \"$AWS_BATCH_JOB_ATTEMPT\" -ge 3 ] || exit 7");
    JobDetail job = awaitStatus(jobId, JobStatus.SUCCEEDED);

    assertEquals(List.of(7, 7, 0), job.attempts().stream().map(a -> a.container().exitCode()).toList());
    for (int i = 0; i < 3; i++) {
      AttemptDetail attempt = job.attempts().get(i);
      assertEquals("drover/" + jobId + "/" + (i + 1), attempt.container().logStreamName());
      assertTrue(attempt.startedAt() <= attempt.stoppedAt());
      if (i > 0) {
        assertTrue(job.attempts().get(i - 1).stoppedAt() <= attempt.startedAt(), "attempts never overlap");
      }
      assertEquals("attempt " + (i + 1) + "\n", Logs.of(node, jobId, "?attempt=" + (i + 1)));
    }
  }

  @Test
  @Order(2)
  void anExitRuleStopsRetrying() {
    String jobId = submit("exit-rule", 5, List.of(rule("3", null, RetryAction.EXIT)), "exit 3");
    JobDetail job = awaitStatus(jobId, JobStatus.FAILED);
    assertEquals(1, job.attempts().size());
    assertEquals(3, job.container().exitCode());
  }

  @Test
  @Order(3)
  void theFirstMatchingRuleDecides() {
    String retried = submit("retry-rule", 2,
        List.of(rule("4*", null, RetryAction.RETRY), rule("*", null, RetryAction.EXIT)), "exit 42");
    assertEquals(2, awaitStatus(retried, JobStatus.FAILED).attempts().size());
    String stopped = submit("exit-fallback", 2,
        List.of(rule("4*", null, RetryAction.RETRY), rule("*", null, RetryAction.EXIT)), "exit 5");
    assertEquals(1, awaitStatus(stopped, JobStatus.FAILED).attempts().size());
  }

  @Test
  @Order(4)
  void aTerminatedJobIsNeverRetried() {
    String jobId = submit("terminated", 3, null, "sleep 600");
    awaitStatus(jobId, JobStatus.RUNNING);
    batch.terminateJob(b -> b.jobId(jobId).reason("enough"));
    JobDetail job = awaitStatus(jobId, JobStatus.FAILED);
    assertEquals(1, job.attempts().size());
    assertEquals("enough", job.statusReason());
  }

  @Test
  @Order(5)
  void anAttemptPastItsTimeoutIsStoppedAndNotRetried() {
    JobDetail job = Await.until(Duration.ofSeconds(120), () -> describe(timedOut), j -> j.status() == JobStatus.FAILED,
        "job " + timedOut + " to time out");
    assertEquals("Job attempt duration exceeded timeout", job.statusReason());
    assertEquals(1, job.attempts().size(), "AWS Batch does not retry a job terminated for its timeout");
    AttemptDetail attempt = job.attempts().get(0);
    long ranFor = attempt.stoppedAt() - attempt.startedAt();
    assertTrue(ranFor >= 60_000 && ranFor < 90_000, "ran for " + ranFor + " ms");
  }

  private static EvaluateOnExit rule(String onExitCode, String onReason, RetryAction action) {
    return EvaluateOnExit.builder().onExitCode(onExitCode).onReason(onReason).action(action).build();
  }

  private static String submit(String name, int attempts, List<EvaluateOnExit> rules, String script) {
    return batch.submitJob(b -> b.jobName(name).jobQueue("retries").jobDefinition("script")
        .retryStrategy(r -> r.attempts(attempts).evaluateOnExit(rules))
        .containerOverrides(o -> o.command("sh", "-c", script))).jobId();
  }

  private static JobDetail describe(String jobId) {
    return batch.describeJobs(b -> b.jobs(jobId)).jobs().get(0);
  }

  private static JobDetail awaitStatus(String jobId, JobStatus status) {
    return Await.until(TIMEOUT, () -> describe(jobId), j -> j.status() == status, "job " + jobId + " to be " + status);
  }
}
