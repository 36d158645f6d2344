package io.drover.core.cost;

import io.drover.core.job.Attempt;
import io.drover.core.job.JobSpec;
import io.drover.core.job.Placement;
import io.drover.core.model.Resources;
import java.util.Map;

/**
 * What one ended attempt used and cost. An attempt holds its share of the host from the moment it
 * starts until it stops; its share is the largest of the fractions of the host's vCPUs, memory and
 * GPUs it reserved (a job that takes all of a host's memory or GPUs keeps every other job off it),
 * at most the whole host.
 *
 * <ul>
 *   <li>{@code vcpuSeconds} = the job's vCPUs x (stopped - started)
 *   <li>{@code cost} = the host's hourly price x share x hours, null when the price or the host's
 *       capacity is unknown
 *   <li>{@code onDemandCost} = the same with the host's On-Demand price
 * </ul>
 *
 * @param queue the job queue's name
 * @param shareIdentifier the job's share in a fair-share queue, else null
 * @param lifecycle {@code SPOT} or {@code ON_DEMAND}; null when the host did not say
 */
public record AttemptCost(
    String jobId,
    int attempt,
    long startedAt,
    long endedAt,
    String queue,
    String shareIdentifier,
    Map<String, String> tags,
    String computeEnvironment,
    String instanceType,
    String lifecycle,
    double vcpus,
    double vcpuSeconds,
    Double cost,
    Double onDemandCost) {

  public static final String SPOT = "SPOT";
  public static final String ON_DEMAND = "ON_DEMAND";

  private static final double MILLIS_PER_HOUR = 3_600_000.0;

  public AttemptCost {
    tags = tags == null ? Map.of() : Map.copyOf(tags);
  }

  /**
   * The cost of {@code attempt} of the job {@code spec}; null when the attempt has not ended or never
   * started (it never held its host).
   */
  public static AttemptCost of(JobSpec spec, Attempt attempt) {
    if (attempt.startedAt() == null || attempt.stoppedAt() == null) {
      return null;
    }
    Placement host = attempt.placement();
    long millis = Math.max(0, attempt.stoppedAt() - attempt.startedAt());
    Double share = share(spec.resources(), host.hostCapacity());
    double hours = millis / MILLIS_PER_HOUR;
    return new AttemptCost(spec.jobId(), attempt.number(), attempt.startedAt(), attempt.stoppedAt(), spec.jobQueue(),
        spec.shareIdentifier(), spec.tags(), host.computeEnvironment(), host.instanceType(), lifecycle(host.spot()),
        spec.resources().vcpus(), spec.resources().vcpus() * millis / 1000.0,
        price(host.hourlyPrice(), share, hours), price(host.onDemandHourlyPrice(), share, hours));
  }

  /** The fraction of {@code host} that {@code reserved} takes: its largest dimension, at most 1; null when unknown. */
  static Double share(Resources reserved, Resources host) {
    if (host == null || host.milliCpus() == 0) {
      return null;
    }
    double share = (double) reserved.milliCpus() / host.milliCpus();
    if (host.memoryMib() > 0) {
      share = Math.max(share, (double) reserved.memoryMib() / host.memoryMib());
    }
    if (host.gpus() > 0) {
      share = Math.max(share, (double) reserved.gpus() / host.gpus());
    }
    return Math.min(1.0, share);
  }

  private static Double price(Double hourly, Double share, double hours) {
    return hourly == null || share == null ? null : hourly * share * hours;
  }

  private static String lifecycle(Boolean spot) {
    return spot == null ? null : spot ? SPOT : ON_DEMAND;
  }
}
