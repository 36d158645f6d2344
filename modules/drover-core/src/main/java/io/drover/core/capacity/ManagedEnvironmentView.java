package io.drover.core.capacity;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A MANAGED compute environment's compute resources, as the capacity planner sees them.
 *
 * @param lifecycle AWS's compute resource {@code type}: {@code EC2} launches {@link Lifecycle#ON_DEMAND}
 *     instances, {@code SPOT} launches {@link Lifecycle#SPOT} ones
 * @param desiredvCpus a size the operator asked for, kept as a floor (never above {@code maxvCpus});
 *     null when the service manages it alone
 * @param instanceTypes the allowed types, resolved from the catalog
 * @param maxHourlyCost a cap, in USD per hour, on what all its instances cost together, launches
 *     included; null for none
 */
public record ManagedEnvironmentView(
    String name,
    Lifecycle lifecycle,
    AllocationStrategy allocationStrategy,
    int minvCpus,
    int maxvCpus,
    Integer desiredvCpus,
    List<InstanceType> instanceTypes,
    Double maxHourlyCost) {

  public ManagedEnvironmentView {
    if (minvCpus < 0 || maxvCpus < minvCpus || (desiredvCpus != null && desiredvCpus < 0)) {
      throw new IllegalArgumentException("compute environment " + name + " needs 0 <= minvCpus <= maxvCpus and desiredvCpus >= 0: "
          + minvCpus + ", " + maxvCpus + ", " + desiredvCpus);
    }
    if (allocationStrategy.spotOnly() && lifecycle != Lifecycle.SPOT) {
      throw new IllegalArgumentException(allocationStrategy + " is for SPOT compute environments only: " + name);
    }
    if (maxHourlyCost != null && !(maxHourlyCost >= 0)) {
      throw new IllegalArgumentException("compute environment " + name + " has a negative maxHourlyCost");
    }
    instanceTypes = List.copyOf(instanceTypes);
    Set<String> names = new HashSet<>();
    for (InstanceType type : instanceTypes) {
      if (!names.add(type.name())) {
        throw new IllegalArgumentException("instance type " + type.name() + " is listed twice in " + name);
      }
    }
  }

  /** The vCPUs to keep at least: {@code minvCpus}, or the desired vCPUs when higher (but not above {@code maxvCpus}). */
  public int floorvCpus() {
    return desiredvCpus == null ? minvCpus : Math.max(minvCpus, Math.min(desiredvCpus, maxvCpus));
  }
}
