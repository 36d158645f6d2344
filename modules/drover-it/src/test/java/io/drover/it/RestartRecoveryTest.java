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
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.CEType;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobStatus;

/**
 * Everything survives a restart of the node: finished jobs with their attempts and output, the
 * control plane, and RUNNABLE jobs, which run after the restart with no client touching them.
 * Runs on the process executor, so it also covers hosts without Docker.
 */
class RestartRecoveryTest {

  private static final String KEYSPACES = "it_restart";
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @Test
  void stateSurvivesARestartAndWaitingJobsRunAfterIt() {
    String finished;
    String waiting;
    String interrupted;
    try (DroverTestNode first = DroverTestNode.start(KEYSPACES, "restart-ce", DroverTestNode.Executor.PROCESS)) {
      BatchClient batch = first.batch();
      batch.createComputeEnvironment(b -> b.computeEnvironmentName("restart-ce").type(CEType.UNMANAGED).tags(DroverTestNode.PROCESS_EXECUTOR));
      batch.createComputeEnvironment(b -> b.computeEnvironmentName("later-ce").type(CEType.UNMANAGED).tags(DroverTestNode.PROCESS_EXECUTOR));
      batch.createJobQueue(b -> b.jobQueueName("restart").priority(1).computeEnvironmentOrder(order(1, "restart-ce")));
      batch.createJobQueue(b -> b.jobQueueName("later").priority(1).computeEnvironmentOrder(order(1, "later-ce")));
      batch.registerJobDefinition(b -> b.jobDefinitionName("echo").type("container")
          .containerProperties(c -> c.image("unused-by-the-process-executor").command("echo", "before restart")
              .resourceRequirements(vcpu("1"), memory("64"))));
      finished = batch.submitJob(b -> b.jobName("finished").jobQueue("restart").jobDefinition("echo")).jobId();
      await(batch, finished, JobStatus.SUCCEEDED);

      waiting = batch.submitJob(b -> b.jobName("waiting").jobQueue("later").jobDefinition("echo")
          .containerOverrides(o -> o.command("echo", "after restart"))).jobId();
      await(batch, waiting, JobStatus.RUNNABLE);

      interrupted = batch.submitJob(b -> b.jobName("interrupted").jobQueue("restart").jobDefinition("echo")
          .retryStrategy(r -> r.attempts(2))
          .containerOverrides(o -> o.command("sh", "-c", "echo attempt $AWS_BATCH_JOB_ATTEMPT; sleep 600"))).jobId();
      await(batch, interrupted, JobStatus.RUNNING);
    }

    // The restarted node's agent serves the compute environment the waiting job needs.
    try (DroverTestNode second = DroverTestNode.start(KEYSPACES, "later-ce", DroverTestNode.Executor.PROCESS)) {
      BatchClient batch = second.batch();
      JobDetail before = describe(batch, finished);
      assertEquals(JobStatus.SUCCEEDED, before.status());
      assertEquals(1, before.attempts().size());
      assertEquals(0, before.container().exitCode());
      assertEquals(List.of("echo"), batch.describeJobDefinitions(b -> b.jobDefinitionName("echo")).jobDefinitions().stream()
          .map(d -> d.jobDefinitionName()).toList());
      assertEquals(2, batch.describeJobQueues(b -> b.jobQueues("restart", "later")).jobQueues().size());

      await(batch, waiting, JobStatus.SUCCEEDED);
      assertTrue(Logs.of(second, waiting, "").contains("after restart"));
      assertTrue(Logs.of(second, finished, "").contains("before restart"));

      // The job that was running when the node stopped lost its host: the restarted scheduler
      // finds it held by no agent, and its attempt ends as a lost host. It has an attempt left,
      // so it waits RUNNABLE for a host of restart-ce (this node's agent serves later-ce).
      JobDetail retried = Await.until(TIMEOUT, () -> describe(batch, interrupted),
          j -> j.attempts().size() == 1, "the interrupted job's first attempt to end");
      assertEquals(JobStatus.RUNNABLE, retried.status());
      String reason = retried.attempts().get(0).statusReason();
      assertTrue(reason.startsWith("Host ") && reason.endsWith(" terminated."), reason);
      batch.cancelJob(b -> b.jobId(interrupted).reason("test over"));
      await(batch, interrupted, JobStatus.FAILED);
    }
  }

  private static JobDetail describe(BatchClient batch, String jobId) {
    return batch.describeJobs(b -> b.jobs(jobId)).jobs().get(0);
  }

  private static void await(BatchClient batch, String jobId, JobStatus status) {
    Await.until(TIMEOUT, () -> describe(batch, jobId), j -> j.status() == status, "job " + jobId + " to be " + status);
  }
}
