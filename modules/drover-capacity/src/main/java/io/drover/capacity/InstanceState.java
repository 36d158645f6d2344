package io.drover.capacity;

/** Where a provider's instance is in its life; stopping and terminated instances are not listed. */
public enum InstanceState {
  /** Launched and booting; its agent has not been started yet, or is starting. */
  PENDING,
  /** Running; its agent has joined the cluster, or should have by now. */
  RUNNING
}
