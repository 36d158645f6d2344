package io.drover.core.definition;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.drover.core.CborSerializable;
import java.util.List;
import java.util.Map;

/** One revision of a job definition, in AWS Batch's {@code JobDefinition} shape. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobDefinition(
    String jobDefinitionName,
    String jobDefinitionArn,
    int revision,
    String status,
    String type,
    Integer schedulingPriority,
    Map<String, String> parameters,
    RetryStrategy retryStrategy,
    ContainerProperties containerProperties,
    JobTimeout timeout,
    Map<String, String> tags,
    Boolean propagateTags,
    List<String> platformCapabilities,
    String containerOrchestrationType)
    implements CborSerializable {

  public static final String ACTIVE = "ACTIVE";
  public static final String INACTIVE = "INACTIVE";

  public boolean active() {
    return ACTIVE.equals(status);
  }

  public JobDefinition deregistered() {
    return new JobDefinition(jobDefinitionName, jobDefinitionArn, revision, INACTIVE, type, schedulingPriority,
        parameters, retryStrategy, containerProperties, timeout, tags, propagateTags, platformCapabilities,
        containerOrchestrationType);
  }
}
