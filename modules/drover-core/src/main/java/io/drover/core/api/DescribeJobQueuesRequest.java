package io.drover.core.api;

import java.util.List;

/** AWS Batch {@code DescribeJobQueues} request. */
public record DescribeJobQueuesRequest(List<String> jobQueues, Integer maxResults, String nextToken) {}
