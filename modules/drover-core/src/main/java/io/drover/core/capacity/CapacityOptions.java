package io.drover.core.capacity;

/**
 * Tunables of the capacity planner.
 *
 * @param idleDelayMillis how long an instance stays idle before it is terminated (while above the
 *     floor)
 * @param joinTimeoutMillis how long after its launch an instance whose agent never joined is
 *     given up and terminated
 * @param capacityErrorCooldownMillis how long a type that failed with a capacity error is tried
 *     only after the others (or, for {@code BEST_FIT}, waited for)
 */
public record CapacityOptions(long idleDelayMillis, long joinTimeoutMillis, long capacityErrorCooldownMillis) {

  /** Five minutes' idle delay, a ten-minute join timeout and a five-minute cool-down. */
  public static final CapacityOptions DEFAULT = new CapacityOptions(300_000, 600_000, 300_000);
}
