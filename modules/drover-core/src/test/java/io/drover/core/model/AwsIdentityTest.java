package io.drover.core.model;

import static io.drover.core.Fixtures.IDENTITY;
import static io.drover.core.Fixtures.assertRejected;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AwsIdentityTest {

  @Test
  void arnsFollowAwsBatchFormats() {
    assertEquals("arn:aws:batch:us-east-1:123456789012:job/abc-123", IDENTITY.jobArn("abc-123"));
    assertEquals("arn:aws:batch:us-east-1:123456789012:job-queue/q", IDENTITY.jobQueueArn("q"));
    assertEquals("arn:aws:batch:us-east-1:123456789012:compute-environment/ce", IDENTITY.computeEnvironmentArn("ce"));
    assertEquals("arn:aws:batch:us-east-1:123456789012:job-definition/app:7", IDENTITY.jobDefinitionArn("app", 7));
    assertEquals("arn:aws:batch:us-east-1:123456789012:scheduling-policy/fair", IDENTITY.schedulingPolicyArn("fair"));
  }

  @Test
  void aPlainNameIsReturnedAsItIs() {
    assertEquals("nightly", AwsIdentity.nameFrom("nightly", "job-queue", "jobQueue"));
  }

  @Test
  void anArnOfTheRightTypeYieldsItsName() {
    assertEquals("nightly", AwsIdentity.nameFrom(IDENTITY.jobQueueArn("nightly"), "job-queue", "jobQueue"));
    assertEquals("ce", AwsIdentity.nameFrom(IDENTITY.computeEnvironmentArn("ce"), "compute-environment", "computeEnvironment"));
    assertEquals("app:3", AwsIdentity.nameFrom(IDENTITY.jobDefinitionArn("app", 3), "job-definition", "jobDefinition"));
    assertEquals("q", AwsIdentity.nameFrom("arn:aws:batch:eu-west-1:999999999999:job-queue/q", "job-queue", "jobQueue"),
        "ARNs of other regions and accounts name the resource too");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "arn:aws:batch:us-east-1:123456789012:compute-environment/nightly",
      "arn:aws:batch:us-east-1:123456789012:job-queues/nightly",
      "arn:aws:ecs:us-east-1:123456789012:job-queue/nightly",
      "arn:aws:batch:job-queue/nightly",
      "arn:aws:batch:us-east-1:123456789012:job-queue"})
  void anArnOfAnotherTypeOrShapeIsRejectedNamingTheField(String arn) {
    assertRejected(() -> AwsIdentity.nameFrom(arn, "job-queue", "jobQueue"),
        "jobQueue '" + arn + "' is not a job-queue ARN", "arn:aws:batch:<region>:<account>:job-queue/<name>");
  }
}
