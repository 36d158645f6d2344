package io.drover.agent.exec;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link DockerAttemptExecutor} reaches and uses the Docker engine.
 *
 * @param dockerHost the engine's address, e.g. {@code unix:///var/run/docker.sock} or {@code
 *     tcp://127.0.0.1:2375}
 * @param networkMode the network mode for job containers ({@code none}, {@code host}, a network
 *     name), or {@code null} for Docker's default
 * @param pullTimeout how long an image pull may take before the launch fails
 * @param removeContainers whether to remove a container once its exit has been recorded
 */
public record DockerSettings(
    String dockerHost, String networkMode, Duration pullTimeout, boolean removeContainers) {

  public static final String DEFAULT_HOST = "unix:///var/run/docker.sock";

  public DockerSettings {
    Objects.requireNonNull(dockerHost, "dockerHost");
    Objects.requireNonNull(pullTimeout, "pullTimeout");
    if (pullTimeout.isNegative() || pullTimeout.isZero()) {
      throw new IllegalArgumentException("pullTimeout must be positive: " + pullTimeout);
    }
  }

  /** The local socket, Docker's default network, a 10-minute pull timeout, containers removed. */
  public static DockerSettings defaults() {
    return new DockerSettings(DEFAULT_HOST, null, Duration.ofMinutes(10), true);
  }
}
