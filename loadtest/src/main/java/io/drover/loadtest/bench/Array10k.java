package io.drover.loadtest.bench;

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
 * job SUCCEEDED. A smaller array runs first, unmeasured, so that both JVMs are warm.
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
    return "--children 10000 --slots 64 --warmup 500";
  }

  @Override
  public Report run(Run run) throws Exception {
    int children = run.intOption("children", 10_000);
    int slots = run.intOption("slots", 64);
    int warmup = run.intOption("warmup", 500);
    Stack.Node node = run.stack().startSingleNode("process", slots);
    try (BatchClient batch = Drover.client(node.endpoint())) {
      Drover.createQueue(batch);
      Drover.define(batch, DEFINITION, List.of("true"), "1", 16);
      if (warmup > 0) {
        runArray(batch, warmup, new ArrayList<>());
      }
      ProcessStats.CpuWindow cpu = new ProcessStats.CpuWindow(Map.of(
          "drover", node.pid(), "cassandra", run.stack().cassandraPid()));
      CassandraRequests.Counts before = CassandraRequests.read(run.stack().cassandraPort());
      List<double[]> progress = new ArrayList<>();
      long t0 = System.nanoTime();
      JobDetail array = runArray(batch, children, progress);
      double seconds = (System.nanoTime() - t0) / 1e9;
      CassandraRequests.Counts requests = CassandraRequests.read(run.stack().cassandraPort()).since(before);
      Map<String, Double> cores = cpu.cores();
      double jobCores = cpu.childrenCores("drover");
      double machineCores = cpu.machineCores();
      ProcessStats.Heap heap = ProcessStats.Heap.from(node.gcLog());

      Report report = new Report(name(), description())
          .setting("children", children)
          .setting("agent vCPU slots", slots)
          .setting("child resources", "1 vCPU, 16 MiB, command `true`")
          .setting("warm-up array (not measured)", warmup + " children")
          .setting("Drover JVM", "one process, controller + agent roles, -Xmx2g, G1");
      report.measured("SubmitJob -> array SUCCEEDED", Report.seconds(seconds), "<= 12 s", seconds <= 12)
          .measured("children per second", Report.rate(children / seconds, "/s"))
          .measured("array status", array.status() + " " + array.arrayProperties().statusSummary())
          .measured("CPU, Drover process", String.format(java.util.Locale.ROOT, "%.2f cores", cores.get("drover")))
          .measured("CPU, Cassandra", String.format(java.util.Locale.ROOT, "%.2f cores", cores.get("cassandra")))
          .measured("CPU, job processes (launcher and true)", String.format(java.util.Locale.ROOT, "%.2f cores", jobCores))
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
