package io.drover.core.definition;

/**
 * One mount of a job's container, resolved from its {@code mountPoints} and {@code volumes}
 * ({@link ContainerRules#mounts}): what an agent needs to set it up.
 *
 * @param volume the volume's name, for messages
 * @param hostPath the host path the volume presents; null for an empty volume Docker manages
 * @param containerPath where it appears in the container
 * @param readOnly whether the container may only read it
 */
public record ContainerMount(String volume, String hostPath, String containerPath, boolean readOnly) {}
