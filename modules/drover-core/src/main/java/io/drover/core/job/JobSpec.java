package io.drover.core.job;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.drover.core.CborSerializable;
import io.drover.core.api.JobDependency;
import io.drover.core.definition.ContainerProperties;
import io.drover.core.definition.JobTimeout;
import io.drover.core.definition.RetryStrategy;
import io.drover.core.model.Resources;
import java.util.ArrayList;
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
 * @param shareIdentifier the job's share in a fair-share queue; null in a first-in, first-out queue
 * @param dependsOn the jobs this one waits for (empty when none); on an array job, N_TO_N and
 *     SEQUENTIAL entries say what its children wait for
 * @param array the job's place in an array job; null for a job that is not part of one
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
    List<JobDependency> dependsOn,
    ArraySpec array)
    implements CborSerializable {

  public static final String N_TO_N = "N_TO_N";
  public static final String SEQUENTIAL = "SEQUENTIAL";

  public JobSpec {
    dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
  }

  @JsonIgnore
  public boolean isArrayParent() {
    return array != null && array.isParent();
  }

  /** The jobs this job itself waits for: plain dependencies (N_TO_N and SEQUENTIAL bind its children). */
  public List<String> parents() {
    return dependsOn.stream().filter(d -> d.type() == null).map(JobDependency::jobId).distinct().toList();
  }

  /**
   * Child {@code index} of this array job: the same job, with its own id, the array's
   * {@code maxConcurrentChildren}, and the dependencies AWS gives children: child {@code i} of each
   * N_TO_N array, and for SEQUENTIAL the previous child.
   */
  public JobSpec child(int index) {
    List<JobDependency> childDependencies = new ArrayList<>();
    for (JobDependency dependency : dependsOn) {
      if (N_TO_N.equals(dependency.type())) {
        childDependencies.add(new JobDependency(ArraySpec.childId(dependency.jobId(), index), null));
      } else if (SEQUENTIAL.equals(dependency.type()) && index > 0) {
        childDependencies.add(new JobDependency(ArraySpec.childId(jobId, index - 1), null));
      }
    }
    return new JobSpec(ArraySpec.childId(jobId, index), jobName, jobQueue, jobDefinitionArn, container, resources,
        parameters, retryStrategy, timeout, tags, propagateTags, schedulingPriority, shareIdentifier,
        platformCapabilities, childDependencies, ArraySpec.child(jobId, index, array.maxConcurrentChildren()));
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
