package io.drover.capacity.ec2;

import static io.drover.capacity.ec2.Ec2StandIn.error;
import static io.drover.capacity.ec2.Ec2StandIn.fleet;
import static io.drover.capacity.ec2.Ec2StandIn.instance;
import static io.drover.capacity.ec2.Ec2StandIn.instanceTypes;
import static io.drover.capacity.ec2.Ec2StandIn.instancesPage;
import static io.drover.capacity.ec2.Ec2StandIn.instancesRun;
import static io.drover.capacity.ec2.Ec2StandIn.latestVersion;
import static io.drover.capacity.ec2.Ec2StandIn.launchTemplateCreated;
import static io.drover.capacity.ec2.Ec2StandIn.launchTemplateVersionCreated;
import static io.drover.capacity.ec2.Ec2StandIn.terminating;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.capacity.CapacityError;
import io.drover.capacity.CapacityException;
import io.drover.capacity.ErrorKind;
import io.drover.capacity.InstanceShape;
import io.drover.capacity.InstanceState;
import io.drover.capacity.LaunchRequest;
import io.drover.capacity.LaunchResult;
import io.drover.capacity.LaunchSpec;
import io.drover.capacity.LaunchTemplateRef;
import io.drover.capacity.LaunchedInstance;
import io.drover.capacity.ManagedInstance;
import io.drover.capacity.TerminationResult;
import io.drover.capacity.ec2.Ec2StandIn.FleetError;
import io.drover.capacity.ec2.Ec2StandIn.FleetInstances;
import io.drover.capacity.ec2.Ec2StandIn.Request;
import io.drover.core.capacity.AllocationStrategy;
import io.drover.core.capacity.Lifecycle;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.Ec2Client;

/** The real SDK client against a stand-in for the EC2 Query API on 127.0.0.1; assertions on the requests it sent. */
class Ec2CapacityProviderTest {

  private static final int SDK_ATTEMPTS = 3;
  private static final String PROFILE = "arn:aws:iam::123456789012:instance-profile/drover-agent";
  private static final List<String> SUBNETS = List.of("subnet-a", "subnet-b");

  private Ec2StandIn ec2;
  private ExecutorService blocking;
  private Ec2CapacityProvider provider;

  @BeforeEach
  void start() throws Exception {
    ec2 = new Ec2StandIn();
    blocking = Executors.newSingleThreadExecutor();
    provider = provider();
    ec2.on("DescribeLaunchTemplateVersions",
        r -> error(400, "InvalidLaunchTemplateName.NotFoundException", "At least one of the launch templates "
            + "specified in the request does not exist."));
    ec2.on("CreateLaunchTemplate", r -> launchTemplateCreated("lt-0abc", r.get("LaunchTemplateName")));
  }

  @AfterEach
  void stop() {
    provider.close();
    ec2.close();
    blocking.shutdownNow();
  }

  /** A provider whose client retries at once, {@value #SDK_ATTEMPTS} attempts in all, so tests are fast and exact. */
  private Ec2CapacityProvider provider() {
    Ec2Client client = ec2.client(SDK_ATTEMPTS);
    Ec2CapacitySettings settings = new Ec2CapacitySettings("drover:cluster", "prod", Optional.empty(),
        Optional.empty(), "/opt/drover/current/drover agent", Duration.ofSeconds(1), Duration.ofSeconds(60));
    return new Ec2CapacityProvider(settings, client, blocking, new SplittableRandom(7));
  }

  private static LaunchSpec spec(Lifecycle lifecycle, AllocationStrategy strategy, Integer bidPercentage) {
    return new LaunchSpec(lifecycle, strategy, bidPercentage, SUBNETS, List.of("sg-0123"), null,
        "ami-0abcdef1234567890", PROFILE, "ops", null, Map.of("team", "research"), "mkdir -p /scratch");
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private LaunchResult launch(String ce, LaunchSpec spec, int count, String... types) throws Exception {
    return await(provider.launch(new LaunchRequest(ce, List.of(types), count, spec)));
  }

  private static String userData(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }

  /** Every override of a CreateFleet request as "type subnet maxPrice-or-priority". */
  private static List<String> overrides(Request fleet) {
    List<String> overrides = new ArrayList<>();
    String prefix = "LaunchTemplateConfigs.1.Overrides.";
    for (int i = 1; fleet.get(prefix + i + ".InstanceType") != null; i++) {
      String price = fleet.get(prefix + i + ".MaxPrice");
      String priority = fleet.get(prefix + i + ".Priority");
      overrides.add(fleet.get(prefix + i + ".InstanceType") + " " + fleet.get(prefix + i + ".SubnetId")
          + (price != null ? " max " + price : "") + (priority != null ? " priority " + priority : ""));
    }
    return overrides;
  }

  @Test
  void spotLaunchesOneInstantFleetFromDroversTemplate() throws Exception {
    ec2.on("CreateFleet", r -> fleet(
        List.of(new FleetInstances("m5.large", "subnet-b", "spot", "i-0aaa", "i-0bbb"),
            new FleetInstances("c5.large", "subnet-a", "spot", "i-0ccc")),
        List.of()));

    LaunchResult result = launch("batch-spot",
        spec(Lifecycle.SPOT, AllocationStrategy.SPOT_CAPACITY_OPTIMIZED, 60), 3, "c5.large", "m5.large");

    assertEquals(List.of(
            new LaunchedInstance("i-0aaa", "m5.large", Lifecycle.SPOT, "subnet-b"),
            new LaunchedInstance("i-0bbb", "m5.large", Lifecycle.SPOT, "subnet-b"),
            new LaunchedInstance("i-0ccc", "c5.large", Lifecycle.SPOT, "subnet-a")),
        result.instances());
    assertEquals(List.of(), result.errors());
    assertEquals(List.of("DescribeLaunchTemplateVersions", "CreateLaunchTemplate", "CreateFleet"), ec2.actions());

    Request template = ec2.requests("CreateLaunchTemplate").get(0);
    assertEquals("drover-batch-spot", template.get("LaunchTemplateName"));
    assertTrue(template.get("VersionDescription").startsWith("drover:"));
    assertEquals("ami-0abcdef1234567890", template.get("LaunchTemplateData.ImageId"));
    assertEquals(PROFILE, template.get("LaunchTemplateData.IamInstanceProfile.Arn"));
    assertEquals("sg-0123", template.get("LaunchTemplateData.SecurityGroupId.1"));
    assertEquals("ops", template.get("LaunchTemplateData.KeyName"));
    assertEquals("required", template.get("LaunchTemplateData.MetadataOptions.HttpTokens"));
    assertEquals("terminate", template.get("LaunchTemplateData.InstanceInitiatedShutdownBehavior"));
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("Name", "drover-batch-spot");
    tags.put("team", "research");
    tags.put("drover:cluster", "prod");
    tags.put("drover:role", "agent");
    tags.put("drover:compute-environment", "batch-spot");
    assertEquals("instance", template.get("LaunchTemplateData.TagSpecification.1.ResourceType"));
    assertEquals(tags, template.tags("LaunchTemplateData.TagSpecification.1."));
    assertEquals("volume", template.get("LaunchTemplateData.TagSpecification.2.ResourceType"));
    assertEquals(tags, template.tags("LaunchTemplateData.TagSpecification.2."));
    assertEquals("launch-template", template.get("TagSpecification.1.ResourceType"));
    assertEquals("prod", template.tags("TagSpecification.1.").get("drover:cluster"));

    String script = userData(template.get("LaunchTemplateData.UserData"));
    assertTrue(script.startsWith("#!/bin/bash\n"), script);
    for (String line : List.of("DROVER_DISCOVERY_METHOD=ec2-tags", "DROVER_EC2_TAG_KEY=drover:cluster",
        "DROVER_EC2_TAG_VALUE=prod", "DROVER_COMPUTE_ENVIRONMENT=batch-spot", "DROVER_AGENT_LIFECYCLE=spot",
        "DROVER_INSTANCE_ID=$instance_id", "DROVER_HOSTNAME=$private_ip", "mkdir -p /scratch")) {
      assertTrue(script.lines().anyMatch(line::equals), line + " missing from\n" + script);
    }
    assertTrue(script.contains("X-aws-ec2-metadata-token"), "IMDSv2 token missing from\n" + script);
    assertTrue(script.stripTrailing().endsWith("\n/opt/drover/current/drover agent"), script);

    Request fleet = ec2.requests("CreateFleet").get(0);
    assertEquals("instant", fleet.get("Type"));
    assertEquals("capacity-optimized", fleet.get("SpotOptions.AllocationStrategy"));
    assertNull(fleet.get("OnDemandOptions.AllocationStrategy"));
    assertEquals("lt-0abc", fleet.get("LaunchTemplateConfigs.1.LaunchTemplateSpecification.LaunchTemplateId"));
    assertEquals("1", fleet.get("LaunchTemplateConfigs.1.LaunchTemplateSpecification.Version"));
    // 60% of the us-east-1 On-Demand prices: c5.large $0.085, m5.large $0.096.
    assertEquals(List.of("c5.large subnet-a max 0.051", "c5.large subnet-b max 0.051",
        "m5.large subnet-a max 0.0576", "m5.large subnet-b max 0.0576"), overrides(fleet));
    assertEquals(Map.of("TotalTargetCapacity", "3", "SpotTargetCapacity", "3", "DefaultTargetCapacityType", "spot"),
        fleet.under("TargetCapacitySpecification."));
    assertEquals("fleet", fleet.get("TagSpecification.1.ResourceType"));
    assertNotNull(fleet.get("ClientToken"));
  }

  @Test
  void fleetErrorsPerOverrideAreClassifiedAndTheTemplateIsReused() throws Exception {
    ec2.on("CreateFleet", r -> fleet(
        List.of(new FleetInstances("m5.large", "subnet-a", "spot", "i-0aaa")),
        List.of(new FleetError("c5.large", "subnet-a", "InsufficientInstanceCapacity",
                "We currently do not have sufficient c5.large capacity in the Availability Zone you requested."),
            new FleetError("c5.large", "subnet-b", "SpotMaxPriceTooLow", "Your Spot request price is lower than "
                + "the current Spot price."))));
    LaunchSpec spec = spec(Lifecycle.SPOT, AllocationStrategy.SPOT_PRICE_CAPACITY_OPTIMIZED, null);

    LaunchResult first = launch("batch-spot", spec, 4, "c5.large", "m5.large");
    LaunchResult second = launch("batch-spot", spec, 4, "c5.large", "m5.large");

    assertEquals(List.of(new LaunchedInstance("i-0aaa", "m5.large", Lifecycle.SPOT, "subnet-a")), first.instances());
    assertEquals(2, first.errors().size());
    CapacityError noCapacity = first.errors().get(0);
    assertEquals(ErrorKind.CAPACITY, noCapacity.kind());
    assertEquals("InsufficientInstanceCapacity", noCapacity.code());
    assertEquals("c5.large", noCapacity.instanceType());
    assertEquals("subnet-a", noCapacity.subnetId());
    CapacityError tooLow = first.errors().get(1);
    assertEquals(ErrorKind.CAPACITY, tooLow.kind());
    assertEquals("subnet-b", tooLow.subnetId());
    assertTrue(tooLow.message().contains("bidPercentage"), tooLow.message());
    assertEquals(Optional.empty(), first.retryAfter());
    assertEquals(first, second);

    Request fleet = ec2.requests("CreateFleet").get(0);
    assertEquals("price-capacity-optimized", fleet.get("SpotOptions.AllocationStrategy"));
    assertEquals(List.of("c5.large subnet-a", "c5.large subnet-b", "m5.large subnet-a", "m5.large subnet-b"),
        overrides(fleet), "no bidPercentage: no MaxPrice, EC2 caps at the On-Demand price");
    assertEquals(List.of("DescribeLaunchTemplateVersions", "CreateLaunchTemplate", "CreateFleet", "CreateFleet"),
        ec2.actions());
  }

  @Test
  void aRestartedControllerFindsItsTemplateVersionAndChangedSettingsMakeANewOne() throws Exception {
    ec2.on("CreateFleet", r -> fleet(List.of(new FleetInstances("c5.large", "subnet-a", "spot", "i-0aaa")), List.of()));
    LaunchSpec spec = spec(Lifecycle.SPOT, AllocationStrategy.SPOT_CAPACITY_OPTIMIZED, null);
    launch("batch-spot", spec, 1, "c5.large");
    String description = ec2.requests("CreateLaunchTemplate").get(0).get("VersionDescription");

    ec2.on("DescribeLaunchTemplateVersions", r -> latestVersion("lt-0abc", "drover-batch-spot", 1, description));
    ec2.on("CreateLaunchTemplateVersion", r -> launchTemplateVersionCreated("lt-0abc", 2));
    try (Ec2CapacityProvider restarted = provider()) {
      await(restarted.launch(new LaunchRequest("batch-spot", List.of("c5.large"), 1, spec)));
      LaunchSpec newImage = new LaunchSpec(Lifecycle.SPOT, AllocationStrategy.SPOT_CAPACITY_OPTIMIZED, null, SUBNETS,
          List.of("sg-0123"), null, "ami-0fedcba9876543210", PROFILE, "ops", null, Map.of("team", "research"),
          "mkdir -p /scratch");
      await(restarted.launch(new LaunchRequest("batch-spot", List.of("c5.large"), 1, newImage)));
    }

    assertEquals(List.of("DescribeLaunchTemplateVersions", "CreateLaunchTemplate", "CreateFleet",
        "DescribeLaunchTemplateVersions", "CreateFleet",
        "DescribeLaunchTemplateVersions", "CreateLaunchTemplateVersion", "CreateFleet"), ec2.actions());
    Request version = ec2.requests("CreateLaunchTemplateVersion").get(0);
    assertEquals("lt-0abc", version.get("LaunchTemplateId"));
    assertEquals("ami-0fedcba9876543210", version.get("LaunchTemplateData.ImageId"));
    assertFalse(description.equals(version.get("VersionDescription")));
    List<Request> fleets = ec2.requests("CreateFleet");
    assertEquals("1", fleets.get(1).get("LaunchTemplateConfigs.1.LaunchTemplateSpecification.Version"));
    assertEquals("2", fleets.get(2).get("LaunchTemplateConfigs.1.LaunchTemplateSpecification.Version"));
  }

  @Test
  void onDemandBestFitProgressiveIsAPrioritizedFleet() throws Exception {
    ec2.on("CreateFleet", r -> fleet(
        List.of(new FleetInstances("c5.xlarge", "subnet-a", "on-demand", "i-0aaa", "i-0bbb")), List.of()));

    LaunchResult result = launch("batch-od", spec(Lifecycle.ON_DEMAND, AllocationStrategy.BEST_FIT_PROGRESSIVE, null),
        2, "c5.xlarge", "m5.xlarge");

    assertEquals(2, result.instances().size());
    assertEquals(Lifecycle.ON_DEMAND, result.instances().get(0).lifecycle());
    Request fleet = ec2.requests("CreateFleet").get(0);
    assertEquals("instant", fleet.get("Type"));
    assertEquals("prioritized", fleet.get("OnDemandOptions.AllocationStrategy"));
    assertNull(fleet.get("SpotOptions.AllocationStrategy"));
    assertEquals(List.of("c5.xlarge subnet-a priority 0.0", "c5.xlarge subnet-b priority 0.0",
        "m5.xlarge subnet-a priority 1.0", "m5.xlarge subnet-b priority 1.0"), overrides(fleet));
    assertEquals(Map.of("TotalTargetCapacity", "2", "OnDemandTargetCapacity", "2",
        "DefaultTargetCapacityType", "on-demand"), fleet.under("TargetCapacitySpecification."));
    assertTrue(userData(ec2.requests("CreateLaunchTemplate").get(0).get("LaunchTemplateData.UserData"))
        .contains("\nDROVER_AGENT_LIFECYCLE=on-demand\n"));
  }

  @Test
  void spotBestFitAsksOneTypeAtATimeAtTheLowestPrice() throws Exception {
    ec2.on("CreateFleet", r -> "c5.large".equals(r.get("LaunchTemplateConfigs.1.Overrides.1.InstanceType"))
        ? fleet(List.of(), List.of(
            new FleetError("c5.large", "subnet-a", "InsufficientInstanceCapacity", "No capacity."),
            new FleetError("c5.large", "subnet-b", "InsufficientInstanceCapacity", "No capacity.")))
        : fleet(List.of(new FleetInstances("m5.large", "subnet-b", "spot", "i-0aaa", "i-0bbb")), List.of()));

    LaunchResult result = launch("batch-spot", spec(Lifecycle.SPOT, AllocationStrategy.BEST_FIT, 100), 2,
        "c5.large", "m5.large");

    assertEquals(List.of("i-0aaa", "i-0bbb"), result.instances().stream().map(LaunchedInstance::instanceId).toList());
    assertEquals(2, result.errors().size());
    List<Request> fleets = ec2.requests("CreateFleet");
    assertEquals(2, fleets.size());
    assertEquals(List.of("c5.large subnet-a max 0.085", "c5.large subnet-b max 0.085"), overrides(fleets.get(0)));
    assertEquals(List.of("m5.large subnet-a max 0.096", "m5.large subnet-b max 0.096"), overrides(fleets.get(1)));
    assertEquals("lowest-price", fleets.get(0).get("SpotOptions.AllocationStrategy"));
  }

  @Test
  void onDemandBestFitFallsBackToTheNextSubnetAndTypeOnInsufficientCapacity() throws Exception {
    ec2.on("RunInstances", r -> "c5.xlarge".equals(r.get("InstanceType"))
        ? error(500, "InsufficientInstanceCapacity", "We currently do not have sufficient c5.xlarge capacity in the "
            + "Availability Zone you requested (us-east-1a).")
        : instancesRun("m5.xlarge", r.get("SubnetId"), "i-0aaa", "i-0bbb"));

    LaunchResult result = launch("batch-od", spec(Lifecycle.ON_DEMAND, AllocationStrategy.BEST_FIT, null), 2,
        "c5.xlarge", "m5.xlarge");

    assertEquals(List.of(new LaunchedInstance("i-0aaa", "m5.xlarge", Lifecycle.ON_DEMAND, "subnet-a"),
        new LaunchedInstance("i-0bbb", "m5.xlarge", Lifecycle.ON_DEMAND, "subnet-a")), result.instances());
    assertEquals(List.of("c5.xlarge subnet-a", "c5.xlarge subnet-b"), result.errors().stream()
        .peek(e -> assertEquals(ErrorKind.CAPACITY, e.kind()))
        .map(e -> e.instanceType() + " " + e.subnetId()).toList());

    List<Request> runs = ec2.requests("RunInstances");
    // The SDK retries a 500 answer; each launch attempt keeps its client token, so a retry never launches twice.
    assertEquals(2 * SDK_ATTEMPTS + 1, runs.size());
    assertEquals(List.of("c5.xlarge subnet-a", "c5.xlarge subnet-b", "m5.xlarge subnet-a"), runs.stream()
        .map(r -> r.get("InstanceType") + " " + r.get("SubnetId")).distinct().toList());
    assertEquals(3, runs.stream().map(r -> r.get("ClientToken")).distinct().count());
    Request last = runs.get(runs.size() - 1);
    assertEquals("1", last.get("MinCount"));
    assertEquals("2", last.get("MaxCount"));
    assertEquals("lt-0abc", last.get("LaunchTemplate.LaunchTemplateId"));
    assertEquals("1", last.get("LaunchTemplate.Version"));
    assertNull(last.get("UserData"), "the user data is in Drover's template");
    assertNull(last.get("InstanceMarketOptions.MarketType"));
  }

  @Test
  void aComputeEnvironmentsOwnTemplateLaunchesSpotThroughRunInstancesWithEverythingDroverNeeds() throws Exception {
    ec2.on("RunInstances", r -> instancesRun(r.get("InstanceType"), r.get("SubnetId"), "i-0aaa"));
    LaunchSpec spec = new LaunchSpec(Lifecycle.SPOT, AllocationStrategy.SPOT_CAPACITY_OPTIMIZED, 50, SUBNETS,
        List.of(), new LaunchTemplateRef(null, "gpu-hosts", "3"), null, "drover-agent", null, null, Map.of(), "");

    LaunchResult result = launch("gpu", spec, 1, "c5.large");

    assertEquals(List.of(new LaunchedInstance("i-0aaa", "c5.large", Lifecycle.SPOT, "subnet-a")), result.instances());
    assertEquals(List.of("RunInstances"), ec2.actions(), "no template of Drover's own");
    Request run = ec2.requests("RunInstances").get(0);
    assertEquals("gpu-hosts", run.get("LaunchTemplate.LaunchTemplateName"));
    assertEquals("3", run.get("LaunchTemplate.Version"));
    assertEquals("spot", run.get("InstanceMarketOptions.MarketType"));
    assertEquals("0.0425", run.get("InstanceMarketOptions.SpotOptions.MaxPrice"));
    assertEquals("one-time", run.get("InstanceMarketOptions.SpotOptions.SpotInstanceType"));
    assertEquals("drover-agent", run.get("IamInstanceProfile.Name"));
    assertNull(run.get("ImageId"), "the template's image");
    assertNull(run.get("SecurityGroupId.1"), "the template's security groups");
    assertEquals("instance", run.get("TagSpecification.1.ResourceType"));
    assertEquals("gpu", run.tags("TagSpecification.1.").get("drover:compute-environment"));
    assertEquals("volume", run.get("TagSpecification.2.ResourceType"));
    String script = userData(run.get("UserData"));
    assertTrue(script.contains("\nDROVER_AGENT_LIFECYCLE=spot\n"), script);
    assertTrue(script.contains("\nDROVER_COMPUTE_ENVIRONMENT=gpu\n"), script);
  }

  @Test
  void throttlingSuggestsAGrowingDelayPerComputeEnvironmentThatASuccessResets() throws Exception {
    AtomicInteger throttledCalls = new AtomicInteger(2 * SDK_ATTEMPTS);
    ec2.on("CreateFleet", r -> throttledCalls.getAndDecrement() > 0
        ? error(503, "RequestLimitExceeded", "Request limit exceeded.")
        : fleet(List.of(new FleetInstances("c5.large", "subnet-a", "spot", "i-0aaa")), List.of()));
    LaunchSpec spec = spec(Lifecycle.SPOT, AllocationStrategy.SPOT_CAPACITY_OPTIMIZED, null);

    LaunchResult first = launch("batch-spot", spec, 1, "c5.large");
    LaunchResult second = launch("batch-spot", spec, 1, "c5.large");
    LaunchResult third = launch("batch-spot", spec, 1, "c5.large");
    throttledCalls.set(SDK_ATTEMPTS);
    LaunchResult fourth = launch("batch-spot", spec, 1, "c5.large");

    assertEquals(3 * SDK_ATTEMPTS + 1, ec2.requests("CreateFleet").size(), "the SDK retried each throttled call");
    CapacityError throttled = first.errors().get(0);
    assertEquals(ErrorKind.THROTTLED, throttled.kind());
    assertEquals("RequestLimitExceeded", throttled.code());
    assertTrue(first.instances().isEmpty());
    Duration firstDelay = first.retryAfter().orElseThrow();
    Duration secondDelay = second.retryAfter().orElseThrow();
    assertTrue(between(firstDelay, 500, 1000), firstDelay.toString());
    assertTrue(between(secondDelay, 1000, 2000), secondDelay.toString());
    assertEquals(1, third.instances().size());
    assertEquals(Optional.empty(), third.retryAfter());
    Duration afterReset = fourth.retryAfter().orElseThrow();
    assertTrue(between(afterReset, 500, 1000), afterReset.toString());
  }

  private static boolean between(Duration delay, long fromMillis, long toMillis) {
    return delay.toMillis() >= fromMillis && delay.toMillis() <= toMillis;
  }

  @Test
  void anUnauthorizedCallSaysWhichPermissionsTheControllerNeeds() throws Exception {
    ec2.on("CreateFleet", r -> error(403, "UnauthorizedOperation", "You are not authorized to perform this "
        + "operation. Encoded authorization failure message: AbCdEf"));

    LaunchResult result = launch("batch-spot", spec(Lifecycle.SPOT, AllocationStrategy.SPOT_CAPACITY_OPTIMIZED, null),
        2, "c5.large", "m5.large");

    assertTrue(result.instances().isEmpty());
    CapacityError error = result.errors().get(0);
    assertEquals(ErrorKind.CONFIG, error.kind());
    assertEquals("UnauthorizedOperation", error.code());
    for (String permission : List.of("CreateFleet", "ec2:CreateFleet", "ec2:RunInstances", "ec2:CreateTags",
        "iam:PassRole", "ec2:TerminateInstances", "ec2:DescribeInstances")) {
      assertTrue(error.message().contains(permission), permission + " missing from: " + error.message());
    }
    assertEquals(1, ec2.requests("CreateFleet").size(), "a 403 is not retried");
  }

  @Test
  void aQuotaStopsTheLaunchAndAMissingImageNeedsNoCall() throws Exception {
    ec2.on("RunInstances", r -> error(400, "VcpuLimitExceeded", "You have requested more vCPU capacity than your "
        + "current vCPU limit of 32 allows."));

    LaunchResult limited = launch("batch-od", spec(Lifecycle.ON_DEMAND, AllocationStrategy.BEST_FIT, null), 2,
        "c5.xlarge", "m5.xlarge");
    LaunchSpec noImage = new LaunchSpec(Lifecycle.ON_DEMAND, AllocationStrategy.BEST_FIT, null, SUBNETS, List.of(),
        null, null, PROFILE, null, null, Map.of(), "");
    LaunchResult unconfigured = launch("no-image", noImage, 1, "c5.large");

    assertEquals(ErrorKind.LIMIT, limited.errors().get(0).kind());
    assertEquals(1, limited.errors().size());
    assertEquals(List.of("c5.xlarge"), ec2.requests("RunInstances").stream().map(r -> r.get("InstanceType")).toList());
    assertEquals(ErrorKind.CONFIG, unconfigured.errors().get(0).kind());
    assertTrue(unconfigured.errors().get(0).message().contains("imageId"));
    assertTrue(ec2.requests().stream().noneMatch(r -> "drover-no-image".equals(r.get("LaunchTemplateName"))));
  }

  @Test
  void instancesAreTheClustersPendingAndRunningHostsOfTheComputeEnvironmentEveryPage() throws Exception {
    ec2.on("DescribeInstances", r -> r.get("NextToken") == null
        ? instancesPage("page-2",
            instance("i-0aaa", "m5.large", "running", null, "10.0.1.5", 0),
            instance("i-0bbb", "c5.4xlarge", "pending", "spot", null, 4))
        : instancesPage(null, instance("i-0ccc", "x2gd.medium", "running", "spot", "10.0.1.6", 0)));
    ec2.on("DescribeInstanceTypes", r -> instanceTypes("x2gd.medium:1:16384"));

    List<ManagedInstance> found = await(provider.instances("batch"));

    Instant launched = Instant.parse("2025-03-01T10:15:30Z");
    assertEquals(List.of(
        new ManagedInstance("i-0aaa", "batch", "m5.large", Lifecycle.ON_DEMAND, InstanceState.RUNNING, launched,
            "10.0.1.5", "subnet-a", 2, 8192),
        new ManagedInstance("i-0bbb", "batch", "c5.4xlarge", Lifecycle.SPOT, InstanceState.PENDING, launched,
            null, "subnet-a", 8, 32768),
        new ManagedInstance("i-0ccc", "batch", "x2gd.medium", Lifecycle.SPOT, InstanceState.RUNNING, launched,
            "10.0.1.6", "subnet-a", 1, 16384)), found);
    List<Request> pages = ec2.requests("DescribeInstances");
    assertEquals(2, pages.size());
    assertEquals("page-2", pages.get(1).get("NextToken"));
    assertEquals(Map.of(
        "1.Name", "tag:drover:cluster", "1.Value.1", "prod",
        "2.Name", "tag:drover:compute-environment", "2.Value.1", "batch",
        "3.Name", "instance-state-name", "3.Value.1", "pending", "3.Value.2", "running"), pages.get(0).under("Filter."));
    assertEquals("x2gd.medium", ec2.requests("DescribeInstanceTypes").get(0).get("InstanceType.1"));
  }

  @Test
  void aFailedListingIsAClassifiedException() {
    ec2.on("DescribeInstances", r -> error(403, "UnauthorizedOperation", "You are not authorized to perform this "
        + "operation."));

    ExecutionException failed = assertThrows(ExecutionException.class, () -> await(provider.instances("batch")));

    CapacityException cause = assertInstanceOf(CapacityException.class, failed.getCause());
    assertEquals(ErrorKind.CONFIG, cause.error().kind());
    assertTrue(cause.getMessage().contains("ec2:DescribeInstances"));
  }

  @Test
  void terminateGoesInBatchesOf1000AndSkipsIdsEc2DoesNotKnow() throws Exception {
    List<String> ids = new ArrayList<>(IntStream.range(0, 1000).mapToObj(i -> String.format("i-%08x", i)).toList());
    ids.add(500, "i-0dead");
    ec2.on("TerminateInstances", r -> {
      List<String> asked = r.under("InstanceId.").values().stream().toList();
      return asked.contains("i-0dead")
          ? error(400, "InvalidInstanceID.NotFound", "The instance ID 'i-0dead' does not exist")
          : terminating(asked);
    });

    TerminationResult result = await(provider.terminate(ids, "idle for 10m"));

    assertEquals(1000, result.terminated().size());
    assertEquals(List.of("i-0dead"), result.notFound());
    assertEquals(List.of(1000, 999, 1), ec2.requests("TerminateInstances").stream()
        .map(r -> r.under("InstanceId.").size()).toList());
  }

  @Test
  void familiesExpandToTheirSizesAndUnknownTypesAreDescribedOnce() throws Exception {
    ec2.on("DescribeInstanceTypes", r -> r.get("Filter.1.Name") != null
        ? instanceTypes("c7g.xlarge:4:8192", "c7g.large:2:4096", "c7g.medium:1:2048")
        : instanceTypes("x2gd.medium:1:16384"));

    List<InstanceShape> shapes = await(provider.instanceTypes(List.of("x2gd.medium", "c7g", "c5", "c5.large")));
    List<InstanceShape> again = await(provider.instanceTypes(List.of("c7g", "x2gd.medium")));

    assertEquals(List.of("x2gd.medium", "c7g.medium", "c7g.large", "c7g.xlarge", "c5.large", "c5.xlarge",
        "c5.2xlarge", "c5.4xlarge", "c5.9xlarge", "c5.12xlarge", "c5.18xlarge", "c5.24xlarge"),
        shapes.stream().map(InstanceShape::instanceType).toList());
    assertEquals(new InstanceShape("c5.9xlarge", 36, 73728), shapes.get(8));
    assertEquals(List.of(shapes.get(1), shapes.get(2), shapes.get(3), shapes.get(0)), again);
    List<Request> described = ec2.requests("DescribeInstanceTypes");
    assertEquals(2, described.size(), "cached after the first call");
    assertEquals("x2gd.medium", described.get(0).get("InstanceType.1"));
    assertEquals(Map.of("1.Name", "instance-type", "1.Value.1", "c7g.*", "2.Name", "bare-metal", "2.Value.1", "false"),
        described.get(1).under("Filter."));
  }

  @Test
  void anUnknownInstanceTypeIsAConfigurationError() {
    ec2.on("DescribeInstanceTypes", r -> error(400, "InvalidInstanceType", "The following supplied instance types "
        + "do not exist: [c9.mega]"));

    ExecutionException failed = assertThrows(ExecutionException.class,
        () -> await(provider.instanceTypes(List.of("c9.mega"))));

    CapacityException cause = assertInstanceOf(CapacityException.class, failed.getCause());
    assertEquals(ErrorKind.CONFIG, cause.error().kind());
    assertTrue(cause.getMessage().contains("instance types"), cause.getMessage());
  }
}
