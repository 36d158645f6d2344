package io.drover.core.scheduling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.core.model.Resources;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SchedulerTest {

  private static final Map<String, ComputeEnvironmentView> ENABLED_CES = Map.of(
      "ce-1", ComputeEnvironmentView.unlimited("ce-1", true),
      "ce-2", ComputeEnvironmentView.unlimited("ce-2", true));

  private static Resources cpu(double vcpus, long memoryMib) {
    return Resources.of(vcpus, memoryMib, 0);
  }

  private static JobTicket job(String id, String queue, Resources resources) {
    return JobTicket.of(id, queue, resources, 0);
  }

  private static HostView idleHost(String agentId, String ce, Resources capacity) {
    return new HostView(agentId, ce, capacity, Resources.ZERO, true);
  }

  private static QueueView queue(String name, int priority, List<String> ces, JobTicket... jobs) {
    return new QueueView(name, priority, true, ces, List.of(jobs));
  }

  /** The agent each assigned job went to. */
  private static Map<String, String> placements(SchedulingDecision decision) {
    return decision.assignments().stream()
        .collect(Collectors.toMap(a -> a.job().jobId(), Assignment::agentId, (a, b) -> a + "," + b, LinkedHashMap::new));
  }

  private static String reason(SchedulingDecision decision, String jobId) {
    String reason = decision.waiting().get(jobId);
    assertNotNull(reason, () -> jobId + " should be waiting; decision: " + decision);
    return reason;
  }

  private static void assertContains(String text, String fragment) {
    assertTrue(text.contains(fragment), () -> "expected '" + fragment + "' in: " + text);
  }

  // ---- the invariant, over random scenarios

  @Test
  void neverOverCommitsAHostAndAccountsForEveryJob() {
    for (long seed = 0; seed < 200; seed++) {
      Scenario scenario = Scenario.random(new Random(seed));
      SchedulingDecision decision = Scheduler.schedule(scenario.queues, scenario.computeEnvironments, scenario.hosts);
      scenario.check(decision, "seed " + seed);
    }
  }

  /** A random mix of compute environments, hosts (some busy, some draining) and queues of jobs. */
  private record Scenario(
      List<QueueView> queues, Map<String, ComputeEnvironmentView> computeEnvironments, List<HostView> hosts) {

    static Scenario random(Random random) {
      Map<String, ComputeEnvironmentView> ces = new HashMap<>();
      List<HostView> hosts = new ArrayList<>();
      int ceCount = 1 + random.nextInt(3);
      for (int c = 0; c < ceCount; c++) {
        String ce = "ce-" + c;
        ces.put(ce, ComputeEnvironmentView.unlimited(ce, random.nextInt(6) != 0));
        int hostCount = random.nextInt(6);
        for (int h = 0; h < hostCount; h++) {
          Resources capacity = new Resources(
              1000L * (1 + random.nextInt(16)), 512L * (1 + random.nextInt(64)), random.nextInt(4) == 0 ? 1 + random.nextInt(4) : 0);
          Resources allocated = new Resources(
              random.nextInt((int) capacity.milliCpus() + 2000), random.nextInt((int) capacity.memoryMib() + 1024),
              random.nextInt(capacity.gpus() + 1));
          hosts.add(new HostView(ce + "-host-" + h, ce, capacity, random.nextBoolean() ? Resources.ZERO : allocated,
              random.nextInt(8) != 0));
        }
      }
      List<QueueView> queues = new ArrayList<>();
      int queueCount = 1 + random.nextInt(3);
      int jobNumber = 0;
      for (int q = 0; q < queueCount; q++) {
        String name = "q-" + q;
        List<String> order = new ArrayList<>(ces.keySet());
        Collections.shuffle(order, random);
        order = order.subList(0, 1 + random.nextInt(order.size()));
        List<JobTicket> jobs = new ArrayList<>();
        int jobCount = random.nextInt(25);
        for (int j = 0; j < jobCount; j++) {
          Resources need = new Resources(
              250L * (1 + random.nextInt(32)), 128L * (1 + random.nextInt(128)), random.nextInt(5) == 0 ? 1 + random.nextInt(2) : 0);
          jobs.add(JobTicket.of("job-" + jobNumber++, name, need, j));
        }
        queues.add(new QueueView(name, random.nextInt(3), random.nextInt(8) != 0, order, jobs));
      }
      return new Scenario(queues, ces, hosts);
    }

    void check(SchedulingDecision decision, String context) {
      Map<String, HostView> hostsById = hosts.stream().collect(Collectors.toMap(HostView::agentId, h -> h));
      Map<String, QueueView> queuesByJob = new HashMap<>();
      queues.forEach(q -> q.jobs().forEach(j -> queuesByJob.put(j.jobId(), q)));
      Map<String, Resources> used = new HashMap<>();
      Set<String> assigned = new HashSet<>();

      for (Assignment assignment : decision.assignments()) {
        String jobId = assignment.job().jobId();
        assertTrue(assigned.add(jobId), context + ": " + jobId + " assigned twice");
        HostView host = hostsById.get(assignment.agentId());
        QueueView queue = queuesByJob.get(jobId);
        assertNotNull(host, context + ": unknown agent " + assignment.agentId());
        assertTrue(host.schedulable(), context + ": placed on unschedulable " + host.agentId());
        assertEquals(host.computeEnvironment(), assignment.computeEnvironment(), context);
        assertTrue(queue.enabled(), context + ": job of disabled queue " + queue.name() + " placed");
        assertTrue(queue.computeEnvironments().contains(assignment.computeEnvironment()),
            context + ": " + jobId + " placed outside its queue's compute environments");
        assertTrue(computeEnvironments.get(assignment.computeEnvironment()).enabled(),
            context + ": placed in disabled " + assignment.computeEnvironment());
        used.merge(host.agentId(), assignment.job().resources(), Resources::plus);
      }
      used.forEach((agentId, total) -> {
        HostView host = hostsById.get(agentId);
        Resources free = host.capacity().minus(host.allocated());
        assertTrue(free.fits(total), context + ": " + agentId + " over-committed: free " + free + ", assigned " + total);
      });
      for (String jobId : queuesByJob.keySet()) {
        assertTrue(assigned.contains(jobId) ^ decision.waiting().containsKey(jobId),
            context + ": " + jobId + " must be either assigned or waiting, not both or neither");
      }
      assertEquals(queuesByJob.keySet().size(), assigned.size() + decision.waiting().size(), context);
    }
  }

  // ---- ordering

  @Test
  void theHigherPriorityQueueIsServedFirstWhenCapacityIsShort() {
    SchedulingDecision decision = Scheduler.schedule(
        List.of(
            queue("a-low", 1, List.of("ce-1"), job("low-1", "a-low", cpu(2, 1024))),
            queue("z-high", 100, List.of("ce-1"), job("high-1", "z-high", cpu(2, 1024)))),
        ENABLED_CES,
        List.of(idleHost("agent-1", "ce-1", cpu(2, 2048))));

    assertEquals(Map.of("high-1", "agent-1"), placements(decision));
    assertContains(reason(decision, "low-1"), "Waiting for capacity");
  }

  @Test
  void jobsInsideAQueueStartInTheQueuesOrder() {
    SchedulingDecision decision = Scheduler.schedule(
        List.of(queue("q", 1, List.of("ce-1"),
            job("first", "q", cpu(1, 512)), job("second", "q", cpu(1, 512)), job("third", "q", cpu(1, 512)))),
        ENABLED_CES,
        List.of(idleHost("agent-1", "ce-1", cpu(2, 4096))));

    assertEquals(List.of("first", "second"), List.copyOf(placements(decision).keySet()));
    assertEquals(Set.of("third"), decision.waiting().keySet());
  }

  @Test
  void aDecisionCutShortKeepsTheJobsServedFirstHigherPriorityThenQueueOrder() {
    SchedulingDecision decision = Scheduler.schedule(
        List.of(
            queue("a-low", 1, List.of("ce-1"), job("low-1", "a-low", cpu(1, 512)), job("low-2", "a-low", cpu(1, 512))),
            queue("z-high", 100, List.of("ce-1"), job("high-1", "z-high", cpu(1, 512)), job("high-2", "z-high", cpu(1, 512)))),
        ENABLED_CES,
        List.of(idleHost("agent-1", "ce-1", cpu(8, 8192))));

    assertEquals(4, decision.assignments().size(), "all four fit");
    assertEquals(List.of("high-1", "high-2", "low-1"), jobIds(decision.assignments(3)));
    assertEquals(List.of("high-1"), jobIds(decision.assignments(1)));
    assertEquals(List.of(), jobIds(decision.assignments(0)));
    assertEquals(decision.assignments(), decision.assignments(10));
  }

  private static List<String> jobIds(List<Assignment> assignments) {
    return assignments.stream().map(a -> a.job().jobId()).toList();
  }

  @Test
  void aFullComputeEnvironmentSpillsToTheNextInOrder() {
    SchedulingDecision decision = Scheduler.schedule(
        List.of(queue("q", 1, List.of("ce-1", "ce-2"), job("j1", "q", cpu(2, 1024)), job("j2", "q", cpu(2, 1024)))),
        ENABLED_CES,
        List.of(idleHost("ce1-host", "ce-1", cpu(2, 2048)), idleHost("ce2-host", "ce-2", cpu(8, 8192))));

    assertEquals(Map.of("j1", "ce1-host", "j2", "ce2-host"), placements(decision));
    assertEquals(List.of("ce-1", "ce-2"), decision.assignments().stream().map(Assignment::computeEnvironment).toList());
  }

  @Test
  void aLargeJobThatDoesNotFitDoesNotBlockSmallerOnesBehindIt() {
    HostView halfBusy = new HostView("agent-1", "ce-1", cpu(8, 16384), cpu(4, 8192), true);

    SchedulingDecision decision = Scheduler.schedule(
        List.of(queue("q", 1, List.of("ce-1"), job("big", "q", cpu(6, 1024)), job("small", "q", cpu(2, 1024)))),
        ENABLED_CES,
        List.of(halfBusy));

    assertEquals(Map.of("small", "agent-1"), placements(decision));
    assertContains(reason(decision, "big"), "Waiting for capacity");
  }

  // ---- placement

  @Test
  void bestFitPicksTheTightestHost() {
    SchedulingDecision decision = Scheduler.schedule(
        List.of(queue("q", 1, List.of("ce-1"), job("j", "q", cpu(2, 1024)))),
        ENABLED_CES,
        List.of(
            idleHost("roomy", "ce-1", cpu(16, 32768)),
            new HostView("snug", "ce-1", cpu(8, 16384), cpu(5, 1024), true),
            idleHost("too-small", "ce-1", cpu(1, 32768))));

    assertEquals(Map.of("j", "snug"), placements(decision));
  }

  @Test
  void bestFitPrefersABusyHostOnATie() {
    SchedulingDecision decision = Scheduler.schedule(
        List.of(queue("q", 1, List.of("ce-1"), job("j", "q", cpu(1, 512)))),
        ENABLED_CES,
        List.of(idleHost("idle", "ce-1", cpu(2, 2048)), new HostView("busy", "ce-1", cpu(4, 4096), cpu(2, 2048), true)));

    assertEquals(Map.of("j", "busy"), placements(decision));
  }

  @Test
  void aJobWithoutGpusAvoidsAGpuHostWhenACpuHostFitsAndAGpuJobTakesTheGpuHost() {
    HostView gpuHost = idleHost("gpu-host", "ce-1", Resources.of(4, 16384, 4));
    HostView cpuHost = idleHost("cpu-host", "ce-1", cpu(32, 65536));

    SchedulingDecision decision = Scheduler.schedule(
        List.of(queue("q", 1, List.of("ce-1"),
            job("cpu-job", "q", cpu(2, 1024)), job("gpu-job", "q", Resources.of(2, 1024, 1)))),
        ENABLED_CES,
        List.of(gpuHost, cpuHost));

    assertEquals(Map.of("cpu-job", "cpu-host", "gpu-job", "gpu-host"), placements(decision));
  }

  @Test
  void unschedulableHostsGetNothing() {
    HostView draining = new HostView("draining", "ce-1", cpu(2, 2048), Resources.ZERO, false);

    SchedulingDecision drainingOnly = Scheduler.schedule(
        List.of(queue("q", 1, List.of("ce-1"), job("j", "q", cpu(1, 512)))), ENABLED_CES, List.of(draining));
    assertEquals(List.of(), drainingOnly.assignments());
    assertEquals(Set.of("j"), drainingOnly.waiting().keySet());

    SchedulingDecision mixed = Scheduler.schedule(
        List.of(queue("q", 1, List.of("ce-1"), job("j", "q", cpu(1, 512)))),
        ENABLED_CES,
        List.of(draining, idleHost("healthy", "ce-1", cpu(64, 262144))));
    assertEquals(Map.of("j", "healthy"), placements(mixed));
  }

  @Test
  void capacityUsedByOneQueueIsNotReusedByAnother() {
    SchedulingDecision decision = Scheduler.schedule(
        List.of(
            queue("a", 2, List.of("ce-1"), job("a1", "a", cpu(3, 1024))),
            queue("b", 1, List.of("ce-1"), job("b1", "b", cpu(3, 1024)))),
        ENABLED_CES,
        List.of(idleHost("agent-1", "ce-1", cpu(4, 4096))));

    assertEquals(Map.of("a1", "agent-1"), placements(decision));
    assertTrue(decision.waiting().containsKey("b1"));
  }

  // ---- why jobs wait

  @Test
  void aDisabledQueueStartsNothingAndSaysSo() {
    SchedulingDecision decision = Scheduler.schedule(
        List.of(new QueueView("paused", 1, false, List.of("ce-1"), List.of(job("j", "paused", cpu(1, 512))))),
        ENABLED_CES,
        List.of(idleHost("agent-1", "ce-1", cpu(4, 4096))));

    assertEquals(List.of(), decision.assignments());
    assertContains(reason(decision, "j"), "Job queue paused is DISABLED");
  }

  @Test
  void aDisabledComputeEnvironmentIsNamedInTheReason() {
    SchedulingDecision decision = Scheduler.schedule(
        List.of(queue("q", 1, List.of("ce-1"), job("j", "q", cpu(1, 512)))),
        Map.of("ce-1", ComputeEnvironmentView.unlimited("ce-1", false)),
        List.of(idleHost("agent-1", "ce-1", cpu(4, 4096))));

    assertEquals(List.of(), decision.assignments());
    assertContains(reason(decision, "j"), "compute environment ce-1 is DISABLED");
  }

  @Test
  void aComputeEnvironmentWithoutHostsIsNamedInTheReason() {
    SchedulingDecision decision = Scheduler.schedule(
        List.of(queue("q", 1, List.of("ce-1"), job("j", "q", cpu(1, 512)))), ENABLED_CES, List.of());

    assertContains(reason(decision, "j"), "no host has joined compute environment ce-1");
  }

  @Test
  void aJobLargerThanEveryHostCanNeverRunAndTheReasonNamesTheLargestHost() {
    SchedulingDecision decision = Scheduler.schedule(
        List.of(queue("q", 1, List.of("ce-1"), job("j", "q", cpu(16, 1024)))),
        ENABLED_CES,
        List.of(idleHost("small", "ce-1", cpu(2, 4096)), idleHost("large", "ce-1", cpu(4, 8192))));

    String reason = reason(decision, "j");
    assertTrue(reason.startsWith("MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - Cannot run"), reason);
    assertContains(reason, "16 vCPU, 1024 MiB");
    assertContains(reason, "largest host: 4 vCPU, 8192 MiB");
  }

  @Test
  void aJobThatFitsAnIdleHostButNotNowIsWaitingForCapacity() {
    SchedulingDecision decision = Scheduler.schedule(
        List.of(queue("q", 1, List.of("ce-1"), job("j", "q", cpu(2, 1024)))),
        ENABLED_CES,
        List.of(new HostView("agent-1", "ce-1", cpu(4, 4096), cpu(3, 1024), true)));

    String reason = reason(decision, "j");
    assertTrue(reason.startsWith("CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY - Waiting for capacity"), reason);
    assertContains(reason, "compute environment ce-1 has no host with 2 vCPU, 1024 MiB free");
  }

  @Test
  void theReasonCoversEveryComputeEnvironmentOfTheQueue() {
    SchedulingDecision decision = Scheduler.schedule(
        List.of(queue("q", 1, List.of("ce-1", "ce-2"), job("j", "q", cpu(2, 1024)))),
        Map.of("ce-1", ComputeEnvironmentView.unlimited("ce-1", false), "ce-2", ComputeEnvironmentView.unlimited("ce-2", true)),
        List.of(new HostView("agent-2", "ce-2", cpu(2, 2048), cpu(1, 0), true)));

    String reason = reason(decision, "j");
    assertTrue(reason.startsWith("CAPACITY:INSUFFICIENT_INSTANCE_CAPACITY - Waiting for capacity"), reason);
    assertContains(reason, "compute environment ce-1 is DISABLED");
    assertContains(reason, "compute environment ce-2 has no host with");
  }

  @Test
  void aJobNoSingleHostCanHoldCanNeverRunEvenWhenEachDimensionFitsSomeHost() {
    SchedulingDecision decision = Scheduler.schedule(
        List.of(queue("q", 1, List.of("ce-1"), job("j", "q", Resources.of(4, 8192, 1)))),
        ENABLED_CES,
        List.of(idleHost("cpu-host", "ce-1", cpu(8, 16384)), idleHost("gpu-host", "ce-1", Resources.of(2, 4096, 1))));

    String reason = reason(decision, "j");
    assertTrue(reason.startsWith("MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - Cannot run"), reason);
    assertFalse(reason.contains("largest host: 8 vCPU, 16384 MiB, 1 GPU"), "no host has 8 vCPU and a GPU: " + reason);
  }

  @Test
  void aDisabledOrEmptyComputeEnvironmentIsNotReportedAsTooSmall() {
    JobTicket job = job("j", "q", cpu(1, 512));
    SchedulingDecision disabled = Scheduler.schedule(
        List.of(queue("q", 1, List.of("ce-1"), job)),
        Map.of("ce-1", ComputeEnvironmentView.unlimited("ce-1", false)),
        List.of(idleHost("agent-1", "ce-1", cpu(4, 4096))));
    SchedulingDecision empty = Scheduler.schedule(List.of(queue("q", 1, List.of("ce-1"), job)), ENABLED_CES, List.of());

    assertFalse(reason(disabled, "j").contains("can ever fit"), reason(disabled, "j"));
    assertFalse(reason(empty, "j").contains("can ever fit"), reason(empty, "j"));
  }

  // ---- placement preferences

  @Test
  void aBusyHostIsFilledBeforeAnIdleOneEvenWhenTheIdleOneFitsTighter() {
    SchedulingDecision decision = Scheduler.schedule(
        List.of(queue("q", 1, List.of("ce-1"), job("j", "q", cpu(1, 512)))),
        ENABLED_CES,
        List.of(idleHost("idle-small", "ce-1", cpu(1, 1024)), new HostView("busy-large", "ce-1", cpu(16, 32768), cpu(2, 1024), true)));

    assertEquals(Map.of("j", "busy-large"), placements(decision));
  }

  @Test
  void spotHostsAreUsedBeforeOnDemandOnes() {
    SchedulingDecision decision = Scheduler.schedule(
        List.of(queue("q", 1, List.of("ce-1"), job("j1", "q", cpu(2, 1024)), job("j2", "q", cpu(2, 1024)))),
        ENABLED_CES,
        List.of(
            new HostView("on-demand", "ce-1", cpu(2, 2048), Resources.ZERO, true, false),
            new HostView("spot", "ce-1", cpu(2, 2048), Resources.ZERO, true, true)));

    assertEquals("spot", placements(decision).get("j1"));
    assertEquals("on-demand", placements(decision).get("j2"));
  }

  @Test
  void aComputeEnvironmentAtItsMaxvCpusTakesNoMoreAndTheJobSpillsOver() {
    Map<String, ComputeEnvironmentView> ces = Map.of(
        "ce-1", new ComputeEnvironmentView("ce-1", true, 4000, 0),
        "ce-2", ComputeEnvironmentView.unlimited("ce-2", true));
    SchedulingDecision decision = Scheduler.schedule(
        List.of(queue("q", 1, List.of("ce-1", "ce-2"), job("j1", "q", cpu(2, 512)), job("j2", "q", cpu(2, 512)))),
        ces,
        List.of(new HostView("a", "ce-1", cpu(8, 8192), cpu(2, 512), true), idleHost("b", "ce-2", cpu(2, 2048))));

    assertEquals(Map.of("j1", "a", "j2", "b"), placements(decision));

    SchedulingDecision full = Scheduler.schedule(
        List.of(queue("q", 1, List.of("ce-1"), job("j3", "q", cpu(3, 512)))),
        ces,
        List.of(new HostView("a", "ce-1", cpu(8, 8192), cpu(2, 512), true)));
    assertContains(reason(full, "j3"), "compute environment ce-1 is at its maxvCpus (2.0 of 4.0 vCPU in use)");

    SchedulingDecision never = Scheduler.schedule(
        List.of(queue("q", 1, List.of("ce-1"), job("j4", "q", cpu(6, 512)))),
        ces,
        List.of(idleHost("a", "ce-1", cpu(8, 8192))));
    assertTrue(reason(never, "j4").startsWith(Scheduler.COMPUTE_ENVIRONMENT_MAX_RESOURCE), reason(never, "j4"));
  }

  // ---- large jobs are not starved

  @Test
  void aLargeJobThatWaitedLongEnoughHoldsTheEmptiestHostWhileSmallJobsUseTheRest() {
    long now = 1_000_000;
    JobTicket big = new JobTicket("big", "q", cpu(8, 1024), 0, 0, null, now - 200_000, null, 0);
    List<HostView> hosts = List.of(
        new HostView("mostly-free", "ce-1", cpu(8, 8192), cpu(2, 512), true),
        new HostView("busier", "ce-1", cpu(8, 8192), cpu(6, 512), true));
    List<JobTicket> jobs = List.of(big, job("s1", "q", cpu(1, 128)), job("s2", "q", cpu(1, 128)), job("s3", "q", cpu(1, 128)));

    SchedulingDecision decision = Scheduler.schedule(
        List.of(queue("q", 1, List.of("ce-1"), jobs.toArray(JobTicket[]::new))), ENABLED_CES, hosts, Map.of(), Map.of(),
        new SchedulerOptions(120_000), now);

    assertEquals(Map.of("s1", "busier", "s2", "busier"), placements(decision));
    assertContains(reason(decision, "big"), "host mostly-free of compute environment ce-1 is held for it");
    assertContains(reason(decision, "s3"), "Waiting for capacity");

    SchedulingDecision early = Scheduler.schedule(
        List.of(queue("q", 1, List.of("ce-1"), jobs.toArray(JobTicket[]::new))), ENABLED_CES, hosts, Map.of(), Map.of(),
        new SchedulerOptions(300_000), now);
    assertEquals(3, early.assignments().size(), "before the reservation delay small jobs backfill every host");
  }

  @Test
  void aHeldHostTakesNoOtherJobInLaterPassesAndGoesToItsJobOnceItFits() {
    long now = 1_000_000;
    JobTicket big = new JobTicket("big", "q", cpu(8, 1024), 0, 0, null, now - 200_000, null, 0);
    JobTicket urgent = job("urgent", "urgent", cpu(1, 128));
    Map<String, String> held = Map.of("big", "draining-for-big");
    List<QueueView> queues = List.of(
        queue("urgent", 100, List.of("ce-1"), urgent),
        queue("q", 1, List.of("ce-1"), big));

    SchedulingDecision stillBusy = Scheduler.schedule(queues, ENABLED_CES,
        List.of(new HostView("draining-for-big", "ce-1", cpu(8, 8192), cpu(2, 512), true)),
        Map.of(), held, new SchedulerOptions(120_000), now);
    assertEquals(List.of(), stillBusy.assignments(), "even a higher-priority queue's job stays off the held host");
    assertEquals(held, stillBusy.reservations());

    SchedulingDecision drained = Scheduler.schedule(queues, ENABLED_CES,
        List.of(new HostView("draining-for-big", "ce-1", cpu(8, 8192), Resources.ZERO, true)),
        Map.of(), held, new SchedulerOptions(120_000), now);
    assertEquals(Map.of("big", "draining-for-big"), placements(drained));
    assertEquals(Map.of(), drained.reservations());
  }

  // ---- array concurrency cap

  @Test
  void anArrayWithAConcurrencyCapStartsOnlyThatManyChildren() {
    List<JobTicket> children = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      children.add(new JobTicket("arr:" + i, "q", cpu(1, 128), 0, 0, null, 0, "arr", 3));
    }
    SchedulingDecision decision = Scheduler.schedule(
        List.of(queue("q", 1, List.of("ce-1"), children.toArray(JobTicket[]::new))), ENABLED_CES,
        List.of(idleHost("h", "ce-1", cpu(16, 16384))), Map.of("arr", 1), Map.of(), SchedulerOptions.DEFAULT, 0);

    assertEquals(List.of("arr:0", "arr:1"), List.copyOf(placements(decision).keySet()));
    assertContains(reason(decision, "arr:2"), "array job arr runs 3 children, its limit of 3 at once");
  }

  // ---- fair share

  private static JobTicket shareJob(String id, String share, double vcpus, long createdAt, int priority) {
    return new JobTicket(id, "fs", cpu(vcpus, 128), createdAt, priority, share, createdAt, null, 0);
  }

  private static QueueView fairShareQueue(FairShareView policy, JobTicket... jobs) {
    return new QueueView("fs", 1, true, List.of("ce-1"), List.of(jobs), policy);
  }

  @Test
  void aShareWithHalfTheWeightFactorGetsTwiceTheCapacity() {
    FairShareView policy = new FairShareView(share -> share.equals("heavy") ? 0.5 : 1.0, 0, Map.of(), Map.of());
    List<JobTicket> jobs = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      jobs.add(shareJob("light-" + i, "light", 1, i, 0));
      jobs.add(shareJob("heavy-" + i, "heavy", 1, i, 0));
    }
    SchedulingDecision decision = Scheduler.schedule(
        List.of(fairShareQueue(policy, jobs.toArray(JobTicket[]::new))), ENABLED_CES,
        List.of(idleHost("h", "ce-1", cpu(12, 65536))));

    long heavy = decision.assignments().stream().filter(a -> a.job().shareIdentifier().equals("heavy")).count();
    assertEquals(12, decision.assignments().size());
    assertEquals(8, heavy);
  }

  @Test
  void theShareWithLessUsageGoesFirstAndPriorityOrdersJobsInsideAShare() {
    FairShareView policy = new FairShareView(share -> 1.0, 0, Map.of("a", 4000L), Map.of("a", 4.0, "b", 1.0));
    SchedulingDecision decision = Scheduler.schedule(
        List.of(fairShareQueue(policy,
            shareJob("a-1", "a", 1, 1, 0),
            shareJob("b-high", "b", 1, 3, 9),
            shareJob("b-low", "b", 1, 2, 1))),
        ENABLED_CES,
        List.of(idleHost("h", "ce-1", cpu(2, 4096))));

    assertEquals(List.of("b-high", "b-low"), List.copyOf(placements(decision).keySet()));
    assertContains(reason(decision, "a-1"), "Waiting for capacity");
  }

  @Test
  void computeReservationHoldsCapacityBackForSharesNotRunningYet() {
    FairShareView policy = new FairShareView(share -> 1.0, 50, Map.of("a", 2000L), Map.of("a", 2.0));
    SchedulingDecision decision = Scheduler.schedule(
        List.of(fairShareQueue(policy,
            shareJob("a-1", "a", 1, 1, 0), shareJob("a-2", "a", 1, 2, 0), shareJob("a-3", "a", 1, 3, 0),
            shareJob("b-1", "b", 1, 4, 0))),
        ENABLED_CES,
        List.of(new HostView("h", "ce-1", cpu(8, 8192), cpu(2, 256), true)));

    // 8 vCPU, one active share: half is held back, so share a may grow from 2 to 4 vCPU only.
    assertEquals(Set.of("b-1", "a-1", "a-2"), placements(decision).keySet());
    assertContains(reason(decision, "a-3"), "holds back 4.0 of its 8.0 vCPU for shares that are not running yet");
  }
}
