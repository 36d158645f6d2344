package io.drover.core.scheduling;

/**
 * Tunables of a scheduling pass.
 *
 * @param reservationAfterMillis how long a job that fits a host, but finds none free, waits
 *     before the pass holds a host for it: the host takes no other jobs until the waiting job
 *     fits, so large jobs are not starved by a stream of small ones
 */
public record SchedulerOptions(long reservationAfterMillis) {

  public static final SchedulerOptions DEFAULT = new SchedulerOptions(120_000);
}
