package io.drover.core.cost;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Attempts' costs added up per group and in total. Money is summed only over priced attempts (those
 * whose host had both a price and an On-Demand price), so {@code savings = onDemandCost - cost}
 * compares like with like; {@code unpricedAttempts} counts the others, whose vCPU-hours still count.
 *
 * @param groups largest cost first (then most vCPU-hours, then by key, null last)
 */
public record CostReport(String groupBy, List<Group> groups, Group total) {

  private static final double SECONDS_PER_HOUR = 3600.0;

  /**
   * One group's sums.
   *
   * @param key the group's value (a queue's name, a share, a tag's value), null for attempts without one
   * @param savings {@code onDemandCost - cost}: what running on this capacity saved over On-Demand
   */
  public record Group(
      String key, long attempts, long unpricedAttempts, double vcpuHours, double cost, double onDemandCost,
      double savings) {}

  public static Builder builder(CostGrouping grouping) {
    return new Builder(grouping);
  }

  /** Adds attempts one at a time; not thread-safe. */
  public static final class Builder {

    private final CostGrouping grouping;
    private final Map<String, Sums> groups = new HashMap<>();
    private final Sums total = new Sums(null);

    private Builder(CostGrouping grouping) {
      this.grouping = grouping;
    }

    public Builder add(AttemptCost cost) {
      String key = grouping.keyOf(cost);
      groups.computeIfAbsent(key, Sums::new).add(cost);
      total.add(cost);
      return this;
    }

    public CostReport build() {
      List<Group> built = new ArrayList<>(groups.size());
      groups.values().forEach(sums -> built.add(sums.group()));
      built.sort(Comparator.comparingDouble(Group::cost).reversed()
          .thenComparing(Comparator.comparingDouble(Group::vcpuHours).reversed())
          .thenComparing(Group::key, Comparator.nullsLast(Comparator.naturalOrder())));
      return new CostReport(grouping.name(), List.copyOf(built), total.group());
    }
  }

  private static final class Sums {
    private final String key;
    private long attempts;
    private long unpriced;
    private double vcpuSeconds;
    private double cost;
    private double onDemandCost;

    Sums(String key) {
      this.key = key;
    }

    void add(AttemptCost attempt) {
      attempts++;
      vcpuSeconds += attempt.vcpuSeconds();
      if (attempt.cost() == null || attempt.onDemandCost() == null) {
        unpriced++;
      } else {
        cost += attempt.cost();
        onDemandCost += attempt.onDemandCost();
      }
    }

    Group group() {
      return new Group(key, attempts, unpriced, vcpuSeconds / SECONDS_PER_HOUR, cost, onDemandCost, onDemandCost - cost);
    }
  }
}
