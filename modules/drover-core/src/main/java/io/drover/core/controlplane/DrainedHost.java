package io.drover.core.controlplane;

import io.drover.core.CborSerializable;

/**
 * Why and since when an operator drained a host: the scheduler places nothing new on it, while the
 * attempts it already runs go on, until an operator undrains it.
 *
 * @param reason what the operator gave, or empty
 * @param drainedAt epoch milliseconds
 * @param drainedBy the ARN of the user who drained it
 */
public record DrainedHost(String reason, long drainedAt, String drainedBy) implements CborSerializable {

  /** The most a reason may hold. */
  public static final int MAX_REASON_LENGTH = 256;
}
