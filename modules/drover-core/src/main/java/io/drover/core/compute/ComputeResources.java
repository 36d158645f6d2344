package io.drover.core.compute;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.drover.core.ClientError;
import io.drover.core.capacity.AllocationStrategy;
import io.drover.core.model.Names;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * AWS Batch's {@code ComputeResource}: the instances a MANAGED compute environment runs, with AWS's
 * field names so the AWS SDKs send and read it unchanged. {@link #validated} checks it as AWS does
 * and fills in AWS's defaults, so a stored value always has {@code allocationStrategy},
 * {@code minvCpus} and {@code desiredvCpus}; {@link #updated} applies an UpdateComputeEnvironment.
 *
 * @param type EC2 (On-Demand) or SPOT; FARGATE and FARGATE_SPOT are refused, Drover runs EC2 hosts
 * @param allocationStrategy how instance types are picked; default BEST_FIT
 * @param minvCpus vCPUs kept running even when idle or DISABLED; default 0
 * @param maxvCpus the most vCPUs the environment's instances may have
 * @param desiredvCpus the vCPUs wanted now, from {@code minvCpus} to {@code maxvCpus}; default {@code minvCpus}
 * @param instanceTypes instance types ({@code c5.xlarge}), families ({@code c5}) or AWS's keywords
 *     {@code optimal}, {@code default_x86_64}, {@code default_arm64}
 * @param tags tags for the instances launched (the environment's own tags are on {@link ComputeEnvironment})
 * @param bidPercentage SPOT only: the highest Spot price as a percentage of On-Demand, 0-100 (none: 100)
 * @param spotIamFleetRole SPOT only: AWS's Spot Fleet role, required with BEST_FIT as on AWS
 * @param maxHourlyCost Drover's extension: the most the environment's instances may cost, in USD per
 *     hour; also accepted as the environment's tag {@value #MAX_HOURLY_COST_TAG}, since the AWS SDKs
 *     cannot send fields AWS does not define
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ComputeResources(
    Type type,
    AllocationStrategy allocationStrategy,
    Integer minvCpus,
    Integer maxvCpus,
    Integer desiredvCpus,
    List<String> instanceTypes,
    String imageId,
    List<String> subnets,
    List<String> securityGroupIds,
    String ec2KeyPair,
    String instanceRole,
    Map<String, String> tags,
    String placementGroup,
    Integer bidPercentage,
    String spotIamFleetRole,
    LaunchTemplateSpecification launchTemplate,
    List<Ec2Configuration> ec2Configuration,
    Double maxHourlyCost) {

  /** The compute environment tag that carries {@code maxHourlyCost} for clients that cannot send the field. */
  public static final String MAX_HOURLY_COST_TAG = "drover:maxHourlyCost";

  /** The keywords AWS accepts in {@code instanceTypes} in place of types and families. */
  private static final List<String> INSTANCE_TYPE_KEYWORDS = List.of("optimal", "default_x86_64", "default_arm64");

  private static final Pattern INSTANCE_FAMILY = Pattern.compile("(?=.*[0-9])[a-z][a-z0-9]*(-[a-z0-9]+)*");
  private static final Pattern INSTANCE_SIZE = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
  private static final Pattern LAUNCH_TEMPLATE_VERSION = Pattern.compile("\\$Latest|\\$Default|[1-9][0-9]*");
  private static final Pattern DOLLARS = Pattern.compile("[0-9]{1,9}(\\.[0-9]+)?");
  private static final int MAX_EC2_CONFIGURATIONS = 2;
  private static final int MAX_BID_PERCENTAGE = 100;

  public enum Type {
    EC2,
    SPOT,
    FARGATE,
    FARGATE_SPOT
  }

  /** AWS's {@code LaunchTemplateSpecification}: an EC2 launch template by id or by name, not both. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record LaunchTemplateSpecification(String launchTemplateId, String launchTemplateName, String version) {}

  /** AWS's {@code Ec2Configuration}: which image an instance type gets. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Ec2Configuration(String imageType, String imageIdOverride) {}

  /** True when the environment launches Spot Instances. */
  public boolean spot() {
    return type == Type.SPOT;
  }

  /** {@code maxvCpus} in thousandths of a vCPU, the unit the scheduler counts in. */
  public long maxMilliCpus() {
    return maxvCpus * 1000L;
  }

  /** {@code minvCpus} in thousandths of a vCPU. */
  public long minMilliCpus() {
    return minvCpus * 1000L;
  }

  /** {@code desiredvCpus} in thousandths of a vCPU. */
  public long desiredMilliCpus() {
    return desiredvCpus * 1000L;
  }

  /**
   * Checks {@code requested} as AWS does, naming a bad field under {@code field}, and returns it with
   * AWS's defaults filled in and {@code maxHourlyCost} taken from the environment's tag
   * {@value #MAX_HOURLY_COST_TAG} when the field is not given (given both ways, they must agree).
   */
  public static ComputeResources validated(ComputeResources requested, Map<String, String> environmentTags, String field) {
    Integer minvCpus = requested.minvCpus() == null ? 0 : requested.minvCpus();
    ComputeResources filled = new ComputeResources(
        requested.type(),
        requested.allocationStrategy() == null ? AllocationStrategy.BEST_FIT : requested.allocationStrategy(),
        minvCpus,
        requested.maxvCpus(),
        requested.desiredvCpus() == null ? minvCpus : requested.desiredvCpus(),
        requested.instanceTypes(),
        requested.imageId(),
        requested.subnets(),
        requested.securityGroupIds(),
        requested.ec2KeyPair(),
        requested.instanceRole(),
        requested.tags(),
        requested.placementGroup(),
        requested.bidPercentage(),
        requested.spotIamFleetRole(),
        requested.launchTemplate(),
        requested.ec2Configuration(),
        maxHourlyCost(requested.maxHourlyCost(), environmentTags, field));
    return filled.checked(field);
  }

  /**
   * This value with {@code update} applied, checked again as a whole. As on AWS, the vCPU limits can
   * always change, the rest (an infrastructure update) only when the allocation strategy is not
   * BEST_FIT; {@code desiredvCpus} never goes down by request, and follows {@code minvCpus} and
   * {@code maxvCpus} when they move past it. An empty {@code imageId} or {@code ec2KeyPair}, an empty
   * {@code ec2Configuration} list and a {@code launchTemplate} with an empty id or name remove the
   * setting; empty {@code subnets} or {@code securityGroupIds} leave it as it is.
   */
  public ComputeResources updated(ComputeResourceUpdate update, String field) {
    List<String> infrastructure = update.infrastructureFields().stream().map(name -> field + "." + name).toList();
    ClientError.require(infrastructure.isEmpty() || allocationStrategy != AllocationStrategy.BEST_FIT,
        String.join(", ", infrastructure) + " can be updated only for a compute "
            + "environment with allocation strategy BEST_FIT_PROGRESSIVE, SPOT_CAPACITY_OPTIMIZED or "
            + "SPOT_PRICE_CAPACITY_OPTIMIZED; this one uses BEST_FIT, so as on AWS only minvCpus, maxvCpus and "
            + "desiredvCpus can change. Create a new compute environment with the new settings instead.");
    ClientError.require(update.allocationStrategy() != AllocationStrategy.BEST_FIT,
        field + ".allocationStrategy BEST_FIT isn't supported when updating a compute environment; use "
            + "BEST_FIT_PROGRESSIVE, SPOT_CAPACITY_OPTIMIZED or SPOT_PRICE_CAPACITY_OPTIMIZED.");
    if (update.desiredvCpus() != null) {
      ClientError.require(update.desiredvCpus() >= desiredvCpus,
          field + ".desiredvCpus " + update.desiredvCpus() + " is below the current " + desiredvCpus
              + ": manually scaling down a compute environment is not supported (as on AWS); lower maxvCpus instead.");
    }
    Type newType = or(update.type(), type);
    int newMin = or(update.minvCpus(), minvCpus);
    int newMax = or(update.maxvCpus(), maxvCpus);
    int newDesired = update.desiredvCpus() != null ? update.desiredvCpus() : Math.max(newMin, Math.min(newMax, desiredvCpus));
    ComputeResources merged = new ComputeResources(
        newType,
        or(update.allocationStrategy(), allocationStrategy),
        newMin,
        newMax,
        newDesired,
        or(update.instanceTypes(), instanceTypes),
        update.imageId() == null ? imageId : emptyToNull(update.imageId()),
        nonEmptyOr(update.subnets(), subnets),
        nonEmptyOr(update.securityGroupIds(), securityGroupIds),
        update.ec2KeyPair() == null ? ec2KeyPair : emptyToNull(update.ec2KeyPair()),
        or(update.instanceRole(), instanceRole),
        or(update.tags(), tags),
        or(update.placementGroup(), placementGroup),
        (update.bidPercentage() != null || newType == Type.SPOT) ? or(update.bidPercentage(), bidPercentage) : null,
        spotIamFleetRole,
        update.launchTemplate() == null ? launchTemplate : removedOr(update.launchTemplate()),
        update.ec2Configuration() == null ? ec2Configuration : emptyToNull(update.ec2Configuration()),
        or(update.maxHourlyCost(), maxHourlyCost));
    return merged.checked(field);
  }

  /** Checks a whole value with its defaults filled in; returns it with its lists and tags copied. */
  private ComputeResources checked(String field) {
    ClientError.required(type, field + ".type");
    ClientError.require(type == Type.EC2 || type == Type.SPOT,
        field + ".type " + type + " is not supported: Drover runs jobs on EC2 hosts it launches; use EC2 or SPOT.");
    ClientError.required(maxvCpus, field + ".maxvCpus");
    ClientError.require(minvCpus >= 0, field + ".minvCpus must be 0 or more, not " + minvCpus + ".");
    ClientError.require(maxvCpus >= 0, field + ".maxvCpus must be 0 or more, not " + maxvCpus + ".");
    ClientError.require(minvCpus <= maxvCpus,
        field + ".minvCpus (" + minvCpus + ") must not exceed " + field + ".maxvCpus (" + maxvCpus + ").");
    ClientError.require(desiredvCpus >= minvCpus && desiredvCpus <= maxvCpus,
        field + ".desiredvCpus (" + desiredvCpus + ") must be from minvCpus (" + minvCpus + ") to maxvCpus ("
            + maxvCpus + ").");
    List<String> checkedInstanceTypes = instanceTypes(field + ".instanceTypes");
    List<String> checkedSubnets = strings(subnets, field + ".subnets");
    ClientError.require(checkedSubnets != null && !checkedSubnets.isEmpty(),
        field + ".subnets is required: list the VPC subnets to launch instances in.");
    List<String> checkedSecurityGroups = strings(securityGroupIds, field + ".securityGroupIds");
    ClientError.require((checkedSecurityGroups != null && !checkedSecurityGroups.isEmpty()) || launchTemplate != null,
        field + ".securityGroupIds is required: give at least one security group, here or in a launchTemplate.");
    ClientError.require(present(instanceRole),
        field + ".instanceRole is required for EC2 and SPOT compute resources: name the instance profile "
            + "(ecsInstanceRole, or its ARN).");
    ClientError.require(!allocationStrategy.spotOnly() || type == Type.SPOT,
        field + ".allocationStrategy " + allocationStrategy + " is only for type SPOT; with EC2 use BEST_FIT or "
            + "BEST_FIT_PROGRESSIVE.");
    if (bidPercentage != null) {
      ClientError.require(type == Type.SPOT, field + ".bidPercentage applies to type SPOT only; remove it for EC2.");
      ClientError.require(bidPercentage >= 0 && bidPercentage <= MAX_BID_PERCENTAGE,
          field + ".bidPercentage must be from 0 to 100, not " + bidPercentage + ".");
    }
    ClientError.require(type != Type.SPOT || allocationStrategy != AllocationStrategy.BEST_FIT || present(spotIamFleetRole),
        field + ".spotIamFleetRole is required for type SPOT with allocation strategy BEST_FIT (as on AWS); "
            + "give it, or use SPOT_PRICE_CAPACITY_OPTIMIZED.");
    notEmpty(imageId, field + ".imageId");
    notEmpty(ec2KeyPair, field + ".ec2KeyPair");
    notEmpty(placementGroup, field + ".placementGroup");
    notEmpty(spotIamFleetRole, field + ".spotIamFleetRole");
    checkLaunchTemplate(field + ".launchTemplate");
    List<Ec2Configuration> checkedEc2Configuration = ec2Configuration(field + ".ec2Configuration");
    Map<String, String> checkedTags = tags == null ? null : Names.tags(tags, field + ".tags");
    if (maxHourlyCost != null) {
      ClientError.require(maxHourlyCost > 0 && Double.isFinite(maxHourlyCost),
          field + ".maxHourlyCost must be a number of US dollars per hour above 0, not " + maxHourlyCost + ".");
    }
    return new ComputeResources(type, allocationStrategy, minvCpus, maxvCpus, desiredvCpus, checkedInstanceTypes, imageId,
        checkedSubnets, checkedSecurityGroups, ec2KeyPair, instanceRole, checkedTags, placementGroup, bidPercentage,
        spotIamFleetRole, launchTemplate, checkedEc2Configuration, maxHourlyCost);
  }

  /**
   * Instance types as AWS takes them: a type ({@code c5.xlarge}, {@code m7i-flex.large}), a family
   * ({@code c5}, {@code m6g}, {@code r5d}) or one of {@link #INSTANCE_TYPE_KEYWORDS}. Any name of that
   * shape is accepted, so new instance types need no change here.
   */
  private List<String> instanceTypes(String path) {
    List<String> types = strings(instanceTypes, path);
    ClientError.require(types != null && !types.isEmpty(),
        path + " is required for EC2 and SPOT compute resources: list instance types (c5.xlarge), families (c5) "
            + "or optimal.");
    for (int i = 0; i < types.size(); i++) {
      String name = types.get(i);
      ClientError.require(INSTANCE_TYPE_KEYWORDS.contains(name) || instanceTypeOrFamily(name),
          path + "[" + i + "] '" + name + "' is not an EC2 instance type (like c5.xlarge), an instance family "
              + "(like c5) or one of " + INSTANCE_TYPE_KEYWORDS + ".");
    }
    return types;
  }

  private static boolean instanceTypeOrFamily(String name) {
    int dot = name.indexOf('.');
    if (dot < 0) {
      return INSTANCE_FAMILY.matcher(name).matches();
    }
    return INSTANCE_FAMILY.matcher(name.substring(0, dot)).matches()
        && INSTANCE_SIZE.matcher(name.substring(dot + 1)).matches();
  }

  private void checkLaunchTemplate(String path) {
    if (launchTemplate == null) {
      return;
    }
    ClientError.require(present(launchTemplate.launchTemplateId()) != present(launchTemplate.launchTemplateName()),
        path + " needs exactly one of launchTemplateId and launchTemplateName.");
    String version = launchTemplate.version();
    ClientError.require(version == null || LAUNCH_TEMPLATE_VERSION.matcher(version).matches(),
        path + ".version '" + version + "' must be a version number, $Latest or $Default.");
  }

  private List<Ec2Configuration> ec2Configuration(String path) {
    if (ec2Configuration == null) {
      return null;
    }
    ClientError.require(!ec2Configuration.isEmpty() && ec2Configuration.size() <= MAX_EC2_CONFIGURATIONS,
        path + " takes one or two entries, not " + ec2Configuration.size() + ".");
    for (int i = 0; i < ec2Configuration.size(); i++) {
      Ec2Configuration entry = ec2Configuration.get(i);
      ClientError.require(entry != null, path + "[" + i + "] is empty.");
      ClientError.required(entry.imageType(), path + "[" + i + "].imageType");
      notEmpty(entry.imageIdOverride(), path + "[" + i + "].imageIdOverride");
    }
    return List.copyOf(ec2Configuration);
  }

  /** {@code maxHourlyCost} from the field or the environment's tag; given both ways, they must agree. */
  private static Double maxHourlyCost(Double requested, Map<String, String> environmentTags, String field) {
    String tag = environmentTags.get(MAX_HOURLY_COST_TAG);
    if (tag == null) {
      return requested;
    }
    ClientError.require(DOLLARS.matcher(tag).matches() && Double.parseDouble(tag) > 0,
        "tags " + MAX_HOURLY_COST_TAG + " '" + tag + "' must be a number of US dollars per hour above 0, like 12.50.");
    double fromTag = Double.parseDouble(tag);
    ClientError.require(requested == null || requested == fromTag,
        field + ".maxHourlyCost " + requested + " and tags " + MAX_HOURLY_COST_TAG + " '" + tag
            + "' disagree; give the budget one way or make them equal.");
    return fromTag;
  }

  /** A list of non-blank strings, copied; null stays null. */
  private static List<String> strings(List<String> values, String path) {
    if (values == null) {
      return null;
    }
    for (int i = 0; i < values.size(); i++) {
      ClientError.require(present(values.get(i)), path + "[" + i + "] is empty.");
    }
    return List.copyOf(values);
  }

  private static void notEmpty(String value, String path) {
    ClientError.require(value == null || !value.isBlank(), path + " must not be empty when given.");
  }

  private static boolean present(String value) {
    return value != null && !value.isBlank();
  }

  private static <T> T or(T update, T current) {
    return update == null ? current : update;
  }

  private static <T> List<T> nonEmptyOr(List<T> update, List<T> current) {
    return update == null || update.isEmpty() ? current : update;
  }

  private static String emptyToNull(String value) {
    return value.isEmpty() ? null : value;
  }

  private static <T> List<T> emptyToNull(List<T> values) {
    return values.isEmpty() ? null : values;
  }

  /** Null when {@code update} asks to remove the launch template (its id or name empty, the other absent or empty). */
  private static LaunchTemplateSpecification removedOr(LaunchTemplateSpecification update) {
    boolean removes = (update.launchTemplateId() != null || update.launchTemplateName() != null)
        && (update.launchTemplateId() == null || update.launchTemplateId().isEmpty())
        && (update.launchTemplateName() == null || update.launchTemplateName().isEmpty());
    return removes ? null : update;
  }
}
