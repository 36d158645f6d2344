package io.drover.core.scheduling;

/** A decision to start {@code job} on agent {@code agentId} of {@code computeEnvironment}. */
public record Assignment(JobTicket job, String computeEnvironment, String agentId) {}
