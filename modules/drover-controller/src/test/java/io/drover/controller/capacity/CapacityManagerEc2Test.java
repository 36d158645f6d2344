package io.drover.controller.capacity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.capacity.ec2.Ec2CapacityProvider;
import io.drover.capacity.ec2.Ec2CapacitySettings;
import io.drover.capacity.ec2.Ec2StandIn;
import io.drover.controller.controlplane.ControlPlaneRequests;
import io.drover.core.api.CreateComputeEnvironmentRequest;
import io.drover.core.capacity.AllocationStrategy;
import io.drover.core.capacity.CapacityOptions;
import io.drover.core.capacity.WaitingJob;
import io.drover.core.compute.ComputeEnvironment;
import io.drover.core.compute.ComputeResources;
import io.drover.core.controlplane.ControlPlaneState;
import io.drover.core.model.Resources;
import io.drover.protocol.Pricing;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The capacity manager driving the real EC2 provider and SDK against a loopback stand-in for the
 * EC2 API: a MANAGED environment with no instances launches for a waiting job, falls back to the
 * next type when EC2 has no capacity for the first, and terminates the host once it is idle.
 */
class CapacityManagerEc2Test {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final ActorTestKit testKit = ActorTestKit.create();
  private final ExecutorService blocking = Executors.newCachedThreadPool();
  private final TestProbe<CapacityManager.RetireHost> scheduler = testKit.createTestProbe(CapacityManager.RetireHost.class);
  private Ec2StandIn ec2;
  private Ec2CapacityProvider provider;

  @BeforeEach
  void start() throws Exception {
    ec2 = new Ec2StandIn();
    ec2.on("DescribeLaunchTemplateVersions", r -> Ec2StandIn.error(400, "InvalidLaunchTemplateName.NotFoundException",
        "At least one of the launch templates specified in the request does not exist."));
    ec2.on("CreateLaunchTemplate", r -> Ec2StandIn.launchTemplateCreated("lt-0abc", r.get("LaunchTemplateName")));
    ec2.on("DescribeInstances", r -> Ec2StandIn.instancesPage(null));
    ec2.on("RunInstances", r -> "c5.large".equals(r.get("InstanceType"))
        ? Ec2StandIn.error(500, "InsufficientInstanceCapacity", "We currently do not have sufficient c5.large capacity.")
        : Ec2StandIn.instancesRun(r.get("InstanceType"), r.get("SubnetId"), "i-0new"));
    ec2.on("TerminateInstances", r -> Ec2StandIn.terminating(List.of(r.get("InstanceId.1"))));
    Ec2CapacitySettings settings = new Ec2CapacitySettings("drover:cluster", "prod", Optional.empty(), Optional.empty(),
        "systemctl start drover-agent", Duration.ofSeconds(1), Duration.ofMinutes(1));
    provider = new Ec2CapacityProvider(settings, ec2.client(1), blocking, new SplittableRandom(1));
  }

  @AfterEach
  void stop() {
    testKit.shutdownTestKit();
    provider.close();
    ec2.close();
    blocking.shutdownNow();
  }

  @Test
  void scalesUpFromZeroThroughEc2FallingBackOnACapacityErrorThenTerminatesTheIdleHost() {
    CapacitySettings settings = new CapacitySettings("ec2", Duration.ofMillis(200), new CapacityOptions(500, 60_000, 60_000),
        List.of(), Map.of(), Path.of("unused"), Pricing.table(testKit.system().settings().config()));
    ActorRef<CapacityManager.Command> manager = testKit.spawn(CapacityManager.create(provider, settings, scheduler.ref()));
    ComputeResources resources = new ComputeResources(ComputeResources.Type.EC2, AllocationStrategy.BEST_FIT,
        0, 8, null, List.of("c5.large", "m5.large"), "ami-0drover", List.of("subnet-a"), List.of("sg-a"), null,
        "arn:aws:iam::123456789012:instance-profile/drover-agent", null, null, null, null, null, null, null);
    ControlPlaneState state = ControlPlaneState.EMPTY.apply(ControlPlaneRequests.RULES.execute(ControlPlaneState.EMPTY,
        new CreateComputeEnvironmentRequest("batch", ComputeEnvironment.Type.MANAGED, null, null, resources, null, null)));
    manager.tell(new CapacityManager.Demand(state, Map.of("batch", new CapacityManager.EnvironmentDemand(
        List.of(new WaitingJob("job-1", new Resources(2000, 2048, 0))), List.of()))));

    scheduler.awaitAssert(WAIT, () -> {
      assertTrue(ec2.requests("RunInstances").stream().anyMatch(r -> "m5.large".equals(r.get("InstanceType"))),
          "launched: " + ec2.actions());
      return null;
    });
    List<Ec2StandIn.Request> runs = ec2.requests("RunInstances");
    assertEquals("c5.large", runs.get(0).get("InstanceType"), "the cheapest fitting type first");
    assertEquals("m5.large", runs.get(runs.size() - 1).get("InstanceType"), "then the next one");
    assertEquals(1, runs.stream().map(r -> r.get("InstanceType")).filter("m5.large"::equals).count(),
        "the job's host is launched once");
    Ec2StandIn.Request template = ec2.requests("CreateLaunchTemplate").get(0);
    assertEquals("drover-batch", template.get("LaunchTemplateName"));
    String userData = new String(Base64.getDecoder().decode(template.get("LaunchTemplateData.UserData")),
        StandardCharsets.UTF_8);
    assertTrue(userData.contains("DROVER_COMPUTE_ENVIRONMENT=batch"), userData);
    assertEquals(Map.of("Name", "drover-batch", "drover:cluster", "prod", "drover:role", "agent",
        "drover:compute-environment", "batch"), template.tags("LaunchTemplateData.TagSpecification.1."));

    manager.tell(new CapacityManager.Demand(state, Map.of("batch", new CapacityManager.EnvironmentDemand(List.of(),
        List.of(new CapacityManager.Host("agent-i-0new", "i-0new", true, false, false))))));
    CapacityManager.RetireHost retire = scheduler.expectMessageClass(CapacityManager.RetireHost.class, WAIT);
    assertEquals("agent-i-0new", retire.agentId());
    retire.replyTo().tell(true);
    scheduler.awaitAssert(WAIT, () -> {
      assertEquals("i-0new", ec2.requests("TerminateInstances").get(0).get("InstanceId.1"));
      return null;
    });
  }
}
