package io.drover.controller.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drover.controller.controlplane.ControlPlaneClient;
import io.drover.controller.scheduler.SchedulerActor;
import io.drover.controller.scheduler.SchedulerActor.HostState;
import io.drover.core.ClientError;
import io.drover.core.controlplane.ControlPlaneEvent;
import io.drover.core.controlplane.ControlPlaneState;
import io.drover.core.controlplane.DrainedHost;
import io.drover.core.controlplane.HostRequest;
import io.drover.core.model.AwsIdentity;
import io.drover.protocol.Roles;
import io.drover.protocol.SchedulerProtocol.AgentInfo;
import io.drover.protocol.SchedulerProtocol.SpotNotice;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.ClusterEvent.CurrentClusterState;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * The operators' view of the cluster, and operator drain:
 * <ul>
 *   <li>{@code GET /drover/v1/hosts[?computeEnvironment=NAME]}: every host (agent) the scheduler
 *       knows, with its capacity, use, jobs and whether it takes new ones; needs {@value #LIST_HOSTS}
 *       and shows the hosts of the compute environments the caller has it on.
 *   <li>{@code POST /drover/v1/hosts/<hostId>/drain} (body optional, {@code {"reason": "..."}}) and
 *       {@code .../undrain}: no new placements on the host, running attempts go on, until undrained;
 *       durable in the control plane, so a drain outlives agent restarts and controller failover.
 *       They need {@value #DRAIN_HOST} or {@value #UNDRAIN_HOST} on the host's ARN,
 *       {@code arn:aws:batch:<region>:<account>:host/<hostId>}.
 *   <li>{@code GET /drover/v1/cluster}: the cluster's members as this controller sees them, and the
 *       hosts; needs {@value #DESCRIBE_CLUSTER} on {@code *}.
 * </ul>
 * A host is named by its agent id. A drained host that is no longer connected is still listed
 * (with {@code "connected": false}) to callers with {@value #LIST_HOSTS} on its host ARN, so that it
 * can be found and undrained.
 */
public final class HostsApi {

  static final String LIST_HOSTS = "drover:ListHosts";
  static final String DRAIN_HOST = "drover:DrainHost";
  static final String UNDRAIN_HOST = "drover:UndrainHost";
  static final String DESCRIBE_CLUSTER = "drover:DescribeCluster";

  /** A host as {@code /hosts} answers it; every field is written, null included. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record HostView(
      String hostId,
      boolean connected,
      String host,
      String instanceId,
      String computeEnvironment,
      String executor,
      String instanceType,
      String lifecycle,
      Double vcpus,
      Long memoryMiB,
      Double usedVcpus,
      Long usedMemoryMiB,
      List<String> runningJobs,
      boolean schedulable,
      DrainedHost drained,
      SpotNotice spotNotice,
      Double hourlyPrice) {

    /** The host as the scheduler reports it ({@code state}, or null when it is not connected), drained or not. */
    static HostView of(String hostId, HostState state, DrainedHost drained) {
      if (state == null) {
        return new HostView(hostId, false, null, null, null, null, null, null, null, null, null, null, List.of(), false,
            drained, null, null);
      }
      AgentInfo info = state.info();
      return new HostView(hostId, true, info.host(), info.instanceId(), info.computeEnvironment(), info.executor(),
          info.instanceType(), info.spot() ? "SPOT" : "ON_DEMAND", info.capacity().vcpus(), info.capacity().memoryMib(),
          state.used().vcpus(), state.used().memoryMib(), state.runningJobs(), state.schedulable() && drained == null,
          drained, info.spotNotice(), info.hourlyPrice());
    }
  }

  record HostList(List<HostView> hosts) {}

  /** A cluster member as this controller sees it. */
  record MemberView(String address, String host, Integer port, List<String> roles, String status, String appVersion,
      boolean reachable, boolean oldest) {}

  record ClusterView(List<MemberView> members, List<HostView> hosts, String selfAddress) {}

  /** {@code POST .../drain}'s body. */
  record DrainBody(String reason) {}

  private final ActorSystem<?> system;
  private final ActorRef<SchedulerActor.Command> scheduler;
  private final ControlPlaneClient controlPlane;
  private final AwsIdentity identity;
  private final ObjectMapper json;
  private final Duration askTimeout;

  public HostsApi(ActorSystem<?> system, ActorRef<SchedulerActor.Command> scheduler, ControlPlaneClient controlPlane,
      AwsIdentity identity, ObjectMapper json, Duration askTimeout) {
    this.system = system;
    this.scheduler = scheduler;
    this.controlPlane = controlPlane;
    this.identity = identity;
    this.json = json;
    this.askTimeout = askTimeout;
  }

  CompletionStage<HostList> list(Access access, Optional<String> computeEnvironment) {
    access.requireSomewhere(LIST_HOSTS, identity.computeEnvironmentArn("*"));
    Optional<String> name = computeEnvironment.map(ce -> {
      ClientError.require(!ce.isBlank(), "computeEnvironment must name a compute environment (or be left out).");
      return AwsIdentity.nameFrom(ce, "compute-environment", "computeEnvironment");
    });
    return hosts().thenApply(hosts -> new HostList(visible(access, hosts, name)));
  }

  CompletionStage<HostView> drain(Access access, String hostId, String body) {
    access.require(DRAIN_HOST, identity.hostArn(hostId));
    String reason = BatchApi.parse(json, body, DrainBody.class).reason();
    return hosts().thenCompose(hosts -> {
      HostState state = hosts.get(hostId);
      ClientError.require(state != null || controlPlane.state().drained(hostId).isPresent(),
          "hostId '" + hostId + "' is not a connected host. GET /drover/v1/hosts (./drover status) lists the hosts "
              + "by their agent id; a host can be drained while its agent is connected.");
      return controlPlane.execute(new HostRequest.DrainHost(hostId, reason, access.principal().userArn(),
              System.currentTimeMillis()))
          .thenApply(event -> HostView.of(hostId, state, ((ControlPlaneEvent.HostDrained) event).drained()));
    });
  }

  CompletionStage<HostView> undrain(Access access, String hostId) {
    access.require(UNDRAIN_HOST, identity.hostArn(hostId));
    return hosts().thenCompose(hosts -> {
      HostState state = hosts.get(hostId);
      if (controlPlane.state().drained(hostId).isEmpty()) {
        ClientError.require(state != null, "hostId '" + hostId + "' is neither a connected host nor drained. "
            + "GET /drover/v1/hosts (./drover status) lists the hosts by their agent id.");
        return CompletableFuture.completedFuture(HostView.of(hostId, state, null));
      }
      return controlPlane.execute(new HostRequest.UndrainHost(hostId)).thenApply(event -> HostView.of(hostId, state, null));
    });
  }

  CompletionStage<ClusterView> cluster(Access access) {
    access.require(DESCRIBE_CLUSTER, "*");
    Cluster cluster = Cluster.get(system);
    CurrentClusterState state = cluster.state();
    List<Member> members = StreamSupport.stream(state.getMembers().spliterator(), false).toList();
    Member oldestController = members.stream()
        .filter(m -> m.hasRole(Roles.CONTROLLER) && m.status() == MemberStatus.up())
        .reduce((a, b) -> a.isOlderThan(b) ? a : b)
        .orElse(null);
    List<MemberView> views = members.stream()
        .sorted(Comparator.comparing(m -> m.address().toString()))
        .map(m -> member(m, !state.getUnreachable().contains(m), m.equals(oldestController)))
        .toList();
    Address self = cluster.selfMember().address();
    return hosts().thenApply(hosts -> new ClusterView(views, visible(access, hosts, Optional.empty()), self.toString()));
  }

  /** {@code member}'s view: its roles without the data-center role Pekko adds to every member. */
  static MemberView member(Member member, boolean reachable, boolean oldest) {
    Address address = member.address();
    List<String> roles = member.getRoles().stream().filter(role -> !role.startsWith("dc-")).sorted().toList();
    return new MemberView(address.toString(), address.getHost().orElse(null), address.getPort().orElse(null), roles,
        member.status().toString(), member.appVersion().version(), reachable, oldest);
  }

  /** The hosts the scheduler knows, by agent id. */
  private CompletionStage<Map<String, HostState>> hosts() {
    return AskPattern.<SchedulerActor.Command, SchedulerActor.Hosts>ask(
            scheduler, SchedulerActor.DescribeHosts::new, askTimeout, system.scheduler())
        .thenApply(answer -> {
          Map<String, HostState> hosts = new TreeMap<>();
          answer.hosts().forEach(host -> hosts.put(host.info().agentId(), host));
          return hosts;
        });
  }

  /**
   * The connected hosts (of {@code computeEnvironment}, if given) in the compute environments the
   * caller may list, and the drained hosts that are not connected whose ARN they may list (unless a
   * compute environment is asked for), by host id.
   */
  private List<HostView> visible(Access access, Map<String, HostState> hosts, Optional<String> computeEnvironment) {
    return views(controlPlane.state(), hosts,
        state -> computeEnvironment.map(state.info().computeEnvironment()::equals).orElse(true)
            && access.allows(LIST_HOSTS, identity.computeEnvironmentArn(state.info().computeEnvironment())),
        hostId -> computeEnvironment.isEmpty() && access.allows(LIST_HOSTS, identity.hostArn(hostId)));
  }

  /**
   * The connected hosts {@code connected} accepts, with their drain if any, and the drained hosts
   * that are not connected {@code disconnected} accepts (by host id), sorted by host id.
   */
  static List<HostView> views(ControlPlaneState controlPlaneState, Map<String, HostState> hosts,
      Predicate<HostState> connected, Predicate<String> disconnected) {
    Map<String, HostView> views = new TreeMap<>();
    hosts.forEach((hostId, state) -> {
      if (connected.test(state)) {
        views.put(hostId, HostView.of(hostId, state, controlPlaneState.drained(hostId).orElse(null)));
      }
    });
    controlPlaneState.drainedHosts().forEach((hostId, drained) -> {
      if (!hosts.containsKey(hostId) && disconnected.test(hostId)) {
        views.put(hostId, HostView.of(hostId, null, drained));
      }
    });
    return new ArrayList<>(views.values());
  }
}
