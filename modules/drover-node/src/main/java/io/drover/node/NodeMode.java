package io.drover.node;

import com.typesafe.config.Config;
import io.drover.protocol.Roles;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code ./drover controller} and {@code ./drover agent}: one process of a real cluster, configured
 * from {@code conf/controller.conf} or {@code conf/agent.conf} and the environment (see README).
 * It joins through Cluster Bootstrap and runs until SIGTERM, which runs coordinated shutdown: a
 * controller hands its shards and singletons to the others, an agent leaves the cluster.
 */
final class NodeMode {

  static final String USAGE = """
      usage: ./drover controller | ./drover agent
        Settings come from conf/controller.conf or conf/agent.conf and the environment:
        DROVER_CONTACT_POINTS (controllers' management endpoints, host:port,...), DROVER_HOSTNAME,
        DROVER_REMOTE_PORT, DROVER_MANAGEMENT_PORT, DROVER_HTTP_PORT, DROVER_CASSANDRA_CONTACT_POINTS,
        DROVER_REQUIRED_CONTACT_POINTS, DROVER_COMPUTE_ENVIRONMENT, DROVER_EXECUTOR, DROVER_VCPUS, ...
      """;

  private NodeMode() {}

  static void run(String role, Path repoRoot, PrintStream out) {
    Config config = NodeConfig.load(repoRoot.resolve("conf").resolve(role + ".conf"), Map.of());
    if (config.getString("pekko.management.cluster.bootstrap.contact-point-discovery.discovery-method").equals("config")
        && config.getList("pekko.discovery.config.services.drover.endpoints").isEmpty()) {
      throw new IllegalArgumentException("DROVER_CONTACT_POINTS is empty: set it to the controllers' management endpoints "
          + "(host:port,...; port 8558 by default) so this " + role + " can find the cluster, or set "
          + "DROVER_DISCOVERY_METHOD=pekko-dns to find them by DNS or ec2-tags by their EC2 tags.");
    }
    DroverNode node = DroverNode.start(config);
    String management = "http://" + config.getString("pekko.management.http.hostname") + ":"
        + config.getInt("pekko.management.http.port");
    List<String> roles = config.getStringList("pekko.cluster.roles");
    if (roles.contains(Roles.CONTROLLER)) {
      out.println("Drover controller started: AWS Batch API on http://" + config.getString("drover.controller.http.interface")
          + ":" + config.getInt("drover.controller.http.port") + ", management on " + management
          + " (GET /ready once it has joined).");
    } else {
      out.println("Drover agent started for compute environment '" + config.getString("drover.agent.compute-environment")
          + "': management on " + management + " (GET /ready once it has joined).");
    }
    node.system().getWhenTerminated().toCompletableFuture().join();
  }
}
