package io.drover.controller.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.drover.core.compute.ComputeEnvironment;
import io.drover.core.definition.JobDefinition;
import io.drover.core.job.JobDetail;
import io.drover.core.job.JobSummary;
import io.drover.core.policy.SchedulingPolicy;
import io.drover.core.queue.JobQueue;
import java.util.List;

/** AWS Batch response shapes that are not domain objects themselves. */
final class Responses {

  private Responses() {}

  record ComputeEnvironmentNameArn(String computeEnvironmentName, String computeEnvironmentArn) {}

  record JobQueueNameArn(String jobQueueName, String jobQueueArn) {}

  record JobDefinitionRegistered(String jobDefinitionName, String jobDefinitionArn, int revision) {}

  record JobSubmitted(String jobArn, String jobName, String jobId) {}

  record Empty() {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record ComputeEnvironments(List<ComputeEnvironment> computeEnvironments, String nextToken) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record JobQueues(List<JobQueue> jobQueues, String nextToken) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record JobDefinitions(List<JobDefinition> jobDefinitions, String nextToken) {}

  record Jobs(List<JobDetail> jobs) {}

  record SchedulingPolicyNameArn(String name, String arn) {}

  record SchedulingPolicies(List<SchedulingPolicy> schedulingPolicies) {}

  /** AWS's {@code SchedulingPolicyListingDetail}: ListSchedulingPolicies names each policy by ARN only. */
  record SchedulingPolicyListingDetail(String arn) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record SchedulingPolicyListing(List<SchedulingPolicyListingDetail> schedulingPolicies, String nextToken) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record JobSummaries(List<JobSummary> jobSummaryList, String nextToken) {}

  /** AWS's error body. */
  record Error(String __type, String message) {}
}
