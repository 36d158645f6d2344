package io.drover.capacity.ec2;

import io.drover.capacity.CapacityError;
import io.drover.capacity.CapacityException;
import io.drover.capacity.ErrorKind;
import io.drover.capacity.InstanceShape;
import io.drover.capacity.InstanceTypes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeInstanceTypesRequest;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.InstanceTypeInfo;

/**
 * Instance type shapes: the built-in table ({@link InstanceTypes}), then DescribeInstanceTypes for the
 * rest, remembered for the provider's life. Blocking; SDK failures are the caller's to classify.
 */
final class Ec2InstanceTypes {

  /** DescribeInstanceTypes takes at most this many types by name. */
  private static final int MAX_TYPES_PER_CALL = 100;

  private static final Comparator<InstanceShape> SMALLEST_FIRST = Comparator.comparingInt(InstanceShape::vcpus)
      .thenComparingLong(InstanceShape::memoryMib)
      .thenComparing(InstanceShape::instanceType);

  private final Ec2Client ec2;
  private final Map<String, InstanceShape> types = new ConcurrentHashMap<>();
  private final Map<String, List<InstanceShape>> families = new ConcurrentHashMap<>();

  Ec2InstanceTypes(Ec2Client ec2) {
    this.ec2 = ec2;
  }

  /** The shapes of types and families' sizes (keywords expanded), in the order named, each type once. */
  List<InstanceShape> resolve(List<String> names) {
    List<String> typesOrFamilies = InstanceTypes.withoutKeywords(names);
    describeTypes(typesOrFamilies.stream()
        .filter(name -> !InstanceTypes.isFamily(name))
        .filter(name -> InstanceTypes.shape(name).isEmpty() && !types.containsKey(name))
        .distinct()
        .toList());
    Map<String, InstanceShape> shapes = new LinkedHashMap<>();
    for (String name : typesOrFamilies) {
      if (InstanceTypes.isFamily(name)) {
        family(name).forEach(shape -> shapes.putIfAbsent(shape.instanceType(), shape));
      } else {
        shapes.putIfAbsent(name, shape(name));
      }
    }
    return List.copyOf(shapes.values());
  }

  /** One type's shape. */
  InstanceShape shape(String instanceType) {
    return InstanceTypes.shape(instanceType).orElseGet(() -> {
      if (!types.containsKey(instanceType)) {
        describeTypes(List.of(instanceType));
      }
      InstanceShape shape = types.get(instanceType);
      if (shape == null) {
        throw unknown("EC2 does not describe instance type " + instanceType + ".", instanceType);
      }
      return shape;
    });
  }

  private List<InstanceShape> family(String family) {
    return InstanceTypes.family(family).orElseGet(() -> families.computeIfAbsent(family, this::describeFamily));
  }

  private void describeTypes(List<String> names) {
    for (int from = 0; from < names.size(); from += MAX_TYPES_PER_CALL) {
      List<String> batch = names.subList(from, Math.min(names.size(), from + MAX_TYPES_PER_CALL));
      describe(DescribeInstanceTypesRequest.builder().instanceTypesWithStrings(batch).build())
          .forEach(shape -> types.put(shape.instanceType(), shape));
    }
  }

  /** The family's sizes, bare metal left out as in the built-in table. */
  private List<InstanceShape> describeFamily(String family) {
    List<InstanceShape> shapes = new ArrayList<>(describe(DescribeInstanceTypesRequest.builder()
        .filters(Filter.builder().name("instance-type").values(family + ".*").build(),
            Filter.builder().name("bare-metal").values("false").build())
        .build()));
    if (shapes.isEmpty()) {
      throw unknown("No instance types of family " + family + " in this region.", null);
    }
    shapes.sort(SMALLEST_FIRST);
    shapes.forEach(shape -> types.put(shape.instanceType(), shape));
    return List.copyOf(shapes);
  }

  private List<InstanceShape> describe(DescribeInstanceTypesRequest request) {
    return ec2.describeInstanceTypesPaginator(request).instanceTypes().stream()
        .map(Ec2InstanceTypes::shape)
        .toList();
  }

  private static InstanceShape shape(InstanceTypeInfo info) {
    return new InstanceShape(info.instanceTypeAsString(), info.vCpuInfo().defaultVCpus(),
        info.memoryInfo().sizeInMiB());
  }

  private static CapacityException unknown(String what, String instanceType) {
    return new CapacityException(new CapacityError(ErrorKind.CONFIG, "InvalidInstanceType", what
        + " Fix the compute environment's instance types.", instanceType, null, null), null);
  }
}
