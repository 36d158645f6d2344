package io.drover.loadtest;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobStatus;
import software.amazon.awssdk.services.batch.model.ResourceRequirement;
import software.amazon.awssdk.services.batch.model.ResourceType;

/**
 * Submits one array job to a running Drover and measures how long SubmitJob takes to accept it and
 * how long the whole array takes to finish, printing the status summary as it goes.
 *
 * <pre>
 * mvn -q -f loadtest/pom.xml exec:java -Dexec.mainClass=io.drover.loadtest.ArrayToCompletion \
 *     -Dexec.args="--size 10000"
 * </pre>
 *
 * Options: {@code --endpoint} (http://127.0.0.1:8080), {@code --queue} (dev), {@code --size}
 * (10000), {@code --vcpus} per child (0.01, so that many run at once), {@code --command}
 * ({@code true}), {@code --timeout-seconds} (1800). It registers the job definition it uses.
 */
public final class ArrayToCompletion {

  private static final String USAGE = "usage: ArrayToCompletion [--endpoint URL] [--queue Q] [--size N] "
      + "[--vcpus V] [--command CMD] [--timeout-seconds S]";

  public static void main(String[] args) throws Exception {
    Map<String, String> options = Bench.options(args, USAGE);
    String endpoint = options.getOrDefault("endpoint", "http://127.0.0.1:8080");
    String queue = options.getOrDefault("queue", "dev");
    int size = Integer.parseInt(options.getOrDefault("size", "10000"));
    String vcpus = options.getOrDefault("vcpus", "0.01");
    String command = options.getOrDefault("command", "true");
    Duration timeout = Duration.ofSeconds(Long.parseLong(options.getOrDefault("timeout-seconds", "1800")));

    try (BatchClient batch = Bench.client(endpoint)) {
      batch.registerJobDefinition(b -> b.jobDefinitionName("bench-array").type("container")
          .containerProperties(c -> c.image("public.ecr.aws/docker/library/busybox:stable").command("sh", "-c", command)
              .resourceRequirements(
                  ResourceRequirement.builder().type(ResourceType.VCPU).value(vcpus).build(),
                  ResourceRequirement.builder().type(ResourceType.MEMORY).value("4").build())));
      long t0 = System.nanoTime();
      String jobId = batch.submitJob(b -> b.jobName("bench-array").jobQueue(queue).jobDefinition("bench-array")
          .arrayProperties(a -> a.size(size))).jobId();
      double acceptMillis = (System.nanoTime() - t0) / 1e6;
      System.out.printf(Locale.ROOT, "SubmitJob accepted a %d-child array in %.1f ms (job %s)%n", size, acceptMillis, jobId);

      long deadline = System.nanoTime() + timeout.toNanos();
      JobDetail job;
      long lastPrint = 0;
      while (true) {
        job = batch.describeJobs(b -> b.jobs(jobId)).jobs().get(0);
        if (job.status() == JobStatus.SUCCEEDED || job.status() == JobStatus.FAILED) {
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the array job did not finish within " + timeout + ": " + job.arrayProperties());
        }
        if (System.nanoTime() - lastPrint > 10_000_000_000L) {
          lastPrint = System.nanoTime();
          System.out.printf(Locale.ROOT, "  %5.0f s  %s%n", (lastPrint - t0) / 1e9, job.arrayProperties().statusSummary());
        }
        Thread.sleep(250);
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf(Locale.ROOT, "Array job %s after %.1f s: %s (%.0f children/s)%n",
          job.status(), seconds, job.arrayProperties().statusSummary(), size / seconds);
    }
  }

}
