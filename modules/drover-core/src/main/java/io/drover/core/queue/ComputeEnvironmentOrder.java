package io.drover.core.queue;

import io.drover.core.CborSerializable;

/** One entry of a queue's {@code computeEnvironmentOrder}: lower {@code order} is tried first. */
public record ComputeEnvironmentOrder(Integer order, String computeEnvironment) implements CborSerializable {}
