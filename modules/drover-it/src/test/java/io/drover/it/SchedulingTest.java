package io.drover.it;

import static io.drover.it.ControlPlaneApiTest.memory;
import static io.drover.it.ControlPlaneApiTest.order;
import static io.drover.it.ControlPlaneApiTest.vcpu;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.it.support.Await;
import io.drover.it.support.DroverTestNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.CEState;
import software.amazon.awssdk.services.batch.model.CEType;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobStatus;
import software.amazon.awssdk.services.batch.model.ShareAttributes;
import software.amazon.awssdk.services.batch.model.SubmitJobRequest;

/**
 * The order in which jobs start, observed through the API on a real node whose agent has 4 vCPU
 * (process executor). Each test holds its jobs back by disabling the compute environment, submits
 * them all, then enables it, so the scheduler sees every job at once. Its scheduler lets one
 * placement at a time wait for its job's answer, so each pass places only the first job it
 * decided on: the orders below hold only if that first one is the one its queue's priority or its
 * share's usage puts first, and every job starts only if answers free room for the next. Orders
 * are asserted only where each job waits for capacity another frees: jobs placed milliseconds
 * apart may start in either order, as their launches run side by side on the agent.
 */
class SchedulingTest {

  private static final String CE = "sched-ce";
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  private static DroverTestNode node;
  private static BatchClient batch;

  @BeforeAll
  static void start() {
    node = DroverTestNode.start("it_scheduling", CE, DroverTestNode.Executor.PROCESS,
        Map.of("drover.agent.vcpus", 4, "drover.agent.memory-mib", 4096,
            "drover.controller.scheduler.max-unanswered-placements", 1));
    batch = node.batch();
    batch.createComputeEnvironment(b -> b.computeEnvironmentName(CE).type(CEType.UNMANAGED).tags(DroverTestNode.PROCESS_EXECUTOR));
    batch.createJobQueue(b -> b.jobQueueName("high").priority(10).computeEnvironmentOrder(order(1, CE)));
    batch.createJobQueue(b -> b.jobQueueName("low").priority(1).computeEnvironmentOrder(order(1, CE)));
    String policy = batch.createSchedulingPolicy(b -> b.name("two-shares").fairsharePolicy(f -> f
        .shareDecaySeconds(0)
        .shareDistribution(
            ShareAttributes.builder().shareIdentifier("small").weightFactor(1.0f).build(),
            ShareAttributes.builder().shareIdentifier("big").weightFactor(0.25f).build()))).arn();
    batch.createJobQueue(b -> b.jobQueueName("fair").priority(5).schedulingPolicyArn(policy)
        .computeEnvironmentOrder(order(1, CE)));
    batch.registerJobDefinition(b -> b.jobDefinitionName("sleeper").type("container")
        .containerProperties(c -> c.image("unused").command("sleep", "1").resourceRequirements(vcpu("1"), memory("64"))));
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @Test
  void theHigherPriorityQueueStartsAllItsJobsFirstOnASharedComputeEnvironment() {
    holdJobs();
    List<String> submitted = new ArrayList<>();
    submitted.add(submit("low", "low-1", 4, b -> {}));
    submitted.add(submit("low", "low-2", 4, b -> {}));
    submitted.add(submit("high", "high-1", 4, b -> {}));
    submitted.add(submit("high", "high-2", 4, b -> {}));
    JobDetail waiting = Await.until(TIMEOUT, () -> describe(submitted.get(0)),
        j -> j.statusReason() != null && j.statusReason().contains("DISABLED"), "low-1 to say why it waits");
    assertTrue(waiting.statusReason().contains("compute environment " + CE + " is DISABLED"), waiting.statusReason());

    releaseJobs();

    List<JobDetail> done = awaitAll(submitted);
    assertEquals(List.of("high-1", "high-2", "low-1", "low-2"), startOrder(done),
        "each job takes the whole host, so the starts show the order");
  }

  @Test
  void jobsThatAllFitAtOnceAllStartThoughOnlyOnePlacementMayWaitForAnAnswer() {
    holdJobs();
    List<String> submitted = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      submitted.add(submit("low", "fifo-" + i, 1, b -> {}));
    }

    releaseJobs();

    // One pass decides on all four but sends only the first; each answer starts the next pass, so
    // all four succeed (awaitAll fails after TIMEOUT on a job left RUNNABLE). Which jobs a
    // cut-short pass keeps is checked by SchedulerTest in drover-core.
    awaitAll(submitted);
  }

  @Test
  void aFairShareQueueGivesTheShareWithAQuarterOfTheWeightFactorFourTimesTheStarts() {
    holdJobs();
    List<String> submitted = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      submitted.add(submit("fair", "small-" + i, 1, b -> b.shareIdentifier("small")));
    }
    for (int i = 0; i < 12; i++) {
      submitted.add(submit("fair", "big-" + i, 1, b -> b.shareIdentifier("big")));
    }

    releaseJobs();

    List<String> order = startOrder(awaitAll(submitted));
    List<String> first12 = order.subList(0, 12);
    long big = first12.stream().filter(name -> name.startsWith("big-")).count();
    // Four 1-vCPU slots: "big" holds 3 and "small" 1 (weight factors 0.25 and 1), so of the first
    // 12 starts about 9 are big's. First in, first out would have started all 12 small jobs first.
    assertTrue(big >= 8 && big <= 10, "starts " + order);
    assertTrue(first12.contains("small-0"), "the small share is not starved: " + order);
  }

  @Test
  void anArrayWithAConcurrencyCapNeverRunsMoreChildrenAtOnce() {
    String parent = batch.submitJob(b -> b.jobName("capped").jobQueue("low").jobDefinition("sleeper")
        .arrayProperties(a -> a.size(6)).tags(Map.of("drover:maxConcurrentChildren", "2"))).jobId();

    Await.until(TIMEOUT, () -> describe(parent), j -> j.status() == JobStatus.SUCCEEDED, "the capped array to succeed");
    List<JobDetail> children = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      children.add(describe(parent + ":" + i));
    }
    for (JobDetail child : children) {
      long overlapping = children.stream()
          .filter(other -> other.startedAt() <= child.startedAt() && other.stoppedAt() > child.startedAt())
          .count();
      assertTrue(overlapping <= 2, "at " + child.startedAt() + " " + overlapping + " children ran; cap 2");
    }
  }

  private static void holdJobs() {
    batch.updateComputeEnvironment(b -> b.computeEnvironment(CE).state(CEState.DISABLED));
  }

  private static void releaseJobs() {
    batch.updateComputeEnvironment(b -> b.computeEnvironment(CE).state(CEState.ENABLED));
  }

  private static String submit(String queue, String name, int vcpus, Consumer<SubmitJobRequest.Builder> more) {
    return batch.submitJob(b -> {
      b.jobName(name).jobQueue(queue).jobDefinition("sleeper")
          .containerOverrides(o -> o.resourceRequirements(vcpu(Integer.toString(vcpus)), memory("64")));
      more.accept(b);
    }).jobId();
  }

  private static JobDetail describe(String jobId) {
    return batch.describeJobs(b -> b.jobs(jobId)).jobs().get(0);
  }

  private static List<JobDetail> awaitAll(List<String> jobIds) {
    List<JobDetail> done = new ArrayList<>();
    for (String jobId : jobIds) {
      done.add(Await.until(TIMEOUT, () -> describe(jobId), j -> j.status() == JobStatus.SUCCEEDED, "job " + jobId));
    }
    return done;
  }

  private static List<String> startOrder(List<JobDetail> jobs) {
    return jobs.stream().sorted(Comparator.comparingLong(JobDetail::startedAt)).map(JobDetail::jobName).toList();
  }
}
