package io.drover.capacity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InstanceTypesTest {

  @Test
  void knowsTheCommonFamiliesShapes() {
    assertEquals(Optional.of(new InstanceShape("c5.large", 2, 4096)), InstanceTypes.shape("c5.large"));
    assertEquals(Optional.of(new InstanceShape("c5.9xlarge", 36, 73728)), InstanceTypes.shape("c5.9xlarge"));
    assertEquals(Optional.of(new InstanceShape("c6i.32xlarge", 128, 262144)), InstanceTypes.shape("c6i.32xlarge"));
    assertEquals(Optional.of(new InstanceShape("m5.xlarge", 4, 16384)), InstanceTypes.shape("m5.xlarge"));
    assertEquals(Optional.of(new InstanceShape("m6i.8xlarge", 32, 131072)), InstanceTypes.shape("m6i.8xlarge"));
    assertEquals(Optional.of(new InstanceShape("r5.2xlarge", 8, 65536)), InstanceTypes.shape("r5.2xlarge"));
    assertEquals(Optional.of(new InstanceShape("r6i.24xlarge", 96, 786432)), InstanceTypes.shape("r6i.24xlarge"));
    assertEquals(Optional.of(new InstanceShape("t3.micro", 2, 1024)), InstanceTypes.shape("t3.micro"));
    assertEquals(Optional.of(new InstanceShape("t3.2xlarge", 8, 32768)), InstanceTypes.shape("t3.2xlarge"));
  }

  @Test
  void leavesOtherTypesToTheProvider() {
    assertEquals(Optional.empty(), InstanceTypes.shape("c5.metal"));
    assertEquals(Optional.empty(), InstanceTypes.shape("c5.8xlarge"));
    assertEquals(Optional.empty(), InstanceTypes.shape("p4d.24xlarge"));
    assertEquals(Optional.empty(), InstanceTypes.family("c7g"));
  }

  @Test
  void aFamilyIsItsSizesSmallestFirst() {
    assertEquals(List.of("c5.large", "c5.xlarge", "c5.2xlarge", "c5.4xlarge", "c5.9xlarge", "c5.12xlarge",
        "c5.18xlarge", "c5.24xlarge"),
        InstanceTypes.family("c5").orElseThrow().stream().map(InstanceShape::instanceType).toList());
    for (String family : List.of("c5", "c6i", "m5", "m6i", "r5", "r6i", "t3")) {
      List<InstanceShape> sizes = InstanceTypes.family(family).orElseThrow();
      for (int i = 1; i < sizes.size(); i++) {
        assertTrue(sizes.get(i).memoryMib() > sizes.get(i - 1).memoryMib(), family + " sizes out of order");
      }
      sizes.forEach(shape -> assertEquals(family, shape.family()));
    }
    assertEquals(List.of("c5", "c6i", "m6i", "r6i", "c6g", "m6g", "r6g", "m5.large"),
        InstanceTypes.withoutKeywords(List.of("c5", "optimal", "default_arm64", "m5.large")));
    assertTrue(InstanceTypes.isFamily("c5"));
    assertFalse(InstanceTypes.isFamily("c5.large"));
  }
}
