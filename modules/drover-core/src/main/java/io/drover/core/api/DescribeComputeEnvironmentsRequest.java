package io.drover.core.api;

import java.util.List;

/** AWS Batch {@code DescribeComputeEnvironments} request. */
public record DescribeComputeEnvironmentsRequest(List<String> computeEnvironments, Integer maxResults, String nextToken) {}
