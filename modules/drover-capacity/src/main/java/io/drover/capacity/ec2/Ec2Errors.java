package io.drover.capacity.ec2;

import io.drover.capacity.CapacityError;
import io.drover.capacity.ErrorKind;
import java.util.Locale;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;

/** Classifies EC2's refusals and says, in each message, what an operator does about them. */
final class Ec2Errors {

  /** What the controller's role needs; README "Agents on EC2" has the policy. */
  static final String CONTROLLER_PERMISSIONS = "ec2:CreateFleet, ec2:RunInstances, ec2:CreateTags, "
      + "ec2:CreateLaunchTemplate, ec2:CreateLaunchTemplateVersion, ec2:DescribeLaunchTemplateVersions, "
      + "ec2:DescribeInstances, ec2:DescribeInstanceTypes, ec2:TerminateInstances, and iam:PassRole on the "
      + "agents' instance role";

  private static final Set<String> CAPACITY = Set.of("InsufficientInstanceCapacity", "InsufficientHostCapacity",
      "SpotMaxPriceTooLow", "UnfulfillableCapacity", "MaxSpotInstanceCountExceeded",
      "InsufficientFreeAddressesInSubnet", "Unsupported");
  private static final Set<String> THROTTLED = Set.of("RequestLimitExceeded", "Throttling", "ThrottlingException");
  private static final Set<String> LIMIT = Set.of("InstanceLimitExceeded", "VcpuLimitExceeded");
  private static final Set<String> UNAUTHORIZED =
      Set.of("UnauthorizedOperation", "Client.UnauthorizedOperation", "AccessDenied", "AccessDeniedException");
  private static final Set<String> CREDENTIALS = Set.of("AuthFailure", "InvalidClientTokenId", "SignatureDoesNotMatch",
      "ExpiredToken", "RequestExpired", "UnrecognizedClientException");

  private final Region region;

  Ec2Errors(Region region) {
    this.region = region;
  }

  /**
   * A failed call.
   *
   * @param computeEnvironment the compute environment it was for, or null
   * @param instanceType the type it was for, or null
   * @param subnetId the subnet it was for, or null
   */
  CapacityError of(SdkException e, String action, String computeEnvironment, String instanceType, String subnetId) {
    if (e instanceof AwsServiceException service) {
      String code = service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
      String message = service.awsErrorDetails() == null ? e.getMessage() : service.awsErrorDetails().errorMessage();
      if (service.isThrottlingException() && !THROTTLED.contains(code)) {
        code = "Throttling";
      }
      boolean clientError = service.statusCode() >= 400 && service.statusCode() < 500;
      return of(action, code == null ? "HTTP" + service.statusCode() : code, message, clientError,
          computeEnvironment, instanceType, subnetId);
    }
    return new CapacityError(ErrorKind.TRANSIENT, "ClientError", "EC2 " + action + " did not complete: "
        + e.getMessage() + " Check that the controller reaches the EC2 API of " + region + " (a NAT gateway or an "
        + "ec2 interface VPC endpoint) and has AWS credentials (its instance profile, or AWS_ACCESS_KEY_ID and "
        + "AWS_SECRET_ACCESS_KEY). Drover tries again.", instanceType, subnetId, null);
  }

  /**
   * An error EC2 gave by code: a failed call's, or one of an instant fleet's per-override errors.
   *
   * @param clientError whether EC2 answered 4xx (unknown codes then count as configuration errors)
   */
  CapacityError of(String action, String code, String ec2Message, boolean clientError, String computeEnvironment,
      String instanceType, String subnetId) {
    String ce = computeEnvironment == null ? "the compute environment" : "compute environment " + computeEnvironment;
    String what = " (" + code + ": " + ec2Message + ")";
    String where = (instanceType == null ? "" : " " + instanceType) + (subnetId == null ? "" : " in " + subnetId);
    ErrorKind kind = kind(code, clientError);
    String message = switch (kind) {
      case CAPACITY -> capacity(code, what, where, ce, instanceType, subnetId);
      case THROTTLED -> "EC2 throttled " + action + what + ". Drover waits before calling again for " + ce
          + "; if this goes on, other callers in this account and region use up EC2's request rate.";
      case LIMIT -> "EC2 refused" + where + " for " + ce + ": an account quota is reached" + what + ". Raise the "
          + "quota in Service Quotas (running On-Demand or Spot instances of the family, counted in vCPUs), or "
          + "lower the compute environment's maxvCpus.";
      case CONFIG -> config(action, code, what, ce, instanceType, subnetId, ec2Message);
      case TRANSIENT -> "EC2 " + action + " failed" + where + " for " + ce + what + "; Drover tries again.";
    };
    return new CapacityError(kind, code, message, instanceType, subnetId, null);
  }

  private static ErrorKind kind(String code, boolean clientError) {
    if (CAPACITY.contains(code)) {
      return ErrorKind.CAPACITY;
    }
    if (THROTTLED.contains(code)) {
      return ErrorKind.THROTTLED;
    }
    if (LIMIT.contains(code)) {
      return ErrorKind.LIMIT;
    }
    if (UNAUTHORIZED.contains(code) || CREDENTIALS.contains(code) || code.startsWith("Invalid")
        || code.equals("OptInRequired") || code.equals("MissingParameter") || code.equals("UnknownParameter")) {
      return ErrorKind.CONFIG;
    }
    return clientError ? ErrorKind.CONFIG : ErrorKind.TRANSIENT;
  }

  private static String capacity(String code, String what, String where, String ce, String type, String subnet) {
    return switch (code) {
      case "SpotMaxPriceTooLow" -> "The Spot price of" + where + " is above " + ce + "'s maximum" + what
          + ". Drover tries its other instance types; raise its bidPercentage, or leave it empty to pay up to "
          + "the On-Demand price.";
      case "MaxSpotInstanceCountExceeded" -> "The account's Spot instance quota is reached" + what + ". Raise "
          + "\"All Standard Spot Instance Requests\" (or the family's) in Service Quotas, or lower " + ce
          + "'s maxvCpus.";
      case "InsufficientFreeAddressesInSubnet" -> "Subnet " + (subnet == null ? "" : subnet + " ")
          + "has no free IP addresses" + what + ". Drover tries " + ce + "'s other subnets; add subnets to it, "
          + "or free addresses.";
      case "Unsupported" -> "EC2 does not offer" + where + what + ". Drover tries " + ce + "'s other instance "
          + "types and subnets; take " + (type == null ? "the type" : type) + " or the subnet out of it if this "
          + "keeps happening.";
      default -> "EC2 has no capacity for" + where + " now" + what + ". Drover tries " + ce + "'s other instance "
          + "types and subnets; more instance types, and subnets in more Availability Zones, make this rarer.";
    };
  }

  private String config(String action, String code, String what, String ce, String type, String subnet,
      String ec2Message) {
    if (UNAUTHORIZED.contains(code)) {
      return "The controller's role may not call " + action + " (for " + ce + ")" + what + ". Its policy needs " + CONTROLLER_PERMISSIONS
          + " (README: Agents on EC2); `aws sts decode-authorization-message` explains an encoded message.";
    }
    if (CREDENTIALS.contains(code)) {
      return "EC2 refused the controller's credentials (" + action + " for " + ce + ")" + what + ". Check its "
          + "instance profile (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) and the host's clock.";
    }
    String lower = String.valueOf(ec2Message).toLowerCase(Locale.ROOT);
    if (code.startsWith("InvalidSubnet")) {
      return "Subnet " + (subnet == null ? "" : subnet + " ") + "of " + ce + " is not usable in " + region + what
          + ". Fix the compute environment's subnets.";
    }
    if (code.startsWith("InvalidLaunchTemplate")) {
      return "The launch template of " + ce + " was not found or is not usable" + what + ". Fix its launchTemplate "
          + "(id or name, and version) in " + region + ".";
    }
    if (code.startsWith("InvalidAMIID")) {
      return "The image of " + ce + " is not usable in " + region + what + ". Set its imageId to an AMI of this "
          + "region with Drover installed.";
    }
    if (code.startsWith("InvalidGroup") || code.startsWith("InvalidSecurityGroup")) {
      return "A security group of " + ce + " is not usable" + what + ". Fix its securityGroupIds (groups of its "
          + "subnets' VPC).";
    }
    if (code.startsWith("InvalidKeyPair")) {
      return "The key pair of " + ce + " does not exist in " + region + what + ". Fix its ec2KeyPair.";
    }
    if (code.startsWith("InvalidPlacementGroup")) {
      return "The placement group of " + ce + " is not usable" + what + ". Fix its placementGroup.";
    }
    if (code.startsWith("InvalidInstanceType")) {
      return "EC2 does not know " + (type == null ? "one of the instance types" : "instance type " + type) + " in "
          + region + what
          + ". Fix the instance types of " + ce + ".";
    }
    if (lower.contains("instance profile") || lower.contains("iaminstanceprofile")) {
      return "The instance profile of " + ce + " is not usable" + what + ". Set its instanceRole to an instance "
          + "profile's ARN or name (a new profile takes a few seconds to be usable); the controller's role needs "
          + "iam:PassRole on the profile's role.";
    }
    if (code.equals("OptInRequired")) {
      return "The account is not subscribed to what " + ce + " uses" + what + ": accept the AMI's Marketplace "
          + "terms or enable the region.";
    }
    return "EC2 rejected " + action + " for " + ce + what + ". Check its settings (instance types, subnets, "
        + "security groups, image, instance role, launch template).";
  }
}
