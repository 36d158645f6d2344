package io.drover.core.api;

import io.drover.core.model.JobStatus;
import java.util.List;

/** AWS Batch {@code ListJobs} request. */
public record ListJobsRequest(
    String jobQueue,
    String arrayJobId,
    String multiNodeJobId,
    JobStatus jobStatus,
    Integer maxResults,
    String nextToken,
    List<KeyValuesPair> filters) {}
