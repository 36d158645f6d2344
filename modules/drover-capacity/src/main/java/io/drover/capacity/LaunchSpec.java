package io.drover.capacity;

import io.drover.core.capacity.AllocationStrategy;
import io.drover.core.capacity.Lifecycle;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a compute environment's instances are launched: its {@code computeResources} in AWS Batch,
 * less the sizes and counts (those come with each {@link LaunchRequest}). The same for every launch of
 * the compute environment until it is updated.
 *
 * @param lifecycle On-Demand or Spot (AWS Batch's {@code EC2} and {@code SPOT} types)
 * @param allocationStrategy how types are chosen; the {@code SPOT_*} strategies need {@code SPOT}
 * @param bidPercentage Spot only: the highest price paid, as a percentage (0 to 100) of the type's
 *     On-Demand price; null or 0 (AWS Batch's "none") caps it at the On-Demand price
 * @param subnets the subnets to launch in, at least one; more subnets (Availability Zones) mean
 *     more capacity to draw on
 * @param securityGroupIds the instances' security groups; empty for the launch template's (or the
 *     VPC's default)
 * @param launchTemplate the compute environment's own launch template, or null
 * @param imageId the AMI (with Drover installed); may be null only when the launch template names one
 * @param instanceRole the instance profile, by ARN or name; may be null only when the launch template
 *     names one. Its role needs {@code ec2:DescribeInstances} for the agent to find the cluster
 * @param ec2KeyPair an SSH key pair's name, or null
 * @param placementGroup a placement group's name, or null
 * @param tags the compute environment's tags, put on every instance and volume (Drover's own
 *     {@code drover:*} tags take precedence)
 * @param userData shell commands every host runs as root before its agent starts (setup the AMI
 *     lacks); empty for none. Drover's bootstrap around them is the provider's
 */
public record LaunchSpec(
    Lifecycle lifecycle,
    AllocationStrategy allocationStrategy,
    Integer bidPercentage,
    List<String> subnets,
    List<String> securityGroupIds,
    LaunchTemplateRef launchTemplate,
    String imageId,
    String instanceRole,
    String ec2KeyPair,
    String placementGroup,
    Map<String, String> tags,
    String userData) {

  /** Checks the combination and copies the collections (tags sorted by key). */
  public LaunchSpec {
    if (lifecycle == null || allocationStrategy == null) {
      throw new IllegalArgumentException("A launch spec needs a lifecycle and an allocation strategy");
    }
    if (allocationStrategy.spotOnly() && lifecycle != Lifecycle.SPOT) {
      throw new IllegalArgumentException(allocationStrategy + " is for Spot compute environments only");
    }
    if (bidPercentage != null && (bidPercentage < 0 || bidPercentage > 100)) {
      throw new IllegalArgumentException("bidPercentage is " + bidPercentage + "; it must be 0 to 100, or empty "
          + "for the On-Demand price");
    }
    bidPercentage = bidPercentage == null || bidPercentage == 0 ? null : bidPercentage;
    if (subnets == null || subnets.isEmpty()) {
      throw new IllegalArgumentException("A launch spec needs at least one subnet");
    }
    subnets = List.copyOf(subnets);
    securityGroupIds = securityGroupIds == null ? List.of() : List.copyOf(securityGroupIds);
    tags = tags == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(tags));
    userData = userData == null ? "" : userData;
  }
}
