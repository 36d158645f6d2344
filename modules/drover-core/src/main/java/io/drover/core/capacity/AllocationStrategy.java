package io.drover.core.capacity;

/**
 * AWS Batch's allocation strategies for a managed compute environment: how the instance types to
 * launch are chosen among the allowed ones.
 */
public enum AllocationStrategy {
  /**
   * The type that fits the waiting jobs best at the lowest cost. When that type had a capacity
   * error lately, its jobs wait for it rather than move to another type.
   */
  BEST_FIT,
  /** Like {@link #BEST_FIT}, but falls through to larger or other types while the best one has a capacity error. */
  BEST_FIT_PROGRESSIVE,
  /** Spot only: diversified over every fitting type; the provider picks the pools with the most spare capacity. */
  SPOT_CAPACITY_OPTIMIZED,
  /** Spot only: diversified over every fitting type, cheapest first; the provider weighs price and capacity. */
  SPOT_PRICE_CAPACITY_OPTIMIZED;

  /** True for the strategies AWS allows only in a {@code SPOT} compute environment. */
  public boolean spotOnly() {
    return this == SPOT_CAPACITY_OPTIMIZED || this == SPOT_PRICE_CAPACITY_OPTIMIZED;
  }
}
