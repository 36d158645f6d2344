package io.drover.capacity;

/**
 * How instance types are chosen, as a compute environment's {@code allocationStrategy} says in AWS
 * Batch.
 */
public enum AllocationStrategy {
  /** Only the best-fitting type (the request's first); the next one only when EC2 has none of it. */
  BEST_FIT,
  /** The request's types in its order of preference, taking the next as soon as one runs short. */
  BEST_FIT_PROGRESSIVE,
  /** Spot only: the types whose Spot pools have the most spare capacity. */
  SPOT_CAPACITY_OPTIMIZED,
  /** Spot only: the Spot pools least likely to be interrupted, at the lowest price among them. */
  SPOT_PRICE_CAPACITY_OPTIMIZED;

  /** Whether the strategy exists only for Spot compute environments. */
  public boolean spotOnly() {
    return this == SPOT_CAPACITY_OPTIMIZED || this == SPOT_PRICE_CAPACITY_OPTIMIZED;
  }
}
