package io.drover.protocol;

import io.drover.core.CborSerializable;
import io.drover.core.definition.ContainerMount;
import io.drover.core.model.Resources;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;

/** What controllers ask of a node agent. */
public final class AgentProtocol {

  public interface AgentCommand extends CborSerializable {}

  /**
   * Run one attempt. Idempotent: an agent that already has this attempt only acknowledges again.
   * From then on it reports to the job with {@link JobProtocol.AttemptStarted} and
   * {@link JobProtocol.AttemptExited}.
   */
  public record LaunchAttempt(AttemptLaunch launch, ActorRef<LaunchAccepted> replyTo) implements AgentCommand {}

  public record LaunchAccepted(String jobId, int attempt) implements CborSerializable {}

  /** Stop an attempt (TerminateJob, timeout): SIGTERM, then SIGKILL after the grace period. */
  public record StopAttempt(String jobId, int attempt, String reason, int graceSeconds) implements AgentCommand {}

  /**
   * Everything an agent needs to run an attempt, resolved by the controller. {@code mounts} are
   * the container's ({@code ContainerRules.mounts}); empty when a controller that predates them
   * sent the launch.
   */
  public record AttemptLaunch(
      String jobId,
      int attempt,
      String jobName,
      String jobQueue,
      String shareIdentifier,
      String computeEnvironment,
      String image,
      List<String> command,
      Map<String, String> environment,
      Resources resources,
      String user,
      boolean readonlyRootFilesystem,
      boolean privileged,
      List<ContainerMount> mounts)
      implements CborSerializable {

    public AttemptLaunch {
      mounts = mounts == null ? List.of() : List.copyOf(mounts);
    }

    /** A launch without mounts. */
    public AttemptLaunch(String jobId, int attempt, String jobName, String jobQueue, String shareIdentifier,
        String computeEnvironment, String image, List<String> command, Map<String, String> environment,
        Resources resources, String user, boolean readonlyRootFilesystem, boolean privileged) {
      this(jobId, attempt, jobName, jobQueue, shareIdentifier, computeEnvironment, image, command, environment,
          resources, user, readonlyRootFilesystem, privileged, List.of());
    }
  }

  private AgentProtocol() {}
}
