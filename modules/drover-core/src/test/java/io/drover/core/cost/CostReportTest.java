package io.drover.core.cost;

import static io.drover.core.Fixtures.assertRejected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CostReportTest {

  private static final double EPSILON = 1e-9;

  private static AttemptCost cost(String queue, String share, Map<String, String> tags, double vcpuSeconds, Double cost,
      Double onDemandCost) {
    return new AttemptCost("job", 1, 0, 1_000, queue, share, tags, "ce", "c5.xlarge", AttemptCost.SPOT, 1,
        vcpuSeconds, cost, onDemandCost);
  }

  @Test
  void groupsByQueueAndTheGroupsAddUpToTheTotal() {
    CostReport report = CostReport.builder(CostGrouping.parse("queue"))
        .add(cost("nightly", null, Map.of(), 3600, 0.10, 0.25))
        .add(cost("nightly", null, Map.of(), 7200, 0.20, 0.50))
        .add(cost("adhoc", null, Map.of(), 1800, 0.05, 0.05))
        .build();

    assertEquals("queue", report.groupBy());
    assertEquals(List.of("nightly", "adhoc"), report.groups().stream().map(CostReport.Group::key).toList(),
        "largest cost first");
    CostReport.Group nightly = report.groups().get(0);
    assertEquals(2, nightly.attempts());
    assertEquals(3.0, nightly.vcpuHours(), EPSILON);
    assertEquals(0.30, nightly.cost(), EPSILON);
    assertEquals(0.75, nightly.onDemandCost(), EPSILON);
    assertEquals(0.45, nightly.savings(), EPSILON);
    CostReport.Group total = report.total();
    assertNull(total.key());
    assertEquals(3, total.attempts());
    assertEquals(3.5, total.vcpuHours(), EPSILON);
    assertEquals(0.35, total.cost(), EPSILON);
    assertEquals(0.80, total.onDemandCost(), EPSILON);
    assertEquals(0.45, total.savings(), EPSILON);
  }

  @Test
  void groupsByShareAndByTagWithAttemptsWithoutAValueInTheNullGroup() {
    List<AttemptCost> costs = List.of(
        cost("fair", "team_a", Map.of("project", "atlas"), 60, 0.01, 0.02),
        cost("fair", "team_b", Map.of("project", "atlas"), 60, 0.02, 0.04),
        cost("fifo", null, Map.of(), 60, 0.04, 0.08));

    CostReport byShare = report("shareIdentifier", costs);
    assertEquals(3, byShare.groups().size());
    assertEquals(0.04, group(byShare, null).cost(), EPSILON);

    CostReport byTag = report("tag:project", costs);
    assertEquals("tag:project", byTag.groupBy());
    assertEquals(2, byTag.groups().size());
    assertEquals(0.03, group(byTag, "atlas").cost(), EPSILON);
    assertEquals(2, group(byTag, "atlas").attempts());
    assertEquals(1, group(byTag, null).attempts());
  }

  @Test
  void unpricedAttemptsCountInVcpuHoursButNotInMoney() {
    CostReport report = report("queue", List.of(
        cost("q", null, Map.of(), 3600, 0.10, 0.20),
        cost("q", null, Map.of(), 3600, null, null),
        cost("q", null, Map.of(), 3600, 0.10, null)));

    CostReport.Group total = report.total();
    assertEquals(3, total.attempts());
    assertEquals(2, total.unpricedAttempts(), "no price, or no On-Demand price to compare with");
    assertEquals(3.0, total.vcpuHours(), EPSILON);
    assertEquals(0.10, total.cost(), EPSILON);
    assertEquals(0.20, total.onDemandCost(), EPSILON);
    assertEquals(0.10, total.savings(), EPSILON);
  }

  @Test
  void anyMixOfAttemptsAddsUpAndSavingsAreOnDemandCostLessCost() {
    SplittableRandom random = new SplittableRandom(42);
    List<AttemptCost> costs = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      Double price = random.nextInt(10) == 0 ? null : random.nextDouble(0, 2);
      costs.add(cost("q" + random.nextInt(7), random.nextBoolean() ? null : "s" + random.nextInt(3),
          Map.of("team", "t" + random.nextInt(4)), random.nextDouble(0, 10_000), price,
          price == null ? null : price * random.nextDouble(1, 3)));
    }
    for (String groupBy : List.of("queue", "shareIdentifier", "tag:team", "lifecycle", "instanceType",
        "computeEnvironment")) {
      CostReport report = report(groupBy, costs);
      CostReport.Group total = report.total();
      assertEquals(costs.size(), report.groups().stream().mapToLong(CostReport.Group::attempts).sum(), groupBy);
      assertEquals(total.unpricedAttempts(), report.groups().stream().mapToLong(CostReport.Group::unpricedAttempts).sum());
      assertEquals(total.vcpuHours(), report.groups().stream().mapToDouble(CostReport.Group::vcpuHours).sum(), EPSILON);
      assertEquals(total.cost(), report.groups().stream().mapToDouble(CostReport.Group::cost).sum(), EPSILON);
      assertEquals(total.onDemandCost(), report.groups().stream().mapToDouble(CostReport.Group::onDemandCost).sum(),
          EPSILON);
      for (CostReport.Group group : report.groups()) {
        assertEquals(group.onDemandCost() - group.cost(), group.savings(), EPSILON);
      }
      assertEquals(total.onDemandCost() - total.cost(), total.savings(), EPSILON);
    }
  }

  @Test
  void anEmptyRangeHasNoGroupsAndZeroTotals() {
    CostReport report = report("queue", List.of());
    assertEquals(List.of(), report.groups());
    assertEquals(new CostReport.Group(null, 0, 0, 0, 0, 0, 0), report.total());
  }

  @Test
  void anUnknownGroupingIsAClientErrorNamingGroupBy() {
    assertRejected(() -> CostGrouping.parse("owner"), "groupBy 'owner'", "tag:<key>");
    assertRejected(() -> CostGrouping.parse("tag:"), "groupBy 'tag:'");
  }

  private static CostReport report(String groupBy, List<AttemptCost> costs) {
    CostReport.Builder builder = CostReport.builder(CostGrouping.parse(groupBy));
    costs.forEach(builder::add);
    return builder.build();
  }

  private static CostReport.Group group(CostReport report, String key) {
    return report.groups().stream().filter(g -> Objects.equals(g.key(), key)).findFirst().orElseThrow();
  }
}
