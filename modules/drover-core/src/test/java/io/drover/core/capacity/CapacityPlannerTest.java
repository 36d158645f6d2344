package io.drover.core.capacity;

import static io.drover.core.capacity.Catalog.C5_2XLARGE;
import static io.drover.core.capacity.Catalog.C5_XLARGE;
import static io.drover.core.capacity.Catalog.G4DN_XLARGE;
import static io.drover.core.capacity.Catalog.M5_2XLARGE;
import static io.drover.core.capacity.Catalog.M5_LARGE;
import static io.drover.core.capacity.Catalog.M5_XLARGE;
import static io.drover.core.capacity.Catalog.MINUTE;
import static io.drover.core.capacity.Catalog.NOW;
import static io.drover.core.capacity.Catalog.P3_2XLARGE;
import static io.drover.core.capacity.Catalog.R5_XLARGE;
import static io.drover.core.capacity.Catalog.busy;
import static io.drover.core.capacity.Catalog.gpuJob;
import static io.drover.core.capacity.Catalog.idle;
import static io.drover.core.capacity.Catalog.job;
import static io.drover.core.capacity.Catalog.launchedvCpus;
import static io.drover.core.capacity.Catalog.onDemand;
import static io.drover.core.capacity.Catalog.pending;
import static io.drover.core.capacity.Catalog.reclaimed;
import static io.drover.core.capacity.Catalog.spot;
import static io.drover.core.capacity.Catalog.withBudget;
import static io.drover.core.capacity.Catalog.withDesired;
import static io.drover.core.capacity.AllocationStrategy.BEST_FIT;
import static io.drover.core.capacity.AllocationStrategy.BEST_FIT_PROGRESSIVE;
import static io.drover.core.capacity.AllocationStrategy.SPOT_CAPACITY_OPTIMIZED;
import static io.drover.core.capacity.AllocationStrategy.SPOT_PRICE_CAPACITY_OPTIMIZED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.core.capacity.Termination.Cause;
import io.drover.core.model.Resources;
import io.drover.core.scheduling.Scheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CapacityPlannerTest {

  private static CapacityPlan plan(ManagedEnvironmentView ce, List<WaitingJob> demand, List<InstanceView> instances) {
    return CapacityPlanner.plan(ce, demand, instances, LaunchThrottle.NONE, CapacityOptions.DEFAULT, NOW);
  }

  private static CapacityPlan plan(
      ManagedEnvironmentView ce, List<WaitingJob> demand, List<InstanceView> instances, LaunchThrottle throttle) {
    return CapacityPlanner.plan(ce, demand, instances, throttle, CapacityOptions.DEFAULT, NOW);
  }

  private static List<WaitingJob> jobs(int count, double vcpus, long memoryMib) {
    return IntStream.range(0, count).mapToObj(i -> job("job-" + i, vcpus, memoryMib)).toList();
  }

  private static Map<String, Cause> terminated(CapacityPlan plan) {
    return plan.terminations().stream().collect(Collectors.toMap(Termination::instanceId, Termination::cause));
  }

  private static void assertContains(String text, String fragment) {
    assertTrue(text.contains(fragment), () -> "expected '" + fragment + "' in: " + text);
  }

  private static void assertNoteContains(CapacityPlan plan, String fragment) {
    assertTrue(plan.notes().stream().anyMatch(n -> n.contains(fragment)), () -> "expected '" + fragment + "' in notes " + plan.notes());
  }

  // ---- the floor

  @Test
  void anEmptyEnvironmentLaunchesUpToMinvCpusWithoutDemand() {
    ManagedEnvironmentView ce = onDemand(BEST_FIT, 4, 64, M5_LARGE, M5_XLARGE, C5_XLARGE, G4DN_XLARGE);
    CapacityPlan plan = plan(ce, List.of(), List.of());

    assertEquals(1, plan.launches().size(), plan::toString);
    Launch launch = plan.launches().get(0);
    // c5.xlarge brings the 4 vCPU for 0.17 USD/hour, two m5.large for 0.192; the GPU type is never chosen for vCPU alone.
    assertEquals(List.of("c5.xlarge", "m5.xlarge"), launch.instanceTypes());
    assertEquals(1, launch.count());
    assertEquals(Lifecycle.ON_DEMAND, launch.lifecycle());
    assertContains(launch.reason(), "minvCpus (4)");
    assertEquals(4, plan.desiredvCpus());
  }

  @Test
  void anExplicitDesiredIsAFloorButNeverAboveMax() {
    ManagedEnvironmentView ce = withDesired(onDemand(BEST_FIT, 0, 8, M5_LARGE), 16);
    CapacityPlan plan = plan(ce, List.of(), List.of());

    assertEquals(8, launchedvCpus(ce, plan));
    assertEquals(8, plan.desiredvCpus());
    assertContains(plan.launches().get(0).reason(), "desiredvCpus (8)");
  }

  @Test
  void pendingAndJoinedInstancesCountTowardsTheFloor() {
    ManagedEnvironmentView ce = onDemand(BEST_FIT, 8, 64, M5_XLARGE);
    CapacityPlan plan = plan(ce, List.of(), List.of(busy("i-1", M5_XLARGE), pending("i-2", M5_XLARGE, NOW - MINUTE)));

    assertEquals(List.of(), plan.launches());
    assertEquals(List.of(), plan.terminations());
    assertEquals(8, plan.desiredvCpus());
  }

  // ---- launches for demand

  @Test
  void bestFitLaunchesTheCheapestTypeThatFitsWithSameOrSmallerFallbacks() {
    ManagedEnvironmentView ce = onDemand(BEST_FIT, 0, 64, M5_LARGE, M5_XLARGE, C5_XLARGE, R5_XLARGE, M5_2XLARGE, G4DN_XLARGE);
    CapacityPlan plan = plan(ce, List.of(job("a", 4, 8000)), List.of());

    Launch launch = plan.launches().get(0);
    assertEquals(List.of("c5.xlarge", "m5.xlarge", "r5.xlarge"), launch.instanceTypes());
    assertEquals(1, launch.count());
    assertContains(launch.reason(), "for 1 waiting job(s) needing 4 vCPU, 8000 MiB in all");
    assertEquals(Map.of(), plan.deferred());
    assertEquals(4, plan.desiredvCpus());
  }

  @Test
  void jobsAreBinPackedOntoTheTypeThatCoversThemCheapest() {
    ManagedEnvironmentView ce = onDemand(BEST_FIT, 0, 64, M5_LARGE, M5_XLARGE, M5_2XLARGE, C5_XLARGE);
    CapacityPlan plan = plan(ce, jobs(10, 1, 2048), List.of());

    // 10 vCPU and 20 GiB: five m5.large (0.48 USD/hour) beat three c5.xlarge (0.51) or two m5.2xlarge (0.768).
    assertEquals(1, plan.launches().size(), plan::toString);
    assertEquals(List.of("m5.large"), plan.launches().get(0).instanceTypes());
    assertEquals(5, plan.launches().get(0).count());
    assertEquals(10, plan.desiredvCpus());
  }

  @Test
  void aMemoryHeavyDemandGetsAMemoryHeavyType() {
    ManagedEnvironmentView ce = onDemand(BEST_FIT, 0, 64, C5_XLARGE, M5_XLARGE, R5_XLARGE);
    CapacityPlan plan = plan(ce, jobs(4, 1, 7000), List.of());

    // 4 vCPU and 28000 MiB: one r5.xlarge (0.252) rather than two m5.xlarge (0.384) or four c5.xlarge.
    assertEquals(List.of("r5.xlarge"), plan.launches().get(0).instanceTypes());
    assertEquals(1, plan.launches().get(0).count());
  }

  @Test
  void gpuJobsGetGpuTypesAndOtherJobsNever() {
    ManagedEnvironmentView ce = onDemand(BEST_FIT, 0, 64, M5_XLARGE, G4DN_XLARGE, P3_2XLARGE);
    CapacityPlan plan = plan(ce, List.of(gpuJob("gpu", 2, 8000, 1), job("cpu", 4, 8000)), List.of());

    Map<String, Integer> byType = plan.launches().stream()
        .collect(Collectors.toMap(l -> l.instanceTypes().get(0), Launch::count));
    assertEquals(Map.of("g4dn.xlarge", 1, "m5.xlarge", 1), byType);
  }

  @Test
  void smallJobsFillTheRoomLeftOnAnInstanceLaunchedForABigOne() {
    ManagedEnvironmentView ce = onDemand(BEST_FIT, 0, 64, M5_2XLARGE);
    List<WaitingJob> demand = new ArrayList<>(jobs(4, 1, 1024));
    demand.add(job("big", 4, 16384));
    CapacityPlan plan = plan(ce, demand, List.of());

    assertEquals(1, plan.launches().get(0).count());
    assertContains(plan.launches().get(0).reason(), "for 5 waiting job(s) needing 8 vCPU, 20480 MiB in all");
  }

  @Test
  void pendingInstancesAreCapacityAlreadyComing() {
    ManagedEnvironmentView ce = onDemand(BEST_FIT, 0, 64, M5_LARGE, M5_XLARGE);
    List<InstanceView> coming = List.of(pending("i-1", M5_XLARGE, NOW - MINUTE));

    assertEquals(List.of(), plan(ce, jobs(2, 2, 4096), coming).launches());
    CapacityPlan more = plan(ce, jobs(3, 2, 4096), coming);
    assertEquals(1, more.launches().size());
    assertEquals(List.of("m5.large"), more.launches().get(0).instanceTypes());
    assertEquals(1, more.launches().get(0).count());
    assertEquals(6, more.desiredvCpus());
  }

  @Test
  void aReclaimedSpotInstanceIsNotCapacitySoItsJobsGetAReplacementAtOnce() {
    ManagedEnvironmentView ce = spot(SPOT_CAPACITY_OPTIMIZED, 4, 64, M5_XLARGE);
    // The caller passes the reclaimed host's job as demand again.
    CapacityPlan plan = plan(ce, List.of(job("was-on-i-1", 4, 8000)), List.of(reclaimed("i-1", M5_XLARGE)));

    assertEquals(1, plan.launches().size());
    assertEquals(1, plan.launches().get(0).count());
    assertEquals(Lifecycle.SPOT, plan.launches().get(0).lifecycle());
    assertEquals(List.of(), plan.terminations());
    assertEquals(4, plan.desiredvCpus());
    assertNoteContains(plan, "1 reclaimed instance(s) count as gone");
  }

  // ---- unsatisfiable jobs

  @Test
  void aJobNoAllowedTypeFitsIsUnsatisfiableAndLaunchesNothing() {
    ManagedEnvironmentView ce = onDemand(BEST_FIT, 0, 256, M5_LARGE, M5_2XLARGE);
    CapacityPlan plan = plan(ce, List.of(job("huge", 64, 1024), gpuJob("gpu", 1, 1024, 1)), List.of());

    assertEquals(List.of(), plan.launches());
    assertEquals(0, plan.desiredvCpus());
    String reason = plan.unsatisfiable().get("huge");
    assertTrue(reason.startsWith(Scheduler.JOB_RESOURCE_REQUIREMENT + " - "), reason);
    assertContains(reason, "it needs 64 vCPU, 1024 MiB; the allowed types have at most 8 vCPU, 32768 MiB");
    assertContains(plan.unsatisfiable().get("gpu"), "1 GPU");
    assertNoteContains(plan, "2 waiting job(s) can never run");
  }

  @Test
  void aJobWhoseSmallestFittingTypeIsAboveMaxvCpusIsUnsatisfiable() {
    ManagedEnvironmentView ce = onDemand(BEST_FIT, 0, 4, M5_XLARGE, M5_2XLARGE);
    CapacityPlan plan = plan(ce, List.of(job("a", 4, 20000)), List.of());

    assertEquals(List.of(), plan.launches());
    String reason = plan.unsatisfiable().get("a");
    assertTrue(reason.startsWith(Scheduler.COMPUTE_ENVIRONMENT_MAX_RESOURCE + " - "), reason);
    assertContains(reason, "m5.2xlarge (8 vCPU), is larger than the maxvCpus (4)");
  }

  @Test
  void aJobEveryFittingTypeOfWhichIsAboveTheBudgetIsUnsatisfiable() {
    ManagedEnvironmentView ce = withBudget(onDemand(BEST_FIT, 0, 64, M5_XLARGE, P3_2XLARGE), 1.0);
    CapacityPlan plan = plan(ce, List.of(gpuJob("a", 4, 8000, 1)), List.of());

    assertEquals(List.of(), plan.launches());
    assertContains(plan.unsatisfiable().get("a"), "costs more than the maxHourlyCost (1 USD/hour)");
  }

  @Test
  void anEnvironmentWithoutInstanceTypesRunsNothing() {
    ManagedEnvironmentView ce = onDemand(BEST_FIT, 2, 8);
    CapacityPlan plan = plan(ce, List.of(job("a", 1, 1024)), List.of());

    assertEquals(List.of(), plan.launches());
    assertContains(plan.unsatisfiable().get("a"), "allows no instance types");
    assertNoteContains(plan, "below its minvCpus (2): compute environment ce allows no instance types.");
  }

  // ---- limits

  @Test
  void maxvCpusLimitsLaunchesAndTheRestIsDeferred() {
    ManagedEnvironmentView ce = onDemand(BEST_FIT, 0, 8, M5_LARGE);
    CapacityPlan plan = plan(ce, jobs(10, 2, 4096), List.of(busy("i-1", M5_LARGE)));

    assertEquals(3, plan.launches().get(0).count());
    assertEquals(8, plan.desiredvCpus());
    assertEquals(7, plan.deferred().size());
    String reason = plan.deferred().get("job-9");
    assertTrue(reason.startsWith(Scheduler.INSUFFICIENT_CAPACITY + " - Waiting: "), reason);
    assertContains(reason, "is at its maxvCpus (8)");
    assertNoteContains(plan, "7 waiting job(s) get no instance in this round");
    // The first jobs of a shape get capacity first.
    assertTrue(plan.deferred().keySet().containsAll(List.of("job-3", "job-4", "job-5", "job-6", "job-7", "job-8", "job-9")));
  }

  @Test
  void whenTheBestTypeNoLongerFitsUnderMaxASmallerOneIsLaunched() {
    ManagedEnvironmentView ce = onDemand(BEST_FIT, 0, 6, M5_LARGE, M5_XLARGE);
    CapacityPlan plan = plan(ce, jobs(3, 2, 4096), List.of());

    assertEquals(6, launchedvCpus(ce, plan));
    assertEquals(Map.of(), plan.deferred());
  }

  @Test
  void theBudgetCapLimitsLaunchesAndSaysSo() {
    ManagedEnvironmentView ce = withBudget(onDemand(BEST_FIT, 0, 64, M5_LARGE), 0.3);
    CapacityPlan plan = plan(ce, jobs(10, 2, 4096), List.of());

    assertEquals(3, plan.launches().get(0).count());
    assertEquals(7, plan.deferred().size());
    assertContains(plan.deferred().get("job-9"), "past its maxHourlyCost (0.3 USD/hour)");
  }

  @Test
  void theBudgetCountsRunningAndPendingInstancesAndSpotAtItsSpotPrice() {
    InstanceType noSpotPrice = new InstanceType("x.large", 2, 8192, 0, 0.1, null);
    ManagedEnvironmentView ce = withBudget(spot(BEST_FIT, 0, 64, M5_LARGE, noSpotPrice), 0.4);
    List<InstanceView> running = List.of(
        new InstanceView("i-1", M5_LARGE, Lifecycle.SPOT, InstanceView.State.JOINED, 0, null, false),
        new InstanceView("i-2", noSpotPrice, Lifecycle.SPOT, InstanceView.State.PENDING, NOW, null, false));
    // Running 0.035 + 0.1 (Spot without a Spot price costs On-Demand) = 0.135; m5.large on Spot at 0.035 fits 7 more.
    CapacityPlan plan = plan(ce, jobs(20, 2, 4096), running);

    assertEquals(List.of("m5.large"), plan.launches().get(0).instanceTypes());
    assertEquals(7, plan.launches().get(0).count());
    assertEquals(20 - 1 - 7, plan.deferred().size());
  }

  @Test
  void underABudgetFallbacksNeverCostMoreThanTheTypeThePlanCounted() {
    ManagedEnvironmentView ce = withBudget(onDemand(BEST_FIT, 0, 64, C5_XLARGE, M5_XLARGE, R5_XLARGE), 10);
    CapacityPlan plan = plan(ce, List.of(job("a", 4, 8000)), List.of());

    assertEquals(List.of("c5.xlarge"), plan.launches().get(0).instanceTypes());
  }

  @Test
  void instancesAlreadyAboveTheBudgetStopLaunches() {
    ManagedEnvironmentView ce = withBudget(onDemand(BEST_FIT, 0, 64, M5_LARGE), 0.05);
    CapacityPlan plan = plan(ce, jobs(1, 1, 1024), List.of(busy("i-1", M5_LARGE)));

    assertEquals(List.of(), plan.launches());
    assertNoteContains(plan, "The instances cost 0.096 USD/hour, above maxHourlyCost (0.05): nothing is launched.");
  }

  @Test
  void nothingIsLaunchedWhileTheProviderThrottlesButTerminationsGoOn() {
    ManagedEnvironmentView ce = onDemand(BEST_FIT, 4, 64, M5_LARGE);
    LaunchThrottle throttle = new LaunchThrottle(NOW + 1, Map.of());
    CapacityPlan plan = plan(ce, jobs(2, 2, 4096), List.of(pending("i-1", M5_LARGE, NOW - 11 * MINUTE)), throttle);

    assertEquals(List.of(), plan.launches());
    assertEquals(Map.of("i-1", Cause.NEVER_JOINED), terminated(plan));
    assertContains(plan.deferred().get("job-0"), "the provider throttles launches until 1970-01-01T16:40:00.001Z");
    assertEquals(4, plan.desiredvCpus());
    assertNoteContains(plan, "this plan launches nothing");

    CapacityPlan after = plan(ce, jobs(2, 2, 4096), List.of(), new LaunchThrottle(NOW, Map.of()));
    assertEquals(4, launchedvCpus(ce, after));
  }

  // ---- capacity errors and strategies

  @Test
  void bestFitWaitsForItsBestTypeDuringACapacityErrorCoolDown() {
    ManagedEnvironmentView ce = onDemand(BEST_FIT, 0, 64, C5_XLARGE, M5_XLARGE);
    LaunchThrottle failed = new LaunchThrottle(0, Map.of("c5.xlarge", NOW - MINUTE));
    CapacityPlan plan = plan(ce, List.of(job("a", 4, 8000)), List.of(), failed);

    assertEquals(List.of(), plan.launches());
    assertContains(plan.deferred().get("a"), "instance type c5.xlarge fits best, had a capacity error lately, and BEST_FIT waits for it;"
        + " it is tried again from 1970-01-01T16:44:00Z");
    assertNoteContains(plan, "Instance type c5.xlarge had a capacity error lately: not launched until");

    LaunchThrottle cooledDown = new LaunchThrottle(0, Map.of("c5.xlarge", NOW - 5 * MINUTE));
    assertEquals(List.of("c5.xlarge", "m5.xlarge"), plan(ce, List.of(job("a", 4, 8000)), List.of(), cooledDown)
        .launches().get(0).instanceTypes());
  }

  @Test
  void bestFitLeavesACoolingFallbackOut() {
    ManagedEnvironmentView ce = onDemand(BEST_FIT, 0, 64, C5_XLARGE, M5_XLARGE, R5_XLARGE);
    LaunchThrottle failed = new LaunchThrottle(0, Map.of("m5.xlarge", NOW - MINUTE));

    assertEquals(List.of("c5.xlarge", "r5.xlarge"),
        plan(ce, List.of(job("a", 4, 8000)), List.of(), failed).launches().get(0).instanceTypes());
  }

  @Test
  void bestFitProgressiveFallsThroughToTheNextTypeAndTriesTheFailedOneLast() {
    ManagedEnvironmentView ce = onDemand(BEST_FIT_PROGRESSIVE, 0, 64, C5_XLARGE, M5_XLARGE);
    LaunchThrottle failed = new LaunchThrottle(0, Map.of("c5.xlarge", NOW - MINUTE));
    CapacityPlan plan = plan(ce, List.of(job("a", 4, 8000)), List.of(), failed);

    assertEquals(List.of("m5.xlarge", "c5.xlarge"), plan.launches().get(0).instanceTypes());
    assertNoteContains(plan, "Instance type c5.xlarge had a capacity error lately: tried after the others until 1970-01-01T16:44:00Z.");
  }

  @Test
  void bestFitProgressiveFallsThroughToALargerType() {
    ManagedEnvironmentView ce = onDemand(BEST_FIT_PROGRESSIVE, 0, 64, C5_XLARGE, C5_2XLARGE);
    LaunchThrottle failed = new LaunchThrottle(0, Map.of("c5.xlarge", NOW - MINUTE));
    CapacityPlan plan = plan(ce, List.of(job("a", 4, 8000)), List.of(), failed);

    assertEquals(List.of("c5.2xlarge", "c5.xlarge"), plan.launches().get(0).instanceTypes());
    assertEquals(8, plan.desiredvCpus());
  }

  @Test
  void whenEveryFittingTypeIsCoolingDownTheJobsWait() {
    ManagedEnvironmentView ce = onDemand(BEST_FIT_PROGRESSIVE, 0, 64, C5_XLARGE, M5_XLARGE);
    LaunchThrottle failed = new LaunchThrottle(0, Map.of("c5.xlarge", NOW - MINUTE, "m5.xlarge", NOW - 3 * MINUTE));
    CapacityPlan plan = plan(ce, List.of(job("a", 4, 8000)), List.of(), failed);

    assertEquals(List.of(), plan.launches());
    assertContains(plan.deferred().get("a"), "every instance type that fits had a capacity error lately; the first is tried again from "
        + "1970-01-01T16:42:00Z");
  }

  @Test
  void spotCapacityOptimizedDiversifiesOverEveryFittingTypeRegardlessOfPrice() {
    ManagedEnvironmentView ce = spot(SPOT_CAPACITY_OPTIMIZED, 0, 64, M5_LARGE, C5_XLARGE, M5_XLARGE, R5_XLARGE, G4DN_XLARGE);
    CapacityPlan plan = plan(ce, List.of(job("a", 3, 6000)), List.of());

    Launch launch = plan.launches().get(0);
    assertEquals(Lifecycle.SPOT, launch.lifecycle());
    // Capacity-optimized ignores price: the smallest fitting memory first, then by name; the GPU type only for GPU jobs.
    assertEquals(List.of("c5.xlarge", "m5.xlarge", "r5.xlarge"), launch.instanceTypes());
  }

  @Test
  void spotPriceCapacityOptimizedOrdersTheTypesBySpotPrice() {
    ManagedEnvironmentView ce = spot(SPOT_PRICE_CAPACITY_OPTIMIZED, 0, 64, C5_XLARGE, M5_XLARGE, R5_XLARGE);
    CapacityPlan plan = plan(ce, List.of(job("a", 3, 6000)), List.of());

    assertEquals(List.of("r5.xlarge", "c5.xlarge", "m5.xlarge"), plan.launches().get(0).instanceTypes());
  }

  @Test
  void spotStrategiesListACoolingTypeLast() {
    ManagedEnvironmentView ce = spot(SPOT_PRICE_CAPACITY_OPTIMIZED, 0, 64, C5_XLARGE, M5_XLARGE, R5_XLARGE);
    LaunchThrottle failed = new LaunchThrottle(0, Map.of("r5.xlarge", NOW - MINUTE));

    assertEquals(List.of("c5.xlarge", "m5.xlarge", "r5.xlarge"),
        plan(ce, List.of(job("a", 3, 6000)), List.of(), failed).launches().get(0).instanceTypes());
  }

  @Test
  void withoutPricesTheTypeThatBuysTheLeastIsChosen() {
    InstanceType small = new InstanceType("small", 2, 4096, 0, null, null);
    InstanceType large = new InstanceType("large", 16, 32768, 0, null, null);
    ManagedEnvironmentView ce = onDemand(BEST_FIT, 0, 64, small, large);

    CapacityPlan few = plan(ce, jobs(2, 1, 1024), List.of());
    assertEquals(List.of("small"), few.launches().get(0).instanceTypes());
    assertEquals(1, few.launches().get(0).count());
    CapacityPlan many = plan(ce, jobs(32, 1, 1024), List.of());
    assertEquals(List.of("large"), many.launches().get(0).instanceTypes());
    assertEquals(2, many.launches().get(0).count());
  }

  @Test
  void spotStrategiesAreForSpotEnvironmentsOnly() {
    assertThrows(IllegalArgumentException.class, () -> onDemand(SPOT_CAPACITY_OPTIMIZED, 0, 8, M5_LARGE));
    assertThrows(IllegalArgumentException.class, () -> onDemand(BEST_FIT, 9, 8, M5_LARGE));
    assertThrows(IllegalArgumentException.class, () -> onDemand(BEST_FIT, 0, 8, M5_LARGE, M5_LARGE));
  }

  // ---- terminations

  @Test
  void anIdleInstanceIsTerminatedOnlyAfterTheDelay() {
    ManagedEnvironmentView ce = onDemand(BEST_FIT, 0, 64, M5_LARGE);
    CapacityPlan plan = plan(ce, List.of(), List.of(
        idle("long-idle", M5_LARGE, NOW - 5 * MINUTE), idle("just-idle", M5_LARGE, NOW - 4 * MINUTE), busy("busy", M5_LARGE)));

    assertEquals(Map.of("long-idle", Cause.IDLE), terminated(plan));
    assertContains(plan.terminations().get(0).reason(), "idle since 1970-01-01T16:35:00Z, longer than the scale-down delay (5 min)");
    assertEquals(4, plan.desiredvCpus());
  }

  @Test
  void idleTerminationsStopAtMinvCpusLongestIdleFirst() {
    ManagedEnvironmentView ce = onDemand(BEST_FIT, 8, 64, M5_XLARGE);
    CapacityPlan plan = plan(ce, List.of(), List.of(
        idle("i-1", M5_XLARGE, NOW - 10 * MINUTE), idle("i-2", M5_XLARGE, NOW - 30 * MINUTE), idle("i-3", M5_XLARGE, NOW - 20 * MINUTE)));

    assertEquals(Map.of("i-2", Cause.IDLE), terminated(plan));
    assertEquals(List.of(), plan.launches());
    assertEquals(8, plan.desiredvCpus());
  }

  @Test
  void aDrainingIdleInstanceGoesFirst() {
    ManagedEnvironmentView ce = onDemand(BEST_FIT, 4, 64, M5_XLARGE);
    InstanceView draining = new InstanceView("draining", M5_XLARGE, Lifecycle.ON_DEMAND, InstanceView.State.JOINED, 0, NOW - 6 * MINUTE, true);
    CapacityPlan plan = plan(ce, List.of(), List.of(idle("i-1", M5_XLARGE, NOW - 30 * MINUTE), draining));

    assertEquals(Map.of("draining", Cause.IDLE), terminated(plan));
    assertContains(plan.terminations().get(0).reason(), "draining and idle since");
  }

  @Test
  void anIdleEnvironmentWithMinZeroScalesToZero() {
    ManagedEnvironmentView ce = spot(SPOT_CAPACITY_OPTIMIZED, 0, 64, M5_LARGE, M5_XLARGE);
    List<InstanceView> instances = List.of(
        new InstanceView("i-1", M5_LARGE, Lifecycle.SPOT, InstanceView.State.JOINED, 0, NOW - 6 * MINUTE, false),
        new InstanceView("i-2", M5_XLARGE, Lifecycle.SPOT, InstanceView.State.JOINED, 0, NOW - 9 * MINUTE, true));
    CapacityPlan plan = plan(ce, List.of(), instances);

    assertEquals(Map.of("i-1", Cause.IDLE, "i-2", Cause.IDLE), terminated(plan));
    assertEquals(0, plan.desiredvCpus());
    assertEquals(List.of(), plan.launches());
  }

  @Test
  void anInstanceThatNeverJoinsIsTerminatedAndReplaced() {
    ManagedEnvironmentView ce = onDemand(BEST_FIT, 4, 64, M5_XLARGE);
    CapacityPlan plan = plan(ce, List.of(), List.of(
        pending("stuck", M5_XLARGE, NOW - 10 * MINUTE), pending("coming", M5_XLARGE, NOW - 9 * MINUTE)));

    assertEquals(Map.of("stuck", Cause.NEVER_JOINED), terminated(plan));
    assertContains(plan.terminations().get(0).reason(), "its agent had not joined within the join timeout (10 min)");
    assertEquals(List.of(), plan.launches());

    CapacityPlan both = plan(ce, List.of(), List.of(pending("stuck", M5_XLARGE, NOW - 10 * MINUTE)));
    assertEquals(Map.of("stuck", Cause.NEVER_JOINED), terminated(both));
    assertEquals(4, launchedvCpus(ce, both));
  }

  @Test
  void aLoweredMaxTerminatesIdleThenPendingInstancesButNeverBusyOnes() {
    ManagedEnvironmentView ce = onDemand(BEST_FIT, 0, 8, M5_XLARGE);
    List<InstanceView> instances = List.of(busy("busy-1", M5_XLARGE), busy("busy-2", M5_XLARGE),
        idle("idle", M5_XLARGE, NOW - MINUTE), pending("older", M5_XLARGE, NOW - 3 * MINUTE), pending("newer", M5_XLARGE, NOW - 2 * MINUTE));
    CapacityPlan plan = plan(ce, jobs(4, 1, 1024), instances);

    assertEquals(Map.of("idle", Cause.ABOVE_MAX, "newer", Cause.ABOVE_MAX, "older", Cause.ABOVE_MAX), terminated(plan));
    assertContains(plan.terminations().get(0).reason(), "idle while compute environment ce held 20 vCPU, above its maxvCpus (8)");
    assertEquals(List.of(), plan.launches());
    assertEquals(8, plan.desiredvCpus());
    assertEquals(4, plan.deferred().size());
  }

  @Test
  void busyInstancesAboveALoweredMaxAreNotedNotTerminated() {
    ManagedEnvironmentView ce = onDemand(BEST_FIT, 0, 4, M5_XLARGE);
    CapacityPlan plan = plan(ce, jobs(1, 1, 1024), List.of(busy("busy-1", M5_XLARGE), busy("busy-2", M5_XLARGE)));

    assertEquals(List.of(), plan.terminations());
    assertEquals(List.of(), plan.launches());
    assertEquals(4, plan.desiredvCpus());
    assertNoteContains(plan, "holds 8 vCPU, above its maxvCpus (4): busy instances are terminated once idle");
  }

  @Test
  void aLoweredMaxNeverTerminatesBelowTheFloor() {
    ManagedEnvironmentView ce = onDemand(BEST_FIT, 6, 6, M5_LARGE, M5_2XLARGE);
    CapacityPlan plan = plan(ce, List.of(), List.of(
        busy("busy", M5_LARGE), idle("big", M5_2XLARGE, NOW - 30 * MINUTE), idle("small", M5_LARGE, NOW - MINUTE)));

    // 12 vCPU: ending "big" would leave 4, below minvCpus 6; "small" brings it to 10.
    assertEquals(Map.of("small", Cause.ABOVE_MAX), terminated(plan));
  }

  @Test
  void aReclaimedInstanceIsNeitherTerminatedNorCounted() {
    ManagedEnvironmentView ce = spot(BEST_FIT, 0, 4, M5_XLARGE);
    CapacityPlan plan = plan(ce, List.of(job("a", 4, 8000)), List.of(reclaimed("i-1", M5_XLARGE)));

    assertEquals(List.of(), plan.terminations());
    assertEquals(1, plan.launches().get(0).count());
  }

  // ---- scale

  @Test
  void tenThousandInstancesAndTwentyThousandJobsArePlannedWithinTheLimits() {
    List<InstanceType> types = new ArrayList<>();
    for (int size = 1; size <= 48; size++) {
      types.add(new InstanceType("t" + size, 2 * size, 8192L * size, size % 12 == 0 ? 4 : 0, 0.05 * size, 0.02 * size));
    }
    ManagedEnvironmentView ce = new ManagedEnvironmentView("big", Lifecycle.SPOT, SPOT_PRICE_CAPACITY_OPTIMIZED, 64, 1_000_000, null,
        types, 20_000.0);
    List<InstanceView> instances = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      InstanceType type = types.get(i % 47);
      InstanceView.State state = i % 10 == 0 ? InstanceView.State.PENDING : i % 97 == 0 ? InstanceView.State.RECLAIMED : InstanceView.State.JOINED;
      Long idleSince = i % 3 == 0 ? NOW - (i % 20) * MINUTE : null;
      instances.add(new InstanceView("i-" + i, type, Lifecycle.SPOT, state, NOW - (i % 15) * MINUTE, idleSince, i % 50 == 0));
    }
    List<WaitingJob> demand = new ArrayList<>();
    for (int j = 0; j < 20_000; j++) {
      demand.add(new WaitingJob("job-" + j, new Resources(250L * (1 + j % 64), 512L * (1 + j % 37), j % 101 == 0 ? 1 : 0)));
    }
    CapacityPlan plan = CapacityPlanner.plan(ce, demand, instances, LaunchThrottle.NONE, CapacityOptions.DEFAULT, NOW);

    Set<String> ended = terminated(plan).keySet();
    long kept = instances.stream()
        .filter(i -> i.state() != InstanceView.State.RECLAIMED && !ended.contains(i.instanceId()))
        .mapToLong(i -> i.type().vcpus())
        .sum();
    assertEquals(plan.desiredvCpus(), kept + launchedvCpus(ce, plan));
    assertTrue(plan.terminations().stream().anyMatch(t -> t.cause() == Cause.IDLE));
    assertTrue(plan.terminations().stream().anyMatch(t -> t.cause() == Cause.NEVER_JOINED));
    assertEquals(Map.of(), plan.deferred());
    assertEquals(Map.of(), plan.unsatisfiable());
  }
}
