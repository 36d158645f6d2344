package io.drover.core.capacity;

import io.drover.core.capacity.InstanceView.State;
import io.drover.core.model.Resources;
import java.util.List;

/** Instance types with AWS-like shapes and prices (USD/hour On-Demand, Spot), and builders for the capacity tests. */
final class Catalog {

  static final InstanceType M5_LARGE = new InstanceType("m5.large", 2, 8192, 0, 0.096, 0.035);
  static final InstanceType M5_XLARGE = new InstanceType("m5.xlarge", 4, 16384, 0, 0.192, 0.070);
  static final InstanceType M5_2XLARGE = new InstanceType("m5.2xlarge", 8, 32768, 0, 0.384, 0.140);
  static final InstanceType C5_XLARGE = new InstanceType("c5.xlarge", 4, 8192, 0, 0.170, 0.065);
  static final InstanceType C5_2XLARGE = new InstanceType("c5.2xlarge", 8, 16384, 0, 0.340, 0.130);
  static final InstanceType R5_XLARGE = new InstanceType("r5.xlarge", 4, 32768, 0, 0.252, 0.060);
  static final InstanceType G4DN_XLARGE = new InstanceType("g4dn.xlarge", 4, 16384, 1, 0.526, 0.160);
  static final InstanceType P3_2XLARGE = new InstanceType("p3.2xlarge", 8, 62464, 1, 3.060, 0.920);

  static final List<InstanceType> ALL =
      List.of(M5_LARGE, M5_XLARGE, M5_2XLARGE, C5_XLARGE, C5_2XLARGE, R5_XLARGE, G4DN_XLARGE, P3_2XLARGE);

  static final long MINUTE = 60_000;
  /** The planning time of the tests: well after every launch and idle time they use. */
  static final long NOW = 1_000 * MINUTE;

  private Catalog() {}

  static ManagedEnvironmentView onDemand(AllocationStrategy strategy, int min, int max, InstanceType... types) {
    return new ManagedEnvironmentView("ce", Lifecycle.ON_DEMAND, strategy, min, max, null, List.of(types), null);
  }

  static ManagedEnvironmentView spot(AllocationStrategy strategy, int min, int max, InstanceType... types) {
    return new ManagedEnvironmentView("ce", Lifecycle.SPOT, strategy, min, max, null, List.of(types), null);
  }

  static ManagedEnvironmentView withBudget(ManagedEnvironmentView ce, double maxHourlyCost) {
    return new ManagedEnvironmentView(ce.name(), ce.lifecycle(), ce.allocationStrategy(), ce.minvCpus(), ce.maxvCpus(),
        ce.desiredvCpus(), ce.instanceTypes(), maxHourlyCost);
  }

  static ManagedEnvironmentView withDesired(ManagedEnvironmentView ce, int desiredvCpus) {
    return new ManagedEnvironmentView(ce.name(), ce.lifecycle(), ce.allocationStrategy(), ce.minvCpus(), ce.maxvCpus(),
        desiredvCpus, ce.instanceTypes(), ce.maxHourlyCost());
  }

  static InstanceView pending(String id, InstanceType type, long launchedAt) {
    return new InstanceView(id, type, Lifecycle.ON_DEMAND, State.PENDING, launchedAt, null, false);
  }

  static InstanceView busy(String id, InstanceType type) {
    return new InstanceView(id, type, Lifecycle.ON_DEMAND, State.JOINED, 0, null, false);
  }

  static InstanceView idle(String id, InstanceType type, long idleSince) {
    return new InstanceView(id, type, Lifecycle.ON_DEMAND, State.JOINED, 0, idleSince, false);
  }

  static InstanceView reclaimed(String id, InstanceType type) {
    return new InstanceView(id, type, Lifecycle.SPOT, State.RECLAIMED, 0, null, false);
  }

  static WaitingJob job(String id, double vcpus, long memoryMib) {
    return new WaitingJob(id, Resources.of(vcpus, memoryMib, 0));
  }

  static WaitingJob gpuJob(String id, double vcpus, long memoryMib, int gpus) {
    return new WaitingJob(id, Resources.of(vcpus, memoryMib, gpus));
  }

  /** The vCPUs of the allowed type named so. */
  static int vcpusOf(ManagedEnvironmentView ce, String typeName) {
    return typeOf(ce, typeName).vcpus();
  }

  static InstanceType typeOf(ManagedEnvironmentView ce, String typeName) {
    return ce.instanceTypes().stream().filter(t -> t.name().equals(typeName)).findFirst().orElseThrow();
  }

  /** The vCPUs the plan launches, counting each launch at its first (largest) candidate. */
  static int launchedvCpus(ManagedEnvironmentView ce, CapacityPlan plan) {
    return plan.launches().stream().mapToInt(l -> l.count() * vcpusOf(ce, l.instanceTypes().get(0))).sum();
  }
}
