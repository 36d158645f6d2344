package io.drover.it;

import static io.drover.it.ControlPlaneApiTest.memory;
import static io.drover.it.ControlPlaneApiTest.order;
import static io.drover.it.ControlPlaneApiTest.vcpu;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import io.drover.it.support.Await;
import io.drover.it.support.DroverTestNode;
import io.drover.it.support.Logs;
import io.drover.it.support.TestCassandra;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.CEType;
import software.amazon.awssdk.services.batch.model.JobDependency;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobStatus;
import software.amazon.awssdk.services.batch.model.JobSummary;
import software.amazon.awssdk.services.batch.model.ListJobsRequest;
import software.amazon.awssdk.services.batch.model.ListJobsResponse;

/** Array jobs on a real node with the process executor (its children run on this host). */
class ArrayJobsTest {

  /** The node's read-side keyspace, which the test also reads directly. */
  private static final String KEYSPACE = "it_arrays";
  private static final String QUEUE = "arrays";

  private static DroverTestNode node;
  private static BatchClient batch;

  @BeforeAll
  static void start() {
    node = DroverTestNode.start(KEYSPACE, "arrays-ce", DroverTestNode.Executor.PROCESS);
    batch = node.batch();
    batch.createComputeEnvironment(b -> b.computeEnvironmentName("arrays-ce").type(CEType.UNMANAGED).tags(DroverTestNode.PROCESS_EXECUTOR));
    batch.createJobQueue(b -> b.jobQueueName(QUEUE).priority(1).computeEnvironmentOrder(order(1, "arrays-ce")));
    batch.registerJobDefinition(b -> b.jobDefinitionName("script").type("container")
        .containerProperties(c -> c.image("unused").command("true").resourceRequirements(vcpu("0.1"), memory("16"))));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void aThousandChildrenEachRunOnceWithItsIndex() throws IOException {
    Path seen = Files.createTempFile("drover-array-", ".txt");
    // The children run as the agent's unprivileged job user, not as the test.
    Files.setPosixFilePermissions(seen, PosixFilePermissions.fromString("rw-rw-rw-"));
    String parent = submit("thousand", 1000, "echo $AWS_BATCH_JOB_ARRAY_INDEX >> " + seen + "; echo $AWS_BATCH_JOB_ARRAY_INDEX");

    JobDetail done = Await.until(Duration.ofSeconds(300), () -> describe(parent), j -> j.status() == JobStatus.SUCCEEDED,
        "the 1,000-child array job to succeed");
    assertEquals(1000, done.arrayProperties().size());
    assertEquals(1000, done.arrayProperties().statusSummary().get("SUCCEEDED"));

    List<Integer> indexes = Files.readAllLines(seen).stream().map(Integer::parseInt).sorted().toList();
    assertEquals(IntStream.range(0, 1000).boxed().toList(), indexes, "every index ran exactly once");

    List<String> listed = Await.until(Duration.ofSeconds(60), () -> listChildren(parent, JobStatus.SUCCEEDED),
        ids -> ids.size() == 1000, "ListJobs by arrayJobId to list every child");
    assertEquals(IntStream.range(0, 1000).mapToObj(i -> parent + ":" + i).toList(), listed);
    // Their queue lists the array job, and nothing of its finished children is left in its status
    // table for that listing to step over.
    Await.until(Duration.ofSeconds(60), () -> listQueue(JobStatus.SUCCEEDED), ids -> ids.contains(parent),
        "ListJobs of the queue to list the array job as SUCCEEDED");
    assertEquals(0, finishedChildRows(), "rows of finished children in jobs_by_status");

    JobDetail child = describe(parent + ":417");
    assertEquals(417, child.arrayProperties().index());
    assertEquals("417\n", Logs.of(node, parent + ":417", ""));
    Files.delete(seen);
  }

  @Test
  void sequentialChildrenRunOneAfterAnother() {
    String parent = batch.submitJob(b -> b.jobName("sequential").jobQueue(QUEUE).jobDefinition("script")
        .arrayProperties(a -> a.size(5))
        .dependsOn(JobDependency.builder().type("SEQUENTIAL").build())
        .containerOverrides(o -> o.command("sh", "-c", "sleep 0.3"))).jobId();
    awaitSucceeded(parent);
    List<JobDetail> children = children(parent, 5);
    for (int i = 1; i < 5; i++) {
      assertTrue(children.get(i).startedAt() >= children.get(i - 1).stoppedAt(),
          "child " + i + " started after child " + (i - 1) + " stopped");
    }
  }

  @Test
  void nToNChildrenWaitForTheirCounterpartOnly() {
    // Child 0 sleeps 6 s, child 3 not at all: second:3 has 6 s to go through its counterpart's end,
    // a scheduling pass and a launch before first:0 stops.
    String first = submit("n-first", 4, "sleep $(( (4 - AWS_BATCH_JOB_ARRAY_INDEX) / 2 * 3 ))");
    String second = batch.submitJob(b -> b.jobName("n-second").jobQueue(QUEUE).jobDefinition("script")
        .arrayProperties(a -> a.size(4))
        .dependsOn(JobDependency.builder().jobId(first).type("N_TO_N").build())
        .containerOverrides(o -> o.command("true"))).jobId();
    awaitSucceeded(second);
    List<JobDetail> firsts = children(first, 4);
    List<JobDetail> seconds = children(second, 4);
    for (int i = 0; i < 4; i++) {
      assertTrue(seconds.get(i).startedAt() >= firsts.get(i).stoppedAt(), "child " + i + " waited for its counterpart");
    }
    assertTrue(seconds.get(3).startedAt() < firsts.get(0).stoppedAt(),
        "child 3 did not wait for the slowest counterpart (child 0)");
  }

  @Test
  void aFailedChildFailsTheArrayJobOnItsOwnAndEachChildIsRetriedAlone() {
    String parent = batch.submitJob(b -> b.jobName("one-bad").jobQueue(QUEUE).jobDefinition("script")
        .arrayProperties(a -> a.size(6))
        .retryStrategy(r -> r.attempts(2))
        .containerOverrides(o -> o.command("sh", "-c", "[ $AWS_BATCH_JOB_ARRAY_INDEX -ne 4 ] || exit 3"))).jobId();
    JobDetail failed = Await.until(Duration.ofSeconds(60), () -> describe(parent), j -> j.status() == JobStatus.FAILED,
        "the array job to fail");
    assertEquals(Map.of("SUCCEEDED", 5, "FAILED", 1), failed.arrayProperties().statusSummary().entrySet().stream()
        .filter(e -> e.getValue() > 0).collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    assertEquals(2, describe(parent + ":4").attempts().size(), "the failing child was retried on its own");
    assertEquals(1, describe(parent + ":0").attempts().size());
  }

  @Test
  void terminatingTheArrayJobReachesEveryChild() {
    String parent = submit("stopped", 40, "sleep 120");
    Await.until(Duration.ofSeconds(60), () -> describe(parent).arrayProperties().statusSummary().get("RUNNING"),
        running -> running > 0, "some children to run");
    batch.terminateJob(b -> b.jobId(parent).reason("enough"));
    Await.until(Duration.ofSeconds(90), () -> listChildren(parent, JobStatus.FAILED), ids -> ids.size() == 40,
        "every child to be terminated or cancelled");
    assertEquals(JobStatus.FAILED, describe(parent).status());
  }

  private static String submit(String name, int size, String script) {
    return batch.submitJob(b -> b.jobName(name).jobQueue(QUEUE).jobDefinition("script")
        .arrayProperties(a -> a.size(size))
        .containerOverrides(o -> o.command("sh", "-c", script))).jobId();
  }

  private static List<JobDetail> children(String parent, int size) {
    return batch.describeJobs(b -> b.jobs(IntStream.range(0, size).mapToObj(i -> parent + ":" + i).toList())).jobs()
        .stream().sorted((a, c) -> Integer.compare(a.arrayProperties().index(), c.arrayProperties().index())).toList();
  }

  private static JobDetail describe(String jobId) {
    return batch.describeJobs(b -> b.jobs(jobId)).jobs().get(0);
  }

  private static void awaitSucceeded(String jobId) {
    Await.until(Duration.ofSeconds(60), () -> describe(jobId), j -> j.status() == JobStatus.SUCCEEDED,
        "array job " + jobId + " to succeed");
  }

  private static List<String> listQueue(JobStatus status) {
    return listIds(b -> b.jobQueue(QUEUE).jobStatus(status));
  }

  /** Rows of children in the queue's SUCCEEDED and FAILED partitions of today and yesterday (UTC). */
  private static long finishedChildRows() {
    long today = Math.floorDiv(System.currentTimeMillis(), Duration.ofDays(1).toMillis());
    try (CqlSession session = TestCassandra.connect()) {
      long rows = 0;
      for (String status : List.of("SUCCEEDED", "FAILED")) {
        for (long day : List.of(today, today - 1)) {
          rows += session.execute("SELECT child FROM " + KEYSPACE + ".jobs_by_status WHERE queue = ? AND status = ? "
                  + "AND bucket = ?", QUEUE, status, day).all().stream().filter(row -> row.getBoolean("child")).count();
        }
      }
      return rows;
    }
  }

  private static List<String> listChildren(String parent, JobStatus status) {
    return listIds(b -> b.arrayJobId(parent).jobStatus(status));
  }

  /** The ids ListJobs lists for {@code filter}, all pages. */
  private static List<String> listIds(Consumer<ListJobsRequest.Builder> filter) {
    List<String> ids = new ArrayList<>();
    String token = null;
    do {
      String next = token;
      ListJobsResponse page = batch.listJobs(b -> filter.accept(b.maxResults(300).nextToken(next)));
      page.jobSummaryList().stream().map(JobSummary::jobId).forEach(ids::add);
      token = page.nextToken();
    } while (token != null);
    return ids;
  }
}
