package io.drover.core.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.drover.core.CborSerializable;
import io.drover.core.model.JobStatus;

/** AWS Batch's {@code JobSummary}, as ListJobs returns it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobSummary(
    String jobArn,
    String jobId,
    String jobName,
    Long createdAt,
    JobStatus status,
    String statusReason,
    Long startedAt,
    Long stoppedAt,
    ContainerSummary container,
    ArrayPropertiesSummary arrayProperties,
    String jobDefinition)
    implements CborSerializable {

  /** AWS Batch's {@code ArrayPropertiesSummary}: the array job's size, or the child's index. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ArrayPropertiesSummary(Integer size, Integer index) implements CborSerializable {}

  /** AWS Batch's {@code ContainerSummary}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ContainerSummary(Integer exitCode, String reason) implements CborSerializable {}
}
