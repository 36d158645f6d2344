package io.drover.loadtest.jmh;

import io.drover.core.model.Resources;
import io.drover.core.scheduling.ComputeEnvironmentView;
import io.drover.core.scheduling.FairShareView;
import io.drover.core.scheduling.HostView;
import io.drover.core.scheduling.JobTicket;
import io.drover.core.scheduling.QueueView;
import io.drover.core.scheduling.Scheduler;
import io.drover.core.scheduling.SchedulerOptions;
import io.drover.core.scheduling.SchedulingDecision;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One scheduling pass over 100,000 RUNNABLE jobs in 1,000 shares of a fair-share queue (or one
 * FIFO queue) against 10,000 hosts in two compute environments, half of them partly busy, a fifth
 * of them Spot. Jobs ask for 0.5 to 4 vCPU and 0.5 to 8 GiB, so about half of them fit: the pass
 * both places and explains. Some jobs waited long enough to hold a host. Target: under 50 ms.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 10, time = 2)
@Measurement(iterations = 5, time = 2)
// Pre-touched heap: on a VM, first touches of fresh heap pages cost page faults that otherwise
// come and go with the young generation's size and swamp the pass itself.
@Fork(value = 1, jvmArgs = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class SchedulingPassBenchmark {

  private static final long NOW = 10_000_000;

  @Param({"100000"})
  public int jobs;

  @Param({"1000"})
  public int shares;

  @Param({"10000"})
  public int hosts;

  @Param({"fair-share", "fifo"})
  public String policy;

  private List<QueueView> queues;
  private Map<String, ComputeEnvironmentView> computeEnvironments;
  private List<HostView> hostViews;
  private final SchedulerOptions options = new SchedulerOptions(300_000);

  @Setup
  public void setUp() {
    Random random = new Random(42);
    computeEnvironments = Map.of(
        "spot", ComputeEnvironmentView.unlimited("spot", true),
        "on-demand", new ComputeEnvironmentView("on-demand", true, 64_000_000, 0));
    hostViews = new ArrayList<>(hosts);
    for (int h = 0; h < hosts; h++) {
      boolean spot = h % 5 == 0;
      Resources capacity = new Resources(16_000, 65_536, h % 50 == 0 ? 4 : 0);
      Resources allocated = random.nextBoolean()
          ? new Resources(1000L * random.nextInt(17), 4096L * random.nextInt(17), 0)
          : Resources.ZERO;
      hostViews.add(new HostView("agent-" + h, spot ? "spot" : "on-demand", capacity, allocated, h % 97 != 0, spot));
    }
    List<JobTicket> tickets = new ArrayList<>(jobs);
    boolean fairShare = policy.equals("fair-share");
    for (int j = 0; j < jobs; j++) {
      Resources need = new Resources(500L * (1 + random.nextInt(8)), 512L * (1 + random.nextInt(16)), 0);
      long waited = random.nextInt(1000) == 0 ? 600_000 : random.nextInt(60_000);
      tickets.add(new JobTicket("job-" + j, "q", need, j, random.nextInt(3),
          fairShare ? "share-" + random.nextInt(shares) : null, NOW - waited, null, 0));
    }
    // As a queue offers them: first in, first out; or each share's line in turn, by priority.
    tickets.sort(fairShare
        ? Comparator.comparing(JobTicket::shareIdentifier).thenComparing(JobTicket.PRIORITY_THEN_FIFO)
        : JobTicket.FIFO);
    // The scheduler gets them deserialized from the queue's offer: allocated in this order.
    tickets.replaceAll(SchedulingPassBenchmark::copy);
    FairShareView view = null;
    if (fairShare) {
      Map<String, Long> held = new HashMap<>();
      Map<String, Double> past = new HashMap<>();
      for (int s = 0; s < shares; s++) {
        held.put("share-" + s, 1000L * random.nextInt(40));
        past.put("share-" + s, random.nextDouble() * 40);
      }
      view = new FairShareView(share -> share.hashCode() % 4 == 0 ? 0.5 : 1.0, 10, held, past);
    }
    queues = List.of(new QueueView("q", 10, true, List.of("spot", "on-demand"), tickets, view));
  }

  private static JobTicket copy(JobTicket t) {
    return new JobTicket(new String(t.jobId()), t.queue(), new Resources(t.resources().milliCpus(), t.resources().memoryMib(),
        t.resources().gpus()), t.createdAt(), t.schedulingPriority(),
        t.shareIdentifier() == null ? null : new String(t.shareIdentifier()), t.runnableSince(), null, 0);
  }

  @Benchmark
  public SchedulingDecision pass() {
    return Scheduler.schedule(queues, computeEnvironments, hostViews, Map.of(), Map.of(), options, NOW);
  }
}
