package io.drover.core.job;

import io.drover.core.definition.ContainerProperties;
import io.drover.core.job.JobDetail.AttemptContainerDetail;
import io.drover.core.job.JobDetail.AttemptDetail;
import io.drover.core.job.JobDetail.ContainerDetail;
import io.drover.core.job.JobSummary.ContainerSummary;
import io.drover.core.model.AwsIdentity;
import java.util.List;

/** Renders a {@link JobState} in AWS Batch's response shapes. */
public final class JobViews {

  private JobViews() {}

  public static JobDetail detail(JobState state, AwsIdentity identity) {
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
        spec.timeout(),
        spec.tags(),
        spec.propagateTags(),
        spec.platformCapabilities(),
        state.cancelled(),
        state.terminated());
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
