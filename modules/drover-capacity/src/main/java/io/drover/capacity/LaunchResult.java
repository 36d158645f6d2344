package io.drover.capacity;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a launch did: the instances started (maybe fewer than asked) and every refusal met on the way,
 * per instance type and subnet where EC2 said which.
 */
public record LaunchResult(List<LaunchedInstance> instances, List<CapacityError> errors) {

  /** Copies the lists. */
  public LaunchResult {
    instances = List.copyOf(instances);
    errors = List.copyOf(errors);
  }

  /** A launch refused before anything started. */
  public static LaunchResult failed(CapacityError error) {
    return new LaunchResult(List.of(), List.of(error));
  }

  /** When the launch was throttled: how long to wait before launching again for this compute environment. */
  public Optional<Duration> retryAfter() {
    return errors.stream()
        .map(CapacityError::retryAfter)
        .filter(Objects::nonNull)
        .max(Comparator.naturalOrder());
  }
}
