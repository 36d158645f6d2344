package io.drover.node.discovery;

import com.typesafe.config.Config;
import io.drover.capacity.ec2.Ec2Endpoint;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.model.Filter;

/**
 * The {@code pekko.discovery.ec2-tags} settings of {@link Ec2TagServiceDiscovery} (see reference.conf).
 *
 * @param tagKey the tag every instance of the cluster carries
 * @param tagValue its value: the cluster's name
 * @param roleTagKey a second tag the contact points must carry; empty for none
 * @param roleTagValue its value
 * @param managementPort the port of Pekko Management on the instances found
 * @param region the EC2 region; empty for the SDK's default region chain
 * @param endpoint the EC2 endpoint; empty for the region's own
 */
record Ec2TagSettings(
    String tagKey,
    String tagValue,
    String roleTagKey,
    String roleTagValue,
    int managementPort,
    Optional<Region> region,
    Optional<URI> endpoint) {

  static Ec2TagSettings from(Config root) {
    Config c = root.getConfig("pekko.discovery.ec2-tags");
    String tagKey = required(c, "tag-key", "DROVER_EC2_TAG_KEY");
    String tagValue = required(c, "tag-value", "DROVER_EC2_TAG_VALUE");
    String roleTagKey = c.getString("role-tag-key");
    String roleTagValue = c.getString("role-tag-value");
    if (!roleTagKey.isEmpty() && roleTagValue.isEmpty()) {
      throw new IllegalArgumentException("pekko.discovery.ec2-tags.role-tag-value (DROVER_EC2_ROLE_TAG_VALUE) is empty "
          + "while role-tag-key is '" + roleTagKey + "'; set the value the controllers' tag has (controller), "
          + "or set DROVER_EC2_ROLE_TAG_KEY to \"\" to find every instance of the cluster.");
    }
    int port = c.getInt("management-port");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("pekko.discovery.ec2-tags.management-port (DROVER_EC2_MANAGEMENT_PORT) is "
          + port + "; set it to the controllers' management port (8558 by default).");
    }
    String region = c.getString("region");
    return new Ec2TagSettings(tagKey, tagValue, roleTagKey, roleTagValue, port,
        region.isEmpty() ? Optional.empty() : Optional.of(Region.of(region)), Ec2Endpoint.parse(c.getString("endpoint"), "pekko.discovery.ec2-tags.endpoint (DROVER_EC2_ENDPOINT)"));
  }

  /** The DescribeInstances filters: running instances carrying the cluster's tag (and the role tag). */
  List<Filter> filters() {
    List<Filter> filters = new ArrayList<>();
    filters.add(Filter.builder().name("instance-state-name").values("running").build());
    filters.add(Filter.builder().name("tag:" + tagKey).values(tagValue).build());
    if (!roleTagKey.isEmpty()) {
      filters.add(Filter.builder().name("tag:" + roleTagKey).values(roleTagValue).build());
    }
    return filters;
  }

  private static String required(Config c, String key, String env) {
    String value = c.getString(key);
    if (value.isEmpty()) {
      throw new IllegalArgumentException("pekko.discovery.ec2-tags." + key + " (" + env + ") is empty; "
          + "EC2-tag discovery finds the instances tagged tag-key=tag-value.");
    }
    return value;
  }
}
