package io.drover.capacity.ec2;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.regions.Region;

/**
 * The settings of {@link Ec2CapacityProvider}: {@code drover.capacity.ec2} (see reference.conf).
 *
 * @param clusterTagKey the tag that marks the cluster's instances ({@code drover:cluster})
 * @param clusterName its value, the cluster's name: the agents' {@code DROVER_EC2_TAG_VALUE}
 * @param region the EC2 region; empty for the SDK's default region chain
 * @param endpoint the EC2 endpoint; empty for the region's own
 * @param agentCommand the user data's last line, which starts the agent
 * @param throttleBackoffMin the delay suggested after a first throttled call
 * @param throttleBackoffMax the longest delay suggested while calls stay throttled
 * @param tlsParameterPath the SSM Parameter Store path a new host fetches its cluster TLS files from
 *     ({@code <path>/agent.p12} and so on, see user-data.sh); empty when the image provides them
 */
public record Ec2CapacitySettings(
    String clusterTagKey,
    String clusterName,
    Optional<Region> region,
    Optional<URI> endpoint,
    String agentCommand,
    Duration throttleBackoffMin,
    Duration throttleBackoffMax,
    String tlsParameterPath) {

  /** What a tag key or value may hold here: EC2's tag characters less spaces, so user data needs no quoting. */
  static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_.:/=+@-]+");

  /** An SSM parameter path: {@code /name/name...} of SSM's name characters. */
  private static final Pattern PARAMETER_PATH = Pattern.compile("(/[A-Za-z0-9_.-]+)+");

  private static final String PATH = "drover.capacity.ec2";

  /** Checks the values that go into user data. */
  public Ec2CapacitySettings {
    plain(clusterTagKey, "cluster-tag-key");
    plain(clusterName, "cluster-name");
    if (agentCommand == null || agentCommand.isBlank()) {
      throw new IllegalArgumentException(PATH + ".agent-command is empty; set the command that starts the agent "
          + "on a new host, such as \"systemctl start drover-agent\" or \"/opt/drover/current/drover agent\".");
    }
    if (tlsParameterPath == null || !(tlsParameterPath.isEmpty() || PARAMETER_PATH.matcher(tlsParameterPath).matches())) {
      throw new IllegalArgumentException(PATH + ".tls-parameter-path is '" + tlsParameterPath + "'; use an SSM "
          + "parameter path such as /drover/prod/tls (letters, digits, _ . - between slashes), or leave it empty.");
    }
  }

  /** Settings for hosts whose image provides the cluster TLS files. */
  public Ec2CapacitySettings(String clusterTagKey, String clusterName, Optional<Region> region, Optional<URI> endpoint,
      String agentCommand, Duration throttleBackoffMin, Duration throttleBackoffMax) {
    this(clusterTagKey, clusterName, region, endpoint, agentCommand, throttleBackoffMin, throttleBackoffMax, "");
  }

  /** The defaults of reference.conf. */
  public static Ec2CapacitySettings defaults() {
    return from(ConfigFactory.defaultReference());
  }

  /** Reads {@code drover.capacity.ec2} from a node's configuration. */
  public static Ec2CapacitySettings from(Config root) {
    Config c = root.getConfig(PATH);
    String region = c.getString("region");
    return new Ec2CapacitySettings(
        c.getString("cluster-tag-key"),
        c.getString("cluster-name"),
        region.isEmpty() ? Optional.empty() : Optional.of(Region.of(region)),
        Ec2Endpoint.parse(c.getString("endpoint"), PATH + ".endpoint"),
        c.getString("agent-command"),
        c.getDuration("throttle-backoff-min"),
        c.getDuration("throttle-backoff-max"),
        c.getString("tls-parameter-path"));
  }

  private static void plain(String value, String key) {
    if (value == null || !PLAIN.matcher(value).matches()) {
      throw new IllegalArgumentException(PATH + "." + key + " is '" + value + "'; use letters, digits and "
          + "_ . : / = + @ - only (it becomes an EC2 tag and part of every host's user data).");
    }
  }
}
