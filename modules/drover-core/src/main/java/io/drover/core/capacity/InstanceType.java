package io.drover.core.capacity;

import io.drover.core.model.Resources;

/**
 * One entry of the instance type catalog.
 *
 * @param vcpus the vCPUs the instance has, which is what {@code minvCpus} and {@code maxvCpus} count
 * @param memoryMib the memory jobs can use on it
 * @param onDemandPrice USD per hour On-Demand; null when unknown
 * @param spotPrice USD per hour on Spot; null when unknown (Spot is then priced On-Demand)
 */
public record InstanceType(String name, int vcpus, long memoryMib, int gpus, Double onDemandPrice, Double spotPrice) {

  public InstanceType {
    if (name == null || name.isBlank() || vcpus <= 0 || memoryMib <= 0 || gpus < 0) {
      throw new IllegalArgumentException(
          "an instance type needs a name, vCPUs and memory: " + name + ", " + vcpus + " vCPU, " + memoryMib + " MiB, " + gpus + " GPU");
    }
    if ((onDemandPrice != null && !(onDemandPrice >= 0)) || (spotPrice != null && !(spotPrice >= 0))) {
      throw new IllegalArgumentException("instance type " + name + " has a negative price");
    }
  }

  /** What jobs can use on one instance of this type. */
  public Resources capacity() {
    return new Resources(vcpus * 1000L, memoryMib, gpus);
  }

  /** USD per hour for one instance bought this way (Spot at its Spot price when known); null when unknown. */
  public Double price(Lifecycle lifecycle) {
    return lifecycle == Lifecycle.SPOT && spotPrice != null ? spotPrice : onDemandPrice;
  }
}
