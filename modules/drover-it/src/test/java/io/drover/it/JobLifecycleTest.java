package io.drover.it;

import static io.drover.it.ControlPlaneApiTest.memory;
import static io.drover.it.ControlPlaneApiTest.order;
import static io.drover.it.ControlPlaneApiTest.vcpu;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.it.support.Await;
import io.drover.it.support.DroverTestNode;
import io.drover.it.support.Logs;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.CEType;
import software.amazon.awssdk.services.batch.model.ClientException;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobStatus;
import software.amazon.awssdk.services.batch.model.JobSummary;
import software.amazon.awssdk.services.batch.model.KeyValuePair;
import software.amazon.awssdk.services.batch.model.KeyValuesPair;
import software.amazon.awssdk.services.batch.model.ListJobsResponse;

/**
 * Jobs end to end on a real node with the Docker executor: submitted through the AWS SDK, run as
 * containers on the real engine, recorded in Cassandra, their output readable afterwards.
 */
class JobLifecycleTest {

  private static final String IMAGE = "drover/busybox:local";
  private static final Duration JOB_TIMEOUT = Duration.ofSeconds(60);

  private static DroverTestNode node;
  private static BatchClient batch;

  @BeforeAll
  static void start() {
    node = DroverTestNode.start("it_jobs", "jobs-ce", DroverTestNode.Executor.DOCKER);
    batch = node.batch();
    batch.createComputeEnvironment(b -> b.computeEnvironmentName("jobs-ce").type(CEType.UNMANAGED));
    batch.createJobQueue(b -> b.jobQueueName("jobs").priority(1).computeEnvironmentOrder(order(1, "jobs-ce")));
    batch.createComputeEnvironment(b -> b.computeEnvironmentName("empty-ce").type(CEType.UNMANAGED));
    batch.createJobQueue(b -> b.jobQueueName("nowhere").priority(1).computeEnvironmentOrder(order(1, "empty-ce")));
    batch.registerJobDefinition(b -> b.jobDefinitionName("shell").type("container")
        .parameters(Map.of("word", "default"))
        .containerProperties(c -> c.image(IMAGE).command("sh", "-c", "echo Ref::word")
            .environment(KeyValuePair.builder().name("GREETING").value("hi").build())
            .resourceRequirements(vcpu("0.5"), memory("64"))));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void aSucceedingJobRecordsItsAttemptAndOutput() {
    String jobId = submit("ok", "jobs", "echo out; echo err >&2; echo $GREETING $AWS_BATCH_JOB_ID $AWS_BATCH_JOB_ATTEMPT "
        + "$AWS_BATCH_JQ_NAME $AWS_BATCH_CE_NAME");
    JobDetail job = awaitStatus(jobId, JobStatus.SUCCEEDED);

    assertEquals(0, job.container().exitCode());
    assertEquals("arn:aws:batch:us-east-1:000000000000:job/" + jobId, job.jobArn());
    assertEquals("arn:aws:batch:us-east-1:000000000000:job-queue/jobs", job.jobQueue());
    assertEquals(1, job.attempts().size());
    assertEquals(0, job.attempts().get(0).container().exitCode());
    assertNotNull(job.createdAt());
    assertTrue(job.startedAt() >= job.createdAt() && job.stoppedAt() >= job.startedAt(), job.toString());
    assertEquals("drover/" + jobId + "/1", job.container().logStreamName());

    String logs = logs(jobId, "");
    assertTrue(logs.contains("out\n"), logs);
    assertTrue(logs.contains("err\n"), logs);
    assertTrue(logs.contains("hi " + jobId + " 1 jobs jobs-ce"), logs);
  }

  @Test
  void aFailingJobReportsExitCodeAndReason() {
    String jobId = submit("fails", "jobs", "echo going down; exit 3");
    JobDetail job = awaitStatus(jobId, JobStatus.FAILED);

    assertEquals(3, job.container().exitCode());
    assertEquals("Essential container in task exited", job.statusReason());
    assertEquals(3, job.attempts().get(0).container().exitCode());
    assertTrue(logs(jobId, "?attempt=1").contains("going down"));
  }

  @Test
  void parametersAreSubstitutedIntoTheCommand() {
    String jobId = batch.submitJob(b -> b.jobName("params").jobQueue("jobs").jobDefinition("shell")
        .parameters(Map.of("word", "substituted"))).jobId();
    awaitStatus(jobId, JobStatus.SUCCEEDED);
    assertEquals("substituted\n", logs(jobId, ""));
  }

  @Test
  void anImageThatCannotBePulledFailsTheAttemptWithAwsReason() {
    String jobId = batch.submitJob(b -> b.jobName("no-image").jobQueue("jobs").jobDefinition("shell")
        .containerOverrides(o -> o.command("true"))
        .tags(Map.of("case", "pull"))).jobId();
    batch.registerJobDefinition(b -> b.jobDefinitionName("missing-image").type("container")
        .containerProperties(c -> c.image("127.0.0.1:1/drover/missing:1").resourceRequirements(vcpu("0.25"), memory("16"))));
    String missing = batch.submitJob(b -> b.jobName("missing").jobQueue("jobs").jobDefinition("missing-image")).jobId();
    JobDetail job = awaitStatus(missing, JobStatus.FAILED);
    assertTrue(job.container().reason().startsWith("CannotPullContainerError:"), job.container().reason());
    assertEquals("Task failed to start", job.statusReason());
    assertNull(job.container().exitCode());
    awaitStatus(jobId, JobStatus.SUCCEEDED);
  }

  @Test
  void aJobWithNoHostWaitsRunnableSaysWhyAndCanBeCancelled() {
    String jobId = submit("waits", "nowhere", "true");
    JobDetail waiting = Await.until(JOB_TIMEOUT, () -> describe(jobId),
        j -> j.status() == JobStatus.RUNNABLE && j.statusReason() != null, "job " + jobId + " to say why it waits");
    assertEquals("CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY - Waiting: no host has joined compute environment empty-ce.",
        waiting.statusReason());
    batch.cancelJob(b -> b.jobId(jobId).reason("not needed any more"));
    JobDetail job = awaitStatus(jobId, JobStatus.FAILED);
    assertEquals("not needed any more", job.statusReason());
    assertTrue(job.isCancelled());
    assertTrue(job.attempts().isEmpty());
  }

  @Test
  void aJobNoHostCanFitSaysSoAndDoesNotBlockSmallerJobs() {
    String huge = batch.submitJob(b -> b.jobName("huge").jobQueue("jobs").jobDefinition("shell")
        .containerOverrides(o -> o.command("true").resourceRequirements(vcpu("64")))).jobId();
    String small = submit("small", "jobs", "true");
    // Until the agent has registered, the reason is that no host has joined yet.
    JobDetail waiting = Await.until(JOB_TIMEOUT, () -> describe(huge),
        j -> j.statusReason() != null && j.statusReason().startsWith("MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - Cannot run"),
        "job " + huge + " to say that no host can fit it");
    assertEquals(JobStatus.RUNNABLE, waiting.status());
    assertTrue(waiting.statusReason().contains("largest host: 2 vCPU, 2048 MiB"), waiting.statusReason());
    awaitStatus(small, JobStatus.SUCCEEDED);
    batch.cancelJob(b -> b.jobId(huge).reason("too big"));
    awaitStatus(huge, JobStatus.FAILED);
  }

  @Test
  void terminateStopsARunningContainer() {
    String jobId = submit("sleeper", "jobs", "echo started; sleep 120");
    awaitStatus(jobId, JobStatus.RUNNING);
    batch.terminateJob(b -> b.jobId(jobId).reason("operator stopped it"));
    JobDetail job = Await.until(Duration.ofSeconds(45), () -> describe(jobId), j -> j.status() == JobStatus.FAILED,
        "job " + jobId + " to be terminated");
    assertEquals("operator stopped it", job.statusReason());
    assertTrue(job.isTerminated());
    assertNotNull(job.container().exitCode());
    assertFalse(job.container().exitCode() == 0);
  }

  @Test
  void listJobsByQueueAndStatusPagesThroughEveryJobOnce() {
    List<String> submitted = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      submitted.add(submit("listed-" + i, "jobs", "true"));
    }
    submitted.forEach(id -> awaitStatus(id, JobStatus.SUCCEEDED));
    List<String> listed = Await.until(JOB_TIMEOUT, () -> listAll("jobs", JobStatus.SUCCEEDED, 3),
        ids -> ids.containsAll(submitted), "the read side to list all succeeded jobs");
    assertEquals(listed.size(), listed.stream().distinct().count(), "a job was listed twice: " + listed);
    // A job's row under its old status is deleted beside the insert of its new one, not before it.
    Await.until(JOB_TIMEOUT, () -> listAll("jobs", JobStatus.RUNNABLE, 3),
        ids -> ids.stream().noneMatch(submitted::contains), "the read side to list none of them as RUNNABLE");
  }

  @Test
  void listJobsFiltersByNameAndCreationTimeAcrossStatuses() {
    String first = submit("Filtered-One", "jobs", "true");
    awaitStatus(first, JobStatus.SUCCEEDED);
    long between = describe(first).createdAt() + 1;
    String second = submit("filtered-two", "jobs", "true");
    String waiting = submit("filtered-waiting", "nowhere", "true");
    awaitStatus(second, JobStatus.SUCCEEDED);

    assertEquals(List.of(second, first),
        Await.until(JOB_TIMEOUT, () -> listFiltered("jobs", "JOB_NAME", "filtered*", 1),
            ids -> ids.size() == 2, "both filtered jobs to be listed by name prefix"));
    assertEquals(List.of(first), listFiltered("jobs", "JOB_NAME", "FILTERED-ONE", 10));
    assertEquals(List.of(first), listFiltered("jobs", "BEFORE_CREATED_AT", Long.toString(between), 1000).stream()
        .filter(id -> id.equals(first) || id.equals(second)).toList());
    assertEquals(List.of(second), listFiltered("jobs", "AFTER_CREATED_AT", Long.toString(between), 1000).stream()
        .filter(id -> id.equals(first) || id.equals(second)).toList());
    assertEquals(List.of(waiting), Await.until(JOB_TIMEOUT, () -> listFiltered("nowhere", "JOB_NAME", "filtered-waiting", 5),
        ids -> !ids.isEmpty(), "a RUNNABLE job to be listed by name whatever its status"));
    ClientException bad = assertThrows(ClientException.class, () -> listFiltered("jobs", "COLOR", "red", 5));
    assertTrue(bad.awsErrorDetails().errorMessage().contains("JOB_NAME"));
    batch.cancelJob(b -> b.jobId(waiting).reason("done"));
  }

  @Test
  void jobMistakesAreClientErrors() {
    assertThrows(ClientException.class, () -> batch.submitJob(b -> b.jobName("x").jobQueue("jobs").jobDefinition("nope")));
    assertThrows(ClientException.class, () -> batch.submitJob(b -> b.jobName("x").jobQueue("jobs").jobDefinition("shell")
        .containerOverrides(o -> o.resourceRequirements(vcpu("-1")))));
    assertThrows(ClientException.class, () -> batch.cancelJob(b -> b.jobId("5b7a7ad0-0000-0000-0000-000000000000").reason("x")));
    assertThrows(ClientException.class, () -> batch.terminateJob(b -> b.jobId("5b7a7ad0-0000-0000-0000-000000000000")));
    assertThrows(ClientException.class, () -> batch.listJobs(b -> b.jobQueue("never-created")));
    ClientException tooMany = assertThrows(ClientException.class, () -> batch.listJobs(b -> b.jobQueue("jobs").maxResults(5000)));
    assertTrue(tooMany.awsErrorDetails().errorMessage().contains("maxResults"));
  }

  @Test
  void logsOfUnknownJobsAndAttemptsAreClientErrors() {
    HttpResponse<String> unknown = get("/drover/v1/jobs/5b7a7ad0-0000-0000-0000-000000000000/logs");
    assertEquals(404, unknown.statusCode());
    assertEquals("ClientException", unknown.headers().firstValue("x-amzn-ErrorType").orElse(null));
    String jobId = submit("one-attempt", "jobs", "true");
    awaitStatus(jobId, JobStatus.SUCCEEDED);
    assertEquals(400, get("/drover/v1/jobs/" + jobId + "/logs?attempt=2").statusCode());
  }

  private static String submit(String name, String queue, String script) {
    return batch.submitJob(b -> b.jobName(name).jobQueue(queue).jobDefinition("shell")
        .containerOverrides(o -> o.command("sh", "-c", script))).jobId();
  }

  private static JobDetail describe(String jobId) {
    List<JobDetail> jobs = batch.describeJobs(b -> b.jobs(jobId)).jobs();
    assertEquals(1, jobs.size(), "DescribeJobs must find job " + jobId);
    return jobs.get(0);
  }

  private static JobDetail awaitStatus(String jobId, JobStatus status) {
    return Await.until(JOB_TIMEOUT, () -> describe(jobId), j -> j.status() == status, "job " + jobId + " to be " + status);
  }

  private static List<String> listAll(String queue, JobStatus status, int pageSize) {
    List<String> ids = new ArrayList<>();
    String token = null;
    do {
      String next = token;
      ListJobsResponse page = batch.listJobs(b -> b.jobQueue(queue).jobStatus(status).maxResults(pageSize).nextToken(next));
      page.jobSummaryList().stream().map(JobSummary::jobId).forEach(ids::add);
      token = page.nextToken();
    } while (token != null);
    return ids;
  }

  private static List<String> listFiltered(String queue, String filter, String value, int pageSize) {
    List<String> ids = new ArrayList<>();
    String token = null;
    do {
      String next = token;
      ListJobsResponse page = batch.listJobs(b -> b.jobQueue(queue).maxResults(pageSize).nextToken(next)
          .filters(KeyValuesPair.builder().name(filter).values(value).build()));
      page.jobSummaryList().stream().map(JobSummary::jobId).forEach(ids::add);
      token = page.nextToken();
    } while (token != null);
    return ids;
  }

  private static String logs(String jobId, String query) {
    return Logs.of(node, jobId, query);
  }

  private static HttpResponse<String> get(String path) {
    return Logs.get(node, path);
  }
}
