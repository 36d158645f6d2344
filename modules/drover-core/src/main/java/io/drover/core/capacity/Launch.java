package io.drover.core.capacity;

import java.util.List;

/**
 * Instances to launch: {@code count} of them, each of any of {@code instanceTypes} (the first is
 * preferred, the rest in order). Every type after the first has no more vCPUs or GPUs than the
 * first (and under a budget cap costs no more), holds the jobs the launch is for, and so keeps
 * the plan within its limits whichever the provider picks.
 *
 * @param reason why, in words an operator can read
 */
public record Launch(List<String> instanceTypes, Lifecycle lifecycle, int count, String reason) {

  public Launch {
    instanceTypes = List.copyOf(instanceTypes);
    if (instanceTypes.isEmpty() || count <= 0) {
      throw new IllegalArgumentException("a launch needs instance types and a count: " + instanceTypes + ", " + count);
    }
  }
}
