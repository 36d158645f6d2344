package io.drover.core.api;

/**
 * AWS Batch {@code ArrayProperties} of a submission: the number of children, and Drover's
 * {@code maxConcurrentChildren}, how many of them may run at once (null: no limit).
 */
public record ArrayProperties(Integer size, Integer maxConcurrentChildren) {}
