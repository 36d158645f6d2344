package io.drover.core.api;

/** AWS Batch {@code TerminateJob} request. */
public record TerminateJobRequest(String jobId, String reason) {}
