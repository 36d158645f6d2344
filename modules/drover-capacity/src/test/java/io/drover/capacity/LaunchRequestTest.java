package io.drover.capacity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.drover.core.capacity.AllocationStrategy;
import io.drover.core.capacity.Lifecycle;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LaunchRequestTest {

  private static LaunchSpec spec(Lifecycle lifecycle, AllocationStrategy strategy, Integer bid, List<String> subnets) {
    return new LaunchSpec(lifecycle, strategy, bid, subnets, null, null, "ami-1", "profile", null, null, null, null);
  }

  private static final LaunchSpec SPEC = spec(Lifecycle.ON_DEMAND, AllocationStrategy.BEST_FIT, null, List.of("s"));

  @Test
  void spotStrategiesNeedSpot() {
    assertThrows(IllegalArgumentException.class,
        () -> spec(Lifecycle.ON_DEMAND, AllocationStrategy.SPOT_CAPACITY_OPTIMIZED, null, List.of("s")));
    assertThrows(IllegalArgumentException.class,
        () -> spec(Lifecycle.ON_DEMAND, AllocationStrategy.SPOT_PRICE_CAPACITY_OPTIMIZED, null, List.of("s")));
    spec(Lifecycle.SPOT, AllocationStrategy.SPOT_PRICE_CAPACITY_OPTIMIZED, 80, List.of("s"));
  }

  @Test
  void aSpecNeedsASubnetAndABidBetween0And100() {
    assertThrows(IllegalArgumentException.class,
        () -> spec(Lifecycle.ON_DEMAND, AllocationStrategy.BEST_FIT, null, List.of()));
    assertThrows(IllegalArgumentException.class,
        () -> spec(Lifecycle.SPOT, AllocationStrategy.BEST_FIT, -1, List.of("s")));
    assertThrows(IllegalArgumentException.class,
        () -> spec(Lifecycle.SPOT, AllocationStrategy.BEST_FIT, 101, List.of("s")));
  }

  @Test
  void emptyPartsDefaultAndTagsAreSorted() {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("b", "2");
    tags.put("a", "1");
    LaunchSpec spec = new LaunchSpec(Lifecycle.SPOT, AllocationStrategy.BEST_FIT, null, List.of("s"), null, null,
        null, null, null, null, tags, null);

    assertEquals(List.of(), spec.securityGroupIds());
    assertEquals(null, spec.bidPercentage());
    assertEquals(null, spec(Lifecycle.SPOT, AllocationStrategy.BEST_FIT, 0, List.of("s")).bidPercentage(),
        "0 is AWS Batch's none: the On-Demand price");
    assertEquals(60, spec(Lifecycle.SPOT, AllocationStrategy.BEST_FIT, 60, List.of("s")).bidPercentage());
    assertEquals("", spec.userData());
    assertEquals(List.of("a", "b"), List.copyOf(spec.tags().keySet()));
  }

  @Test
  void aRequestNamesConcreteTypesOnceEachAndAtLeastOneInstance() {
    assertEquals(List.of("c5.large", "m5.large"),
        new LaunchRequest("ce", List.of("c5.large", "m5.large", "c5.large"), 1, SPEC).instanceTypes());
    assertThrows(IllegalArgumentException.class, () -> new LaunchRequest("ce", List.of("c5"), 1, SPEC));
    assertThrows(IllegalArgumentException.class, () -> new LaunchRequest("ce", List.of(), 1, SPEC));
    assertThrows(IllegalArgumentException.class, () -> new LaunchRequest("ce", List.of("c5.large"), 0, SPEC));
    assertThrows(IllegalArgumentException.class, () -> new LaunchRequest(" ", List.of("c5.large"), 1, SPEC));
  }

  @Test
  void aLaunchTemplateIsNamedOneWay() {
    assertThrows(IllegalArgumentException.class, () -> new LaunchTemplateRef("lt-1", "name", null));
    assertThrows(IllegalArgumentException.class, () -> new LaunchTemplateRef(null, " ", null));
    assertEquals("$Default", new LaunchTemplateRef("lt-1", null, null).versionOrDefault());
    assertEquals("$Latest", new LaunchTemplateRef(null, "name", "$Latest").versionOrDefault());
  }
}
