package io.drover.core.definition;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * AWS Batch's {@code Volume}: a name a container's {@link MountPoint}s refer to and, with {@code
 * host}, the host directory it presents. Without {@code host} the volume is an empty one Docker
 * manages, removed with the container. A host path is mounted only where the agent's
 * administrator allows it ({@code drover.agent.docker.allowed-host-paths}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Volume(String name, Host host) {

  /** AWS Batch's {@code Host}: the path on the host the volume presents. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Host(String sourcePath) {}
}
