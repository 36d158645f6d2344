package io.drover.capacity;

import java.util.LinkedHashSet;
import java.util.List;

/**
 * A wish for {@code count} more instances of one compute environment.
 *
 * <p>The planner names the instance types that fit the work waiting, in its order of preference
 * (usually smallest first), and how many instances it wants in all; the provider launches them, of
 * the first type it can get or, for the Spot strategies, spread over the types where EC2 has the most
 * capacity. Every type counts as one instance whatever its size, so the types listed should be
 * alike in size; for work of several shapes the planner sends one request per shape.
 *
 * @param computeEnvironment the compute environment's name
 * @param instanceTypes concrete instance types ({@code c5.xlarge}), most preferred first; expand
 *     family names with {@link CapacityProvider#instanceTypes} first
 * @param count how many instances, at least 1
 * @param spec how the compute environment's instances are launched
 */
public record LaunchRequest(String computeEnvironment, List<String> instanceTypes, int count, LaunchSpec spec) {

  /** Checks the request and drops repeated types. */
  public LaunchRequest {
    if (computeEnvironment == null || computeEnvironment.isBlank()) {
      throw new IllegalArgumentException("A launch request needs its compute environment's name");
    }
    if (instanceTypes == null || instanceTypes.isEmpty()) {
      throw new IllegalArgumentException("A launch request for " + computeEnvironment + " names no instance type");
    }
    for (String type : instanceTypes) {
      if (type == null || !type.contains(".")) {
        throw new IllegalArgumentException("'" + type + "' is not an instance type (such as c5.xlarge); expand "
            + "families with CapacityProvider.instanceTypes first");
      }
    }
    if (count < 1) {
      throw new IllegalArgumentException("A launch request asks for " + count + " instances; at least 1");
    }
    if (spec == null) {
      throw new IllegalArgumentException("A launch request needs its compute environment's launch spec");
    }
    instanceTypes = List.copyOf(new LinkedHashSet<>(instanceTypes));
  }
}
