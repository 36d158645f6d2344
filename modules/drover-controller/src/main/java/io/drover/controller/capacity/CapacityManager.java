package io.drover.controller.capacity;

import io.drover.capacity.CapacityError;
import io.drover.capacity.CapacityProvider;
import io.drover.capacity.InstanceShape;
import io.drover.capacity.LaunchRequest;
import io.drover.capacity.LaunchResult;
import io.drover.capacity.LaunchSpec;
import io.drover.capacity.LaunchTemplateRef;
import io.drover.capacity.ManagedInstance;
import io.drover.core.capacity.CapacityPlan;
import io.drover.core.capacity.CapacityPlanner;
import io.drover.core.capacity.InstanceType;
import io.drover.core.capacity.InstanceView;
import io.drover.core.capacity.Launch;
import io.drover.core.capacity.LaunchThrottle;
import io.drover.core.capacity.Lifecycle;
import io.drover.core.capacity.ManagedEnvironmentView;
import io.drover.core.capacity.Termination;
import io.drover.core.capacity.WaitingJob;
import io.drover.core.compute.ComputeEnvironment;
import io.drover.core.compute.ComputeResources;
import io.drover.core.controlplane.ControlPlaneState;
import io.drover.metrics.ControllerMetrics;
import io.drover.metrics.NodeMetrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Keeps each MANAGED compute environment's hosts matched to its work: every interval, for each
 * enabled one, it lists the provider's instances, runs the {@link CapacityPlanner} over them, the
 * jobs the scheduler could not place there and the hosts that joined, then launches and terminates
 * as the plan says. A child of the scheduler, whose view of jobs and hosts it gets as
 * {@link Demand}; a joined host is terminated only after the scheduler has retired it (no work, no
 * new placement), so no job is ever placed on a host being terminated.
 */
public final class CapacityManager {

  public interface Command {}

  /** A host of a managed compute environment as the scheduler sees it. */
  public record Host(String agentId, String instanceId, boolean idle, boolean draining, boolean reclaimed) {}

  /** What one managed compute environment is asked for and has: waiting jobs and joined hosts. */
  public record EnvironmentDemand(List<WaitingJob> waiting, List<Host> hosts) {}

  /** The scheduler's latest view, by compute environment name, with the control plane it used. */
  public record Demand(ControlPlaneState controlPlane, Map<String, EnvironmentDemand> environments) implements Command {}

  /** Asks the scheduler to take no more placements on an idle host; answered with whether it did. */
  public record RetireHost(String agentId, ActorRef<Boolean> replyTo) {}

  /** Plan every environment now, not at the next tick (a Spot host is being reclaimed). */
  public record PlanNow() implements Command {}

  private record Tick() implements Command {}

  private record Observed(String environment, List<ManagedInstance> instances, List<InstanceShape> shapes, Throwable error)
      implements Command {}

  private record Launched(String environment, Launch launch, LaunchResult result, Throwable error) implements Command {}

  private record Retired(String environment, Termination termination, boolean retired) implements Command {}

  private record Terminated(String environment, Termination termination, Throwable error) implements Command {}

  public static Behavior<Command> create(CapacityProvider provider, CapacitySettings settings, ActorRef<RetireHost> scheduler) {
    Behavior<Command> manager = Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(new Tick(), settings.interval());
      return new CapacityManager(provider, settings, scheduler, ctx).behavior();
    }));
    // Instances are listed afresh every round, so a restart after an unexpected failure loses only
    // idle times and launches not yet listed.
    return Behaviors.supervise(manager).onFailure(SupervisorStrategy.restart());
  }

  private final CapacityProvider provider;
  private final CapacitySettings settings;
  private final ActorRef<RetireHost> scheduler;
  private final ActorContext<Command> context;
  private Demand demand = new Demand(ControlPlaneState.EMPTY, Map.of());
  /**
   * Environments with a round in progress (listing, or launches not yet answered): one at a time
   * each, so nothing is launched twice.
   */
  private final Set<String> planning = new HashSet<>();
  /** Launches not yet answered, by environment. */
  private final Map<String, Integer> launching = new HashMap<>();
  /** Since when each joined instance has been idle. */
  private final Map<String, Long> idleSince = new HashMap<>();
  /** Instances launched that the provider may not list yet, with their launch. */
  private final Map<String, InstanceView> launched = new HashMap<>();
  private final Map<String, Long> noLaunchBefore = new HashMap<>();
  private final Map<String, Map<String, Long>> capacityErrors = new HashMap<>();
  /** Each environment's instance types, as last described by the provider. */
  private final Map<String, Map<String, InstanceType>> catalog = new HashMap<>();
  /** What each environment's last plan said, so only changes are logged. */
  private final Map<String, String> lastNotes = new HashMap<>();
  /** The vCPUs each planned environment aims at, as its last plan said: the {@code desired_vcpus} gauge. */
  private final Map<String, Integer> desired = new HashMap<>();
  private final ControllerMetrics metrics;

  private CapacityManager(CapacityProvider provider, CapacitySettings settings, ActorRef<RetireHost> scheduler,
      ActorContext<Command> context) {
    this.provider = provider;
    this.settings = settings;
    this.scheduler = scheduler;
    this.context = context;
    this.metrics = NodeMetrics.get(context.getSystem()).controller();
    context.getLog().info("Capacity manager started with the {} provider; it plans every {} ms", provider.name(),
        settings.interval().toMillis());
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessage(Demand.class, msg -> {
          demand = msg;
          return Behaviors.same();
        })
        .onMessage(Tick.class, msg -> onTick())
        .onMessage(PlanNow.class, msg -> onTick())
        .onMessage(Observed.class, this::onObserved)
        .onMessage(Launched.class, this::onLaunched)
        .onMessage(Retired.class, this::onRetired)
        .onMessage(Terminated.class, msg -> {
          if (msg.error() != null) {
            context.getLog().warn("Compute environment {}: terminating {} failed ({}); the next round tries again",
                msg.environment(), msg.termination().instanceId(), msg.error().getMessage());
          }
          return Behaviors.same();
        })
        .onSignal(PostStop.class, signal -> {
          metrics.desiredVcpus(Map.of());
          return Behaviors.same();
        })
        .build();
  }

  private Behavior<Command> onTick() {
    long now = System.currentTimeMillis();
    Set<String> planned = new HashSet<>();
    for (ComputeEnvironment ce : demand.controlPlane().computeEnvironments().values()) {
      String name = ce.computeEnvironmentName();
      if (!ce.managed() || !ce.enabled() || ce.computeResources() == null) {
        continue;
      }
      planned.add(name);
      if (!planning.add(name)) {
        continue;
      }
      CompletionStage<List<ManagedInstance>> instances = provider.instances(name);
      CompletionStage<List<InstanceShape>> shapes = provider.instanceTypes(ce.computeResources().instanceTypes());
      context.pipeToSelf(instances.thenCombine(shapes, (i, s) -> new Observed(name, i, s, null)),
          (observed, error) -> observed != null ? observed : new Observed(name, List.of(), List.of(), error));
    }
    launched.values().removeIf(view -> view.launchedAt() < now - settings.options().joinTimeoutMillis());
    if (desired.keySet().retainAll(planned)) {
      metrics.desiredVcpus(desired);
    }
    return Behaviors.same();
  }

  private Behavior<Command> onObserved(Observed msg) {
    String name = msg.environment();
    ComputeEnvironment ce = demand.controlPlane().computeEnvironments().get(name);
    if (ce == null || ce.computeResources() == null || msg.error() != null) {
      planning.remove(name);
    }
    if (ce == null || ce.computeResources() == null) {
      return Behaviors.same();
    }
    if (msg.error() != null) {
      context.getLog().warn("Compute environment {}: cannot list its instances or instance types through the {} provider "
          + "({}); planning again in {} ms", name, provider.name(), msg.error().getMessage(), settings.interval().toMillis());
      return Behaviors.same();
    }
    ComputeResources resources = ce.computeResources();
    Lifecycle lifecycle = resources.spot() ? Lifecycle.SPOT : Lifecycle.ON_DEMAND;
    List<InstanceType> types = msg.shapes().stream()
        .map(shape -> new InstanceType(shape.instanceType(), shape.vcpus(), shape.memoryMib(), 0,
            settings.prices().onDemand().get(shape.instanceType()), settings.prices().spot().get(shape.instanceType())))
        .toList();
    Map<String, InstanceType> byName = new HashMap<>();
    types.forEach(type -> byName.put(type.name(), type));
    catalog.put(name, byName);
    ManagedEnvironmentView environment = new ManagedEnvironmentView(name, lifecycle,
        resources.allocationStrategy(), resources.minvCpus(), resources.maxvCpus(),
        resources.desiredvCpus(), types, resources.maxHourlyCost());
    EnvironmentDemand wanted = demand.environments().getOrDefault(name, new EnvironmentDemand(List.of(), List.of()));
    long now = System.currentTimeMillis();
    List<InstanceView> instances = instances(msg.instances(), wanted.hosts(), types, now);
    LaunchThrottle throttle = new LaunchThrottle(noLaunchBefore.getOrDefault(name, 0L),
        capacityErrors.getOrDefault(name, Map.of()));
    CapacityPlan plan = CapacityPlanner.plan(environment, wanted.waiting(), instances, throttle, settings.options(), now);
    desired.put(name, plan.desiredvCpus());
    metrics.desiredVcpus(desired);
    String notes = String.join("; ", plan.notes()) + (plan.unsatisfiable().isEmpty() ? ""
        : "; cannot run " + plan.unsatisfiable().size() + " job(s): " + plan.unsatisfiable().values().iterator().next());
    if (!notes.equals(lastNotes.put(name, notes)) && !notes.isBlank()) {
      context.getLog().info("Compute environment {}: {}", name, notes);
    }
    if (plan.launches().isEmpty()) {
      planning.remove(name);
    } else {
      launching.put(name, plan.launches().size());
    }
    for (Launch launch : plan.launches()) {
      context.getLog().info("Compute environment {}: launching {} x {} ({}): {}", name, launch.count(),
          launch.instanceTypes().get(0), launch.lifecycle(), launch.reason());
      LaunchRequest request = new LaunchRequest(name, launch.instanceTypes(), launch.count(), spec(ce, lifecycle));
      context.pipeToSelf(provider.launch(request), (result, error) -> new Launched(name, launch, result, error));
    }
    for (Termination termination : plan.terminations()) {
      if (termination.cause() == Termination.Cause.NEVER_JOINED) {
        terminate(name, termination);
      } else {
        String agentId = agentOf(termination.instanceId(), wanted.hosts());
        if (agentId == null) {
          terminate(name, termination);
        } else {
          context.ask(Boolean.class, scheduler, settings.interval(), replyTo -> new RetireHost(agentId, replyTo),
              (retired, error) -> new Retired(name, termination, Boolean.TRUE.equals(retired)));
        }
      }
    }
    return Behaviors.same();
  }

  /** The planner's view of the environment's instances: listed, or launched and not yet listed, joined or not. */
  private List<InstanceView> instances(List<ManagedInstance> listed, List<Host> hosts, List<InstanceType> types, long now) {
    Map<String, Host> joined = new HashMap<>();
    hosts.forEach(host -> joined.put(host.instanceId(), host));
    Map<String, InstanceView> views = new HashMap<>();
    for (ManagedInstance instance : listed) {
      InstanceType type = types.stream().filter(t -> t.name().equals(instance.instanceType())).findFirst()
          .orElse(new InstanceType(instance.instanceType(), instance.vcpus(), instance.memoryMib(), 0, null, null));
      views.put(instance.instanceId(), new InstanceView(instance.instanceId(), type, instance.lifecycle(),
          InstanceView.State.PENDING, instance.launchTime().toEpochMilli(), null, false));
    }
    launched.forEach(views::putIfAbsent);
    Set<String> seen = new HashSet<>();
    List<InstanceView> result = new ArrayList<>();
    for (InstanceView view : views.values()) {
      Host host = joined.get(view.instanceId());
      if (host == null) {
        result.add(view);
        continue;
      }
      seen.add(view.instanceId());
      Long idle = host.idle() ? idleSince.computeIfAbsent(view.instanceId(), id -> now) : null;
      if (!host.idle()) {
        idleSince.remove(view.instanceId());
      }
      InstanceView.State state = host.reclaimed() ? InstanceView.State.RECLAIMED : InstanceView.State.JOINED;
      result.add(new InstanceView(view.instanceId(), view.type(), view.lifecycle(), state, view.launchedAt(), idle,
          host.draining()));
    }
    idleSince.keySet().retainAll(seen);
    return result;
  }

  private static String agentOf(String instanceId, List<Host> hosts) {
    return hosts.stream().filter(host -> instanceId.equals(host.instanceId())).map(Host::agentId).findFirst().orElse(null);
  }

  private static LaunchSpec spec(ComputeEnvironment ce, Lifecycle lifecycle) {
    ComputeResources r = ce.computeResources();
    ComputeResources.LaunchTemplateSpecification template = r.launchTemplate();
    String imageId = r.imageId();
    if (imageId == null && r.ec2Configuration() != null && !r.ec2Configuration().isEmpty()) {
      imageId = r.ec2Configuration().get(0).imageIdOverride();
    }
    Map<String, String> tags = new HashMap<>();
    if (ce.tags() != null) {
      tags.putAll(ce.tags());
    }
    if (r.tags() != null) {
      tags.putAll(r.tags());
    }
    tags.remove(ComputeResources.MAX_HOURLY_COST_TAG);
    return new LaunchSpec(
        lifecycle,
        r.allocationStrategy(),
        r.bidPercentage(),
        r.subnets(),
        r.securityGroupIds() == null ? List.of() : r.securityGroupIds(),
        template == null ? null : new LaunchTemplateRef(template.launchTemplateId(), template.launchTemplateName(),
            template.version()),
        imageId,
        r.instanceRole(),
        r.ec2KeyPair(),
        r.placementGroup(),
        tags,
        "");
  }

  private Behavior<Command> onLaunched(Launched msg) {
    String name = msg.environment();
    if (launching.merge(name, -1, Integer::sum) <= 0) {
      launching.remove(name);
      planning.remove(name);
    }
    if (msg.error() != null) {
      context.getLog().error("Compute environment {}: the {} provider failed a launch ({}); this is a bug in Drover",
          name, provider.name(), msg.error().toString());
      return Behaviors.same();
    }
    long now = System.currentTimeMillis();
    Map<String, InstanceType> types = catalog.getOrDefault(name, Map.of());
    msg.result().instances().forEach(instance -> {
      InstanceType type = types.getOrDefault(instance.instanceType(), msg.launch().instanceTypes().stream()
          .map(types::get).filter(t -> t != null).findFirst().orElseThrow());
      context.getLog().info("Compute environment {}: launched {} ({}, {})", name, instance.instanceId(),
          instance.instanceType(), instance.lifecycle());
      launched.put(instance.instanceId(), new InstanceView(instance.instanceId(), type,
          instance.lifecycle(), InstanceView.State.PENDING, now, null, false));
    });
    for (CapacityError error : msg.result().errors()) {
      switch (error.kind()) {
        case CAPACITY -> {
          if (error.instanceType() != null) {
            capacityErrors.computeIfAbsent(name, n -> new HashMap<>()).put(error.instanceType(), now);
          }
          context.getLog().info("Compute environment {}: no {} capacity ({}); other types are tried", name,
              error.instanceType(), error.code());
        }
        case THROTTLED -> context.getLog().info("Compute environment {}: EC2 throttled the launch ({}); waiting", name,
            error.code());
        default -> context.getLog().warn("Compute environment {}: launch refused ({} {}): {}", name, error.kind(),
            error.code(), error.message());
      }
    }
    msg.result().retryAfter().ifPresent(delay -> noLaunchBefore.put(name, now + delay.toMillis()));
    capacityErrors.getOrDefault(name, Map.of()).values()
        .removeIf(at -> at < now - settings.options().capacityErrorCooldownMillis());
    return Behaviors.same();
  }

  private Behavior<Command> onRetired(Retired msg) {
    if (msg.retired()) {
      terminate(msg.environment(), msg.termination());
    }
    return Behaviors.same();
  }

  private void terminate(String environment, Termination termination) {
    context.getLog().info("Compute environment {}: terminating {}: {}", environment, termination.instanceId(),
        termination.reason());
    launched.remove(termination.instanceId());
    idleSince.remove(termination.instanceId());
    context.pipeToSelf(provider.terminate(List.of(termination.instanceId()), termination.reason()),
        (result, error) -> new Terminated(environment, termination, error));
  }
}
