package io.drover.loadtest.bench;

import io.drover.loadtest.bench.BenchMain.Run;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.JobDetail;

/**
 * Individual SubmitJob calls from many concurrent clients: accepted jobs per second and the
 * call's latency. No agent serves the queue, so what is measured is acceptance alone. Then every
 * accepted job is shown to be durable: the Drover process is killed (kill -9), started again, and
 * every accepted job id is described.
 */
final class Submit implements BenchMain.Scenario {

  private static final String DEFINITION = "bench-true";

  @Override
  public String name() {
    return "submit";
  }

  @Override
  public String description() {
    return "individual SubmitJob calls from concurrent clients: accepted jobs/s and submit latency; "
        + "then kill -9 and restart Drover and find every accepted job";
  }

  @Override
  public String options() {
    return "--jobs 20000 --clients 64 --warmup 20000";
  }

  @Override
  public Report run(Run run) throws Exception {
    int jobs = run.intOption("jobs", 20_000);
    int clients = run.intOption("clients", 64);
    int warmup = run.intOption("warmup", 20_000);
    Stack stack = run.stack();
    stack.startCassandra("1g");
    Stack.Node node = stack.start("controller", "controller", List.of(), List.of(), Map.of(), Map.of(), "2g", List.of());
    stack.awaitReady(node, Duration.ofMinutes(3));
    List<String> accepted;
    Stats latency;
    double seconds;
    Map<String, ProcessStats.Cores> cores;
    List<double[]> perSecond;
    CassandraRequests.Counts requests;
    try (BatchClient batch = Drover.client(node.endpoint())) {
      Drover.createQueue(batch);
      Drover.define(batch, DEFINITION, List.of("true"), "1", 16);
      Drover.submitJobs(batch, "submit", DEFINITION, warmup, clients, new ConcurrentLinkedQueue<>(), new ConcurrentLinkedQueue<>());
      ConcurrentLinkedQueue<String> ids = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<long[]> calls = new ConcurrentLinkedQueue<>();
      ProcessStats.CpuWindow cpu = new ProcessStats.CpuWindow(Map.of("drover", node.pid(), "cassandra", stack.cassandraPid()));
      CassandraRequests.Counts before = CassandraRequests.read(stack.cassandraPort());
      long t0 = System.nanoTime();
      Drover.submitJobs(batch, "submit", DEFINITION, jobs, clients, ids, calls);
      seconds = (System.nanoTime() - t0) / 1e9;
      requests = CassandraRequests.read(stack.cassandraPort()).since(before);
      if (ids.isEmpty()) {
        throw new IllegalStateException("Drover accepted none of the " + jobs + " SubmitJob calls; see " + node.log());
      }
      cores = cpu.cores();
      accepted = new ArrayList<>(ids);
      List<Double> millis = new ArrayList<>();
      List<Long> completedAt = new ArrayList<>();
      for (long[] call : calls) {
        millis.add(call[1] / 1e6);
        completedAt.add((call[0] + call[1] - t0) / 1_000_000);
      }
      perSecond = Report.perSecond(completedAt, 0);
      latency = new Stats(millis);
    }
    ProcessStats.Heap heap = ProcessStats.Heap.from(node.gcLog());

    node.kill();
    Stack.Node restarted = stack.start("controller-restarted", "controller", List.of(), List.of(), Map.of(), Map.of(), "2g",
        List.of());
    stack.awaitReady(restarted, Duration.ofMinutes(3));
    int found;
    try (BatchClient batch = Drover.client(restarted.endpoint())) {
      Set<String> present = new HashSet<>();
      for (JobDetail job : Drover.describe(batch, accepted)) {
        present.add(job.jobId());
      }
      found = present.size();
    }

    double rate = accepted.size() / seconds;
    Report report = new Report(name(), description())
        .setting("jobs (measured)", jobs)
        .setting("concurrent clients", clients + " threads, AWS SDK v2 BatchClient (url-connection)")
        .setting("warm-up (not measured)", warmup + " jobs")
        .setting("Drover JVM", "one controller, -Xmx2g, G1; no agent (jobs stay RUNNABLE)");
    report.measured("accepted jobs per second", Report.rate(rate, "jobs/s"), ">= 2,000 jobs/s", rate >= 2000)
        .measured("SubmitJob p50", Report.ms(latency.percentile(50)))
        .measured("SubmitJob p99", Report.ms(latency.percentile(99)), "< 50 ms", latency.percentile(99) < 50)
        .measured("SubmitJob max", Report.ms(latency.max()))
        .measured("accepted / failed calls", accepted.size() + " / " + (jobs - accepted.size()))
        .measured("durable: found after kill -9 + restart", found + " of " + accepted.size(), "all",
            found == accepted.size())
        .measured("CPU, Drover process", cores.get("drover").toString())
        .measured("CPU, Cassandra", cores.get("cassandra").toString())
        .measured("Drover heap peak / max after GC", heap.peakMib() + " / " + heap.maxAfterGcMib() + " MiB");
    requests.addTo(report, "accepted job", accepted.size());
    report.percentilePlot(run.resultsDir(), "latency.png", "submit: SubmitJob latency", Map.of("SubmitJob", latency));
    report.timePlot(run.resultsDir(), "throughput.png", "submit: jobs accepted per second", "jobs/s",
        Map.of("accepted", perSecond));
    return report;
  }

}
