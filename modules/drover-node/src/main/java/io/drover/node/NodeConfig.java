package io.drover.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Loads a node's configuration: the overrides given on the command line, over a mode file from
 * {@code conf/}, over the modules' reference.conf defaults.
 */
public final class NodeConfig {

  private NodeConfig() {}

  public static Config load(Path modeFile, Map<String, Object> overrides) {
    if (!Files.isRegularFile(modeFile)) {
      throw new IllegalArgumentException("Configuration file " + modeFile + " does not exist.");
    }
    Config file = ConfigFactory.parseFile(modeFile.toFile());
    Config given = ConfigFactory.parseMap(overrides, "command line");
    Config merged = ConfigFactory.load(given.withFallback(file));
    return withDiscoveryEndpoints(withContactPoints(merged));
  }

  /**
   * {@code drover.node.contact-points} ("host:port,host:port", the controllers' management
   * endpoints) becomes the endpoint list of discovery by configuration.
   */
  static Config withDiscoveryEndpoints(Config config) {
    List<Map<String, Object>> endpoints = new ArrayList<>();
    for (String point : config.getString("drover.node.contact-points").split(",")) {
      String trimmed = point.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      int colon = trimmed.lastIndexOf(':');
      int port;
      try {
        port = colon > 0 ? Integer.parseInt(trimmed.substring(colon + 1)) : -1;
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("drover.node.contact-points (DROVER_CONTACT_POINTS) entry '" + trimmed
            + "' must be host:port, the management endpoint of a controller (port 8558 by default).");
      }
      endpoints.add(Map.of("host", trimmed.substring(0, colon), "port", port));
    }
    return config.withValue("pekko.discovery.config.services.drover.endpoints", ConfigValueFactory.fromIterable(endpoints));
  }

  /** {@code drover.cassandra.contact-points} ("host:port,host:port") becomes the driver's list. */
  static Config withContactPoints(Config config) {
    List<String> points = Arrays.stream(config.getString("drover.cassandra.contact-points").split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .toList();
    if (points.isEmpty()) {
      throw new IllegalArgumentException("drover.cassandra.contact-points (DROVER_CASSANDRA_CONTACT_POINTS) is empty; "
          + "name at least one Cassandra node as host:port.");
    }
    return config.withValue("datastax-java-driver.basic.contact-points", ConfigValueFactory.fromIterable(points));
  }
}
