package io.drover.loadtest.bench;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.BatchException;
import software.amazon.awssdk.services.batch.model.CEState;
import software.amazon.awssdk.services.batch.model.CEType;
import software.amazon.awssdk.services.batch.model.JQState;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobStatus;
import software.amazon.awssdk.services.batch.model.ResourceRequirement;
import software.amazon.awssdk.services.batch.model.ResourceType;

/** The benchmarks' view of Drover: the AWS SDK's Batch client, as users have it. */
final class Drover {

  static final String QUEUE = "bench";
  static final String COMPUTE_ENVIRONMENT = "bench";

  /** The benchmark cluster's root key and master key (drover.security), given to every node it starts. */
  static final String ROOT_ACCESS_KEY_ID = "AKIABENCHROOTKEY0001";

  static final String ROOT_SECRET_ACCESS_KEY = "bench-root-secret-access-key-000000000001";

  static final String MASTER_KEY = "YmVuY2gtbWFzdGVyLWtleS1vZi0zMi1ieXRlcy0hISE=";

  private Drover() {}

  /** A Batch client for a Drover API endpoint, signing with the benchmark's root key. */
  static BatchClient client(String endpoint) {
    return BatchClient.builder()
        .endpointOverride(URI.create(endpoint))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY)))
        .httpClientBuilder(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(60)))
        .build();
  }

  /**
   * The UNMANAGED compute environment the agents serve (allowed to run jobs as host processes, as
   * array10k's agent does) and the queue in front of it.
   */
  static void createQueue(BatchClient batch) {
    batch.createComputeEnvironment(b -> b.computeEnvironmentName(COMPUTE_ENVIRONMENT).type(CEType.UNMANAGED)
        .state(CEState.ENABLED).tags(Map.of("drover:process-executor", "enabled")));
    batch.createJobQueue(b -> b.jobQueueName(QUEUE).priority(1).state(JQState.ENABLED)
        .computeEnvironmentOrder(o -> o.order(1).computeEnvironment(COMPUTE_ENVIRONMENT)));
  }

  /** A job definition running {@code command} with {@code vcpus} and {@code memoryMib}. */
  static void define(BatchClient batch, String name, List<String> command, String vcpus, int memoryMib) {
    batch.registerJobDefinition(b -> b.jobDefinitionName(name).type("container")
        .containerProperties(c -> c.image("public.ecr.aws/docker/library/busybox:stable").command(command)
            .resourceRequirements(
                ResourceRequirement.builder().type(ResourceType.VCPU).value(vcpus).build(),
                ResourceRequirement.builder().type(ResourceType.MEMORY).value(Integer.toString(memoryMib)).build())));
  }

  /**
   * {@code jobs} SubmitJob calls of {@code definition} from {@code clients} threads: the accepted
   * ids, and each call's start and duration in nanoseconds. A refused call is left out of both.
   */
  static void submitJobs(BatchClient batch, String name, String definition, int jobs, int clients,
      Queue<String> ids, Queue<long[]> calls) throws InterruptedException {
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    for (int c = 0; c < clients; c++) {
      pool.submit(() -> {
        for (int n = next.getAndIncrement(); n < jobs; n = next.getAndIncrement()) {
          long start = System.nanoTime();
          try {
            ids.add(batch.submitJob(b -> b.jobName(name).jobQueue(QUEUE).jobDefinition(definition)).jobId());
            calls.add(new long[] {start, System.nanoTime() - start});
          } catch (RuntimeException refused) {
            // counted by the caller as the ids missing
          }
        }
      });
    }
    pool.shutdown();
    if (!pool.awaitTermination(60, TimeUnit.MINUTES)) {
      throw new IllegalStateException("submissions did not finish within 60 minutes");
    }
  }

  static boolean finished(JobDetail job) {
    return job.status() == JobStatus.SUCCEEDED || job.status() == JobStatus.FAILED;
  }

  /**
   * DescribeJobs for any number of ids, 100 at a time. A chunk Drover answers with a 5xx (a
   * controller moving shards, say) is asked again, for up to two minutes.
   */
  static List<JobDetail> describe(BatchClient batch, List<String> ids) throws InterruptedException {
    List<JobDetail> jobs = new ArrayList<>(ids.size());
    for (int i = 0; i < ids.size(); i += 100) {
      List<String> chunk = ids.subList(i, Math.min(ids.size(), i + 100));
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (true) {
        try {
          jobs.addAll(batch.describeJobs(b -> b.jobs(chunk)).jobs());
          break;
        } catch (BatchException e) {
          if (e.statusCode() < 500 || System.nanoTime() > deadline) {
            throw e;
          }
          Thread.sleep(1000);
        }
      }
    }
    return jobs;
  }

  /** How many of the oldest waiting jobs {@link #awaitFinished} describes a round. */
  private static final int AWAIT_WINDOW = 1000;

  /**
   * Waits until every job has finished; their details, in no particular order. Jobs are described
   * in the order given (submission order), at most {@value #AWAIT_WINDOW} of the oldest still
   * waiting a round: describing every waiting job every round would wake each passivated job
   * entity (a journal replay, several Cassandra reads) over and over, a load of the harness's own
   * on the system it measures.
   */
  static List<JobDetail> awaitFinished(BatchClient batch, List<String> ids, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> pending = new ArrayList<>(ids);
    List<JobDetail> done = new ArrayList<>(ids.size());
    while (!pending.isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(pending.size() + " of " + ids.size() + " jobs did not finish within " + timeout);
      }
      List<String> window = pending.subList(0, Math.min(AWAIT_WINDOW, pending.size()));
      List<JobDetail> described = describe(batch, window);
      if (described.size() < window.size()) {
        throw new IllegalStateException((window.size() - described.size()) + " accepted jobs do not exist");
      }
      List<String> still = new ArrayList<>();
      for (JobDetail job : described) {
        if (finished(job)) {
          done.add(job);
        } else {
          still.add(job.jobId());
        }
      }
      boolean allFinished = still.isEmpty();
      still.addAll(pending.subList(window.size(), pending.size()));
      pending = still;
      if (!allFinished) {
        Thread.sleep(500);
      }
    }
    return done;
  }
}
