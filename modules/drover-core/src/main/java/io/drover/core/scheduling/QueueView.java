package io.drover.core.scheduling;

import java.util.List;

/**
 * A job queue as one scheduling pass sees it.
 *
 * @param computeEnvironments names, in the queue's compute environment order
 * @param jobs its RUNNABLE jobs, in the order the queue wants them started
 */
public record QueueView(String name, int priority, boolean enabled, List<String> computeEnvironments, List<JobTicket> jobs) {}
