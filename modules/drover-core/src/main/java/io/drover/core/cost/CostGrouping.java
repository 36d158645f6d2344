package io.drover.core.cost;

import io.drover.core.ClientError;
import java.util.function.Function;

/**
 * What a cost report groups attempts by: {@code queue}, {@code shareIdentifier},
 * {@code computeEnvironment}, {@code instanceType}, {@code lifecycle}, or the value of one tag
 * ({@code tag:<key>}). Attempts without a value (no share, no such tag, an unknown instance type)
 * form the group with key null.
 */
public final class CostGrouping {

  private static final String TAG = "tag:";

  private final String name;
  private final Function<AttemptCost, String> key;

  private CostGrouping(String name, Function<AttemptCost, String> key) {
    this.name = name;
    this.key = key;
  }

  /** The grouping named {@code groupBy}, as a caller writes it. */
  public static CostGrouping parse(String groupBy) {
    return switch (groupBy) {
      case "queue" -> new CostGrouping(groupBy, AttemptCost::queue);
      case "shareIdentifier" -> new CostGrouping(groupBy, AttemptCost::shareIdentifier);
      case "computeEnvironment" -> new CostGrouping(groupBy, AttemptCost::computeEnvironment);
      case "instanceType" -> new CostGrouping(groupBy, AttemptCost::instanceType);
      case "lifecycle" -> new CostGrouping(groupBy, AttemptCost::lifecycle);
      default -> {
        String tag = groupBy.startsWith(TAG) ? groupBy.substring(TAG.length()) : "";
        ClientError.require(!tag.isEmpty(), "groupBy '" + groupBy + "' must be queue, shareIdentifier, "
            + "computeEnvironment, instanceType, lifecycle or tag:<key>.");
        yield new CostGrouping(groupBy, cost -> cost.tags().get(tag));
      }
    };
  }

  public String name() {
    return name;
  }

  /** The group {@code cost} falls in; null when it has no value for this grouping. */
  public String keyOf(AttemptCost cost) {
    return key.apply(cost);
  }
}
