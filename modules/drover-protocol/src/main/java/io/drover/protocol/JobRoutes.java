package io.drover.protocol;

import io.drover.protocol.JobProtocol.JobCommand;
import java.util.Comparator;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a node reaches job entities. A controller hosts them, so it tells its own shard region. A
 * node without the controller role (an agent, a fleet of simulated agents) sends each message to a
 * controller's job gateway ({@link JobProtocol#GATEWAY}), among the reachable ones the same one for
 * the same job; while no controller offers a gateway (during a rolling upgrade, controllers of a
 * Drover from before gateways) it falls back to a sharding proxy of its own, as such nodes had
 * before.
 *
 * <p>Why not a proxy on every node: the job shards' coordinator keeps every shard region and proxy
 * in its state, and on each change writes all of that state to every controller, one change at a
 * time, while requests for shards without a home wait. With a proxy per worker host, every host
 * that joins or leaves is such a write, and every one makes each later write larger: thousands of
 * hosts joining, or Spot hosts reclaimed by the hundred, would hold up new jobs for minutes.
 */
public final class JobRoutes implements Extension {

  private static final Logger log = LoggerFactory.getLogger(JobRoutes.class);

  public static final ExtensionId<JobRoutes> ID = new ExtensionId<>() {
    @Override
    public JobRoutes createExtension(ActorSystem<?> system) {
      return new JobRoutes(system);
    }
  };

  /** This node's routes; the first call on a node without the controller role starts following the gateways. */
  public static JobRoutes get(ActorSystem<?> system) {
    return system.registerExtension(ID);
  }

  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final boolean controller;
  /** The reachable gateways, in a fixed order so that a job keeps its gateway. */
  private volatile List<ActorRef<JobCommand>> gateways = List.of();
  private volatile boolean proxyStarted;

  private JobRoutes(ActorSystem<?> system) {
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.controller = Cluster.get(system).selfMember().hasRole(Roles.CONTROLLER);
    if (!controller) {
      system.systemActorOf(Behaviors.<Receptionist.Listing>setup(ctx -> {
        ctx.getSystem().receptionist().tell(Receptionist.subscribe(JobProtocol.GATEWAY, ctx.getSelf()));
        return Behaviors.receiveMessage(listing -> {
          gateways = listing.getServiceInstances(JobProtocol.GATEWAY).stream()
              .sorted(Comparator.comparing(gateway -> gateway.path().toString()))
              .toList();
          return Behaviors.same();
        });
      }), "job-gateways", Props.empty());
    }
  }

  /** Sends {@code command} to its job, at most once: callers that need it delivered resend until answered. */
  public void tell(JobCommand command) {
    if (!controller) {
      List<ActorRef<JobCommand>> known = gateways;
      if (!known.isEmpty()) {
        known.get(Math.floorMod(command.jobId().hashCode(), known.size())).tell(command);
        return;
      }
      startProxy();
    }
    sharding.entityRefFor(JobProtocol.JOB, command.jobId()).tell(command);
  }

  /** The gateways this node sends through now, in order. */
  List<ActorRef<JobCommand>> gateways() {
    return gateways;
  }

  private void startProxy() {
    if (proxyStarted) {
      return;
    }
    synchronized (this) {
      if (!proxyStarted) {
        log.info("No reachable controller offers a job gateway (controllers of an older Drover, during a rolling "
            + "upgrade, or none reachable yet): this node starts a sharding proxy for jobs and uses it while no gateway "
            + "is listed. The proxy stays registered with the job shards' coordinator until this node restarts.");
        JobProtocol.initProxy(system);
        proxyStarted = true;
      }
    }
  }
}
