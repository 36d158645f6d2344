package io.drover.loadtest.bench;

import io.drover.loadtest.bench.BenchMain.Run;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobStatus;

/**
 * Single jobs on an idle system, one after the other: from the SubmitJob call to the job RUNNING
 * (its {@code startedAt}, when the agent started the process) and to SUCCEEDED (its
 * {@code stoppedAt}). Client, agent and controller share this machine's clock.
 */
final class Latency implements BenchMain.Scenario {

  private static final String DEFINITION = "bench-true";
  /**
   * The times measured are the job's own (startedAt, stoppedAt), so the polling only decides when
   * the next job is submitted; polling faster would load the system this scenario keeps idle.
   */
  private static final long POLL_MS = 20;

  @Override
  public String name() {
    return "latency";
  }

  @Override
  public String description() {
    return "single jobs (`true`, process executor) on an idle system: SubmitJob -> RUNNING and -> SUCCEEDED";
  }

  @Override
  public String options() {
    return "--jobs 300 --warmup 1000";
  }

  @Override
  public Report run(Run run) throws Exception {
    int jobs = run.intOption("jobs", 300);
    int warmup = run.intOption("warmup", 1000);
    Stack.Node node = run.stack().startSingleNode("process", 4);
    List<Double> toRunning = new ArrayList<>();
    List<Double> toSucceeded = new ArrayList<>();
    List<Double> submitCall = new ArrayList<>();
    try (BatchClient batch = Drover.client(node.endpoint())) {
      Drover.createQueue(batch);
      Drover.define(batch, DEFINITION, List.of("true"), "1", 16);
      for (int i = 0; i < warmup + jobs; i++) {
        long submittedAt = System.currentTimeMillis();
        long t0 = System.nanoTime();
        String id = batch.submitJob(b -> b.jobName("latency").jobQueue(Drover.QUEUE).jobDefinition(DEFINITION)).jobId();
        double call = (System.nanoTime() - t0) / 1e6;
        JobDetail job = await(batch, id);
        if (i >= warmup) {
          submitCall.add(call);
          toRunning.add((double) (job.startedAt() - submittedAt));
          toSucceeded.add((double) (job.stoppedAt() - submittedAt));
        }
      }
    }
    Stats running = new Stats(toRunning);
    Stats succeeded = new Stats(toSucceeded);
    Stats calls = new Stats(submitCall);
    Report report = new Report(name(), description())
        .setting("jobs (measured)", jobs)
        .setting("warm-up jobs (not measured)", warmup)
        .setting("job", "1 vCPU, 16 MiB, command `true`, process executor; one agent with 4 vCPU slots")
        .setting("client", "submits, then polls DescribeJobs every " + POLL_MS + " ms until the job ends, then submits the next");
    report.measured("SubmitJob call p50 / p99", Report.ms(calls.percentile(50)) + " / " + Report.ms(calls.percentile(99)))
        .measured("SubmitJob -> RUNNING p50", Report.ms(running.percentile(50)), "< 50 ms", running.percentile(50) < 50)
        .measured("SubmitJob -> RUNNING p99", Report.ms(running.percentile(99)), "< 200 ms", running.percentile(99) < 200)
        .measured("SubmitJob -> SUCCEEDED p50", Report.ms(succeeded.percentile(50)))
        .measured("SubmitJob -> SUCCEEDED p99", Report.ms(succeeded.percentile(99)))
        .measured("SubmitJob -> RUNNING max", Report.ms(running.max()));
    Map<String, Stats> series = new LinkedHashMap<>();
    series.put("SubmitJob call", calls);
    series.put("to RUNNING", running);
    series.put("to SUCCEEDED", succeeded);
    report.percentilePlot(run.resultsDir(), "latency.png",
        String.format(Locale.ROOT, "latency: %d single jobs on an idle system", jobs), series);
    return report;
  }

  private static JobDetail await(BatchClient batch, String id) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      JobDetail job = batch.describeJobs(b -> b.jobs(id)).jobs().get(0);
      if (Drover.finished(job)) {
        if (job.status() != JobStatus.SUCCEEDED) {
          throw new IllegalStateException("job " + id + " " + job.status() + ": " + job.statusReason());
        }
        return job;
      }
      Thread.sleep(POLL_MS);
    }
    throw new IllegalStateException("job " + id + " did not finish within 60 s");
  }
}
