package io.drover.core.api;

import java.util.List;

/** AWS Batch {@code DescribeJobDefinitions} request. */
public record DescribeJobDefinitionsRequest(
    List<String> jobDefinitions, Integer maxResults, String jobDefinitionName, String status, String nextToken) {}
