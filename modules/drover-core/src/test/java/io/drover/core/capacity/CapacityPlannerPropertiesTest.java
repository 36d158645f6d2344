package io.drover.core.capacity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.core.capacity.InstanceView.State;
import io.drover.core.capacity.Termination.Cause;
import io.drover.core.model.Resources;
import io.drover.core.scheduling.Scheduler;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Properties of the capacity planner over random environments, instances, demand and throttling. */
class CapacityPlannerPropertiesTest {

  private static final long MINUTE = Catalog.MINUTE;
  private static final long NOW = Catalog.NOW;
  private static final CapacityOptions OPTIONS = CapacityOptions.DEFAULT;

  /** The catalog, plus types without prices and a large GPU type. */
  private static final List<InstanceType> TYPES;

  static {
    List<InstanceType> types = new ArrayList<>(Catalog.ALL);
    types.add(new InstanceType("u.medium", 1, 2048, 0, null, null));
    types.add(new InstanceType("u.4xlarge", 16, 65536, 0, null, null));
    types.add(new InstanceType("p3.8xlarge", 32, 249856, 4, 12.24, null));
    TYPES = List.copyOf(types);
  }

  record Scenario(ManagedEnvironmentView ce, List<WaitingJob> demand, List<InstanceView> instances, LaunchThrottle throttle) {

    CapacityPlan plan() {
      return CapacityPlanner.plan(ce, demand, instances, throttle, OPTIONS, NOW);
    }
  }

  record Limits(int min, int max, Integer desired, Double budget) {}

  record Strategy(Lifecycle lifecycle, AllocationStrategy allocation) {}

  @Provide
  Arbitrary<Scenario> scenarios() {
    return scenarios(limits(), throttles());
  }

  /** Scenarios whose limits never stand in the way: a huge maxvCpus, no budget, no throttling, no capacity errors. */
  @Provide
  Arbitrary<Scenario> unlimited() {
    Arbitrary<Limits> limits = Arbitraries.integers().between(0, 16).map(min -> new Limits(min, 1_000_000, null, null));
    return scenarios(limits, Arbitraries.just(LaunchThrottle.NONE));
  }

  private Arbitrary<Scenario> scenarios(Arbitrary<Limits> limits, Arbitrary<LaunchThrottle> throttles) {
    Arbitrary<Strategy> strategy = Arbitraries.of(AllocationStrategy.values()).flatMap(allocation -> allocation.spotOnly()
        ? Arbitraries.just(new Strategy(Lifecycle.SPOT, allocation))
        : Arbitraries.of(Lifecycle.values()).map(lifecycle -> new Strategy(lifecycle, allocation)));
    Arbitrary<List<InstanceType>> allowed = Arbitraries.subsetOf(TYPES).map(set -> {
      List<InstanceType> list = new ArrayList<>(set);
      list.sort((a, b) -> a.name().compareTo(b.name()));
      return list;
    });
    Arbitrary<ManagedEnvironmentView> ce = Combinators.combine(strategy, limits, allowed)
        .as((s, l, types) -> new ManagedEnvironmentView("ce", s.lifecycle(), s.allocation(), l.min(), l.max(), l.desired(), types, l.budget()));
    return Combinators.combine(ce, demand(), instances(), throttles).as(Scenario::new);
  }

  private Arbitrary<Limits> limits() {
    Arbitrary<Integer> min = Arbitraries.of(0, 0, 0, 2, 4, 8, 16, 32);
    Arbitrary<Integer> extra = Arbitraries.of(0, 4, 8, 16, 32, 64, 256);
    Arbitrary<Integer> desired = Arbitraries.of(0, 8, 24, 48, 300).injectNull(0.6);
    Arbitrary<Double> budget = Arbitraries.of(0.05, 0.3, 1.0, 2.5, 10.0).injectNull(0.5);
    return Combinators.combine(min, extra, desired, budget).as((m, e, d, b) -> new Limits(m, m + e, d, b));
  }

  private Arbitrary<LaunchThrottle> throttles() {
    Arbitrary<Long> noLaunchBefore = Arbitraries.of(0L, 0L, 0L, NOW - 1, NOW, NOW + 1, NOW + MINUTE);
    Arbitrary<Map<String, Long>> errors = Arbitraries.subsetOf(TYPES.stream().map(InstanceType::name).toList())
        .ofMaxSize(4)
        .flatMap(names -> Arbitraries.longs().between(NOW - 10 * MINUTE, NOW).list().ofSize(names.size()).map(times -> {
          Map<String, Long> map = new HashMap<>();
          List<String> ordered = names.stream().sorted().toList();
          for (int i = 0; i < ordered.size(); i++) {
            map.put(ordered.get(i), times.get(i));
          }
          return map;
        }));
    return Combinators.combine(noLaunchBefore, errors).as(LaunchThrottle::new);
  }

  private Arbitrary<List<WaitingJob>> demand() {
    Arbitrary<Resources> need = Combinators.combine(
            Arbitraries.integers().between(1, 100), Arbitraries.integers().between(1, 300), Arbitraries.of(0, 0, 0, 0, 1, 2))
        .as((quarterCpus, memoryBlocks, gpus) -> new Resources(250L * quarterCpus, 256L * memoryBlocks, gpus));
    Arbitrary<Integer> copies = Arbitraries.of(1, 1, 1, 2, 5, 20);
    return Combinators.combine(need, copies).as((shape, count) -> Collections.nCopies(count, shape)).list().ofMaxSize(25)
        .map(groups -> {
          List<WaitingJob> jobs = new ArrayList<>();
          groups.forEach(group -> group.forEach(shape -> jobs.add(new WaitingJob("job-" + jobs.size(), shape))));
          return jobs;
        });
  }

  private Arbitrary<List<InstanceView>> instances() {
    Arbitrary<InstanceView> instance = Combinators.combine(
            Arbitraries.of(TYPES),
            Arbitraries.of(Lifecycle.values()),
            Arbitraries.of(State.PENDING, State.JOINED, State.JOINED, State.JOINED, State.RECLAIMED),
            Arbitraries.longs().between(0, 20).map(minutes -> NOW - minutes * MINUTE),
            Arbitraries.longs().between(0, 20).map(minutes -> NOW - minutes * MINUTE).injectNull(0.4),
            Arbitraries.of(false, false, false, true))
        .as((type, lifecycle, state, launchedAt, idleSince, draining) ->
            new InstanceView("i", type, lifecycle, state, launchedAt, state == State.JOINED ? idleSince : null, draining));
    return instance.list().ofMaxSize(30).map(list -> {
      List<InstanceView> named = new ArrayList<>();
      for (InstanceView i : list) {
        named.add(new InstanceView("i-" + named.size(), i.type(), i.lifecycle(), i.state(), i.launchedAt(), i.idleSince(), i.draining()));
      }
      return named;
    });
  }

  // ---- what the plan keeps

  private static Map<String, InstanceView> byId(Scenario scenario) {
    Map<String, InstanceView> byId = new HashMap<>();
    scenario.instances().forEach(i -> byId.put(i.instanceId(), i));
    return byId;
  }

  /** vCPUs of the instances that count (not reclaimed) and are not terminated for never joining. */
  private static long countedBefore(Scenario scenario, CapacityPlan plan) {
    Set<String> neverJoined = new HashSet<>();
    plan.terminations().stream().filter(t -> t.cause() == Cause.NEVER_JOINED).forEach(t -> neverJoined.add(t.instanceId()));
    return scenario.instances().stream()
        .filter(i -> i.state() != State.RECLAIMED && !neverJoined.contains(i.instanceId()))
        .mapToLong(i -> i.type().vcpus())
        .sum();
  }

  private static List<InstanceView> kept(Scenario scenario, CapacityPlan plan) {
    Set<String> ended = new HashSet<>();
    plan.terminations().forEach(t -> ended.add(t.instanceId()));
    return scenario.instances().stream().filter(i -> i.state() != State.RECLAIMED && !ended.contains(i.instanceId())).toList();
  }

  private static InstanceType type(String name) {
    return TYPES.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
  }

  // ---- properties

  @Property(tries = 1000)
  void neverPlansAboveMaxvCpus(@ForAll("scenarios") Scenario scenario) {
    CapacityPlan plan = scenario.plan();
    long kept = kept(scenario, plan).stream().mapToLong(i -> i.type().vcpus()).sum();
    long launched = 0;
    for (Launch launch : plan.launches()) {
      InstanceType first = type(launch.instanceTypes().get(0));
      for (String name : launch.instanceTypes()) {
        assertTrue(type(name).vcpus() <= first.vcpus() && type(name).gpus() <= first.gpus(), "a fallback is bigger: " + launch);
        assertTrue(scenario.ce().instanceTypes().contains(type(name)), "not an allowed type: " + launch);
      }
      assertEquals(launch.instanceTypes().size(), new HashSet<>(launch.instanceTypes()).size(), "a type twice: " + launch);
      launched += (long) launch.count() * first.vcpus();
    }
    if (launched > 0) {
      assertTrue(kept + launched <= scenario.ce().maxvCpus(), () -> "above max: " + plan);
    }
    assertTrue(plan.desiredvCpus() <= scenario.ce().maxvCpus() && plan.desiredvCpus() >= scenario.ce().floorvCpus());
  }

  @Property(tries = 1000)
  void neverTerminatesBelowTheFloorNorABusyInstance(@ForAll("scenarios") Scenario scenario) {
    CapacityPlan plan = scenario.plan();
    Map<String, InstanceView> byId = byId(scenario);
    long before = countedBefore(scenario, plan);
    long after = before;
    Set<String> seen = new HashSet<>();
    for (Termination termination : plan.terminations()) {
      InstanceView instance = byId.get(termination.instanceId());
      assertTrue(seen.add(termination.instanceId()), "terminated twice: " + termination);
      assertFalse(instance.busy(), () -> "terminated a busy instance: " + termination);
      assertNotEquals(State.RECLAIMED, instance.state());
      assertFalse(termination.reason().isBlank());
      switch (termination.cause()) {
        case NEVER_JOINED -> assertTrue(instance.state() == State.PENDING && NOW - instance.launchedAt() >= OPTIONS.joinTimeoutMillis());
        case IDLE -> {
          assertTrue(instance.state() == State.JOINED && NOW - instance.idleSince() >= OPTIONS.idleDelayMillis());
          after -= instance.type().vcpus();
        }
        case ABOVE_MAX -> {
          assertTrue(before > scenario.ce().maxvCpus());
          after -= instance.type().vcpus();
        }
      }
    }
    if (after < before) {
      assertTrue(after >= scenario.ce().floorvCpus(), () -> "terminated below the floor: " + plan);
    }
  }

  @Property(tries = 500)
  void neverLaunchesWhileThrottled(@ForAll("scenarios") Scenario scenario) {
    CapacityPlan plan = scenario.plan();
    if (NOW < scenario.throttle().noLaunchBefore()) {
      assertEquals(List.of(), plan.launches());
    }
  }

  @Property(tries = 1000)
  void neverPlansAboveTheBudget(@ForAll("scenarios") Scenario scenario) {
    Double cap = scenario.ce().maxHourlyCost();
    CapacityPlan plan = scenario.plan();
    if (cap == null || plan.launches().isEmpty()) {
      return;
    }
    double cost = kept(scenario, plan).stream().map(i -> i.type().price(i.lifecycle())).filter(p -> p != null)
        .mapToDouble(Double::doubleValue).sum();
    for (Launch launch : plan.launches()) {
      double most = launch.instanceTypes().stream().mapToDouble(name -> type(name).price(launch.lifecycle())).max().orElseThrow();
      cost += launch.count() * most;
    }
    assertTrue(cost <= cap + 1e-9, "costs " + cost + " above " + cap + ": " + plan);
  }

  @Property(tries = 1000)
  void accountsForJobsOnceAndRespectsCapacityErrors(@ForAll("scenarios") Scenario scenario) {
    CapacityPlan plan = scenario.plan();
    Set<String> ids = new HashSet<>();
    scenario.demand().forEach(job -> ids.add(job.jobId()));
    assertTrue(ids.containsAll(plan.unsatisfiable().keySet()) && ids.containsAll(plan.deferred().keySet()));
    plan.unsatisfiable().forEach((jobId, reason) -> {
      assertFalse(plan.deferred().containsKey(jobId));
      assertTrue(reason.startsWith(Scheduler.JOB_RESOURCE_REQUIREMENT) || reason.startsWith(Scheduler.COMPUTE_ENVIRONMENT_MAX_RESOURCE), reason);
    });
    plan.deferred().values().forEach(reason -> assertTrue(reason.startsWith(Scheduler.INSUFFICIENT_CAPACITY + " - "), reason));
    for (Launch launch : plan.launches()) {
      assertEquals(scenario.ce().lifecycle(), launch.lifecycle());
      for (int i = 0; i < launch.instanceTypes().size(); i++) {
        Long failedAt = scenario.throttle().capacityErrors().get(launch.instanceTypes().get(i));
        boolean cooling = failedAt != null && NOW < failedAt + OPTIONS.capacityErrorCooldownMillis();
        assertFalse(cooling && (i == 0 || scenario.ce().allocationStrategy() == AllocationStrategy.BEST_FIT),
            () -> "a type cooling down after a capacity error is tried first or by BEST_FIT: " + launch);
      }
    }
  }

  @Property(tries = 1000)
  void coversEverySatisfiableJobWhenTheLimitsAllow(@ForAll("unlimited") Scenario scenario) {
    CapacityPlan plan = scenario.plan();
    assertEquals(Map.of(), plan.deferred(), plan::toString);
    long[] demand = new long[3];
    for (WaitingJob job : scenario.demand()) {
      boolean fits = scenario.ce().instanceTypes().stream().anyMatch(t -> t.capacity().fits(job.resources()));
      assertEquals(!fits, plan.unsatisfiable().containsKey(job.jobId()), job::toString);
      if (fits) {
        demand[0] += job.resources().milliCpus();
        demand[1] += job.resources().memoryMib();
        demand[2] += job.resources().gpus();
      }
    }
    // Every candidate of a launch holds all that any of its instances was planned for.
    long[] coming = new long[3];
    for (InstanceView instance : kept(scenario, plan)) {
      if (instance.state() == State.PENDING) {
        coming[0] += instance.type().capacity().milliCpus();
        coming[1] += instance.type().memoryMib();
        coming[2] += instance.type().gpus();
      }
    }
    for (Launch launch : plan.launches()) {
      List<InstanceType> candidates = launch.instanceTypes().stream().map(CapacityPlannerPropertiesTest::type).toList();
      coming[0] += launch.count() * candidates.stream().mapToLong(t -> t.capacity().milliCpus()).min().orElseThrow();
      coming[1] += launch.count() * candidates.stream().mapToLong(InstanceType::memoryMib).min().orElseThrow();
      coming[2] += launch.count() * candidates.stream().mapToLong(InstanceType::gpus).min().orElseThrow();
    }
    for (int d = 0; d < 3; d++) {
      assertTrue(demand[d] <= coming[d], "dimension " + d + ": " + demand[d] + " needed, " + coming[d] + " coming: " + plan);
    }
  }

  @Property(tries = 500)
  void plansAreDeterministic(@ForAll("scenarios") Scenario scenario, @ForAll long seed) {
    CapacityPlan plan = scenario.plan();
    assertEquals(plan, scenario.plan());

    Random random = new Random(seed);
    List<InstanceView> instances = new ArrayList<>(scenario.instances());
    Collections.shuffle(instances, random);
    List<InstanceType> types = new ArrayList<>(scenario.ce().instanceTypes());
    Collections.shuffle(types, random);
    ManagedEnvironmentView ce = scenario.ce();
    ManagedEnvironmentView reordered = new ManagedEnvironmentView(ce.name(), ce.lifecycle(), ce.allocationStrategy(), ce.minvCpus(),
        ce.maxvCpus(), ce.desiredvCpus(), types, ce.maxHourlyCost());
    assertEquals(plan, new Scenario(reordered, scenario.demand(), instances, scenario.throttle()).plan());

    // Demand in another order: the same instances, though which jobs of a shape wait may differ.
    List<WaitingJob> demand = new ArrayList<>(scenario.demand());
    Collections.shuffle(demand, random);
    CapacityPlan other = new Scenario(ce, demand, scenario.instances(), scenario.throttle()).plan();
    assertEquals(plan.launches(), other.launches());
    assertEquals(plan.terminations(), other.terminations());
    assertEquals(plan.desiredvCpus(), other.desiredvCpus());
    assertEquals(plan.unsatisfiable(), other.unsatisfiable());
    assertEquals(plan.deferred().size(), other.deferred().size());
  }
}
