package io.drover.loadtest.bench;

import io.drover.loadtest.bench.BenchMain.Run;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.CEState;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobStatus;

/**
 * Many simulated hosts and many runnable jobs: one controller; one fleet process running 10,000
 * virtual agents (the no-op executor: an attempt "runs" for a set time, no process); 100,000 jobs
 * submitted while the compute environment is disabled, then the environment is enabled and the
 * scheduler places them all. Measured: placements per second (from the jobs' start times and the
 * scheduler's own pass statistics), scheduling pass time, and the controller's heap and CPU.
 */
final class Scale implements BenchMain.Scenario {

  private static final String DEFINITION = "bench-noop";
  private static final Pattern PASS_STATS = Pattern.compile(
      "Scheduler passes: (\\d+) in (\\d+) s, mean ([0-9.]+) ms, longest ([0-9.]+) ms; (\\d+) placements \\(([0-9.]+)/s\\)");

  @Override
  public String name() {
    return "scale";
  }

  @Override
  public String description() {
    return "10,000 simulated hosts (no-op executor) and 100,000 runnable jobs: placements/s, scheduling pass time, "
        + "controller heap and CPU";
  }

  @Override
  public String options() {
    return "--hosts 10000 --jobs 100000 --host-vcpus 2 --run-time 1s --clients 32";
  }

  @Override
  public Report run(Run run) throws Exception {
    int hosts = run.intOption("hosts", 10_000);
    int jobs = run.intOption("jobs", 100_000);
    int hostVcpus = run.intOption("host-vcpus", 2);
    String runTime = run.option("run-time", "1s");
    int clients = run.intOption("clients", 32);
    Stack stack = run.stack();
    stack.startCassandra("1g");
    Stack.Node controller = stack.start("controller", "controller", List.of(), List.of(), Map.of(),
        Map.of("drover.controller.scheduler.stats-interval", "5s"), "2g", List.of());
    stack.awaitReady(controller, Duration.ofMinutes(3));
    try (BatchClient batch = Drover.client(controller.endpoint())) {
      Drover.createQueue(batch);
      Drover.define(batch, DEFINITION, List.of("true"), "1", 16);
      batch.updateComputeEnvironment(b -> b.computeEnvironment(Drover.COMPUTE_ENVIRONMENT).state(CEState.DISABLED));

      long fleetStart = System.nanoTime();
      Stack.Node fleet = stack.start("fleet", "fleet", List.of(), List.of(controller), Map.of(), Map.of(), "2g", List.of(
          "--agents", Integer.toString(hosts), "--vcpus", Integer.toString(hostVcpus), "--memory", "4096",
          "--compute-environment", Drover.COMPUTE_ENVIRONMENT, "--run-time", runTime));
      stack.awaitReady(fleet, Duration.ofMinutes(5));

      long submitStart = System.nanoTime();
      ConcurrentLinkedQueue<String> accepted = new ConcurrentLinkedQueue<>();
      Drover.submitJobs(batch, "scale", DEFINITION, jobs, clients, accepted, new ConcurrentLinkedQueue<>());
      if (accepted.size() < jobs) {
        throw new IllegalStateException("only " + accepted.size() + " of " + jobs + " jobs were accepted");
      }
      List<String> ids = new ArrayList<>(accepted);
      double submitSeconds = (System.nanoTime() - submitStart) / 1e9;
      double fleetSeconds = (submitStart - fleetStart) / 1e9;

      ProcessStats.CpuWindow cpu = new ProcessStats.CpuWindow(Map.of(
          "controller", controller.pid(), "fleet", fleet.pid(), "cassandra", stack.cassandraPid()));
      CassandraRequests.Counts before = CassandraRequests.read(stack.cassandraPort());
      long enabledAt = System.currentTimeMillis();
      batch.updateComputeEnvironment(b -> b.computeEnvironment(Drover.COMPUTE_ENVIRONMENT).state(CEState.ENABLED));
      List<JobDetail> done = Drover.awaitFinished(batch, ids, Duration.ofMinutes(60));
      Map<String, ProcessStats.Cores> cores = cpu.cores();
      CassandraRequests.Counts requests = CassandraRequests.read(stack.cassandraPort()).since(before);

      // A job that failed before it started has no start time; it is counted, not plotted.
      List<Long> starts = new ArrayList<>();
      List<JobDetail> failed = new ArrayList<>();
      for (JobDetail job : done) {
        if (job.startedAt() != null) {
          starts.add(job.startedAt());
        }
        if (job.status() == JobStatus.FAILED) {
          failed.add(job);
        }
      }
      if (starts.isEmpty()) {
        throw new IllegalStateException("no job started; " + failed.size() + " FAILED");
      }
      starts.sort(null);
      double placingSeconds = (starts.get(starts.size() - 1) - enabledAt) / 1000.0;
      List<double[]> plot = Report.perSecond(starts, enabledAt);
      int peak = (int) plot.stream().mapToDouble(p -> p[1]).max().orElse(0);
      double average = starts.size() / placingSeconds;

      double meanPass = 0;
      double longestPass = 0;
      long passes = 0;
      for (String line : Files.readAllLines(controller.log())) {
        Matcher m = PASS_STATS.matcher(line);
        if (m.find()) {
          long count = Long.parseLong(m.group(1));
          meanPass += Double.parseDouble(m.group(3)) * count;
          passes += count;
          longestPass = Math.max(longestPass, Double.parseDouble(m.group(4)));
        }
      }
      ProcessStats.Heap heap = ProcessStats.Heap.from(controller.gcLog());
      ProcessStats.Heap fleetHeap = ProcessStats.Heap.from(fleet.gcLog());

      Report report = new Report(name(), description())
          .setting("simulated hosts", hosts + " virtual agents in one fleet JVM, " + hostVcpus + " vCPUs each, run time "
              + runTime)
          .setting("jobs", jobs + " (1 vCPU, 16 MiB), submitted by " + clients + " clients while the compute environment was "
              + "disabled, then placed when it was enabled")
          .setting("controller", "one, -Xmx2g, G1; scheduler stats every 5 s");
      report.measured("placements per second (average, enable -> last start)", Report.rate(average, "/s"), ">= 3,750/s",
              average >= 3750)
          .measured("placements per second (busiest second)", Report.rate(peak, "/s"))
          .measured("scheduling pass time mean / longest",
              passes == 0 ? "-" : Report.ms(meanPass / passes) + " / " + Report.ms(longestPass))
          .measured("controller heap peak / max after GC", heap.peakMib() + " / " + heap.maxAfterGcMib() + " MiB", "< 1 GiB",
              heap.peakMib() < 1024)
          .measured("controller CPU while placing", cores.get("controller").toString())
          .measured("fleet CPU while placing", cores.get("fleet").toString())
          .measured("Cassandra CPU while placing", cores.get("cassandra").toString())
          .measured("fleet heap peak", fleetHeap.peakMib() + " MiB")
          .measured("fleet process ready in", Report.seconds(fleetSeconds))
          .measured("submission of the jobs", Report.seconds(submitSeconds) + " (" + Report.rate(jobs / submitSeconds, "jobs/s")
              + ")")
          .measured("all placed in", Report.seconds(placingSeconds))
          .measured("jobs FAILED", failed.isEmpty() ? "0" : failed.size() + ", e.g. " + failed.get(0).jobId() + ": "
              + failed.get(0).statusReason(), "0", failed.isEmpty());
      requests.addTo(report, "job", jobs);
      report.timePlot(run.resultsDir(), "placements.png", "scale: placements per second after the environment is enabled",
          "placements/s", Map.of("placements", plot));
      return report;
    }
  }

}
