package io.drover.capacity;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The shapes of common instance types, known without asking EC2: the c5, c6i, m5, m6i, r5 and r6i
 * families (2, 2, 4, 4, 8 and 8 GiB per vCPU; {@code large} is 2 vCPUs, {@code xlarge} 4, {@code Nxlarge}
 * 4N) and t3 (burstable, nano to 2xlarge). Metal sizes are left out, as they are from family names:
 * each has the shape of the family's largest size, so a planner would never prefer one. Other types
 * come from the provider ({@code DescribeInstanceTypes} on EC2). AWS Batch's keywords stand for
 * families: {@code optimal} and {@code default_x86_64} for c6i, m6i and r6i, {@code default_arm64} for
 * c6g, m6g and r6g.
 */
public final class InstanceTypes {

  private static final List<String> C5_SIZES =
      List.of("large", "xlarge", "2xlarge", "4xlarge", "9xlarge", "12xlarge", "18xlarge", "24xlarge");
  private static final List<String> FIFTH_GENERATION_SIZES =
      List.of("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge");
  private static final List<String> SIXTH_GENERATION_SIZES =
      List.of("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge", "24xlarge", "32xlarge");

  private static final Map<String, List<String>> KEYWORDS = Map.of(
      "optimal", List.of("c6i", "m6i", "r6i"),
      "default_x86_64", List.of("c6i", "m6i", "r6i"),
      "default_arm64", List.of("c6g", "m6g", "r6g"));

  private static final Map<String, List<InstanceShape>> FAMILIES = families();
  private static final Map<String, InstanceShape> TYPES = types();

  private InstanceTypes() {}

  /** The built-in shape of a type, if it is one of the common families'. */
  public static Optional<InstanceShape> shape(String instanceType) {
    return Optional.ofNullable(TYPES.get(instanceType));
  }

  /** The built-in sizes of a family, smallest first, if it is one of the common families. */
  public static Optional<List<InstanceShape>> family(String family) {
    return Optional.ofNullable(FAMILIES.get(family));
  }

  /** Types and families as given, with AWS Batch's keywords ({@code optimal}, ...) replaced by their families. */
  public static List<String> withoutKeywords(List<String> typesOrFamilies) {
    return typesOrFamilies.stream().flatMap(name -> KEYWORDS.getOrDefault(name, List.of(name)).stream()).toList();
  }

  /** Whether a name is a family ({@code c5}) rather than a type ({@code c5.large}). */
  public static boolean isFamily(String name) {
    return name.indexOf('.') < 0;
  }

  private static Map<String, List<InstanceShape>> families() {
    Map<String, List<InstanceShape>> families = new HashMap<>();
    families.put("c5", proportional("c5", C5_SIZES, 2));
    families.put("c6i", proportional("c6i", SIXTH_GENERATION_SIZES, 2));
    families.put("m5", proportional("m5", FIFTH_GENERATION_SIZES, 4));
    families.put("m6i", proportional("m6i", SIXTH_GENERATION_SIZES, 4));
    families.put("r5", proportional("r5", FIFTH_GENERATION_SIZES, 8));
    families.put("r6i", proportional("r6i", SIXTH_GENERATION_SIZES, 8));
    families.put("t3", List.of(
        new InstanceShape("t3.nano", 2, 512),
        new InstanceShape("t3.micro", 2, 1024),
        new InstanceShape("t3.small", 2, 2048),
        new InstanceShape("t3.medium", 2, 4096),
        new InstanceShape("t3.large", 2, 8192),
        new InstanceShape("t3.xlarge", 4, 16384),
        new InstanceShape("t3.2xlarge", 8, 32768)));
    return Map.copyOf(families);
  }

  private static List<InstanceShape> proportional(String family, List<String> sizes, int gibPerVcpu) {
    List<InstanceShape> shapes = new ArrayList<>();
    for (String size : sizes) {
      int vcpus = vcpus(size);
      shapes.add(new InstanceShape(family + "." + size, vcpus, vcpus * gibPerVcpu * 1024L));
    }
    return List.copyOf(shapes);
  }

  /** large: 2, xlarge: 4, Nxlarge: 4N. */
  private static int vcpus(String size) {
    if (size.equals("large")) {
      return 2;
    }
    if (size.equals("xlarge")) {
      return 4;
    }
    return 4 * Integer.parseInt(size.substring(0, size.length() - "xlarge".length()));
  }

  private static Map<String, InstanceShape> types() {
    Map<String, InstanceShape> types = new HashMap<>();
    FAMILIES.values().forEach(shapes -> shapes.forEach(shape -> types.put(shape.instanceType(), shape)));
    return Map.copyOf(types);
  }
}
