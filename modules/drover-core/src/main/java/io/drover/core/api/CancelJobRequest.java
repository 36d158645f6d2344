package io.drover.core.api;

/** AWS Batch {@code CancelJob} request. */
public record CancelJobRequest(String jobId, String reason) {}
