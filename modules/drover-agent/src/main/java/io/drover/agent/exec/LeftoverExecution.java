package io.drover.agent.exec;

import io.drover.core.model.Resources;

/**
 * An execution started by an earlier incarnation of the agent and still present on the host, as
 * its labels describe it.
 *
 * @param id the container id
 * @param jobId the job it ran, from its {@code drover.job-id} label
 * @param attempt the attempt number from its {@code drover.attempt} label; not positive if the
 *     label is missing or not a number
 * @param running whether it is still running (otherwise it has exited but was not removed)
 * @param jobQueue the job's queue, from {@code drover.job-queue}
 * @param computeEnvironment the compute environment it was placed in, from {@code drover.compute-environment}
 * @param shareIdentifier the job's fair-share identifier, from {@code drover.share-identifier}; null outside fair share
 * @param resources what it reserves, from {@code drover.vcpu-millis}, {@code drover.memory-mib} and {@code drover.gpus}
 */
public record LeftoverExecution(
    String id,
    String jobId,
    int attempt,
    boolean running,
    String jobQueue,
    String computeEnvironment,
    String shareIdentifier,
    Resources resources) {

  /** Whether the labels name the attempt well enough for a restarted agent to claim it. */
  public boolean identified() {
    return jobId != null && !jobId.isBlank() && attempt > 0 && jobQueue != null;
  }
}
