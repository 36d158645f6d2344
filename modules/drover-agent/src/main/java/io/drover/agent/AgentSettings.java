package io.drover.agent;

import com.github.dockerjava.api.model.Capability;
import com.typesafe.config.Config;
import io.drover.agent.exec.DockerSettings;
import io.drover.agent.exec.ProcessSettings;
import io.drover.core.cost.PriceTable;
import io.drover.protocol.Pricing;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The {@code drover.agent} settings (see reference.conf).
 *
 * @param agentId this host's agent id; empty means the host name
 * @param computeEnvironment the compute environment this host serves
 * @param executor {@code docker} (or its old name {@code auto}), {@code process} (commands directly on
 *     the host, only when chosen explicitly), or {@code noop} (attempts that only take time, for load
 *     tests)
 * @param vcpus advertised vCPUs; 0 means all the host has
 * @param memoryMib advertised memory; 0 means the host's memory less {@code reservedMemoryMib}
 * @param gpus advertised GPUs; -1 means detect (NVIDIA devices under /proc/driver/nvidia/gpus)
 * @param spot true when the host is a Spot instance ({@code lifecycle = spot})
 * @param recentlyEndedWindow how long ended attempts are remembered, so late launches and stops of
 *     them are ignored (statuses list them for three heartbeat intervals, at most this long)
 * @param statusMinInterval the least time between two statuses sent on changes; changes within it
 *     go out together at its end
 * @param startReportDelay how long an attempt runs before its start is reported to its job; one
 *     that ends sooner reports its start with its end, which the job records in one journal write
 * @param docker how the Docker executor reaches the engine and confines containers
 * @param process where the process executor runs commands, and as whom
 * @param noopRunTime how long each attempt of the {@code noop} executor runs before it exits 0
 * @param drainGrace on shutdown, how long running attempts may go on finishing; 0 to leave at once
 * @param spotWatch the Spot notice watch settings
 * @param instanceType the host's EC2 instance type; null when unknown
 * @param hourlyPrice what the host costs, USD per hour; null to take it from {@code pricing}
 * @param pricing the price table ({@code drover.pricing})
 */
public record AgentSettings(
    String agentId,
    String computeEnvironment,
    String executor,
    double vcpus,
    long memoryMib,
    long reservedMemoryMib,
    int gpus,
    String instanceId,
    boolean spot,
    Duration heartbeatInterval,
    Duration reportRetryInterval,
    Duration recentlyEndedWindow,
    Duration statusMinInterval,
    Duration startReportDelay,
    DockerSettings docker,
    ProcessSettings process,
    Duration noopRunTime,
    int logChunkBytes,
    Duration logFlushInterval,
    long logMaxBytesPerAttempt,
    Duration logFlushTimeout,
    int blockingThreads,
    Duration drainGrace,
    SpotWatch spotWatch,
    String instanceType,
    Double hourlyPrice,
    PriceTable pricing) {

  /**
   * The {@code drover.agent.spot} settings.
   *
   * @param enabled whether the agent reads the instance metadata service for notices
   * @param imdsEndpoint the metadata service's address; null for the SDK's default
   * @param pollInterval how often it reads
   * @param stopMargin how long before EC2's announced time running attempts are killed at the latest
   * @param stopGrace the longest SIGTERM-to-SIGKILL time an attempt gets on a notice
   * @param drainOnRebalance whether a rebalance recommendation stops new placements
   * @param priceRefresh how often a Spot host reads its price from EC2's Spot price history (when
   *     its instance type is known and no hourly price is set); zero never
   * @param ec2Region the region of those reads; null for the SDK's default (the instance metadata)
   * @param ec2Endpoint the EC2 endpoint of those reads; null for the region's
   */
  public record SpotWatch(
      boolean enabled, String imdsEndpoint, Duration pollInterval, Duration stopMargin, Duration stopGrace,
      boolean drainOnRebalance, Duration priceRefresh, String ec2Region, String ec2Endpoint) {}

  public static AgentSettings from(Config root) {
    Config c = root.getConfig("drover.agent");
    Config docker = c.getConfig("docker");
    String network = docker.getString("network-mode");
    return new AgentSettings(
        c.getString("agent-id"),
        c.getString("compute-environment"),
        c.getString("executor"),
        c.getDouble("vcpus"),
        c.getLong("memory-mib"),
        c.getLong("reserved-memory-mib"),
        c.getInt("gpus"),
        c.getString("instance-id"),
        spot(c.getString("lifecycle")),
        c.getDuration("heartbeat-interval"),
        c.getDuration("report-retry-interval"),
        c.getDuration("recently-ended-window"),
        c.getDuration("status-min-interval"),
        startReportDelay(c.getDuration("start-report-delay")),
        new DockerSettings(
            docker.getString("host"),
            network.isEmpty() ? null : network,
            docker.getDuration("pull-timeout"),
            docker.getBoolean("remove-containers"),
            pidsLimit(docker.getLong("pids-limit")),
            capabilities(docker.getStringList("capabilities")),
            allowedHostPaths(docker.getStringList("allowed-host-paths"))),
        new ProcessSettings(Path.of(c.getString("process.work-dir")), c.getString("process.run-as-user"),
            c.getBoolean("process.spawn-helper")),
        noopRunTime(c.getDuration("noop.run-time")),
        (int) c.getBytes("logs.chunk-bytes").longValue(),
        c.getDuration("logs.flush-interval"),
        c.getBytes("logs.max-bytes-per-attempt"),
        c.getDuration("logs.flush-timeout"),
        c.getInt("blocking-threads"),
        c.getDuration("drain-grace"),
        spotWatch(c.getConfig("spot"), spot(c.getString("lifecycle"))),
        c.getString("instance-type").isBlank() ? null : c.getString("instance-type"),
        hourlyPrice(c.getString("hourly-price")),
        Pricing.table(root));
  }

  /** This host's prices: its own, or the table's for its instance type and lifecycle. */
  public PriceTable.HostPrices prices() {
    return pricing.pricesOf(instanceType, spot, hourlyPrice);
  }

  private static Duration noopRunTime(Duration runTime) {
    if (runTime.isNegative()) {
      throw new IllegalArgumentException("drover.agent.noop.run-time is " + runTime
          + "; set it to how long each noop attempt runs, 0s or more.");
    }
    return runTime;
  }

  private static Duration startReportDelay(Duration delay) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("drover.agent.start-report-delay is " + delay.toMillis() + " ms"
          + "; set it to how long an attempt runs before its start is reported, 0s or more (such as 20ms).");
    }
    return delay;
  }

  private static long pidsLimit(long limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("drover.agent.docker.pids-limit is " + limit
          + "; set it to the most processes and threads one job container may have, 1 or more (such as 4096).");
    }
    return limit;
  }

  /** Capability names as Docker writes them, with or without {@code CAP_}, in any case. */
  private static List<Capability> capabilities(List<String> names) {
    return names.stream().map(name -> {
      String bare = name.trim().toUpperCase(Locale.ROOT).replaceFirst("^CAP_", "");
      if (bare.equals("ALL")) {
        throw new IllegalArgumentException("drover.agent.docker.capabilities lists ALL; name each capability job "
            + "containers keep (Drover drops every other).");
      }
      try {
        return Capability.valueOf(bare);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("drover.agent.docker.capabilities lists '" + name + "', which is not a "
            + "Linux capability Docker knows (such as CHOWN or NET_BIND_SERVICE).", e);
      }
    }).distinct().toList();
  }

  private static List<Path> allowedHostPaths(List<String> paths) {
    return paths.stream().map(path -> {
      Path parsed = Path.of(path);
      if (!parsed.isAbsolute()) {
        throw new IllegalArgumentException("drover.agent.docker.allowed-host-paths lists '" + path
            + "'; list absolute host directories job containers may mount, such as /data/shared.");
      }
      return parsed.normalize();
    }).toList();
  }

  private static Double hourlyPrice(String price) {
    if (price.isBlank()) {
      return null;
    }
    double value;
    try {
      value = Double.parseDouble(price);
    } catch (NumberFormatException e) {
      value = Double.NaN;
    }
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException("drover.agent.hourly-price is '" + price
          + "'; set it to what this host costs in USD per hour, such as 0.17, or leave it empty (DROVER_HOURLY_PRICE).");
    }
    return value;
  }

  private static SpotWatch spotWatch(Config spot, boolean spotInstance) {
    boolean enabled = switch (spot.getString("watch")) {
      case "auto" -> spotInstance;
      case "on" -> true;
      case "off" -> false;
      default -> throw new IllegalArgumentException("drover.agent.spot.watch is '" + spot.getString("watch")
          + "'; set it to auto, on or off (DROVER_SPOT_WATCH).");
    };
    String endpoint = spot.getString("imds-endpoint");
    String region = spot.getString("price-region");
    String ec2 = spot.getString("price-endpoint");
    return new SpotWatch(enabled, endpoint.isBlank() ? null : endpoint, spot.getDuration("poll-interval"),
        spot.getDuration("stop-margin"), spot.getDuration("stop-grace"), spot.getBoolean("drain-on-rebalance"),
        spot.getDuration("price-refresh"), region.isBlank() ? null : region, ec2.isBlank() ? null : ec2);
  }

  private static boolean spot(String lifecycle) {
    return switch (lifecycle) {
      case "spot" -> true;
      case "on-demand" -> false;
      default -> throw new IllegalArgumentException(
          "drover.agent.lifecycle is '" + lifecycle + "'; set it to on-demand or spot (DROVER_AGENT_LIFECYCLE).");
    };
  }
}
