package io.drover.core.compute;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.drover.core.capacity.AllocationStrategy;
import io.drover.core.compute.ComputeResources.Ec2Configuration;
import io.drover.core.compute.ComputeResources.LaunchTemplateSpecification;
import io.drover.core.compute.ComputeResources.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * AWS Batch's {@code ComputeResourceUpdate}: what UpdateComputeEnvironment changes in a MANAGED
 * environment's {@link ComputeResources}; a field left out stays as it is. {@code maxHourlyCost} is
 * Drover's extension, as in {@link ComputeResources}. {@link ComputeResources#updated} applies it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ComputeResourceUpdate(
    Integer minvCpus,
    Integer maxvCpus,
    Integer desiredvCpus,
    List<String> subnets,
    List<String> securityGroupIds,
    AllocationStrategy allocationStrategy,
    List<String> instanceTypes,
    String ec2KeyPair,
    String instanceRole,
    Map<String, String> tags,
    String placementGroup,
    Integer bidPercentage,
    LaunchTemplateSpecification launchTemplate,
    List<Ec2Configuration> ec2Configuration,
    Type type,
    String imageId,
    Double maxHourlyCost) {

  /**
   * The fields this update sets that AWS changes with an infrastructure update (every one but the
   * vCPU limits and Drover's {@code maxHourlyCost}), in AWS's order. Empty {@code subnets} and
   * {@code securityGroupIds} change nothing, so they do not count.
   */
  public List<String> infrastructureFields() {
    List<String> fields = new ArrayList<>();
    addIf(fields, subnets != null && !subnets.isEmpty(), "subnets");
    addIf(fields, securityGroupIds != null && !securityGroupIds.isEmpty(), "securityGroupIds");
    addIf(fields, allocationStrategy != null, "allocationStrategy");
    addIf(fields, instanceTypes != null, "instanceTypes");
    addIf(fields, ec2KeyPair != null, "ec2KeyPair");
    addIf(fields, instanceRole != null, "instanceRole");
    addIf(fields, tags != null, "tags");
    addIf(fields, placementGroup != null, "placementGroup");
    addIf(fields, bidPercentage != null, "bidPercentage");
    addIf(fields, launchTemplate != null, "launchTemplate");
    addIf(fields, ec2Configuration != null, "ec2Configuration");
    addIf(fields, type != null, "type");
    addIf(fields, imageId != null, "imageId");
    return fields;
  }

  private static void addIf(List<String> fields, boolean set, String name) {
    if (set) {
      fields.add(name);
    }
  }
}
