package io.drover.core.api;

/** AWS Batch {@code ArrayProperties} of a submission: the number of children. */
public record ArrayProperties(Integer size) {}
