package io.drover.loadtest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobStatus;

/**
 * Submits jobs to a running Drover through the AWS SDK and measures, per job, how long SubmitJob
 * took, and how long from acceptance ({@code createdAt}) to the container running
 * ({@code startedAt}) and to SUCCEEDED ({@code stoppedAt}). Prints one summary table.
 *
 * <pre>
 * mvn -q -f loadtest/pom.xml exec:java -Dexec.args="--jobs 100 --concurrency 8"
 * </pre>
 *
 * Options: {@code --endpoint} (http://127.0.0.1:8080), {@code --queue} (dev), {@code --definition}
 * (hello), {@code --jobs} (20), {@code --concurrency} (1), {@code --timeout-seconds} (600).
 */
public final class SubmitToSuccess {

  private static final String USAGE = "usage: SubmitToSuccess [--endpoint URL] [--queue Q] [--definition D] "
      + "[--jobs N] [--concurrency C] [--timeout-seconds S]";

  public static void main(String[] args) throws Exception {
    Map<String, String> options = Bench.options(args, USAGE);
    String endpoint = options.getOrDefault("endpoint", "http://127.0.0.1:8080");
    String queue = options.getOrDefault("queue", "dev");
    String definition = options.getOrDefault("definition", "hello");
    int jobs = Integer.parseInt(options.getOrDefault("jobs", "20"));
    int concurrency = Integer.parseInt(options.getOrDefault("concurrency", "1"));
    Duration timeout = Duration.ofSeconds(Long.parseLong(options.getOrDefault("timeout-seconds", "600")));

    try (BatchClient batch = Bench.client(endpoint)) {
      Map<String, Long> submitMillis = new ConcurrentHashMap<>();
      long start = System.nanoTime();
      ExecutorService pool = Executors.newFixedThreadPool(concurrency);
      for (int i = 0; i < jobs; i++) {
        int n = i;
        pool.submit(() -> {
          long t0 = System.nanoTime();
          String id = batch.submitJob(b -> b.jobName("bench-" + n).jobQueue(queue).jobDefinition(definition)).jobId();
          submitMillis.put(id, (System.nanoTime() - t0) / 1_000_000);
        });
      }
      pool.shutdown();
      if (!pool.awaitTermination(timeout.toSeconds(), TimeUnit.SECONDS)) {
        throw new IllegalStateException("submissions did not finish within " + timeout);
      }
      double submitSeconds = (System.nanoTime() - start) / 1e9;
      if (submitMillis.size() != jobs) {
        throw new IllegalStateException("only " + submitMillis.size() + " of " + jobs + " submissions succeeded");
      }

      List<JobDetail> finished = awaitFinished(batch, new ArrayList<>(submitMillis.keySet()), timeout);
      double totalSeconds = (System.nanoTime() - start) / 1e9;
      List<Long> toStart = new ArrayList<>();
      List<Long> toSuccess = new ArrayList<>();
      long failed = 0;
      for (JobDetail job : finished) {
        if (job.status() == JobStatus.SUCCEEDED) {
          toStart.add(job.startedAt() - job.createdAt());
          toSuccess.add(job.stoppedAt() - job.createdAt());
        } else {
          failed++;
        }
      }
      System.out.printf(Locale.ROOT, "%nDrover submit-to-success: %d jobs, concurrency %d, queue %s, definition %s%n",
          jobs, concurrency, queue, definition);
      System.out.printf(Locale.ROOT, "%-34s %8s %8s %8s %8s%n", "measure (ms)", "p50", "p95", "p99", "max");
      row("SubmitJob call", new ArrayList<>(submitMillis.values()));
      row("accepted -> RUNNING (startedAt)", toStart);
      row("accepted -> SUCCEEDED (stoppedAt)", toSuccess);
      System.out.printf(Locale.ROOT, "succeeded %d, failed %d; submissions %.1f/s; all done in %.1f s (%.1f jobs/s)%n",
          toSuccess.size(), failed, jobs / submitSeconds, totalSeconds, jobs / totalSeconds);
    }
  }

  private static List<JobDetail> awaitFinished(BatchClient batch, List<String> ids, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, JobDetail> done = new ConcurrentHashMap<>();
    while (done.size() < ids.size()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException((ids.size() - done.size()) + " jobs did not finish within " + timeout);
      }
      List<String> pending = ids.stream().filter(id -> !done.containsKey(id)).toList();
      for (int i = 0; i < pending.size(); i += 100) {
        List<String> chunk = pending.subList(i, Math.min(pending.size(), i + 100));
        for (JobDetail job : batch.describeJobs(b -> b.jobs(chunk)).jobs()) {
          if (job.status() == JobStatus.SUCCEEDED || job.status() == JobStatus.FAILED) {
            done.put(job.jobId(), job);
          }
        }
      }
      Thread.sleep(200);
    }
    return new ArrayList<>(done.values());
  }

  private static void row(String name, List<Long> values) {
    if (values.isEmpty()) {
      System.out.printf(Locale.ROOT, "%-34s %8s%n", name, "-");
      return;
    }
    Collections.sort(values);
    System.out.printf(Locale.ROOT, "%-34s %8d %8d %8d %8d%n", name,
        percentile(values, 50), percentile(values, 95), percentile(values, 99), values.get(values.size() - 1));
  }

  private static long percentile(List<Long> sorted, int p) {
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

}
