package io.drover.agent.exec;

import io.drover.core.definition.ContainerMount;
import io.drover.core.model.Resources;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything an executor needs to start one attempt of a job. Collections are copied; null
 * collections become empty ones.
 *
 * @param jobId the job's id
 * @param attempt the attempt number
 * @param nodeId the agent's node id, recorded on the execution so a later incarnation finds it
 * @param image the container image (ignored by the process executor)
 * @param command the command; empty means the image's default (Docker only)
 * @param environment extra environment variables
 * @param resources the vCPU, memory and GPUs the attempt may use (Docker refuses a launch without
 *     vCPUs or memory; the process executor does not enforce them)
 * @param user the user to run as, or {@code null} for the image's default (Docker only)
 * @param readonlyRootFilesystem whether the container's root file system is read-only (Docker only)
 * @param privileged whether the job asks for a privileged container, which the Docker executor refuses
 * @param mounts the container's volumes (Docker only)
 * @param labels extra labels; the executor always adds {@code drover.job-id}, {@code
 *     drover.attempt}, {@code drover.node-id} and {@code drover.managed=true}, which win over these
 */
public record LaunchSpec(
    String jobId,
    int attempt,
    String nodeId,
    String image,
    List<String> command,
    Map<String, String> environment,
    Resources resources,
    String user,
    boolean readonlyRootFilesystem,
    boolean privileged,
    List<ContainerMount> mounts,
    Map<String, String> labels) {

  public LaunchSpec {
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(nodeId, "nodeId");
    command = command == null ? List.of() : List.copyOf(command);
    environment = environment == null ? Map.of() : Map.copyOf(environment);
    resources = resources == null ? Resources.ZERO : resources;
    mounts = mounts == null ? List.of() : List.copyOf(mounts);
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }
}
