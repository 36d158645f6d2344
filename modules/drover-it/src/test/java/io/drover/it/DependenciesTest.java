package io.drover.it;

import static io.drover.it.ControlPlaneApiTest.memory;
import static io.drover.it.ControlPlaneApiTest.order;
import static io.drover.it.ControlPlaneApiTest.vcpu;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.it.support.Await;
import io.drover.it.support.DroverTestNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.CEType;
import software.amazon.awssdk.services.batch.model.ClientException;
import software.amazon.awssdk.services.batch.model.JobDependency;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobStatus;

/** Jobs that wait for other jobs (dependsOn), on a real node with the process executor. */
class DependenciesTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private static DroverTestNode node;
  private static BatchClient batch;

  @BeforeAll
  static void start() {
    node = DroverTestNode.start("it_dependencies", "deps-ce", DroverTestNode.Executor.PROCESS);
    batch = node.batch();
    batch.createComputeEnvironment(b -> b.computeEnvironmentName("deps-ce").type(CEType.UNMANAGED).tags(DroverTestNode.PROCESS_EXECUTOR));
    batch.createJobQueue(b -> b.jobQueueName("deps").priority(1).computeEnvironmentOrder(order(1, "deps-ce")));
    batch.registerJobDefinition(b -> b.jobDefinitionName("script").type("container")
        .containerProperties(c -> c.image("unused").command("true").resourceRequirements(vcpu("0.25"), memory("16"))));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void aJobWaitsPendingAndStartsOnlyAfterItsParentSucceeded() {
    String parent = submit("parent", "sleep 2");
    String child = submit("child", "true", parent);
    assertEquals(JobStatus.PENDING, describe(child).status());

    JobDetail done = awaitStatus(child, JobStatus.SUCCEEDED);
    JobDetail parentDone = describe(parent);
    assertEquals(JobStatus.SUCCEEDED, parentDone.status());
    assertTrue(done.startedAt() >= parentDone.stoppedAt(), "the child started after its parent stopped");
    assertEquals(List.of(parent), done.dependsOn().stream().map(JobDependency::jobId).toList());
  }

  @Test
  void aFailedParentFailsItsDependentsAndTheirDependentsNamingIt() {
    String good = submit("good", "true");
    String bad = submit("bad", "sleep 1; exit 9");
    String fanIn = submit("fan-in", "true", good, bad);
    String downstream = submit("downstream", "true", fanIn);

    JobDetail failed = awaitStatus(fanIn, JobStatus.FAILED);
    assertTrue(failed.statusReason().contains(bad), failed.statusReason());
    assertTrue(failed.attempts().isEmpty(), "a job whose parent failed never runs");
    JobDetail cascaded = awaitStatus(downstream, JobStatus.FAILED);
    assertTrue(cascaded.statusReason().contains(fanIn), cascaded.statusReason());
  }

  @Test
  void aDependencyOnAFinishedJobIsResolvedAtOnce() {
    String parent = submit("early", "true");
    awaitStatus(parent, JobStatus.SUCCEEDED);
    String child = submit("late", "true", parent);
    awaitStatus(child, JobStatus.SUCCEEDED);
  }

  @Test
  void manyParentsAreAccepted() {
    List<String> parents = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      parents.add(submit("wide-" + i, "true"));
    }
    String child = submit("wide-child", "true", parents.toArray(String[]::new));
    JobDetail done = Await.until(Duration.ofSeconds(120), () -> describe(child), j -> j.status() == JobStatus.SUCCEEDED,
        "the job waiting for 60 parents to run");
    long lastParentStop = parents.stream().mapToLong(p -> describe(p).stoppedAt()).max().orElseThrow();
    assertTrue(done.startedAt() >= lastParentStop);
  }

  @Test
  void aPendingJobCanBeCancelled() {
    String parent = submit("slow-parent", "sleep 30");
    String child = submit("cancelled-child", "true", parent);
    batch.cancelJob(b -> b.jobId(child).reason("changed my mind"));
    JobDetail cancelled = awaitStatus(child, JobStatus.FAILED);
    assertEquals("changed my mind", cancelled.statusReason());
    assertTrue(cancelled.isCancelled());
    batch.terminateJob(b -> b.jobId(parent).reason("test over"));
  }

  @Test
  void anUnknownParentIsAClientError() {
    ClientException e = assertThrows(ClientException.class,
        () -> submit("orphan", "true", "0f0f0f0f-0000-0000-0000-000000000000"));
    assertTrue(e.awsErrorDetails().errorMessage().contains("0f0f0f0f-0000-0000-0000-000000000000"));
  }

  private static String submit(String name, String script, String... parents) {
    return batch.submitJob(b -> b.jobName(name).jobQueue("deps").jobDefinition("script")
        .dependsOn(Arrays.stream(parents).map(p -> JobDependency.builder().jobId(p).build()).toList())
        .containerOverrides(o -> o.command("sh", "-c", script))).jobId();
  }

  private static JobDetail describe(String jobId) {
    return batch.describeJobs(b -> b.jobs(jobId)).jobs().get(0);
  }

  private static JobDetail awaitStatus(String jobId, JobStatus status) {
    return Await.until(TIMEOUT, () -> describe(jobId), j -> j.status() == status, "job " + jobId + " to be " + status);
  }
}
