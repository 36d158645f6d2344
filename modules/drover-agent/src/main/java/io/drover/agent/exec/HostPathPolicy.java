package io.drover.agent.exec;

import io.drover.core.definition.ContainerMount;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Which host paths job containers may mount: those at or under one of the directories the agent's
 * administrator allows ({@value #SETTING}), before and after symbolic links are resolved, so a link
 * inside an allowed directory cannot lead out of it. The checks read this agent's file system,
 * which must be the Docker engine's host. A link swapped between the check and Docker's mount
 * could still lead elsewhere: allowed directories must not be writable by anyone untrusted.
 */
final class HostPathPolicy {

  static final String SETTING = "drover.agent.docker.allowed-host-paths";

  private final List<Path> allowed;

  /** @param allowed absolute, normalized paths */
  HostPathPolicy(List<Path> allowed) {
    this.allowed = List.copyOf(allowed);
  }

  /**
   * The real path to mount for {@code mount}; fails with a status reason naming the path and the
   * setting when it is not allowed, or when it does not exist.
   */
  Path resolve(ContainerMount mount) {
    Path requested = Path.of(mount.hostPath()).normalize();
    if (!requested.isAbsolute() || !under(requested, allowed)) {
      throw refused(mount, "");
    }
    Path real;
    try {
      real = requested.toRealPath();
    } catch (NoSuchFileException e) {
      throw new LaunchFailedException("CannotStartContainerError: host path " + mount.hostPath() + " (volume '"
          + mount.volume() + "') does not exist on this host", e);
    } catch (IOException e) {
      throw new LaunchFailedException("CannotStartContainerError: host path " + mount.hostPath() + " (volume '"
          + mount.volume() + "') cannot be resolved: " + e.getMessage(), e);
    }
    if (!under(real, allowed.stream().map(HostPathPolicy::real).toList())) {
      throw refused(mount, ", which resolves to " + real + ",");
    }
    return real;
  }

  private LaunchFailedException refused(ContainerMount mount, String resolution) {
    String allows = allowed.isEmpty()
        ? "allows no host paths"
        : "allows only paths under " + allowed.stream().map(Path::toString).collect(Collectors.joining(", "));
    return new LaunchFailedException("CannotStartContainerError: host path " + mount.hostPath() + " (volume '"
        + mount.volume() + "')" + resolution + " is not allowed on this agent: " + SETTING + " " + allows, null);
  }

  private static boolean under(Path path, List<Path> roots) {
    return roots.stream().anyMatch(path::startsWith);
  }

  /** An allowed directory with its links resolved; as configured when it does not exist. */
  private static Path real(Path allowed) {
    try {
      return allowed.toRealPath();
    } catch (IOException e) {
      return allowed;
    }
  }
}
