package io.drover.core.compute;

import static io.drover.core.Fixtures.assertRejected;
import static io.drover.core.compute.ComputeResourcesBuilder.ec2;
import static io.drover.core.compute.ComputeResourcesBuilder.spot;
import static io.drover.core.compute.ComputeResourcesBuilder.update;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.core.capacity.AllocationStrategy;
import io.drover.core.compute.ComputeResources.Ec2Configuration;
import io.drover.core.compute.ComputeResources.LaunchTemplateSpecification;
import io.drover.core.compute.ComputeResources.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class ComputeResourcesTest {

  private static final String FIELD = "computeResources";

  private static ComputeResources validated(ComputeResourcesBuilder resources) {
    return validated(resources, Map.of());
  }

  private static ComputeResources validated(ComputeResourcesBuilder resources, Map<String, String> environmentTags) {
    return ComputeResources.validated(resources.build(), environmentTags, FIELD);
  }

  private static void assertInvalid(ComputeResourcesBuilder resources, String... fragments) {
    assertRejected(() -> validated(resources), fragments);
  }

  @Nested
  class Create {

    @Test
    void fillsInAwsDefaultsBestFitMinvCpusZeroAndDesiredAtMin() {
      ComputeResources stored = validated(ec2());

      assertEquals(AllocationStrategy.BEST_FIT, stored.allocationStrategy());
      assertEquals(0, stored.minvCpus());
      assertEquals(0, stored.desiredvCpus());
      assertEquals(256, stored.maxvCpus());

      assertEquals(4, validated(ec2().vCpus(4, null, 16)).desiredvCpus());
    }

    @Test
    void keepsEveryFieldGiven() {
      ComputeResources given = spot()
          .vCpus(2, 8, 64)
          .instanceTypes(List.of("c5.xlarge"))
          .imageId("ami-0123456789abcdef0")
          .ec2KeyPair("ops")
          .tags(Map.of("team", "data"))
          .placementGroup("batch-cluster")
          .bidPercentage(60)
          .spotIamFleetRole("arn:aws:iam::123456789012:role/AmazonEC2SpotFleetTaggingRole")
          .launchTemplate(new LaunchTemplateSpecification(null, "batch-template", "$Latest"))
          .ec2Configuration(List.of(new Ec2Configuration("ECS_AL2023", "ami-0fedcba9876543210")))
          .maxHourlyCost(12.5)
          .build();

      assertEquals(given, ComputeResources.validated(given, Map.of(), FIELD));
    }

    @Test
    void copiesItsListsSoTheStoredValueCannotChange() {
      List<String> subnets = new ArrayList<>(List.of("subnet-1"));
      ComputeResources stored = validated(ec2().subnets(subnets));
      subnets.add("subnet-2");

      assertEquals(List.of("subnet-1"), stored.subnets());
    }

    @Test
    void typeIsRequired() {
      assertInvalid(ec2().type(null), "computeResources.type is required");
    }

    @ParameterizedTest
    @EnumSource(value = Type.class, names = {"FARGATE", "FARGATE_SPOT"})
    void fargateIsRefusedSayingDroverRunsEc2Hosts(Type fargate) {
      assertInvalid(ec2().type(fargate), "computeResources.type " + fargate, "EC2 hosts", "use EC2 or SPOT");
    }

    @Test
    void maxvCpusIsRequired() {
      assertInvalid(ec2().vCpus(null, null, null), "computeResources.maxvCpus is required");
    }

    @Test
    void vCpusAreNotNegativeAndMinDesiredMaxAreInOrder() {
      assertInvalid(ec2().vCpus(-1, null, 4), "computeResources.minvCpus must be 0 or more");
      assertInvalid(ec2().vCpus(0, 0, -1), "computeResources.maxvCpus must be 0 or more");
      assertInvalid(ec2().vCpus(8, null, 4), "computeResources.minvCpus (8) must not exceed computeResources.maxvCpus (4)");
      assertInvalid(ec2().vCpus(2, 1, 4), "computeResources.desiredvCpus (1)");
      assertInvalid(ec2().vCpus(2, 5, 4), "computeResources.desiredvCpus (5)", "maxvCpus (4)");

      ComputeResources bounds = validated(ec2().vCpus(4, 4, 4));
      assertEquals(List.of(4, 4, 4), List.of(bounds.minvCpus(), bounds.desiredvCpus(), bounds.maxvCpus()));
    }

    @Test
    void instanceTypesAreRequired() {
      assertInvalid(ec2().instanceTypes(null), "computeResources.instanceTypes is required");
      assertInvalid(ec2().instanceTypes(List.of()), "computeResources.instanceTypes is required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"c5.xlarge", "c5", "m6g", "r5d", "p4d.24xlarge", "m7i-flex.large", "c7i.metal-24xl",
        "u-6tb1.112xlarge", "optimal", "default_x86_64", "default_arm64"})
    void anythingShapedLikeAnInstanceTypeOrFamilyIsAccepted(String name) {
      assertEquals(List.of(name), validated(ec2().instanceTypes(List.of(name))).instanceTypes());
    }

    @ParameterizedTest
    @ValueSource(strings = {"large", "C5.XLARGE", "c5.", ".xlarge", "c5 xlarge", "c5.x.large", "5c", "m5_large", "optimal.large"})
    void otherNamesAreRefusedNamingTheEntry(String name) {
      assertInvalid(ec2().instanceTypes(List.of("c5", name)), "computeResources.instanceTypes[1] '" + name + "'",
          "instance type", "family");
    }

    @Test
    void anEmptyListEntryIsNamed() {
      assertInvalid(ec2().instanceTypes(Arrays.asList("c5", null)), "computeResources.instanceTypes[1] is empty");
      assertInvalid(ec2().subnets(List.of(" ")), "computeResources.subnets[0] is empty");
      assertInvalid(ec2().securityGroupIds(List.of("sg-1", "")), "computeResources.securityGroupIds[1] is empty");
    }

    @Test
    void subnetsAreRequired() {
      assertInvalid(ec2().subnets(null), "computeResources.subnets is required");
      assertInvalid(ec2().subnets(List.of()), "computeResources.subnets is required");
    }

    @Test
    void securityGroupsComeFromSecurityGroupIdsOrALaunchTemplate() {
      assertInvalid(ec2().securityGroupIds(null), "computeResources.securityGroupIds is required", "launchTemplate");
      assertInvalid(ec2().securityGroupIds(List.of()), "computeResources.securityGroupIds is required");

      ComputeResources fromTemplate = validated(ec2().securityGroupIds(null)
          .launchTemplate(new LaunchTemplateSpecification("lt-0123456789abcdef0", null, null)));
      assertNull(fromTemplate.securityGroupIds());
    }

    @Test
    void instanceRoleIsRequired() {
      assertInvalid(ec2().instanceRole(null), "computeResources.instanceRole is required");
      assertInvalid(ec2().instanceRole(" "), "computeResources.instanceRole is required");
    }

    @ParameterizedTest
    @EnumSource(value = AllocationStrategy.class, names = {"SPOT_CAPACITY_OPTIMIZED", "SPOT_PRICE_CAPACITY_OPTIMIZED"})
    void spotStrategiesAreForTypeSpotOnly(AllocationStrategy strategy) {
      assertInvalid(ec2().allocationStrategy(strategy), "computeResources.allocationStrategy " + strategy, "SPOT");

      assertEquals(strategy, validated(spot().allocationStrategy(strategy)).allocationStrategy());
    }

    @ParameterizedTest
    @EnumSource(value = AllocationStrategy.class, names = {"BEST_FIT", "BEST_FIT_PROGRESSIVE"})
    void bestFitStrategiesSuitBothTypes(AllocationStrategy strategy) {
      assertEquals(strategy, validated(ec2().allocationStrategy(strategy)).allocationStrategy());
      assertEquals(strategy, validated(spot().allocationStrategy(strategy).spotIamFleetRole("fleet-role")).allocationStrategy());
    }

    @Test
    void bidPercentageIsForSpotOnlyFrom0To100() {
      assertInvalid(ec2().bidPercentage(50), "computeResources.bidPercentage applies to type SPOT only");
      assertInvalid(spot().bidPercentage(-1), "computeResources.bidPercentage must be from 0 to 100, not -1");
      assertInvalid(spot().bidPercentage(101), "computeResources.bidPercentage must be from 0 to 100, not 101");

      assertEquals(0, validated(spot().bidPercentage(0)).bidPercentage());
      assertEquals(100, validated(spot().bidPercentage(100)).bidPercentage());
    }

    @Test
    void spotWithBestFitNeedsASpotFleetRoleAsOnAws() {
      assertInvalid(spot().allocationStrategy(null), "computeResources.spotIamFleetRole is required", "BEST_FIT");
      assertInvalid(spot().allocationStrategy(AllocationStrategy.BEST_FIT), "computeResources.spotIamFleetRole");

      assertNull(validated(spot()).spotIamFleetRole());
    }

    @Test
    void aLaunchTemplateNamesExactlyOneOfIdAndName() {
      assertInvalid(ec2().launchTemplate(new LaunchTemplateSpecification(null, null, "1")),
          "computeResources.launchTemplate needs exactly one of launchTemplateId and launchTemplateName");
      assertInvalid(ec2().launchTemplate(new LaunchTemplateSpecification("lt-1", "batch", null)),
          "computeResources.launchTemplate needs exactly one");
      assertInvalid(ec2().launchTemplate(new LaunchTemplateSpecification("", null, null)),
          "computeResources.launchTemplate needs exactly one");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "42", "$Latest", "$Default"})
    void aLaunchTemplateVersionIsANumberLatestOrDefault(String version) {
      assertEquals(version,
          validated(ec2().launchTemplate(new LaunchTemplateSpecification("lt-1", null, version))).launchTemplate().version());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0", "latest", "v2"})
    void otherLaunchTemplateVersionsAreRefused(String version) {
      assertInvalid(ec2().launchTemplate(new LaunchTemplateSpecification("lt-1", null, version)),
          "computeResources.launchTemplate.version '" + version + "'");
    }

    @Test
    void ec2ConfigurationTakesOneOrTwoEntriesEachWithAnImageType() {
      Ec2Configuration al2023 = new Ec2Configuration("ECS_AL2023", null);
      Ec2Configuration nvidia = new Ec2Configuration("ECS_AL2023_NVIDIA", "ami-1");

      assertEquals(List.of(al2023, nvidia), validated(ec2().ec2Configuration(List.of(al2023, nvidia))).ec2Configuration());
      assertInvalid(ec2().ec2Configuration(List.of()), "computeResources.ec2Configuration takes one or two entries, not 0");
      assertInvalid(ec2().ec2Configuration(List.of(al2023, nvidia, al2023)), "not 3");
      assertInvalid(ec2().ec2Configuration(List.of(new Ec2Configuration(null, "ami-1"))),
          "computeResources.ec2Configuration[0].imageType is required");
      assertInvalid(ec2().ec2Configuration(List.of(new Ec2Configuration("ECS_AL2", " "))),
          "computeResources.ec2Configuration[0].imageIdOverride");
    }

    @Test
    void optionalNamesMustNotBeEmptyWhenGiven() {
      assertInvalid(ec2().imageId(""), "computeResources.imageId must not be empty");
      assertInvalid(ec2().ec2KeyPair(" "), "computeResources.ec2KeyPair must not be empty");
      assertInvalid(ec2().placementGroup(""), "computeResources.placementGroup must not be empty");
    }

    @Test
    void instanceTagsFollowAwsTagRules() {
      assertInvalid(ec2().tags(Map.of("aws:owner", "x")), "computeResources.tags key 'aws:owner'");
    }

    @Test
    void maxHourlyCostIsAPositiveNumberOfDollars() {
      assertEquals(0.5, validated(ec2().maxHourlyCost(0.5)).maxHourlyCost());
      assertInvalid(ec2().maxHourlyCost(0.0), "computeResources.maxHourlyCost must be", "above 0");
      assertInvalid(ec2().maxHourlyCost(-3.0), "computeResources.maxHourlyCost");
      assertInvalid(ec2().maxHourlyCost(Double.POSITIVE_INFINITY), "computeResources.maxHourlyCost");
      assertNull(validated(ec2()).maxHourlyCost());
    }

    @Test
    void maxHourlyCostCanComeFromTheEnvironmentTag() {
      Map<String, String> tag = Map.of(ComputeResources.MAX_HOURLY_COST_TAG, "12.50");

      assertEquals(12.5, validated(ec2(), tag).maxHourlyCost());
      assertEquals(12.5, validated(ec2().maxHourlyCost(12.5), tag).maxHourlyCost());
      assertRejected(() -> validated(ec2().maxHourlyCost(20.0), tag),
          "computeResources.maxHourlyCost 20.0 and tags drover:maxHourlyCost '12.50' disagree");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0", "-1", "ten", "1e3", "NaN", "Infinity"})
    void aMaxHourlyCostTagThatIsNotAPositiveAmountIsRefused(String value) {
      assertRejected(() -> validated(ec2(), Map.of(ComputeResources.MAX_HOURLY_COST_TAG, value)),
          "tags drover:maxHourlyCost '" + value + "'", "above 0");
    }

    @Test
    void helpersGiveTheVcpuLimitsInThousandthsAndWhetherItIsSpot() {
      ComputeResources onDemand = validated(ec2().vCpus(2, 4, 16));

      assertEquals(2_000, onDemand.minMilliCpus());
      assertEquals(4_000, onDemand.desiredMilliCpus());
      assertEquals(16_000, onDemand.maxMilliCpus());
      assertFalse(onDemand.spot());
      assertTrue(validated(spot()).spot());
    }
  }

  @Nested
  class Update {

    private final ComputeResources bestFit = validated(ec2().vCpus(0, 4, 64));
    private final ComputeResources progressive = validated(ec2()
        .allocationStrategy(AllocationStrategy.BEST_FIT_PROGRESSIVE)
        .vCpus(0, 4, 64)
        .imageId("ami-1")
        .ec2KeyPair("ops")
        .launchTemplate(new LaunchTemplateSpecification(null, "batch", null))
        .ec2Configuration(List.of(new Ec2Configuration("ECS_AL2023", null))));

    private ComputeResources updated(ComputeResources current, ComputeResourcesBuilder.Update update) {
      return current.updated(update.build(), FIELD);
    }

    @Test
    void anEmptyUpdateChangesNothing() {
      assertEquals(bestFit, updated(bestFit, update()));
      assertEquals(progressive, updated(progressive, update()));
    }

    @Test
    void vCpuLimitsAndMaxHourlyCostChangeUnderEveryStrategy() {
      ComputeResources after = updated(bestFit, update().minvCpus(2).desiredvCpus(8).maxvCpus(32).maxHourlyCost(3.0));

      assertEquals(List.of(2, 8, 32), List.of(after.minvCpus(), after.desiredvCpus(), after.maxvCpus()));
      assertEquals(3.0, after.maxHourlyCost());
      assertEquals(bestFit.instanceTypes(), after.instanceTypes());
      assertEquals(bestFit.subnets(), after.subnets());
    }

    @Test
    void bestFitTakesNoInfrastructureUpdateAndTheMessageNamesTheFields() {
      assertRejected(() -> updated(bestFit, update().instanceTypes(List.of("m5")).subnets(List.of("subnet-2"))),
          "computeResources.subnets, computeResources.instanceTypes can be updated only", "BEST_FIT_PROGRESSIVE",
          "uses BEST_FIT");
      for (ComputeResourcesBuilder.Update one : List.of(update().securityGroupIds(List.of("sg-2")),
          update().allocationStrategy(AllocationStrategy.BEST_FIT_PROGRESSIVE), update().ec2KeyPair("k"),
          update().instanceRole("r"), update().tags(Map.of()), update().placementGroup("g"), update().bidPercentage(50),
          update().launchTemplate(new LaunchTemplateSpecification("lt-1", null, null)),
          update().ec2Configuration(List.of()), update().type(Type.SPOT), update().imageId("ami-2"))) {
        assertRejected(() -> updated(bestFit, one), "can be updated only", "uses BEST_FIT");
      }
    }

    @Test
    void otherStrategiesTakeInfrastructureUpdates() {
      ComputeResources after = updated(progressive, update()
          .instanceTypes(List.of("m5", "c6i.2xlarge"))
          .subnets(List.of("subnet-2", "subnet-3"))
          .securityGroupIds(List.of("sg-2"))
          .instanceRole("batchInstanceRole")
          .tags(Map.of("team", "ml"))
          .placementGroup("spread")
          .ec2KeyPair("admin")
          .imageId("ami-2")
          .launchTemplate(new LaunchTemplateSpecification("lt-9", null, "3"))
          .ec2Configuration(List.of(new Ec2Configuration("ECS_AL2023_NVIDIA", null))));

      assertEquals(List.of("m5", "c6i.2xlarge"), after.instanceTypes());
      assertEquals(List.of("subnet-2", "subnet-3"), after.subnets());
      assertEquals(List.of("sg-2"), after.securityGroupIds());
      assertEquals("batchInstanceRole", after.instanceRole());
      assertEquals(Map.of("team", "ml"), after.tags());
      assertEquals("spread", after.placementGroup());
      assertEquals("admin", after.ec2KeyPair());
      assertEquals("ami-2", after.imageId());
      assertEquals(new LaunchTemplateSpecification("lt-9", null, "3"), after.launchTemplate());
      assertEquals(List.of(new Ec2Configuration("ECS_AL2023_NVIDIA", null)), after.ec2Configuration());
      assertEquals(progressive.maxvCpus(), after.maxvCpus());
    }

    @Test
    void bestFitIsNotAStrategyToUpdateTo() {
      assertRejected(() -> updated(progressive, update().allocationStrategy(AllocationStrategy.BEST_FIT)),
          "computeResources.allocationStrategy BEST_FIT isn't supported when updating");
    }

    @Test
    void aSpotEnvironmentCanMoveBetweenSpotStrategies() {
      ComputeResources capacity = validated(spot().allocationStrategy(AllocationStrategy.SPOT_CAPACITY_OPTIMIZED));

      assertEquals(AllocationStrategy.SPOT_PRICE_CAPACITY_OPTIMIZED, updated(capacity,
          update().allocationStrategy(AllocationStrategy.SPOT_PRICE_CAPACITY_OPTIMIZED)).allocationStrategy());
    }

    @Test
    void desiredvCpusIsNeverLoweredByRequestAsOnAws() {
      assertRejected(() -> updated(bestFit, update().desiredvCpus(2)),
          "computeResources.desiredvCpus 2 is below the current 4", "scaling down");

      assertEquals(4, updated(bestFit, update().desiredvCpus(4)).desiredvCpus());
    }

    @Test
    void desiredvCpusFollowsMinAndMaxWhenTheyMovePastIt() {
      assertEquals(2, updated(bestFit, update().maxvCpus(2)).desiredvCpus());
      assertEquals(10, updated(bestFit, update().minvCpus(10)).desiredvCpus());
      assertEquals(4, updated(bestFit, update().minvCpus(1).maxvCpus(8)).desiredvCpus());
    }

    @Test
    void theMergedValueIsCheckedAgainNamingTheField() {
      assertRejected(() -> updated(bestFit, update().minvCpus(100)),
          "computeResources.minvCpus (100) must not exceed computeResources.maxvCpus (64)");
      assertRejected(() -> updated(bestFit, update().desiredvCpus(65)), "computeResources.desiredvCpus (65)");
      assertRejected(() -> updated(bestFit, update().maxvCpus(-1)), "computeResources.maxvCpus must be 0 or more, not -1");
      assertRejected(() -> updated(progressive, update().instanceTypes(List.of())), "computeResources.instanceTypes is required");
      assertRejected(() -> updated(progressive, update().instanceTypes(List.of("huge"))),
          "computeResources.instanceTypes[0] 'huge'");
      assertRejected(() -> updated(progressive, update().type(Type.FARGATE)), "computeResources.type FARGATE");
      assertRejected(() -> updated(progressive, update().instanceRole("")), "computeResources.instanceRole is required");
      assertRejected(() -> updated(progressive, update().bidPercentage(20)),
          "computeResources.bidPercentage applies to type SPOT only");
      assertRejected(() -> updated(progressive, update().maxHourlyCost(0.0)), "computeResources.maxHourlyCost");
      assertRejected(() -> updated(progressive, update().launchTemplate(new LaunchTemplateSpecification("lt-1", "x", null))),
          "computeResources.launchTemplate needs exactly one");
    }

    @Test
    void switchingTypeIsAnInfrastructureUpdateCheckedAgainstTheStrategy() {
      ComputeResources spotCapacity = validated(spot().bidPercentage(70));

      assertRejected(() -> updated(spotCapacity, update().type(Type.EC2)),
          "computeResources.allocationStrategy SPOT_PRICE_CAPACITY_OPTIMIZED is only for type SPOT");
      ComputeResources onDemand = updated(spotCapacity,
          update().type(Type.EC2).allocationStrategy(AllocationStrategy.BEST_FIT_PROGRESSIVE));
      assertEquals(Type.EC2, onDemand.type());
      assertNull(onDemand.bidPercentage(), "a Spot bid means nothing On-Demand");

      ComputeResources backToSpot = updated(onDemand, update().type(Type.SPOT).bidPercentage(40));
      assertEquals(40, backToSpot.bidPercentage());
    }

    @Test
    void emptyValuesRemoveTheImageKeyPairLaunchTemplateAndEc2Configuration() {
      ComputeResources after = updated(progressive, update().imageId("").ec2KeyPair("")
          .launchTemplate(new LaunchTemplateSpecification(null, "", null)).ec2Configuration(List.of()));

      assertNull(after.imageId());
      assertNull(after.ec2KeyPair());
      assertNull(after.launchTemplate());
      assertNull(after.ec2Configuration());
    }

    @Test
    void removingTheLaunchTemplateNeedsSecurityGroupIdsToRemain() {
      ComputeResources templateOnly = validated(ec2().allocationStrategy(AllocationStrategy.BEST_FIT_PROGRESSIVE)
          .securityGroupIds(null).launchTemplate(new LaunchTemplateSpecification("lt-1", null, null)));

      assertRejected(() -> updated(templateOnly, update().launchTemplate(new LaunchTemplateSpecification("", null, null))),
          "computeResources.securityGroupIds is required");
    }

    @Test
    void emptySubnetsAndSecurityGroupIdsLeaveThemAsTheyAre() {
      ComputeResources after = updated(bestFit, update().subnets(List.of()).securityGroupIds(List.of()));

      assertEquals(bestFit, after);
    }
  }
}
