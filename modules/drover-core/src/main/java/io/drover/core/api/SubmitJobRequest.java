package io.drover.core.api;

import io.drover.core.definition.JobTimeout;
import io.drover.core.definition.RetryStrategy;
import java.util.List;
import java.util.Map;

/** AWS Batch {@code SubmitJob} request. */
public record SubmitJobRequest(
    String jobName,
    String jobQueue,
    String shareIdentifier,
    Integer schedulingPriorityOverride,
    ArrayProperties arrayProperties,
    List<JobDependency> dependsOn,
    String jobDefinition,
    Map<String, String> parameters,
    ContainerOverrides containerOverrides,
    RetryStrategy retryStrategy,
    Boolean propagateTags,
    JobTimeout timeout,
    Map<String, String> tags) {}
