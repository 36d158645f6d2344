package io.drover.core.scheduling;

/** A compute environment as one scheduling pass sees it. */
public record ComputeEnvironmentView(String name, boolean enabled) {}
