package io.drover.loadtest.bench;

import io.drover.core.job.ArraySpec;
import io.drover.loadtest.bench.BenchMain.Run;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.ArrayPropertiesDetail;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobStatus;

/**
 * One array job of 10,000 children running {@code true} with the process executor, on one agent
 * offering 64 vCPU slots (a child takes 1 vCPU and 16 MiB): the time from SubmitJob to the array
 * job SUCCEEDED. {@code --warmup} children run first, unmeasured, in arrays of at most 10,000 (the
 * largest array the API accepts), so that both JVMs are warm: 30,000 by default, since after 500 or
 * 10,000 the JIT compilers of Drover and Cassandra still took a quarter to a third of the machine
 * through the measured part.
 */
final class Array10k implements BenchMain.Scenario {

  private static final String DEFINITION = "bench-true";

  @Override
  public String name() {
    return "array10k";
  }

  @Override
  public String description() {
    return "one array of 10,000 children running `true` (process executor, one agent, 64 vCPU slots, "
        + "children 1 vCPU / 16 MiB): SubmitJob to the array SUCCEEDED";
  }

  @Override
  public String options() {
    return "--children 10000 --slots 64 --warmup 30000";
  }

  @Override
  public Report run(Run run) throws Exception {
    int children = run.intOption("children", 10_000);
    int slots = run.intOption("slots", 64);
    int warmup = run.intOption("warmup", 30_000);
    Stack.Node node = run.stack().startSingleNode("process", slots);
    try (BatchClient batch = Drover.client(node.endpoint())) {
      Drover.createQueue(batch);
      Drover.define(batch, DEFINITION, List.of("true"), "1", 16);
      for (int left = warmup; left > 0; left -= ArraySpec.MAX_SIZE) {
        runArray(batch, Math.max(ArraySpec.MIN_SIZE, Math.min(left, ArraySpec.MAX_SIZE)), new ArrayList<>());
      }
      ProcessStats.CpuWindow cpu = new ProcessStats.CpuWindow(Map.of(
          "drover", node.pid(), "cassandra", run.stack().cassandraPid()));
      CassandraRequests.Counts before = CassandraRequests.read(run.stack().cassandraPort());
      List<double[]> progress = new ArrayList<>();
      long t0 = System.nanoTime();
      JobDetail array = runArray(batch, children, progress);
      double seconds = (System.nanoTime() - t0) / 1e9;
      CassandraRequests.Counts requests = CassandraRequests.read(run.stack().cassandraPort()).since(before);
      Map<String, ProcessStats.Cores> cores = cpu.cores();
      double jobCores = cpu.descendantsCores("drover");
      double machineCores = cpu.machineCores();
      ProcessStats.Heap heap = ProcessStats.Heap.from(node.gcLog());

      Report report = new Report(name(), description())
          .setting("children", children)
          .setting("agent vCPU slots", slots)
          .setting("child resources", "1 vCPU, 16 MiB, command `true`")
          .setting("warm-up (not measured)", warmup + " children, in arrays of at most 10,000")
          .setting("Drover JVM", "one process, controller + agent roles, -Xmx2g, G1");
      report.measured("SubmitJob -> array SUCCEEDED", Report.seconds(seconds), "<= 12 s", seconds <= 12)
          .measured("children per second", Report.rate(children / seconds, "/s"))
          .measured("array status", array.status() + " " + array.arrayProperties().statusSummary())
          .measured("CPU, Drover process", cores.get("drover").toString())
          .measured("CPU, Cassandra", cores.get("cassandra").toString())
          .measured("CPU, job processes (drover-spawn and true)", String.format(java.util.Locale.ROOT, "%.2f cores", jobCores))
          .measured("CPU, whole machine", String.format(java.util.Locale.ROOT, "%.2f of %d cores busy", machineCores,
              Runtime.getRuntime().availableProcessors()))
          .measured("Drover heap peak / max after GC", heap.peakMib() + " / " + heap.maxAfterGcMib() + " MiB");
      requests.addTo(report, "child", children);
      report.timePlot(run.resultsDir(), "progress.png", "array10k: children succeeded since SubmitJob", "children",
          Map.of("succeeded", progress));
      return report;
    }
  }

  /** Submits an array and polls it every 100 ms until it has finished, noting (seconds, succeeded) as it goes. */
  private static JobDetail runArray(BatchClient batch, int size, List<double[]> progress) throws InterruptedException {
    long t0 = System.nanoTime();
    String jobId = batch.submitJob(b -> b.jobName("array10k").jobQueue(Drover.QUEUE).jobDefinition(DEFINITION)
        .arrayProperties(a -> a.size(size))).jobId();
    long deadline = t0 + Duration.ofMinutes(30).toNanos();
    while (System.nanoTime() < deadline) {
      JobDetail job = batch.describeJobs(b -> b.jobs(jobId)).jobs().get(0);
      ArrayPropertiesDetail summary = job.arrayProperties();
      Integer succeeded = summary.statusSummary().get(JobStatus.SUCCEEDED.toString());
      progress.add(new double[] {(System.nanoTime() - t0) / 1e9, succeeded == null ? 0 : succeeded});
      if (Drover.finished(job)) {
        if (job.status() != JobStatus.SUCCEEDED) {
          throw new IllegalStateException("the array job " + job.status() + ": " + summary.statusSummary());
        }
        return job;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the array job did not finish within 30 minutes");
  }
}
