package io.drover.capacity.simulated;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.capacity.CapacityError;
import io.drover.capacity.CapacityException;
import io.drover.capacity.ErrorKind;
import io.drover.capacity.InstanceShape;
import io.drover.capacity.InstanceState;
import io.drover.capacity.LaunchRequest;
import io.drover.capacity.LaunchResult;
import io.drover.capacity.LaunchSpec;
import io.drover.capacity.LaunchedInstance;
import io.drover.capacity.ManagedInstance;
import io.drover.capacity.TerminationResult;
import io.drover.capacity.simulated.SimulatedCapacityProvider.Termination;
import io.drover.core.capacity.AllocationStrategy;
import io.drover.core.capacity.Lifecycle;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class SimulatedCapacityProviderTest {

  private static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");
  private static final LaunchSpec SPOT = new LaunchSpec(Lifecycle.SPOT, AllocationStrategy.SPOT_CAPACITY_OPTIMIZED,
      null, List.of("subnet-a", "subnet-b"), List.of(), null, "ami-1", "profile", null, null, Map.of(), "");

  private final SimulatedCapacityProvider provider =
      new SimulatedCapacityProvider(Clock.fixed(NOW, ZoneOffset.UTC));

  private static <T> T now(CompletionStage<T> stage) {
    assertTrue(stage.toCompletableFuture().isDone(), "a simulated call completes at once");
    return stage.toCompletableFuture().join();
  }

  private LaunchResult launch(String ce, int count, String... types) {
    return now(provider.launch(new LaunchRequest(ce, List.of(types), count, SPOT)));
  }

  @Test
  void launchesVirtualInstancesAtOnce() {
    LaunchResult result = launch("sim", 2, "c5.xlarge");

    assertEquals(List.of(new LaunchedInstance("sim-1", "c5.xlarge", Lifecycle.SPOT, "subnet-a"),
        new LaunchedInstance("sim-2", "c5.xlarge", Lifecycle.SPOT, "subnet-a")), result.instances());
    assertEquals(List.of(), result.errors());
    List<ManagedInstance> instances = now(provider.instances("sim"));
    assertEquals(new ManagedInstance("sim-1", "sim", "c5.xlarge", Lifecycle.SPOT, InstanceState.RUNNING, NOW,
        "10.0.0.1", "subnet-a", 4, 8192), instances.get(0));
    assertEquals(2, instances.size());
    assertEquals(List.of(), now(provider.instances("other")));
    assertEquals("simulated", provider.name());
  }

  @Test
  void aTypeWithoutCapacityFallsBackToTheNextWithACapacityError() {
    provider.limitCapacity("c5.large", 1);

    LaunchResult result = launch("sim", 3, "c5.large", "m5.large");

    assertEquals(List.of("c5.large", "m5.large", "m5.large"),
        result.instances().stream().map(LaunchedInstance::instanceType).toList());
    CapacityError error = result.errors().get(0);
    assertEquals(ErrorKind.CAPACITY, error.kind());
    assertEquals("InsufficientInstanceCapacity", error.code());
    assertEquals("c5.large", error.instanceType());
    assertEquals(List.of("InsufficientInstanceCapacity"),
        launch("sim", 1, "c5.large").errors().stream().map(CapacityError::code).toList());
  }

  @Test
  void scriptedFailuresStopTheLaunchAndThrottlingSuggestsAGrowingDelay() {
    provider.failLaunches("c5.large", ErrorKind.LIMIT, "VcpuLimitExceeded");
    LaunchResult limited = launch("sim", 1, "c5.large", "m5.large");
    assertEquals(List.of(), limited.instances());
    assertEquals(ErrorKind.LIMIT, limited.errors().get(0).kind());

    provider.failLaunches("c5.large", ErrorKind.THROTTLED, "RequestLimitExceeded");
    Duration first = launch("sim", 1, "c5.large").retryAfter().orElseThrow();
    Duration second = launch("sim", 1, "c5.large").retryAfter().orElseThrow();
    assertTrue(first.toMillis() >= 500 && first.toMillis() <= 1000, first.toString());
    assertTrue(second.toMillis() >= 1000 && second.toMillis() <= 2000, second.toString());

    provider.stopFailing("c5.large");
    assertEquals(1, launch("sim", 1, "c5.large").instances().size());
  }

  @Test
  void terminateRemovesKnownInstancesAndIsRecorded() {
    launch("sim", 2, "m5.large");

    TerminationResult result = now(provider.terminate(List.of("sim-1", "sim-9"), "idle for 10m"));

    assertEquals(List.of("sim-1"), result.terminated());
    assertEquals(List.of("sim-9"), result.notFound());
    assertEquals(List.of("sim-2"), now(provider.instances("sim")).stream().map(ManagedInstance::instanceId).toList());
    assertEquals(List.of(new Termination(List.of("sim-1", "sim-9"), "idle for 10m")), provider.terminations());
    assertEquals(1, provider.launches().size());
  }

  @Test
  void knowsTheBuiltInTypesAndThoseAdded() throws Exception {
    provider.addInstanceType(new InstanceShape("p4d.24xlarge", 96, 1179648));

    assertEquals(List.of("p4d.24xlarge", "t3.nano", "t3.micro", "t3.small", "t3.medium", "t3.large", "t3.xlarge",
        "t3.2xlarge"), now(provider.instanceTypes(List.of("p4d.24xlarge", "t3", "t3.large")))
        .stream().map(InstanceShape::instanceType).toList());
    assertEquals(1, launch("gpu", 1, "p4d.24xlarge").instances().size());
    assertEquals(List.of("c6i", "m6i", "r6i"), now(provider.instanceTypes(List.of("optimal"))).stream()
        .map(InstanceShape::family).distinct().toList());

    ExecutionException unknown = assertThrows(ExecutionException.class,
        () -> provider.instanceTypes(List.of("x9.huge")).toCompletableFuture().get());
    assertEquals(ErrorKind.CONFIG, assertInstanceOf(CapacityException.class, unknown.getCause()).error().kind());
    assertEquals(ErrorKind.CONFIG, launch("sim", 1, "x9.huge").errors().get(0).kind());
  }
}
