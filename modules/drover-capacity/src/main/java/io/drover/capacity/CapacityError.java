package io.drover.capacity;

import java.time.Duration;

/**
 * One refusal, classified.
 *
 * @param kind what it means for the caller
 * @param code the provider's error code (EC2's, such as {@code InsufficientInstanceCapacity})
 * @param message what happened and what to do, for operators
 * @param instanceType the instance type it concerns, or null when it concerns the whole call
 * @param subnetId the subnet it concerns, or null
 * @param retryAfter for {@link ErrorKind#THROTTLED}: how long to wait before calling again
 *     (exponential, with jitter, growing while the compute environment keeps being throttled); else null
 */
public record CapacityError(
    ErrorKind kind, String code, String message, String instanceType, String subnetId, Duration retryAfter) {

  /** The same error with a suggested delay. */
  public CapacityError withRetryAfter(Duration delay) {
    return new CapacityError(kind, code, message, instanceType, subnetId, delay);
  }
}
