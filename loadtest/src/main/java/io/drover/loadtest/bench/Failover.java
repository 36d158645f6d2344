package io.drover.loadtest.bench;

import io.drover.loadtest.bench.BenchMain.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.BatchException;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobStatus;

/**
 * Three controllers and one agent under a steady stream of short jobs; then kill -9 of the oldest
 * controller (it hosts the scheduler singleton and a third of the jobs' shards). Measured: how long
 * after the kill jobs submitted after it start running (placements resume), the steps on the way
 * there as the surviving nodes logged them ({@link FailoverTimeline}), the longest pause in job
 * starts, and what clients saw meanwhile.
 *
 * <p>The kill comes after two minutes of load by default, on a cluster in service: in a new
 * cluster's first minute on two cores, its five JVMs still compile and its job shards get their
 * first homes one at a time (a whole-state write to every controller each), so jobs back up there
 * and a kill then measures that backlog as much as the failover. {@code --before 30} measures it.
 */
final class Failover implements BenchMain.Scenario {

  private static final String DEFINITION = "bench-true";
  /** How a SubmitJob 503 after an ask timeout names the job it may still create. */
  private static final Pattern NAMED_JOB = Pattern.compile("so job (\\S+) may or may not have been created");

  @Override
  public String name() {
    return "failover";
  }

  @Override
  public String description() {
    return "three controllers, one agent, a steady stream of jobs; kill -9 the oldest controller: "
        + "seconds until placements resume";
  }

  @Override
  public String options() {
    return "--rate 20 --before 120 --after 40 --stable-after <conf/cluster.conf's, 20s>";
  }

  private record Submission(long at, String jobId) {}

  /** The job a refused SubmitJob's 503 names as maybe created after all; null when it names none. */
  private static String namedJob(RuntimeException refusal) {
    if (!(refusal instanceof BatchException error) || error.awsErrorDetails() == null) {
      return null;
    }
    Matcher named = NAMED_JOB.matcher(String.valueOf(error.awsErrorDetails().errorMessage()));
    return named.find() ? named.group(1) : null;
  }

  /** The failover's steps as the survivors logged them (see {@link FailoverTimeline}). */
  private static String timeline(Stack.Node killed, List<Stack.Node> survivors, long killedAt) throws IOException {
    Optional<String> address = FailoverTimeline.address(Files.readAllLines(killed.log()));
    if (address.isEmpty()) {
      return "not found: " + killed.log() + " has no start-up line with its address";
    }
    List<List<String>> logs = new ArrayList<>();
    for (Stack.Node node : survivors) {
      logs.add(Files.readAllLines(node.log()));
    }
    return FailoverTimeline.describe(FailoverTimeline.read(logs, address.get(), killedAt, ZoneId.systemDefault()));
  }

  @Override
  public Report run(Run run) throws Exception {
    int rate = run.intOption("rate", 20);
    int before = run.intOption("before", 120);
    int after = run.intOption("after", 40);
    String stableAfter = run.option("stable-after", "");
    Map<String, String> sbr = stableAfter.isEmpty() ? Map.of() : Map.of("DROVER_SBR_STABLE_AFTER", stableAfter);
    Stack stack = run.stack();
    stack.startCassandra("1g");
    Stack.Node c1 = stack.start("controller-1", "controller", List.of(), List.of(), sbr, Map.of(), "768m", List.of());
    stack.awaitReady(c1, Duration.ofMinutes(3));
    Stack.Node c2 = stack.start("controller-2", "controller", List.of(), List.of(c1), sbr, Map.of(), "768m", List.of());
    Stack.Node c3 = stack.start("controller-3", "controller", List.of(), List.of(c1), sbr, Map.of(), "768m", List.of());
    stack.awaitReady(c2, Duration.ofMinutes(3));
    stack.awaitReady(c3, Duration.ofMinutes(3));
    Map<String, String> agentEnv = new HashMap<>(sbr);
    agentEnv.putAll(Map.of("DROVER_EXECUTOR", "process", "DROVER_VCPUS", "16",
        "DROVER_COMPUTE_ENVIRONMENT", Drover.COMPUTE_ENVIRONMENT, "DROVER_AGENT_ID", "bench-agent", "DROVER_DRAIN_GRACE", "0s"));
    Stack.Node agent = stack.start("agent", "agent", List.of(), List.of(c1, c2, c3), agentEnv, Map.of(), "512m", List.of());
    stack.awaitReady(agent, Duration.ofMinutes(3));

    ConcurrentLinkedQueue<Submission> accepted = new ConcurrentLinkedQueue<>();
    AtomicInteger refused = new AtomicInteger();
    AtomicInteger refusedAfterKill = new AtomicInteger();
    ConcurrentLinkedQueue<String> refusedJobs = new ConcurrentLinkedQueue<>();
    AtomicBoolean killed = new AtomicBoolean();
    long killedAt;
    try (BatchClient b2 = Drover.client(c2.endpoint()); BatchClient b3 = Drover.client(c3.endpoint())) {
      Drover.createQueue(b2);
      Drover.define(b2, DEFINITION, List.of("true"), "1", 16);
      // Submissions leave at the rate whatever the answers take: a call stuck on the killed
      // controller's shards must not hold up the ones behind it.
      ExecutorService callers = Executors.newFixedThreadPool(64);
      ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
      AtomicInteger sent = new AtomicInteger();
      clock.scheduleAtFixedRate(() -> {
        BatchClient batch = sent.getAndIncrement() % 2 == 0 ? b2 : b3;
        callers.submit(() -> {
          long at = System.currentTimeMillis();
          try {
            String id = batch.submitJob(b -> b.jobName("failover").jobQueue(Drover.QUEUE).jobDefinition(DEFINITION)).jobId();
            accepted.add(new Submission(at, id));
          } catch (RuntimeException e) {
            refused.incrementAndGet();
            String named = namedJob(e);
            if (named != null) {
              refusedJobs.add(named);
            }
            if (killed.get()) {
              refusedAfterKill.incrementAndGet();
            }
          }
        });
      }, 0, 1_000_000 / rate, TimeUnit.MICROSECONDS);
      Thread.sleep(before * 1000L);
      killedAt = System.currentTimeMillis();
      killed.set(true);
      c1.kill();
      Thread.sleep(after * 1000L);
      clock.shutdownNow();
      callers.shutdown();
      if (!callers.awaitTermination(5, TimeUnit.MINUTES)) {
        throw new IllegalStateException("SubmitJob calls still open 5 minutes after the load stopped");
      }

      List<String> ids = accepted.stream().map(Submission::jobId).toList();
      List<JobDetail> jobs = Drover.awaitFinished(b2, ids, Duration.ofMinutes(10));
      List<JobDetail> refusedButCreated = Drover.describe(b2, List.copyOf(refusedJobs));
      Map<String, Long> submittedAt = new TreeMap<>();
      accepted.forEach(s -> submittedAt.put(s.jobId(), s.at()));
      long firstStartAfterKill = Long.MAX_VALUE;
      List<Long> starts = new ArrayList<>();
      int failed = 0;
      List<String> notSucceeded = new ArrayList<>();
      for (JobDetail job : jobs) {
        if (job.status() != JobStatus.SUCCEEDED || job.startedAt() == null) {
          failed++;
          notSucceeded.add(job.jobId() + " (" + job.status() + ", startedAt " + job.startedAt() + ", "
              + job.statusReason() + ")");
          continue;
        }
        starts.add(job.startedAt());
        if (submittedAt.get(job.jobId()) >= killedAt) {
          firstStartAfterKill = Math.min(firstStartAfterKill, job.startedAt());
        }
      }
      starts.sort(null);
      long longestPause = 0;
      for (int i = 1; i < starts.size(); i++) {
        if (starts.get(i) >= killedAt) {
          longestPause = Math.max(longestPause, starts.get(i) - Math.max(starts.get(i - 1), killedAt));
        }
      }
      if (firstStartAfterKill == Long.MAX_VALUE) {
        throw new IllegalStateException("no job submitted after the kill ran; see the controllers' logs in "
            + c2.log().getParent());
      }
      double resume = (firstStartAfterKill - killedAt) / 1000.0;
      long first = starts.isEmpty() ? killedAt : starts.get(0);
      List<double[]> startsPlot = Report.perSecond(starts, first);
      List<double[]> killMark = List.of(new double[] {(killedAt - first) / 1000.0, 0}, new double[] {(killedAt - first) / 1000.0, rate});

      Report report = new Report(name(), description())
          .setting("controllers", "3 (-Xmx768m each); the oldest, killed, hosts the scheduler singleton")
          .setting("agent", "1, process executor, 16 vCPU slots")
          .setting("load", rate + " SubmitJob/s (`true`, 1 vCPU), alternating between the two surviving controllers")
          .setting("timeline", before + " s of load, kill -9, " + after + " s of load")
          .setting("split brain resolver", "keep-majority, stable-after "
              + (stableAfter.isEmpty() ? "as conf/cluster.conf sets it (20s)" : stableAfter));
      report.measured("placements resume after kill -9", Report.seconds(resume), "<= 10 s", resume <= 10)
          .measured("steps after the kill (surviving nodes' logs)", timeline(c1, List.of(c2, c3, agent), killedAt))
          .measured("longest pause in job starts", Report.seconds(longestPause / 1000.0))
          .measured("jobs accepted / refused (refused after the kill)",
              accepted.size() + " / " + refused.get() + " (" + refusedAfterKill.get() + ")")
          .measured("accepted jobs SUCCEEDED with a start time / not", (jobs.size() - failed) + " / " + failed)
          .measured("refused calls that named their job / whose job was created after all",
              refusedJobs.size() + " / " + refusedButCreated.size());
      if (!notSucceeded.isEmpty()) {
        report.note("Accepted jobs not SUCCEEDED with a start time (the first 10): "
            + String.join("; ", notSucceeded.subList(0, Math.min(10, notSucceeded.size()))));
      }
      report.timePlot(run.resultsDir(), "starts.png", "failover: job starts per second (vertical line: kill -9)", "jobs/s",
          Map.of("job starts", startsPlot, "kill -9", killMark));
      return report;
    }
  }
}
