package io.drover.core.capacity;

/** How an instance is bought: On-Demand (AWS's compute resource type {@code EC2}) or Spot. */
public enum Lifecycle {
  ON_DEMAND,
  SPOT
}
