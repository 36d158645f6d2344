package io.drover.core.model;

import io.drover.core.ClientError;

/**
 * The region and account Drover reports in ARNs, so that tools which parse AWS Batch ARNs work
 * unchanged: {@code arn:aws:batch:<region>:<account>:job-queue/<name>}.
 */
public record AwsIdentity(String region, String accountId) {

  private static final String PREFIX = "arn:aws:batch:";

  public String jobArn(String jobId) {
    return arn("job/" + jobId);
  }

  public String jobQueueArn(String name) {
    return arn("job-queue/" + name);
  }

  public String computeEnvironmentArn(String name) {
    return arn("compute-environment/" + name);
  }

  public String jobDefinitionArn(String name, int revision) {
    return arn("job-definition/" + name + ":" + revision);
  }

  public String schedulingPolicyArn(String name) {
    return arn("scheduling-policy/" + name);
  }

  /** A host's ARN, for policies on draining it: {@code host/<agent id>}. */
  public String hostArn(String hostId) {
    return arn("host/" + hostId);
  }

  /** An IAM user's ARN: {@code arn:aws:iam::<account>:user/<name>} (IAM ARNs have no region). */
  public String userArn(String userName) {
    return "arn:aws:iam::" + accountId + ":user/" + userName;
  }

  private String arn(String resource) {
    return PREFIX + region + ":" + accountId + ":" + resource;
  }

  /**
   * The resource name in {@code nameOrArn}: the value itself when it is not an ARN, else the part
   * after {@code <resourceType>/}. An ARN of another type is a client error naming {@code field}.
   */
  public static String nameFrom(String nameOrArn, String resourceType, String field) {
    if (!nameOrArn.startsWith("arn:")) {
      return nameOrArn;
    }
    int slash = nameOrArn.indexOf('/');
    String[] parts = nameOrArn.split(":", 6);
    ClientError.require(
        slash > 0 && parts.length == 6 && parts[2].equals("batch")
            && nameOrArn.substring(nameOrArn.lastIndexOf(':', slash) + 1, slash).equals(resourceType),
        field + " '" + nameOrArn + "' is not a " + resourceType + " ARN (arn:aws:batch:<region>:<account>:"
            + resourceType + "/<name>).");
    return nameOrArn.substring(slash + 1);
  }
}
