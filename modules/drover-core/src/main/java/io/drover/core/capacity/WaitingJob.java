package io.drover.core.capacity;

import io.drover.core.model.Resources;

/**
 * A job waiting for the compute environment that no existing host could take (including the jobs
 * of a reclaimed Spot instance, which wait again).
 */
public record WaitingJob(String jobId, Resources resources) {}
