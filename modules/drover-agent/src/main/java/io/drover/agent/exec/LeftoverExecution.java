package io.drover.agent.exec;

/**
 * An execution started by an earlier incarnation of the agent and still present on the host.
 *
 * @param id the container id
 * @param jobId the job it ran, from its {@code drover.job-id} label
 * @param attempt the attempt number from its {@code drover.attempt} label, or -1 if the label is
 *     missing or not a number
 * @param running whether it is still running (otherwise it has exited but was not removed)
 */
public record LeftoverExecution(String id, String jobId, int attempt, boolean running) {}
