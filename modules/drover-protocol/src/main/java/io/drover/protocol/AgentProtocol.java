package io.drover.protocol;

import io.drover.core.CborSerializable;
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

  /** Everything an agent needs to run an attempt, resolved by the controller. */
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
      boolean privileged)
      implements CborSerializable {}

  private AgentProtocol() {}
}
