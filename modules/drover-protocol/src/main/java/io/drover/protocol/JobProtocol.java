package io.drover.protocol;

import io.drover.core.CborSerializable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * The part of the job entity's protocol that agents use: they report what happened to the
 * attempts they run. Reports are retried until acknowledged, and a job ignores (but acknowledges)
 * reports about attempts that are not its current one, so delivery is at least once and
 * idempotent. Agents send them through a controller's job gateway ({@link JobRoutes}).
 */
public final class JobProtocol {

  /** Every message a job entity accepts; the controller adds its own. */
  public interface JobCommand extends CborSerializable {
    String jobId();
  }

  /** Sharded job entities, one per job id. */
  public static final EntityTypeKey<JobCommand> JOB = EntityTypeKey.create(JobCommand.class, "Job");

  /** Every controller's job gateway, under which {@link #gateway()} registers. */
  public static final ServiceKey<JobCommand> GATEWAY = ServiceKey.create(JobCommand.class, "drover-job-gateway");

  /**
   * A controller's job gateway: it passes each message on to its job through this controller's
   * shard region, so that nodes without the controller role reach jobs without a sharding proxy
   * of their own (see {@link JobRoutes}).
   */
  public static Behavior<JobCommand> gateway() {
    return Behaviors.setup(ctx -> {
      ctx.getSystem().receptionist().tell(Receptionist.register(GATEWAY, ctx.getSelf()));
      ClusterSharding sharding = ClusterSharding.get(ctx.getSystem());
      return Behaviors.receiveMessage(command -> {
        sharding.entityRefFor(JOB, command.jobId()).tell(command);
        return Behaviors.same();
      });
    });
  }

  /**
   * A sharding proxy for jobs, registered with the job shards' coordinator: what nodes without the
   * controller role used before controllers had gateways, and still use while none offers one.
   */
  static void initProxy(ActorSystem<?> system) {
    ClusterSharding.get(system).init(Entity.of(JOB, ctx -> Behaviors.<JobCommand>stopped()).withRole(Roles.CONTROLLER));
  }

  /** The attempt's container (or process) is running. */
  public record AttemptStarted(String jobId, int attempt, String agentId, long at, ActorRef<AttemptReportAck> replyTo)
      implements JobCommand {}

  /**
   * The attempt is over on its host: it exited, or never started.
   *
   * @param exitCode null when the container never ran
   * @param reason the container-level reason, e.g. {@code CannotPullContainerError: ...}
   * @param statusReason the attempt-level reason, e.g. {@code Essential container in task exited}
   * @param hostReclaimed the agent stopped it (or never started it) because its Spot host is being
   *     reclaimed
   * @param startedAt when it started, null when it never did (and from agents older than this
   *     field): a job that never got the {@link AttemptStarted}, because the controller it went to
   *     died, still records when the attempt ran
   */
  public record AttemptExited(
      String jobId,
      int attempt,
      String agentId,
      Integer exitCode,
      String reason,
      String statusReason,
      long at,
      ActorRef<AttemptReportAck> replyTo,
      boolean hostReclaimed,
      Long startedAt)
      implements JobCommand {

    /** An attempt that ended for any reason but a Spot reclaim, its start unknown. */
    public AttemptExited(String jobId, int attempt, String agentId, Integer exitCode, String reason, String statusReason,
        long at, ActorRef<AttemptReportAck> replyTo) {
      this(jobId, attempt, agentId, exitCode, reason, statusReason, at, replyTo, false, null);
    }
  }

  public record AttemptReportAck(String jobId, int attempt) implements CborSerializable {}

  /**
   * From an agent that restarted and found the attempt's container still on its host: may it carry
   * on through this new incarnation? Resent until answered.
   *
   * @param agent the new incarnation's agent actor
   */
  public record ReattachAttempt(
      String jobId, int attempt, String agentId, ActorRef<AgentProtocol.AgentCommand> agent, ActorRef<ReattachAnswer> replyTo)
      implements JobCommand {}

  /**
   * @param adopted true: the attempt is still the job's current one and now belongs to the new
   *     incarnation; false: it is over for the job (ended as lost, terminated, or retried
   *     elsewhere), so the container must be stopped
   */
  public record ReattachAnswer(String jobId, int attempt, boolean adopted) implements CborSerializable {}

  private JobProtocol() {}
}
