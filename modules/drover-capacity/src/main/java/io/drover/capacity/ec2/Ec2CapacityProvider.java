package io.drover.capacity.ec2;

import io.drover.capacity.Backoff;
import io.drover.capacity.CapacityError;
import io.drover.capacity.CapacityException;
import io.drover.capacity.CapacityProvider;
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
import io.drover.core.capacity.AllocationStrategy;
import io.drover.core.capacity.Lifecycle;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.Ec2ClientBuilder;
import software.amazon.awssdk.services.ec2.model.CreateFleetError;
import software.amazon.awssdk.services.ec2.model.CreateFleetInstance;
import software.amazon.awssdk.services.ec2.model.CreateFleetRequest;
import software.amazon.awssdk.services.ec2.model.CreateFleetResponse;
import software.amazon.awssdk.services.ec2.model.DefaultTargetCapacityType;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesRequest;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.FleetLaunchTemplateConfigRequest;
import software.amazon.awssdk.services.ec2.model.FleetLaunchTemplateOverrides;
import software.amazon.awssdk.services.ec2.model.FleetLaunchTemplateOverridesRequest;
import software.amazon.awssdk.services.ec2.model.FleetOnDemandAllocationStrategy;
import software.amazon.awssdk.services.ec2.model.FleetType;
import software.amazon.awssdk.services.ec2.model.IamInstanceProfileSpecification;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceInterruptionBehavior;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateAndOverridesResponse;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateHttpTokensState;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateIamInstanceProfileSpecificationRequest;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateInstanceMetadataOptionsRequest;
import software.amazon.awssdk.services.ec2.model.LaunchTemplatePlacementRequest;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateSpecification;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateTagSpecificationRequest;
import software.amazon.awssdk.services.ec2.model.MarketType;
import software.amazon.awssdk.services.ec2.model.Placement;
import software.amazon.awssdk.services.ec2.model.RequestLaunchTemplateData;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.RunInstancesRequest;
import software.amazon.awssdk.services.ec2.model.ShutdownBehavior;
import software.amazon.awssdk.services.ec2.model.SpotAllocationStrategy;
import software.amazon.awssdk.services.ec2.model.SpotInstanceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.ec2.model.TerminateInstancesResponse;

/**
 * Hosts on EC2, through the blocking SDK v2 client (on the JDK's HTTP stack) on the executor given.
 *
 * <p><b>Launch templates.</b> Without a launch template of the compute environment's own, hosts launch
 * from Drover's template {@code drover-<compute environment>} ({@link LaunchTemplates}): image,
 * instance profile, security groups, key pair, placement group, IMDSv2 (hop limit 2, so containers
 * reach it too), shutdown = terminate, the tags on instance and volume, and the user data that starts
 * the agent ({@link UserData}). Then:
 * <ul>
 *   <li>Spot, and On-Demand with {@code BEST_FIT_PROGRESSIVE}: one {@code CreateFleet} of type
 *       {@code instant}, overrides for every instance type and subnet, the target in instances.
 *       Spot allocation: capacity-optimized or price-capacity-optimized as the strategy says,
 *       lowest-price for the best-fit strategies; each Spot override's MaxPrice is
 *       {@code bidPercentage} of the type's On-Demand price when {@link OnDemandPrices} knows it.
 *       On-Demand: prioritized, in the request's order. Spot {@code BEST_FIT} asks one type at a time
 *       (all subnets), going on to the next type only for what EC2 could not give.</li>
 *   <li>On-Demand with {@code BEST_FIT}: {@code RunInstances} of the first type, subnet by subnet,
 *       then the next type, for as long as EC2 answers with a capacity error.</li>
 * </ul>
 * With the compute environment's own launch template, every launch is {@code RunInstances} with that
 * template, type by type and subnet by subnet, and carries what Drover needs itself: the user data
 * (which replaces the template's), the tags, and the image, instance profile, security groups, key
 * pair and placement group when the compute environment sets them; Spot goes through
 * {@code InstanceMarketOptions}. (CreateFleet cannot override user data, so the Spot allocation
 * strategies do not apply there.)
 *
 * <p><b>Tags.</b> Every instance and volume carries {@code Name=drover-<compute environment>} (unless the
 * compute environment has a Name tag of its own), the compute environment's tags, and Drover's:
 * {@code drover:cluster=<cluster name>} (the tag key is configurable), {@code drover:role=agent},
 * {@code drover:compute-environment=<name>}. {@link #instances} finds the hosts by these tags, so a
 * restarted controller still knows them.
 *
 * <p><b>Errors.</b> Launches classify every refusal ({@link Ec2Errors}). The SDK retries throttled
 * calls itself (its standard retry policy); when it gives up, the result suggests a delay from a
 * per-compute-environment {@link Backoff} that grows while EC2 keeps throttling and starts over after
 * a call goes through.
 */
public final class Ec2CapacityProvider implements CapacityProvider {

  /** The tag that marks a host's role in the cluster; agents carry {@value #AGENT_ROLE}. */
  public static final String ROLE_TAG = "drover:role";
  /** The role tag's value on the hosts this provider launches. */
  public static final String AGENT_ROLE = "agent";
  /** The tag that names a host's compute environment. */
  public static final String COMPUTE_ENVIRONMENT_TAG = "drover:compute-environment";

  private static final Logger log = LoggerFactory.getLogger(Ec2CapacityProvider.class);
  private static final int TERMINATE_BATCH = 1000;
  private static final int LOGGED_IDS = 20;
  private static final Pattern INSTANCE_ID = Pattern.compile("i-[0-9a-f]+");
  private static final Set<String> UNKNOWN_INSTANCE_CODES = Set.of("InvalidInstanceID.NotFound",
      "InvalidInstanceID.Malformed");
  private static final String DESCRIBE_BACKOFF = "ec2:DescribeInstances";
  private static final String TERMINATE_BACKOFF = "ec2:TerminateInstances";
  private static final String TYPES_BACKOFF = "ec2:DescribeInstanceTypes";

  private final Ec2CapacitySettings settings;
  private final Ec2Client ec2;
  private final Executor executor;
  private final Region region;
  private final Ec2Errors errors;
  private final LaunchTemplates templates;
  private final Ec2InstanceTypes types;
  private final RandomGenerator random;
  /** Backoff per compute environment (launches), and per other call ({@code ec2:<action>}). */
  private final Map<String, Backoff> backoffs = new ConcurrentHashMap<>();

  /**
   * Uses {@code ec2} (closed with the provider) and runs every blocking call on {@code executor}.
   *
   * @param random the jitter of suggested retry delays
   */
  public Ec2CapacityProvider(Ec2CapacitySettings settings, Ec2Client ec2, Executor executor, RandomGenerator random) {
    this.settings = settings;
    this.ec2 = ec2;
    this.executor = executor;
    this.random = random;
    this.region = ec2.serviceClientConfiguration().region();
    this.errors = new Ec2Errors(region);
    this.templates = new LaunchTemplates(ec2);
    this.types = new Ec2InstanceTypes(ec2);
  }

  /**
   * A provider with its own client: the settings' region (else the SDK's default region chain) and
   * endpoint, {@code credentials} (which stay the caller's to close), the SDK's standard retries.
   */
  public static Ec2CapacityProvider create(Ec2CapacitySettings settings, AwsCredentialsProvider credentials,
      Executor executor) {
    Ec2ClientBuilder builder = Ec2Client.builder()
        .region(settings.region().orElseGet(Ec2CapacityProvider::defaultRegion))
        .credentialsProvider(credentials)
        .httpClientBuilder(UrlConnectionHttpClient.builder());
    settings.endpoint().ifPresent(builder::endpointOverride);
    return new Ec2CapacityProvider(settings, builder.build(), executor, RandomGenerator.getDefault());
  }

  @Override
  public String name() {
    return "ec2";
  }

  @Override
  public CompletionStage<LaunchResult> launch(LaunchRequest request) {
    return CompletableFuture.supplyAsync(() -> new Launch(request).run(), executor);
  }

  @Override
  public CompletionStage<TerminationResult> terminate(List<String> instanceIds, String reason) {
    return CompletableFuture.supplyAsync(() -> terminateNow(List.copyOf(new LinkedHashSet<>(instanceIds)), reason),
        executor);
  }

  @Override
  public CompletionStage<List<ManagedInstance>> instances(String computeEnvironment) {
    return CompletableFuture.supplyAsync(() -> describe(computeEnvironment), executor);
  }

  @Override
  public CompletionStage<List<InstanceShape>> instanceTypes(List<String> typesOrFamilies) {
    return CompletableFuture.supplyAsync(
        () -> call("DescribeInstanceTypes", TYPES_BACKOFF, null, () -> types.resolve(typesOrFamilies)), executor);
  }

  /** Closes the EC2 client. */
  @Override
  public void close() {
    ec2.close();
  }

  /** One launch: its progress through the types and subnets, and what it met. */
  private final class Launch {

    private final LaunchRequest request;
    private final LaunchSpec spec;
    private final String ce;
    private final List<LaunchedInstance> launched = new ArrayList<>();
    private final List<CapacityError> refusals = new ArrayList<>();

    Launch(LaunchRequest request) {
      this.request = request;
      this.spec = request.spec();
      this.ce = request.computeEnvironment();
    }

    LaunchResult run() {
      if (spec.launchTemplate() != null) {
        runInstances(ceTemplate(spec.launchTemplate()), true);
      } else if (spec.imageId() == null || spec.instanceRole() == null) {
        refusals.add(missingSettings());
      } else {
        launchFromDroverTemplate();
      }
      return finish();
    }

    private void launchFromDroverTemplate() {
      LaunchTemplates.Version template;
      try {
        template = droverTemplate();
      } catch (SdkException e) {
        refusals.add(errors.of(e, "CreateLaunchTemplate", ce, null, null));
        return;
      }
      boolean fleet = spec.lifecycle() == Lifecycle.SPOT
          || spec.allocationStrategy() == AllocationStrategy.BEST_FIT_PROGRESSIVE;
      if (fleet) {
        createFleets(template);
      } else {
        runInstances(LaunchTemplateSpecification.builder()
            .launchTemplateId(template.templateId()).version(template.version()).build(), false);
      }
      if (refusals.stream().anyMatch(e -> e.code().startsWith("InvalidLaunchTemplate"))) {
        templates.forget(ce);
        refusals.replaceAll(e -> e.code().startsWith("InvalidLaunchTemplate") ? templateGone(e) : e);
      }
    }

    private int remaining() {
      return request.count() - launched.size();
    }

    /** RunInstances, type by type and subnet by subnet, while EC2 answers with capacity errors. */
    private void runInstances(LaunchTemplateSpecification template, boolean explicit) {
      for (String type : request.instanceTypes()) {
        for (String subnet : spec.subnets()) {
          if (remaining() == 0) {
            return;
          }
          try {
            List<Instance> started = ec2.runInstances(runRequest(template, explicit, type, subnet)).instances();
            started.forEach(i -> launched.add(new LaunchedInstance(i.instanceId(), type, spec.lifecycle(),
                i.subnetId() == null ? subnet : i.subnetId())));
          } catch (SdkException e) {
            CapacityError error = errors.of(e, "RunInstances", ce, type, subnet);
            refusals.add(error);
            if (error.kind() != ErrorKind.CAPACITY) {
              return;
            }
          }
        }
      }
    }

    private RunInstancesRequest runRequest(LaunchTemplateSpecification template, boolean explicit, String type,
        String subnet) {
      RunInstancesRequest.Builder run = RunInstancesRequest.builder()
          .launchTemplate(template)
          .instanceType(type)
          .subnetId(subnet)
          .minCount(1)
          .maxCount(remaining())
          .clientToken(UUID.randomUUID().toString());
      if (!explicit) {
        return run.build();
      }
      run.userData(UserData.encoded(UserData.render(settings, ce, spec.lifecycle(), spec.userData())))
          .tagSpecifications(tagSpecification(ResourceType.INSTANCE), tagSpecification(ResourceType.VOLUME));
      if (spec.imageId() != null) {
        run.imageId(spec.imageId());
      }
      if (spec.instanceRole() != null) {
        run.iamInstanceProfile(spec.instanceRole().startsWith("arn:")
            ? IamInstanceProfileSpecification.builder().arn(spec.instanceRole()).build()
            : IamInstanceProfileSpecification.builder().name(spec.instanceRole()).build());
      }
      if (!spec.securityGroupIds().isEmpty()) {
        run.securityGroupIds(spec.securityGroupIds());
      }
      if (spec.ec2KeyPair() != null) {
        run.keyName(spec.ec2KeyPair());
      }
      if (spec.placementGroup() != null) {
        run.placement(Placement.builder().groupName(spec.placementGroup()).build());
      }
      if (spec.lifecycle() == Lifecycle.SPOT) {
        run.instanceMarketOptions(market -> market.marketType(MarketType.SPOT).spotOptions(spot -> {
          spot.spotInstanceType(SpotInstanceType.ONE_TIME)
              .instanceInterruptionBehavior(InstanceInterruptionBehavior.TERMINATE);
          OnDemandPrices.maxSpotPrice(region, type, spec.bidPercentage()).ifPresent(spot::maxPrice);
        }));
      }
      return run.build();
    }

    /** Instant fleets: all types at once, or one type at a time for Spot BEST_FIT. */
    private void createFleets(LaunchTemplates.Version template) {
      List<List<String>> groups = spec.allocationStrategy() == AllocationStrategy.BEST_FIT
          ? request.instanceTypes().stream().map(List::of).toList()
          : List.of(request.instanceTypes());
      for (List<String> group : groups) {
        if (remaining() == 0) {
          return;
        }
        CreateFleetResponse fleet;
        try {
          fleet = ec2.createFleet(fleetRequest(template, group));
        } catch (SdkException e) {
          refusals.add(errors.of(e, "CreateFleet", ce, group.size() == 1 ? group.get(0) : null, null));
          return;
        }
        for (CreateFleetInstance instances : fleet.instances()) {
          Lifecycle lifecycle = "spot".equals(instances.lifecycleAsString()) ? Lifecycle.SPOT : Lifecycle.ON_DEMAND;
          String subnet = overrides(instances.launchTemplateAndOverrides()).subnetId();
          instances.instanceIds().forEach(id ->
              launched.add(new LaunchedInstance(id, instances.instanceTypeAsString(), lifecycle, subnet)));
        }
        boolean stop = false;
        for (CreateFleetError error : fleet.errors()) {
          FleetLaunchTemplateOverrides override = overrides(error.launchTemplateAndOverrides());
          CapacityError refusal = errors.of("CreateFleet", error.errorCode(), error.errorMessage(), false, ce,
              override.instanceTypeAsString(), override.subnetId());
          refusals.add(refusal);
          stop |= refusal.kind() != ErrorKind.CAPACITY;
        }
        if (stop) {
          return;
        }
      }
    }

    private CreateFleetRequest fleetRequest(LaunchTemplates.Version template, List<String> group) {
      boolean spot = spec.lifecycle() == Lifecycle.SPOT;
      List<FleetLaunchTemplateOverridesRequest> overrides = new ArrayList<>();
      for (int priority = 0; priority < group.size(); priority++) {
        String type = group.get(priority);
        for (String subnet : spec.subnets()) {
          FleetLaunchTemplateOverridesRequest.Builder override = FleetLaunchTemplateOverridesRequest.builder()
              .instanceType(type)
              .subnetId(subnet);
          if (spot) {
            OnDemandPrices.maxSpotPrice(region, type, spec.bidPercentage()).ifPresent(override::maxPrice);
          } else {
            override.priority((double) priority);
          }
          overrides.add(override.build());
        }
      }
      CreateFleetRequest.Builder fleet = CreateFleetRequest.builder()
          .type(FleetType.INSTANT)
          .clientToken(UUID.randomUUID().toString())
          .launchTemplateConfigs(FleetLaunchTemplateConfigRequest.builder()
              .launchTemplateSpecification(lt -> lt.launchTemplateId(template.templateId()).version(template.version()))
              .overrides(overrides)
              .build())
          // The target is in instances (the default unit): every type counts as one.
          .targetCapacitySpecification(target -> {
            target.totalTargetCapacity(remaining());
            if (spot) {
              target.defaultTargetCapacityType(DefaultTargetCapacityType.SPOT).spotTargetCapacity(remaining());
            } else {
              target.defaultTargetCapacityType(DefaultTargetCapacityType.ON_DEMAND).onDemandTargetCapacity(remaining());
            }
          })
          .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.FLEET).tags(droverTags()).build());
      if (spot) {
        fleet.spotOptions(options -> options.allocationStrategy(spotStrategy(spec.allocationStrategy())));
      } else {
        fleet.onDemandOptions(options -> options.allocationStrategy(FleetOnDemandAllocationStrategy.PRIORITIZED));
      }
      return fleet.build();
    }

    private LaunchTemplates.Version droverTemplate() {
      String script = UserData.render(settings, ce, spec.lifecycle(), spec.userData());
      RequestLaunchTemplateData.Builder data = RequestLaunchTemplateData.builder()
          .imageId(spec.imageId())
          .iamInstanceProfile(spec.instanceRole().startsWith("arn:")
              ? LaunchTemplateIamInstanceProfileSpecificationRequest.builder().arn(spec.instanceRole()).build()
              : LaunchTemplateIamInstanceProfileSpecificationRequest.builder().name(spec.instanceRole()).build())
          .userData(UserData.encoded(script))
          .instanceInitiatedShutdownBehavior(ShutdownBehavior.TERMINATE)
          .metadataOptions(LaunchTemplateInstanceMetadataOptionsRequest.builder()
              .httpTokens(LaunchTemplateHttpTokensState.REQUIRED)
              .httpPutResponseHopLimit(2)
              .build())
          .tagSpecifications(
              LaunchTemplateTagSpecificationRequest.builder().resourceType(ResourceType.INSTANCE).tags(tags()).build(),
              LaunchTemplateTagSpecificationRequest.builder().resourceType(ResourceType.VOLUME).tags(tags()).build());
      if (!spec.securityGroupIds().isEmpty()) {
        data.securityGroupIds(spec.securityGroupIds());
      }
      if (spec.ec2KeyPair() != null) {
        data.keyName(spec.ec2KeyPair());
      }
      if (spec.placementGroup() != null) {
        data.placement(LaunchTemplatePlacementRequest.builder().groupName(spec.placementGroup()).build());
      }
      RequestLaunchTemplateData built = data.build();
      // The SDK's toString leaves the user data out, so it is added to the fingerprint on its own.
      return templates.resolve(ce, built, sha256(built + "\n" + script), droverTags());
    }

    private LaunchTemplateSpecification ceTemplate(LaunchTemplateRef ref) {
      return LaunchTemplateSpecification.builder()
          .launchTemplateId(ref.id())
          .launchTemplateName(ref.name())
          .version(ref.versionOrDefault())
          .build();
    }

    private TagSpecification tagSpecification(ResourceType type) {
      return TagSpecification.builder().resourceType(type).tags(tags()).build();
    }

    /** Name, then the compute environment's tags, then Drover's, which win. */
    private List<Tag> tags() {
      Map<String, String> tags = new LinkedHashMap<>();
      tags.put("Name", LaunchTemplates.name(ce));
      tags.putAll(spec.tags());
      droverTags().forEach(tag -> tags.put(tag.key(), tag.value()));
      return tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
    }

    private List<Tag> droverTags() {
      return List.of(
          Tag.builder().key(settings.clusterTagKey()).value(settings.clusterName()).build(),
          Tag.builder().key(ROLE_TAG).value(AGENT_ROLE).build(),
          Tag.builder().key(COMPUTE_ENVIRONMENT_TAG).value(ce).build());
    }

    private CapacityError missingSettings() {
      String missing = spec.imageId() == null ? "imageId" : "instanceRole";
      String fix = spec.imageId() == null
          ? "set imageId to an AMI with Drover installed (README: Agents on EC2)"
          : "set instanceRole to an instance profile (ARN or name) whose role allows ec2:DescribeInstances, which "
              + "the agent needs to find the cluster";
      return new CapacityError(ErrorKind.CONFIG, "MissingParameter", "Compute environment " + ce + " has no "
          + missing + " and no launch template: " + fix + ", or give it a launch template that has one.",
          null, null, null);
    }

    private CapacityError templateGone(CapacityError error) {
      return new CapacityError(ErrorKind.TRANSIENT, error.code(), "Drover's launch template "
          + LaunchTemplates.name(ce) + " was deleted or changed outside Drover (" + error.code() + "); the next "
          + "launch for compute environment " + ce + " makes it again.", error.instanceType(), error.subnetId(), null);
    }

    private LaunchResult finish() {
      Backoff backoff = backoff(ce);
      if (refusals.stream().anyMatch(e -> e.kind() == ErrorKind.THROTTLED)) {
        refusals.replaceAll(e -> e.kind() == ErrorKind.THROTTLED ? e.withRetryAfter(backoff.failed()) : e);
      } else {
        backoff.succeeded();
      }
      report();
      return new LaunchResult(launched, refusals);
    }

    /** One line per launch, and one per kind of refusal: the first's message, then where else it happened. */
    private void report() {
      if (!launched.isEmpty()) {
        log.info("Compute environment {}: launched {} of {} instance(s): {}.", ce, launched.size(), request.count(),
            launched.stream().map(i -> i.instanceId() + " (" + i.instanceType() + ", " + i.lifecycle() + ")")
                .collect(Collectors.joining(", ")));
      }
      Map<String, List<CapacityError>> byCode = refusals.stream()
          .collect(Collectors.groupingBy(CapacityError::code, LinkedHashMap::new, Collectors.toList()));
      byCode.values().forEach(same -> {
        CapacityError first = same.get(0);
        String line = first.message()
            + (first.retryAfter() == null ? "" : " Next launch in " + first.retryAfter().toMillis() + " ms.")
            + (same.size() == 1 ? "" : " The same for " + same.subList(1, same.size()).stream()
                .map(e -> e.instanceType() + (e.subnetId() == null ? "" : " in " + e.subnetId()))
                .collect(Collectors.joining(", ")) + ".");
        if (first.kind() == ErrorKind.CAPACITY) {
          log.info("{}", line);
        } else {
          log.warn("{}", line);
        }
      });
    }
  }

  private static FleetLaunchTemplateOverrides overrides(LaunchTemplateAndOverridesResponse response) {
    return response == null || response.overrides() == null
        ? FleetLaunchTemplateOverrides.builder().build()
        : response.overrides();
  }

  private static SpotAllocationStrategy spotStrategy(AllocationStrategy strategy) {
    return switch (strategy) {
      case SPOT_CAPACITY_OPTIMIZED -> SpotAllocationStrategy.CAPACITY_OPTIMIZED;
      case SPOT_PRICE_CAPACITY_OPTIMIZED -> SpotAllocationStrategy.PRICE_CAPACITY_OPTIMIZED;
      case BEST_FIT, BEST_FIT_PROGRESSIVE -> SpotAllocationStrategy.LOWEST_PRICE;
    };
  }

  private List<ManagedInstance> describe(String computeEnvironment) {
    DescribeInstancesRequest request = DescribeInstancesRequest.builder()
        .filters(
            Filter.builder().name("tag:" + settings.clusterTagKey()).values(settings.clusterName()).build(),
            Filter.builder().name("tag:" + COMPUTE_ENVIRONMENT_TAG).values(computeEnvironment).build(),
            Filter.builder().name("instance-state-name").values("pending", "running").build())
        .build();
    List<Instance> found = call("DescribeInstances", DESCRIBE_BACKOFF, computeEnvironment,
        () -> ec2.describeInstancesPaginator(request).reservations().stream()
            .flatMap(reservation -> reservation.instances().stream())
            .toList());
    return found.stream().map(instance -> managed(computeEnvironment, instance)).toList();
  }

  private ManagedInstance managed(String computeEnvironment, Instance instance) {
    String type = instance.instanceTypeAsString();
    InstanceShape shape = call("DescribeInstanceTypes", TYPES_BACKOFF, computeEnvironment, () -> types.shape(type));
    boolean cpuOptions = instance.cpuOptions() != null && instance.cpuOptions().coreCount() != null
        && instance.cpuOptions().threadsPerCore() != null;
    int vcpus = cpuOptions
        ? instance.cpuOptions().coreCount() * instance.cpuOptions().threadsPerCore()
        : shape.vcpus();
    return new ManagedInstance(
        instance.instanceId(),
        computeEnvironment,
        type,
        "spot".equals(instance.instanceLifecycleAsString()) ? Lifecycle.SPOT : Lifecycle.ON_DEMAND,
        instance.state() != null && instance.state().name() == InstanceStateName.PENDING
            ? InstanceState.PENDING
            : InstanceState.RUNNING,
        instance.launchTime(),
        instance.privateIpAddress(),
        instance.subnetId(),
        vcpus,
        shape.memoryMib());
  }

  private TerminationResult terminateNow(List<String> ids, String reason) {
    if (ids.isEmpty()) {
      return new TerminationResult(List.of(), List.of());
    }
    log.info("Terminating {} instance(s) ({}): {}", ids.size(), reason, abbreviated(ids));
    List<String> terminated = new ArrayList<>();
    List<String> notFound = new ArrayList<>();
    for (int from = 0; from < ids.size(); from += TERMINATE_BATCH) {
      List<String> batch = new ArrayList<>(ids.subList(from, Math.min(ids.size(), from + TERMINATE_BATCH)));
      while (!batch.isEmpty()) {
        try {
          List<String> ask = List.copyOf(batch);
          TerminateInstancesResponse response = ec2.terminateInstances(b -> b.instanceIds(ask));
          response.terminatingInstances().forEach(change -> terminated.add(change.instanceId()));
          backoff(TERMINATE_BACKOFF).succeeded();
          batch.clear();
        } catch (AwsServiceException e) {
          List<String> unknown = unknownInstances(e, batch);
          if (unknown.isEmpty()) {
            throw failure(e, "TerminateInstances", TERMINATE_BACKOFF, null);
          }
          notFound.addAll(unknown);
          batch.removeAll(unknown);
        } catch (SdkException e) {
          throw failure(e, "TerminateInstances", TERMINATE_BACKOFF, null);
        }
      }
    }
    if (!notFound.isEmpty()) {
      log.info("EC2 does not know {} of them (long gone, or never launched): {}", notFound.size(),
          abbreviated(notFound));
    }
    return new TerminationResult(terminated, notFound);
  }

  /** The first ids of a long list, for the log. */
  private static String abbreviated(List<String> ids) {
    int shown = Math.min(ids.size(), LOGGED_IDS);
    return String.join(", ", ids.subList(0, shown)) + (shown < ids.size() ? " and " + (ids.size() - shown) + " more" : "");
  }

  /** The ids an InvalidInstanceID error names among those asked; EC2 fails the whole call for them. */
  private static List<String> unknownInstances(AwsServiceException e, List<String> asked) {
    if (e.awsErrorDetails() == null || !UNKNOWN_INSTANCE_CODES.contains(e.awsErrorDetails().errorCode())) {
      return List.of();
    }
    Set<String> named = new LinkedHashSet<>();
    Matcher matcher = INSTANCE_ID.matcher(String.valueOf(e.awsErrorDetails().errorMessage()));
    while (matcher.find()) {
      named.add(matcher.group());
    }
    return asked.stream().filter(named::contains).toList();
  }

  /** Runs a call that is not a launch; a failure becomes a {@link CapacityException}. */
  private <T> T call(String action, String backoffKey, String computeEnvironment, Supplier<T> call) {
    try {
      T result = call.get();
      backoff(backoffKey).succeeded();
      return result;
    } catch (SdkException e) {
      throw failure(e, action, backoffKey, computeEnvironment);
    }
  }

  private CapacityException failure(SdkException e, String action, String backoffKey, String computeEnvironment) {
    CapacityError error = errors.of(e, action, computeEnvironment, null, null);
    if (error.kind() == ErrorKind.THROTTLED) {
      error = error.withRetryAfter(backoff(backoffKey).failed());
    }
    log.warn("{}", error.message());
    return new CapacityException(error, e);
  }

  private Backoff backoff(String key) {
    return backoffs.computeIfAbsent(key,
        k -> new Backoff(settings.throttleBackoffMin(), settings.throttleBackoffMax(), random));
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("The JDK has no SHA-256", e);
    }
  }

  private static Region defaultRegion() {
    try {
      return new DefaultAwsRegionProviderChain().getRegion();
    } catch (SdkClientException e) {
      throw new IllegalArgumentException("The EC2 capacity provider has no AWS region: set drover.capacity.ec2.region "
          + "(or AWS_REGION). On EC2 the instance metadata gives it unless IMDS is off or out of reach. ("
          + e.getMessage() + ")", e);
    }
  }
}
