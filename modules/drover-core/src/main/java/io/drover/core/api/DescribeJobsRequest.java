package io.drover.core.api;

import java.util.List;

/** AWS Batch {@code DescribeJobs} request. */
public record DescribeJobsRequest(List<String> jobs) {}
