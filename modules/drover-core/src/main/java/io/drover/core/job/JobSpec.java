package io.drover.core.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.drover.core.CborSerializable;
import io.drover.core.api.JobDependency;
import io.drover.core.definition.ContainerProperties;
import io.drover.core.definition.JobTimeout;
import io.drover.core.definition.RetryStrategy;
import io.drover.core.model.Resources;
import java.util.List;
import java.util.Map;

/**
 * A job as accepted: its definition resolved, overrides applied and parameters substituted, so it
 * no longer depends on the definition (which may change or be deregistered later).
 *
 * @param container the effective container: definition plus overrides, command after
 *     {@code Ref::} substitution
 * @param resources what one attempt needs on a host
 * @param retryStrategy effective retry strategy; null means one attempt
 * @param timeout effective attempt timeout; null means none
 * @param dependsOn the jobs this one waits for (empty when none)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobSpec(
    String jobId,
    String jobName,
    String jobQueue,
    String jobDefinitionArn,
    ContainerProperties container,
    Resources resources,
    Map<String, String> parameters,
    RetryStrategy retryStrategy,
    JobTimeout timeout,
    Map<String, String> tags,
    boolean propagateTags,
    int schedulingPriority,
    String shareIdentifier,
    List<String> platformCapabilities,
    List<JobDependency> dependsOn)
    implements CborSerializable {

  public JobSpec {
    dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
  }

  /** How many attempts this job may make in total (AWS's {@code retryStrategy.attempts}, default 1). */
  public int maxAttempts() {
    return retryStrategy == null || retryStrategy.attempts() == null ? 1 : retryStrategy.attempts();
  }

  /** The definition's name, taken from its ARN ({@code ...:job-definition/<name>:<revision>}). */
  public String jobDefinitionName() {
    String tail = jobDefinitionArn.substring(jobDefinitionArn.indexOf('/') + 1);
    return tail.substring(0, tail.lastIndexOf(':'));
  }
}
