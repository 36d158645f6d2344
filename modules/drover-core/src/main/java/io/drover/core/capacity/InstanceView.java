package io.drover.core.capacity;

/**
 * One instance of the compute environment, as the capacity manager knows it.
 *
 * @param type its catalog entry (it may have left the allowed types since it was launched)
 * @param launchedAt when it was launched, in epoch milliseconds
 * @param idleSince for a JOINED instance, since when its agent has run nothing; null while busy
 * @param draining for a JOINED instance, true while its agent takes no new jobs
 */
public record InstanceView(
    String instanceId, InstanceType type, Lifecycle lifecycle, State state, long launchedAt, Long idleSince, boolean draining) {

  /** Where an instance stands. */
  public enum State {
    /** Launched; its agent has not joined yet. */
    PENDING,
    /** Its agent is Up in the cluster. */
    JOINED,
    /** The provider is taking it back (a Spot interruption notice): it counts as gone. */
    RECLAIMED
  }

  /** True for a JOINED instance that runs jobs. */
  public boolean busy() {
    return state == State.JOINED && idleSince == null;
  }
}
