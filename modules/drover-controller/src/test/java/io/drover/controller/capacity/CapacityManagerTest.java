package io.drover.controller.capacity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.capacity.ErrorKind;
import io.drover.capacity.LaunchRequest;
import io.drover.capacity.simulated.SimulatedCapacityProvider;
import io.drover.controller.controlplane.ControlPlaneRequests;
import io.drover.core.api.CreateComputeEnvironmentRequest;
import io.drover.core.capacity.AllocationStrategy;
import io.drover.core.capacity.CapacityOptions;
import io.drover.core.capacity.WaitingJob;
import io.drover.core.compute.ComputeEnvironment;
import io.drover.core.compute.ComputeResources;
import io.drover.core.controlplane.ControlPlaneState;
import io.drover.core.cost.PriceTable;
import io.drover.core.model.Resources;
import io.drover.metrics.NodeMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CapacityManagerTest {

  private static final Duration WAIT = Duration.ofSeconds(5);

  private final ActorTestKit testKit = ActorTestKit.create();
  private final SimulatedCapacityProvider provider = new SimulatedCapacityProvider(Clock.systemUTC());
  private final TestProbe<CapacityManager.RetireHost> scheduler = testKit.createTestProbe(CapacityManager.RetireHost.class);

  @AfterEach
  void stop() {
    testKit.shutdownTestKit();
  }

  private ActorRef<CapacityManager.Command> manager() {
    CapacitySettings settings = new CapacitySettings("simulated", Duration.ofMillis(100),
        new CapacityOptions(500, 60_000, 60_000), List.of(), Map.of(), Path.of("unused"),
        new PriceTable(Map.of(), Map.of()));
    return testKit.spawn(CapacityManager.create(provider, settings, scheduler.ref()));
  }

  private static ControlPlaneState managed(AllocationStrategy strategy) {
    ComputeResources resources = new ComputeResources(ComputeResources.Type.EC2, strategy, 0, 16, null,
        List.of("c5.large", "c5.xlarge"), "ami-0drover", List.of("subnet-a"), List.of("sg-a"), null, "drover-agent",
        null, null, null, null, null, null, null);
    CreateComputeEnvironmentRequest create = new CreateComputeEnvironmentRequest("auto", ComputeEnvironment.Type.MANAGED,
        null, null, resources, null, null);
    return ControlPlaneState.EMPTY.apply(ControlPlaneRequests.RULES.execute(ControlPlaneState.EMPTY, create));
  }

  private static CapacityManager.Demand waiting(ControlPlaneState state, List<CapacityManager.Host> hosts, String... jobs) {
    List<WaitingJob> waiting = java.util.Arrays.stream(jobs).map(id -> new WaitingJob(id, new Resources(2000, 1024, 0))).toList();
    return new CapacityManager.Demand(state, Map.of("auto", new CapacityManager.EnvironmentDemand(waiting, hosts)));
  }

  @Test
  void publishesTheVcpusEachPlanAimsAt() {
    ActorRef<CapacityManager.Command> manager = manager();
    manager.tell(waiting(managed(AllocationStrategy.BEST_FIT_PROGRESSIVE), List.of(), "job-1"));

    scheduler.awaitAssert(WAIT, () -> {
      String text = new String(NodeMetrics.get(testKit.system()).scrape(), StandardCharsets.UTF_8);
      assertTrue(text.contains("drover_compute_environment_desired_vcpus{compute_environment=\"auto\"} 2.0"),
          "one c5.large for the 2-vCPU job: " + text);
      return null;
    });
  }

  @Test
  void launchesForWaitingJobsOnceAndFallsBackToTheNextTypeOnACapacityError() {
    provider.failLaunches("c5.large", ErrorKind.CAPACITY, "InsufficientInstanceCapacity");
    ActorRef<CapacityManager.Command> manager = manager();
    ControlPlaneState state = managed(AllocationStrategy.BEST_FIT_PROGRESSIVE);
    manager.tell(waiting(state, List.of(), "job-1"));

    scheduler.awaitAssert(WAIT, () -> {
      List<LaunchRequest> launches = provider.launches();
      assertTrue(launches.size() >= 2, "a launch, then one after the capacity error: " + launches);
      assertEquals("c5.large", launches.get(0).instanceTypes().get(0), "the best fit first");
      assertEquals("c5.xlarge", launches.get(launches.size() - 1).instanceTypes().get(0), "then the next type");
      return null;
    });
    int launched = provider.launches().size();
    scheduler.expectNoMessage(Duration.ofMillis(500));
    assertEquals(launched, provider.launches().size(), "the instance coming covers the job: no more launches");
  }

  @Test
  void retiresAnIdleJoinedHostBeforeTerminatingIt() {
    ActorRef<CapacityManager.Command> manager = manager();
    ControlPlaneState state = managed(AllocationStrategy.BEST_FIT);
    manager.tell(waiting(state, List.of(), "job-1"));
    String instance = scheduler.awaitAssert(WAIT, () -> {
      assertEquals(1, provider.launches().size());
      return provider.instances("auto").toCompletableFuture().join().get(0).instanceId();
    });

    manager.tell(waiting(state, List.of(new CapacityManager.Host("agent-" + instance, instance, true, false, false))));
    CapacityManager.RetireHost retire = scheduler.expectMessageClass(CapacityManager.RetireHost.class, WAIT);
    assertEquals("agent-" + instance, retire.agentId());
    assertTrue(provider.terminations().isEmpty(), "nothing is terminated before the scheduler has retired the host");
    retire.replyTo().tell(true);

    scheduler.awaitAssert(WAIT, () -> {
      assertEquals(List.of(instance), provider.terminations().get(0).instanceIds());
      return null;
    });
  }
}
