package io.drover.core.compute;

import io.drover.core.capacity.AllocationStrategy;
import io.drover.core.compute.ComputeResources.Ec2Configuration;
import io.drover.core.compute.ComputeResources.LaunchTemplateSpecification;
import io.drover.core.compute.ComputeResources.Type;
import java.util.List;
import java.util.Map;

/**
 * Builds {@link ComputeResources} and {@link ComputeResourceUpdate} values for tests: {@link #ec2()}
 * and {@link #spot()} start from the smallest value AWS accepts, each setter changes one field.
 */
public final class ComputeResourcesBuilder {

  private Type type;
  private AllocationStrategy allocationStrategy;
  private Integer minvCpus;
  private Integer maxvCpus = 256;
  private Integer desiredvCpus;
  private List<String> instanceTypes = List.of("c5.xlarge", "m6g");
  private String imageId;
  private List<String> subnets = List.of("subnet-0a1b2c3d");
  private List<String> securityGroupIds = List.of("sg-0a1b2c3d");
  private String ec2KeyPair;
  private String instanceRole = "ecsInstanceRole";
  private Map<String, String> tags;
  private String placementGroup;
  private Integer bidPercentage;
  private String spotIamFleetRole;
  private LaunchTemplateSpecification launchTemplate;
  private List<Ec2Configuration> ec2Configuration;
  private Double maxHourlyCost;

  private ComputeResourcesBuilder(Type type) {
    this.type = type;
  }

  /** On-Demand: type EC2, maxvCpus 256, two instance types, one subnet, one security group, an instance role. */
  public static ComputeResourcesBuilder ec2() {
    return new ComputeResourcesBuilder(Type.EC2);
  }

  /** Like {@link #ec2()} with type SPOT and allocation strategy SPOT_PRICE_CAPACITY_OPTIMIZED. */
  public static ComputeResourcesBuilder spot() {
    return new ComputeResourcesBuilder(Type.SPOT).allocationStrategy(AllocationStrategy.SPOT_PRICE_CAPACITY_OPTIMIZED);
  }

  public static Update update() {
    return new Update();
  }

  public ComputeResourcesBuilder type(Type value) {
    type = value;
    return this;
  }

  public ComputeResourcesBuilder allocationStrategy(AllocationStrategy value) {
    allocationStrategy = value;
    return this;
  }

  public ComputeResourcesBuilder vCpus(Integer min, Integer desired, Integer max) {
    minvCpus = min;
    desiredvCpus = desired;
    maxvCpus = max;
    return this;
  }

  public ComputeResourcesBuilder instanceTypes(List<String> value) {
    instanceTypes = value;
    return this;
  }

  public ComputeResourcesBuilder imageId(String value) {
    imageId = value;
    return this;
  }

  public ComputeResourcesBuilder subnets(List<String> value) {
    subnets = value;
    return this;
  }

  public ComputeResourcesBuilder securityGroupIds(List<String> value) {
    securityGroupIds = value;
    return this;
  }

  public ComputeResourcesBuilder ec2KeyPair(String value) {
    ec2KeyPair = value;
    return this;
  }

  public ComputeResourcesBuilder instanceRole(String value) {
    instanceRole = value;
    return this;
  }

  public ComputeResourcesBuilder tags(Map<String, String> value) {
    tags = value;
    return this;
  }

  public ComputeResourcesBuilder placementGroup(String value) {
    placementGroup = value;
    return this;
  }

  public ComputeResourcesBuilder bidPercentage(Integer value) {
    bidPercentage = value;
    return this;
  }

  public ComputeResourcesBuilder spotIamFleetRole(String value) {
    spotIamFleetRole = value;
    return this;
  }

  public ComputeResourcesBuilder launchTemplate(LaunchTemplateSpecification value) {
    launchTemplate = value;
    return this;
  }

  public ComputeResourcesBuilder ec2Configuration(List<Ec2Configuration> value) {
    ec2Configuration = value;
    return this;
  }

  public ComputeResourcesBuilder maxHourlyCost(Double value) {
    maxHourlyCost = value;
    return this;
  }

  public ComputeResources build() {
    return new ComputeResources(type, allocationStrategy, minvCpus, maxvCpus, desiredvCpus, instanceTypes, imageId, subnets,
        securityGroupIds, ec2KeyPair, instanceRole, tags, placementGroup, bidPercentage, spotIamFleetRole, launchTemplate,
        ec2Configuration, maxHourlyCost);
  }

  /** A {@link ComputeResourceUpdate} that sets only what its setters were given. */
  public static final class Update {

    private Integer minvCpus;
    private Integer maxvCpus;
    private Integer desiredvCpus;
    private List<String> subnets;
    private List<String> securityGroupIds;
    private AllocationStrategy allocationStrategy;
    private List<String> instanceTypes;
    private String ec2KeyPair;
    private String instanceRole;
    private Map<String, String> tags;
    private String placementGroup;
    private Integer bidPercentage;
    private LaunchTemplateSpecification launchTemplate;
    private List<Ec2Configuration> ec2Configuration;
    private Type type;
    private String imageId;
    private Double maxHourlyCost;

    private Update() {}

    public Update minvCpus(Integer value) {
      minvCpus = value;
      return this;
    }

    public Update maxvCpus(Integer value) {
      maxvCpus = value;
      return this;
    }

    public Update desiredvCpus(Integer value) {
      desiredvCpus = value;
      return this;
    }

    public Update subnets(List<String> value) {
      subnets = value;
      return this;
    }

    public Update securityGroupIds(List<String> value) {
      securityGroupIds = value;
      return this;
    }

    public Update allocationStrategy(AllocationStrategy value) {
      allocationStrategy = value;
      return this;
    }

    public Update instanceTypes(List<String> value) {
      instanceTypes = value;
      return this;
    }

    public Update ec2KeyPair(String value) {
      ec2KeyPair = value;
      return this;
    }

    public Update instanceRole(String value) {
      instanceRole = value;
      return this;
    }

    public Update tags(Map<String, String> value) {
      tags = value;
      return this;
    }

    public Update placementGroup(String value) {
      placementGroup = value;
      return this;
    }

    public Update bidPercentage(Integer value) {
      bidPercentage = value;
      return this;
    }

    public Update launchTemplate(LaunchTemplateSpecification value) {
      launchTemplate = value;
      return this;
    }

    public Update ec2Configuration(List<Ec2Configuration> value) {
      ec2Configuration = value;
      return this;
    }

    public Update type(Type value) {
      type = value;
      return this;
    }

    public Update imageId(String value) {
      imageId = value;
      return this;
    }

    public Update maxHourlyCost(Double value) {
      maxHourlyCost = value;
      return this;
    }

    public ComputeResourceUpdate build() {
      return new ComputeResourceUpdate(minvCpus, maxvCpus, desiredvCpus, subnets, securityGroupIds, allocationStrategy,
          instanceTypes, ec2KeyPair, instanceRole, tags, placementGroup, bidPercentage, launchTemplate, ec2Configuration,
          type, imageId, maxHourlyCost);
    }
  }
}
