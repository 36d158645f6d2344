package io.drover.node;

import com.typesafe.config.Config;
import io.drover.agent.DroverAgent;
import io.drover.controller.ClusterShards;
import io.drover.controller.DroverController;
import io.drover.node.tls.ClusterTls;
import io.drover.protocol.JobRoutes;
import io.drover.protocol.Roles;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Drover process: an actor system that joins the cluster and starts the roles it carries
 * ({@code controller}, {@code agent}, or both), plus Pekko Management for health checks and metrics.
 */
public final class DroverNode {

  private static final Logger log = LoggerFactory.getLogger(DroverNode.class);

  private final ActorSystem<Void> system;
  private final DroverController controller;
  private final DroverAgent agent;

  private DroverNode(ActorSystem<Void> system, DroverController controller, DroverAgent agent) {
    this.system = system;
    this.controller = controller;
    this.agent = agent;
  }

  /**
   * Starts a node from a fully resolved configuration.
   *
   * @throws IllegalArgumentException if the cluster TLS settings are missing or wrong (the message
   *     says which, and how to create certificates)
   * @throws IllegalStateException if a controller cannot read or record its cluster's number of
   *     shards in Cassandra (see {@link ClusterShards})
   */
  public static DroverNode start(Config given) {
    Config tls = ClusterTls.configure(given);
    List<String> roles = tls.getStringList("pekko.cluster.roles");
    Config config = roles.contains(Roles.CONTROLLER) ? ClusterShards.resolve(tls) : tls;
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "drover", config);
    try {
      Member self = Cluster.get(system).selfMember();
      log.info("Drover node {} starting: app version {}, roles {}", self.address(), self.appVersion(), roles);
      PekkoManagement.get(system).start();
      join(system, config.getString("drover.node.join"));
      DroverController controller = roles.contains(Roles.CONTROLLER) ? DroverController.start(system) : null;
      // Follows the controllers' job gateways from now on, so an agent's first report finds them.
      JobRoutes.get(system);
      DroverAgent agent = roles.contains(Roles.AGENT) ? DroverAgent.start(system) : null;
      return new DroverNode(system, controller, agent);
    } catch (RuntimeException e) {
      system.terminate();
      throw e;
    }
  }

  private static void join(ActorSystem<?> system, String mode) {
    Cluster cluster = Cluster.get(system);
    switch (mode) {
      case "self" -> cluster.manager().tell(Join.create(cluster.selfMember().address()));
      case "bootstrap" -> ClusterBootstrap.get(system).start();
      default -> throw new IllegalArgumentException(
          "drover.node.join is '" + mode + "'; use self (one-node cluster) or bootstrap (Cluster Bootstrap).");
    }
  }

  public ActorSystem<Void> system() {
    return system;
  }

  public Optional<DroverController> controller() {
    return Optional.ofNullable(controller);
  }

  public Optional<DroverAgent> agent() {
    return Optional.ofNullable(agent);
  }
}
