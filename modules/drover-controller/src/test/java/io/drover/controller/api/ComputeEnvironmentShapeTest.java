package io.drover.controller.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.controller.Json;
import io.drover.core.ClientError;
import io.drover.core.api.CreateComputeEnvironmentRequest;
import io.drover.core.api.UpdateComputeEnvironmentRequest;
import io.drover.core.capacity.AllocationStrategy;
import io.drover.core.compute.ComputeEnvironment;
import io.drover.core.compute.ComputeResourceUpdate;
import io.drover.core.compute.ComputeResources.Ec2Configuration;
import io.drover.core.compute.ComputeResources.LaunchTemplateSpecification;
import io.drover.core.compute.ComputeResources;
import io.drover.core.controlplane.ControlPlaneEvent.ComputeEnvironmentCreated;
import io.drover.core.controlplane.ControlPlaneRules;
import io.drover.core.controlplane.ControlPlaneState;
import io.drover.core.model.AwsIdentity;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * MANAGED compute environments in AWS's JSON shapes: what the AWS SDK v2's {@code BatchClient}
 * and the AWS CLI send (CreateComputeEnvironment's {@code ComputeResource}, UpdateComputeEnvironment's
 * {@code ComputeResourceUpdate}) parses, and DescribeComputeEnvironments answers with AWS's field
 * names only (plus Drover's {@code maxHourlyCost}, which the SDK skips as it skips any field it
 * does not know). The field lists are those of the SDK's model classes.
 */
class ComputeEnvironmentShapeTest {

  private static final ObjectMapper JSON = Json.mapper();

  /** {@code software.amazon.awssdk.services.batch.model.ComputeResource}'s fields. */
  private static final Set<String> AWS_COMPUTE_RESOURCE = Set.of("type", "allocationStrategy", "minvCpus", "maxvCpus",
      "desiredvCpus", "instanceTypes", "imageId", "subnets", "securityGroupIds", "ec2KeyPair", "instanceRole", "tags",
      "placementGroup", "bidPercentage", "spotIamFleetRole", "launchTemplate", "ec2Configuration");

  /** {@code ComputeEnvironmentDetail}'s fields. */
  private static final Set<String> AWS_COMPUTE_ENVIRONMENT_DETAIL = Set.of("computeEnvironmentName",
      "computeEnvironmentArn", "unmanagedvCpus", "ecsClusterArn", "tags", "type", "state", "status", "statusReason",
      "computeResources", "serviceRole", "updatePolicy", "eksConfiguration", "containerOrchestrationType", "uuid",
      "context");

  /** A CreateComputeEnvironment body with every ComputeResource field, as the SDK writes it. */
  private static final String CREATE = """
      {"computeEnvironmentName": "spot-pool", "type": "MANAGED", "state": "ENABLED",
       "computeResources": {"type": "SPOT", "allocationStrategy": "SPOT_CAPACITY_OPTIMIZED",
         "minvCpus": 0, "maxvCpus": 256, "desiredvCpus": 8, "instanceTypes": ["c5.xlarge", "m6g", "optimal"],
         "imageId": "ami-0123456789abcdef0", "subnets": ["subnet-1", "subnet-2"], "securityGroupIds": ["sg-1"],
         "ec2KeyPair": "ops", "instanceRole": "arn:aws:iam::123456789012:instance-profile/ecsInstanceRole",
         "tags": {"team": "data"}, "placementGroup": "spread", "bidPercentage": 60,
         "spotIamFleetRole": "arn:aws:iam::123456789012:role/AmazonEC2SpotFleetTaggingRole",
         "launchTemplate": {"launchTemplateName": "batch", "version": "$Latest"},
         "ec2Configuration": [{"imageType": "ECS_AL2023", "imageIdOverride": "ami-0fedcba9876543210"}]},
       "serviceRole": "arn:aws:iam::123456789012:role/AWSBatchServiceRole",
       "tags": {"drover:maxHourlyCost": "25"}}
      """;

  @Test
  void createComputeEnvironmentParsesEveryComputeResourceFieldTyped() {
    ComputeResources resources = BatchApi.parse(JSON, CREATE, CreateComputeEnvironmentRequest.class).computeResources();

    assertEquals(new ComputeResources(ComputeResources.Type.SPOT, AllocationStrategy.SPOT_CAPACITY_OPTIMIZED, 0, 256, 8,
        List.of("c5.xlarge", "m6g", "optimal"), "ami-0123456789abcdef0", List.of("subnet-1", "subnet-2"), List.of("sg-1"),
        "ops", "arn:aws:iam::123456789012:instance-profile/ecsInstanceRole", Map.of("team", "data"), "spread", 60,
        "arn:aws:iam::123456789012:role/AmazonEC2SpotFleetTaggingRole",
        new LaunchTemplateSpecification(null, "batch", "$Latest"),
        List.of(new Ec2Configuration("ECS_AL2023", "ami-0fedcba9876543210")), null), resources);
  }

  @Test
  void updateComputeEnvironmentParsesEveryComputeResourceUpdateField() {
    ComputeResourceUpdate update = BatchApi.parse(JSON, """
        {"computeEnvironment": "spot-pool", "computeResources": {"minvCpus": 1, "maxvCpus": 128, "desiredvCpus": 16,
          "subnets": ["subnet-3"], "securityGroupIds": ["sg-2"], "allocationStrategy": "BEST_FIT_PROGRESSIVE",
          "instanceTypes": ["m5"], "ec2KeyPair": "", "instanceRole": "batchInstanceRole", "tags": {},
          "placementGroup": "cluster", "bidPercentage": 40, "launchTemplate": {"launchTemplateId": "lt-1"},
          "ec2Configuration": [], "type": "EC2", "imageId": "ami-2", "maxHourlyCost": 7.5}}
        """, UpdateComputeEnvironmentRequest.class).computeResources();

    assertEquals(new ComputeResourceUpdate(1, 128, 16, List.of("subnet-3"), List.of("sg-2"),
        AllocationStrategy.BEST_FIT_PROGRESSIVE, List.of("m5"), "", "batchInstanceRole", Map.of(), "cluster", 40,
        new LaunchTemplateSpecification("lt-1", null, null), List.of(), ComputeResources.Type.EC2, "ami-2", 7.5), update);
  }

  @Test
  void wrongComputeResourceFieldsAreNamedByTheirPath() {
    assertRejected("{\"computeResources\": {\"type\": \"GPU\"}}", CreateComputeEnvironmentRequest.class,
        "'computeResources.type'", "GPU");
    assertRejected("{\"computeResources\": {\"allocationStrategy\": \"CHEAPEST\"}}", CreateComputeEnvironmentRequest.class,
        "'computeResources.allocationStrategy'", "CHEAPEST");
    assertRejected("{\"computeResources\": {\"maxvCpus\": \"many\"}}", CreateComputeEnvironmentRequest.class,
        "'computeResources.maxvCpus'");
    assertRejected("{\"computeResources\": {\"launchTemplate\": {\"overrides\": []}}}", CreateComputeEnvironmentRequest.class,
        "Unknown field 'computeResources.launchTemplate.overrides'");
    assertRejected("{\"computeResources\": {\"updateToLatestImageVersion\": true}}", UpdateComputeEnvironmentRequest.class,
        "Unknown field 'computeResources.updateToLatestImageVersion'");
  }

  @Test
  void describeAnswersAManagedEnvironmentWithAwsFieldNamesAndReadsBackTheSame() throws Exception {
    ControlPlaneRules rules = new ControlPlaneRules(new AwsIdentity("us-east-1", "123456789012"));
    ComputeEnvironment created = ((ComputeEnvironmentCreated) rules.execute(ControlPlaneState.EMPTY,
        BatchApi.parse(JSON, CREATE, CreateComputeEnvironmentRequest.class))).computeEnvironment();

    JsonNode body = JSON.readTree(JSON.writeValueAsString(new Responses.ComputeEnvironments(List.of(created), null)));
    JsonNode detail = body.path("computeEnvironments").path(0);
    JsonNode resources = detail.path("computeResources");

    assertTrue(AWS_COMPUTE_ENVIRONMENT_DETAIL.containsAll(names(detail)), () -> "not AWS's: " + names(detail));
    Set<String> expected = new HashSet<>(AWS_COMPUTE_RESOURCE);
    expected.add("maxHourlyCost");
    assertEquals(expected, names(resources));
    assertEquals(Set.of("launchTemplateName", "version"), names(resources.path("launchTemplate")));
    assertEquals(Set.of("imageType", "imageIdOverride"), names(resources.path("ec2Configuration").path(0)));
    assertEquals("MANAGED", detail.path("type").asText());
    assertEquals("VALID", detail.path("status").asText());
    assertEquals("SPOT", resources.path("type").asText());
    assertEquals(25.0, resources.path("maxHourlyCost").asDouble());
    assertEquals(created, JSON.treeToValue(detail, ComputeEnvironment.class));
  }

  private static Set<String> names(JsonNode object) {
    Set<String> names = new HashSet<>();
    for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }

  private static void assertRejected(String body, Class<?> type, String... fragments) {
    String message = assertThrows(ClientError.class, () -> BatchApi.parse(JSON, body, type)).getMessage();
    for (String fragment : fragments) {
      assertTrue(message.contains(fragment), () -> "expected '" + fragment + "' in: " + message);
    }
  }
}
