package io.drover.core.job;

import io.drover.core.definition.ContainerProperties;
import io.drover.core.job.JobDetail.AttemptContainerDetail;
import io.drover.core.job.JobDetail.AttemptDetail;
import io.drover.core.job.JobDetail.ContainerDetail;
import io.drover.core.job.JobSummary.ContainerSummary;
import io.drover.core.model.AwsIdentity;
import io.drover.core.model.JobStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Renders a {@link JobState} in AWS Batch's response shapes. */
public final class JobViews {

  private JobViews() {}

  public static JobDetail detail(JobState state, AwsIdentity identity) {
    return detail(state, identity, Map.of());
  }

  /**
   * The job in AWS's {@code JobDetail} shape. For an array job, {@code liveChildren} counts its
   * unfinished children by status as they last reported it; finished ones come from its durable
   * state, and any it has not heard of are counted PENDING (not created yet) or RUNNABLE.
   */
  public static JobDetail detail(JobState state, AwsIdentity identity, Map<JobStatus, Integer> liveChildren) {
    JobSpec spec = state.spec();
    ContainerProperties c = spec.container();
    Attempt last = state.lastAttempt();
    List<AttemptDetail> attempts = state.attempts().stream()
        .filter(a -> a.stoppedAt() != null)
        .map(a -> new AttemptDetail(
            new AttemptContainerDetail(containerInstanceArn(a, identity), a.exitCode(), a.reason(), a.logStreamName()),
            a.startedAt(), a.stoppedAt(), a.statusReason()))
        .toList();
    ContainerDetail container = new ContainerDetail(
        c.image(),
        c.command(),
        c.jobRoleArn(),
        c.executionRoleArn(),
        c.environment(),
        c.readonlyRootFilesystem(),
        c.privileged(),
        c.user(),
        last == null ? null : last.exitCode(),
        last == null ? null : last.reason(),
        last == null ? null : containerInstanceArn(last, identity),
        last == null ? null : last.logStreamName(),
        c.resourceRequirements());
    return new JobDetail(
        identity.jobArn(spec.jobId()),
        spec.jobName(),
        spec.jobId(),
        identity.jobQueueArn(spec.jobQueue()),
        state.status(),
        spec.shareIdentifier(),
        spec.schedulingPriority(),
        attempts,
        state.statusReason(),
        state.createdAt(),
        spec.retryStrategy(),
        state.startedAt(),
        state.stoppedAt(),
        spec.dependsOn().isEmpty() ? null : spec.dependsOn(),
        spec.jobDefinitionArn(),
        spec.parameters(),
        container,
        arrayProperties(state, liveChildren),
        spec.timeout(),
        spec.tags(),
        spec.propagateTags(),
        spec.platformCapabilities(),
        state.cancelled(),
        state.terminated());
  }

  private static JobDetail.ArrayPropertiesDetail arrayProperties(JobState state, Map<JobStatus, Integer> liveChildren) {
    ArraySpec array = state.spec().array();
    if (array == null) {
      return null;
    }
    if (!array.isParent()) {
      return new JobDetail.ArrayPropertiesDetail(null, null, array.index());
    }
    ArrayProgress progress = state.array();
    Map<String, Integer> summary = new LinkedHashMap<>();
    for (JobStatus status : JobStatus.values()) {
      summary.put(status.name(), 0);
    }
    summary.put(JobStatus.SUCCEEDED.name(), progress.succeeded());
    summary.put(JobStatus.FAILED.name(), progress.failed());
    int unaccounted = progress.size() - progress.succeeded() - progress.failed();
    for (Map.Entry<JobStatus, Integer> live : liveChildren.entrySet()) {
      if (!live.getKey().isTerminal()) {
        int count = Math.min(live.getValue(), unaccounted);
        summary.merge(live.getKey().name(), count, Integer::sum);
        unaccounted -= count;
      }
    }
    summary.merge((progress.expanded() ? JobStatus.RUNNABLE : JobStatus.PENDING).name(), unaccounted, Integer::sum);
    return new JobDetail.ArrayPropertiesDetail(summary, progress.size(), null);
  }

  public static JobSummary summary(JobState state, AwsIdentity identity) {
    JobSpec spec = state.spec();
    Attempt last = state.lastAttempt();
    ContainerSummary container = last == null || (last.exitCode() == null && last.reason() == null)
        ? null
        : new ContainerSummary(last.exitCode(), last.reason());
    return new JobSummary(
        identity.jobArn(spec.jobId()),
        spec.jobId(),
        spec.jobName(),
        state.createdAt(),
        state.status(),
        state.statusReason(),
        state.startedAt(),
        state.stoppedAt(),
        container,
        spec.array() == null ? null : new JobSummary.ArrayPropertiesSummary(spec.array().size(), spec.array().index()),
        spec.jobDefinitionArn());
  }

  /**
   * AWS reports the host of an attempt as an ECS container-instance ARN; Drover's names the
   * compute environment and the agent.
   */
  static String containerInstanceArn(Attempt attempt, AwsIdentity identity) {
    Placement p = attempt.placement();
    return "arn:aws:ecs:" + identity.region() + ":" + identity.accountId() + ":container-instance/"
        + p.computeEnvironment() + "/" + p.agentId();
  }
}
