package io.drover.core.capacity;

/**
 * An instance to terminate, and why.
 *
 * @param reason the cause in words an operator can read
 */
public record Termination(String instanceId, Cause cause, String reason) {

  /** The rule that ends the instance. */
  public enum Cause {
    /** Its agent never joined within the join timeout. */
    NEVER_JOINED,
    /** It was idle or not yet joined while the compute environment held more than its (lowered) {@code maxvCpus}. */
    ABOVE_MAX,
    /** It was idle longer than the scale-down delay while the compute environment was above its floor. */
    IDLE
  }
}
