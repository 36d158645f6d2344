package io.drover.core.api;

/** AWS Batch {@code ListSchedulingPolicies} request. */
public record ListSchedulingPoliciesRequest(Integer maxResults, String nextToken) {}
