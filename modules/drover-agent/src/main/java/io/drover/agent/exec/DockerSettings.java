package io.drover.agent.exec;

import com.github.dockerjava.api.model.Capability;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How {@link DockerAttemptExecutor} reaches and uses the Docker engine, and how closed its
 * containers are.
 *
 * <p><b>Capabilities.</b> Every container drops all Linux capabilities and gets back only {@code
 * capabilities}. The default ({@code drover.agent.docker.capabilities}, {@link
 * #DEFAULT_CAPABILITIES}) is the part of Docker's own default
 * set that ordinary images need when they run as root inside the container: owning and changing
 * their own files ({@code CHOWN}, {@code DAC_OVERRIDE}, {@code FOWNER}, {@code FSETID}), signalling
 * their own processes ({@code KILL}), switching to a less privileged user as entrypoints, {@code
 * gosu} and {@code apt} do ({@code SETUID}, {@code SETGID}), and listening on ports below 1024
 * ({@code NET_BIND_SERVICE}). Each acts only inside the container's own namespaces and files. Left
 * out of Docker's set: {@code NET_RAW} (forged packets on the host's networks), {@code MKNOD}
 * (device nodes), {@code SYS_CHROOT}, {@code SETPCAP}, {@code SETFCAP} (file capabilities) and
 * {@code AUDIT_WRITE}, which batch jobs do not need. A job cannot ask for more (AWS's {@code
 * linuxParameters} is not accepted); only the agent's administrator can change the set, for every
 * job on the host. An empty list runs every job with no capability at all.
 *
 * @param dockerHost the engine's address, e.g. {@code unix:///var/run/docker.sock} or {@code
 *     tcp://127.0.0.1:2375}
 * @param networkMode the network mode for job containers ({@code none}, {@code host}, a network
 *     name), or {@code null} for Docker's default; never taken from the job
 * @param pullTimeout how long an image pull may take before the launch fails
 * @param removeContainers whether to remove a container once its exit has been recorded
 * @param pidsLimit the most processes and threads one container may have
 * @param capabilities the capabilities containers keep; all others are dropped
 * @param allowedHostPaths the host directories (absolute) whose contents job containers may mount;
 *     empty: none
 */
public record DockerSettings(
    String dockerHost,
    String networkMode,
    Duration pullTimeout,
    boolean removeContainers,
    long pidsLimit,
    List<Capability> capabilities,
    List<Path> allowedHostPaths) {

  public static final String DEFAULT_HOST = "unix:///var/run/docker.sock";
  public static final List<Capability> DEFAULT_CAPABILITIES = List.of(
      Capability.CHOWN,
      Capability.DAC_OVERRIDE,
      Capability.FOWNER,
      Capability.FSETID,
      Capability.KILL,
      Capability.SETGID,
      Capability.SETUID,
      Capability.NET_BIND_SERVICE);

  public DockerSettings {
    Objects.requireNonNull(dockerHost, "dockerHost");
    Objects.requireNonNull(pullTimeout, "pullTimeout");
    if (pullTimeout.isNegative() || pullTimeout.isZero()) {
      throw new IllegalArgumentException("pullTimeout must be positive: " + pullTimeout);
    }
    if (pidsLimit < 1) {
      throw new IllegalArgumentException("pidsLimit must be 1 or more: " + pidsLimit);
    }
    capabilities = List.copyOf(capabilities);
    if (capabilities.contains(Capability.ALL)) {
      throw new IllegalArgumentException("capabilities cannot hold ALL: name each capability containers keep");
    }
    allowedHostPaths = allowedHostPaths.stream().map(Path::normalize).toList();
    for (Path path : allowedHostPaths) {
      if (!path.isAbsolute()) {
        throw new IllegalArgumentException("allowedHostPaths must be absolute: " + path);
      }
    }
  }
}
