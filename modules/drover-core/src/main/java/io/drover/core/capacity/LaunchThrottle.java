package io.drover.core.capacity;

import java.util.Map;

/**
 * What the provider said about launching lately.
 *
 * @param noLaunchBefore the time (epoch milliseconds) before which no launch may be attempted; 0
 *     when not throttled
 * @param capacityErrors the instance types that recently failed with a capacity error, with the
 *     time of the error: each sits out {@link CapacityOptions#capacityErrorCooldownMillis}
 */
public record LaunchThrottle(long noLaunchBefore, Map<String, Long> capacityErrors) {

  /** No throttling and no recent capacity errors. */
  public static final LaunchThrottle NONE = new LaunchThrottle(0, Map.of());

  public LaunchThrottle {
    capacityErrors = Map.copyOf(capacityErrors);
  }
}
