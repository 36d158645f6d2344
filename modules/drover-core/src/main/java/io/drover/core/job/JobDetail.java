package io.drover.core.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.drover.core.CborSerializable;
import io.drover.core.api.JobDependency;
import io.drover.core.definition.JobTimeout;
import io.drover.core.definition.RetryStrategy;
import io.drover.core.model.JobStatus;
import io.drover.core.model.KeyValuePair;
import io.drover.core.model.ResourceRequirement;
import java.util.List;
import java.util.Map;

/** AWS Batch's {@code JobDetail}, as DescribeJobs returns it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobDetail(
    String jobArn,
    String jobName,
    String jobId,
    String jobQueue,
    JobStatus status,
    String shareIdentifier,
    Integer schedulingPriority,
    List<AttemptDetail> attempts,
    String statusReason,
    Long createdAt,
    RetryStrategy retryStrategy,
    Long startedAt,
    Long stoppedAt,
    List<JobDependency> dependsOn,
    String jobDefinition,
    Map<String, String> parameters,
    ContainerDetail container,
    ArrayPropertiesDetail arrayProperties,
    JobTimeout timeout,
    Map<String, String> tags,
    Boolean propagateTags,
    List<String> platformCapabilities,
    @JsonProperty("isCancelled") Boolean isCancelled,
    @JsonProperty("isTerminated") Boolean isTerminated)
    implements CborSerializable {

  public JobDetail withStatusReason(String reason) {
    return new JobDetail(jobArn, jobName, jobId, jobQueue, status, shareIdentifier, schedulingPriority, attempts, reason,
        createdAt, retryStrategy, startedAt, stoppedAt, dependsOn, jobDefinition, parameters, container, arrayProperties,
        timeout, tags, propagateTags, platformCapabilities, isCancelled, isTerminated);
  }

  /**
   * AWS Batch's {@code ArrayPropertiesDetail}: for an array job its {@code size} and how many of its
   * children are in each status; for a child its {@code index}.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ArrayPropertiesDetail(Map<String, Integer> statusSummary, Integer size, Integer index)
      implements CborSerializable {}

  /** AWS Batch's {@code ContainerDetail}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ContainerDetail(
      String image,
      List<String> command,
      String jobRoleArn,
      String executionRoleArn,
      List<KeyValuePair> environment,
      Boolean readonlyRootFilesystem,
      Boolean privileged,
      String user,
      Integer exitCode,
      String reason,
      String containerInstanceArn,
      String logStreamName,
      List<ResourceRequirement> resourceRequirements)
      implements CborSerializable {}

  /** AWS Batch's {@code AttemptDetail}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record AttemptDetail(AttemptContainerDetail container, Long startedAt, Long stoppedAt, String statusReason)
      implements CborSerializable {}

  /** AWS Batch's {@code AttemptContainerDetail}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record AttemptContainerDetail(
      String containerInstanceArn, Integer exitCode, String reason, String logStreamName)
      implements CborSerializable {}
}
