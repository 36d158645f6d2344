package io.drover.core.capacity;

import java.util.List;
import java.util.Map;

/**
 * What one round of capacity planning decided for a managed compute environment.
 *
 * @param desiredvCpus the vCPUs the environment aims at after this plan (what it keeps plus what
 *     it launches, at least its floor, at most {@code maxvCpus}): DescribeComputeEnvironments'
 *     {@code desiredvCpus}
 * @param unsatisfiable the waiting jobs no allowed instance type within the limits can ever run,
 *     by job id, with a reason that starts with AWS's reason code
 * @param deferred the waiting jobs this plan brings no capacity for yet (the maximum, the budget,
 *     throttling or a capacity error stands in the way), by job id, with a reason that starts with
 *     AWS's reason code; jobs that pending or launched instances will take are in neither map
 * @param notes the limits the plan ran into, for the operator
 */
public record CapacityPlan(
    List<Launch> launches,
    List<Termination> terminations,
    int desiredvCpus,
    Map<String, String> unsatisfiable,
    Map<String, String> deferred,
    List<String> notes) {

  public CapacityPlan {
    launches = List.copyOf(launches);
    terminations = List.copyOf(terminations);
    unsatisfiable = Map.copyOf(unsatisfiable);
    deferred = Map.copyOf(deferred);
    notes = List.copyOf(notes);
  }
}
