package io.drover.capacity.simulated;

import io.drover.capacity.Backoff;
import io.drover.capacity.CapacityError;
import io.drover.capacity.CapacityException;
import io.drover.capacity.CapacityProvider;
import io.drover.capacity.ErrorKind;
import io.drover.capacity.InstanceShape;
import io.drover.capacity.InstanceState;
import io.drover.capacity.InstanceTypes;
import io.drover.capacity.LaunchRequest;
import io.drover.capacity.LaunchResult;
import io.drover.capacity.LaunchedInstance;
import io.drover.capacity.ManagedInstance;
import io.drover.capacity.TerminationResult;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Virtual hosts, kept in memory, for scale tests and for testing what drives a provider. A launch
 * starts its instances at once ({@code sim-1}, {@code sim-2}, ..., running, at the clock's time), of
 * the request's types in order of preference, as much of each as its capacity allows; every call
 * completes before it returns and is recorded.
 *
 * <p>Capacity is unlimited unless {@link #limitCapacity} says otherwise; beyond it a type answers
 * {@code InsufficientInstanceCapacity} and the launch goes on to the next type. {@link #failLaunches}
 * makes every launch of a type fail with any kind of error (a THROTTLED one stops the launch and
 * suggests a delay from a per-compute-environment backoff, 1 s at first, deterministic jitter).
 * Instance types are the built-in ones ({@link InstanceTypes}) and those {@link #addInstanceType} adds.
 */
public final class SimulatedCapacityProvider implements CapacityProvider {

  /** A terminate call as received. */
  public record Termination(List<String> instanceIds, String reason) {}

  private static final Duration BACKOFF_MIN = Duration.ofSeconds(1);
  private static final Duration BACKOFF_MAX = Duration.ofMinutes(2);

  private final Clock clock;
  private final SplittableRandom random = new SplittableRandom(1);
  private final Map<String, ManagedInstance> instances = new LinkedHashMap<>();
  private final Map<String, InstanceShape> addedTypes = new HashMap<>();
  private final Map<String, Integer> capacity = new HashMap<>();
  private final Map<String, CapacityError> failures = new HashMap<>();
  private final Map<String, Backoff> backoffs = new HashMap<>();
  private final List<LaunchRequest> launches = new ArrayList<>();
  private final List<Termination> terminations = new ArrayList<>();
  private long launchedSoFar;

  /** Virtual hosts launched at {@code clock}'s time. */
  public SimulatedCapacityProvider(Clock clock) {
    this.clock = clock;
  }

  @Override
  public String name() {
    return "simulated";
  }

  /** Makes a type known that the built-in table lacks. */
  public synchronized void addInstanceType(InstanceShape shape) {
    addedTypes.put(shape.instanceType(), shape);
  }

  /** From now on, at most {@code instances} more of this type launch (0: none); the rest are capacity errors. */
  public synchronized void limitCapacity(String instanceType, int instances) {
    capacity.put(instanceType, Math.max(0, instances));
  }

  /** Every launch of this type fails with this error until {@link #stopFailing}. */
  public synchronized void failLaunches(String instanceType, ErrorKind kind, String code) {
    failures.put(instanceType, new CapacityError(kind, code, "Simulated " + code + " for " + instanceType + ".",
        instanceType, null, null));
  }

  /** Launches of this type no longer fail (its capacity limit, if any, still applies). */
  public synchronized void stopFailing(String instanceType) {
    failures.remove(instanceType);
  }

  /** Every launch request received, in order. */
  public synchronized List<LaunchRequest> launches() {
    return List.copyOf(launches);
  }

  /** Every terminate call received, in order. */
  public synchronized List<Termination> terminations() {
    return List.copyOf(terminations);
  }

  @Override
  public synchronized CompletionStage<LaunchResult> launch(LaunchRequest request) {
    launches.add(request);
    String ce = request.computeEnvironment();
    List<LaunchedInstance> launched = new ArrayList<>();
    List<CapacityError> errors = new ArrayList<>();
    Backoff backoff = backoffs.computeIfAbsent(ce, k -> new Backoff(BACKOFF_MIN, BACKOFF_MAX, random));
    for (String type : request.instanceTypes()) {
      int wanted = request.count() - launched.size();
      if (wanted == 0) {
        break;
      }
      CapacityError failure = failures.get(type);
      Optional<InstanceShape> shape = shape(type);
      if (failure == null && shape.isEmpty()) {
        failure = new CapacityError(ErrorKind.CONFIG, "InvalidInstanceType", "The simulated provider does not know "
            + "instance type " + type + "; add it with addInstanceType.", type, null, null);
      }
      if (failure != null) {
        errors.add(failure);
        if (failure.kind() == ErrorKind.CAPACITY) {
          continue;
        }
        break;
      }
      int available = capacity.getOrDefault(type, Integer.MAX_VALUE);
      int count = Math.min(wanted, available);
      if (capacity.containsKey(type)) {
        capacity.put(type, available - count);
      }
      for (int i = 0; i < count; i++) {
        launched.add(start(ce, request, shape.get()));
      }
      if (count < wanted) {
        errors.add(new CapacityError(ErrorKind.CAPACITY, "InsufficientInstanceCapacity", "Simulated: no more "
            + type + " capacity.", type, null, null));
      }
    }
    if (errors.stream().anyMatch(e -> e.kind() == ErrorKind.THROTTLED)) {
      errors.replaceAll(e -> e.kind() == ErrorKind.THROTTLED ? e.withRetryAfter(backoff.failed()) : e);
    } else {
      backoff.succeeded();
    }
    return CompletableFuture.completedFuture(new LaunchResult(launched, errors));
  }

  private LaunchedInstance start(String ce, LaunchRequest request, InstanceShape shape) {
    long n = ++launchedSoFar;
    String id = "sim-" + n;
    String subnet = request.spec().subnets().get(0);
    instances.put(id, new ManagedInstance(id, ce, shape.instanceType(), request.spec().lifecycle(),
        InstanceState.RUNNING, clock.instant(), "10." + (n >> 16 & 255) + "." + (n >> 8 & 255) + "." + (n & 255),
        subnet, shape.vcpus(), shape.memoryMib()));
    return new LaunchedInstance(id, shape.instanceType(), request.spec().lifecycle(), subnet);
  }

  @Override
  public synchronized CompletionStage<TerminationResult> terminate(List<String> instanceIds, String reason) {
    terminations.add(new Termination(List.copyOf(instanceIds), reason));
    List<String> terminated = new ArrayList<>();
    List<String> notFound = new ArrayList<>();
    for (String id : new LinkedHashSet<>(instanceIds)) {
      (instances.remove(id) != null ? terminated : notFound).add(id);
    }
    return CompletableFuture.completedFuture(new TerminationResult(terminated, notFound));
  }

  @Override
  public synchronized CompletionStage<List<ManagedInstance>> instances(String computeEnvironment) {
    return CompletableFuture.completedFuture(instances.values().stream()
        .filter(instance -> instance.computeEnvironment().equals(computeEnvironment))
        .toList());
  }

  @Override
  public synchronized CompletionStage<List<InstanceShape>> instanceTypes(List<String> typesOrFamilies) {
    Map<String, InstanceShape> shapes = new LinkedHashMap<>();
    for (String name : InstanceTypes.withoutKeywords(typesOrFamilies)) {
      List<InstanceShape> found = InstanceTypes.isFamily(name)
          ? InstanceTypes.family(name).orElse(List.of())
          : shape(name).map(List::of).orElse(List.of());
      if (found.isEmpty()) {
        return CompletableFuture.failedFuture(new CapacityException(new CapacityError(ErrorKind.CONFIG,
            "InvalidInstanceType", "The simulated provider does not know " + name + "; add it with addInstanceType.",
            name, null, null), null));
      }
      found.forEach(shape -> shapes.putIfAbsent(shape.instanceType(), shape));
    }
    return CompletableFuture.completedFuture(List.copyOf(shapes.values()));
  }

  private Optional<InstanceShape> shape(String type) {
    return InstanceTypes.shape(type).or(() -> Optional.ofNullable(addedTypes.get(type)));
  }

  /** Forgets the virtual hosts. */
  @Override
  public synchronized void close() {
    instances.clear();
  }
}
