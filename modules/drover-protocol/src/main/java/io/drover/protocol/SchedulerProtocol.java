package io.drover.protocol;

import io.drover.core.CborSerializable;
import io.drover.core.model.Resources;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/** How agents make themselves known to the scheduler. */
public final class SchedulerProtocol {

  public interface SchedulerCommand extends CborSerializable {}

  /** The scheduler registers under this key; agents find it through the receptionist. */
  public static final ServiceKey<SchedulerCommand> SERVICE_KEY = ServiceKey.create(SchedulerCommand.class, "drover-scheduler");

  /**
   * An agent's full status: sent when it starts, whenever an attempt starts or ends (changes that
   * come within the agent's {@code status-min-interval} of its last status go out together), and
   * as a heartbeat. The scheduler derives every host's free capacity from these.
   *
   * @param running the attempts holding resources on the host now
   * @param recentlyEnded attempts whose end their job has not acknowledged yet, then those that
   *     ended in the last three heartbeat intervals, newest first: a placement the scheduler still
   *     counts as in flight is released even when it ended between two statuses or a status was
   *     lost, and a job whose end is still on its way is not taken for one that lost its host
   */
  public record AgentStatus(
      AgentInfo info,
      ActorRef<AgentProtocol.AgentCommand> agent,
      List<HostedAttempt> running,
      List<HostedAttempt> recentlyEnded)
      implements SchedulerCommand {}

  /**
   * @param agentId stable id of the host's agent (defaults to the host name)
   * @param instanceId EC2 instance id when the host is one, else null
   * @param schedulable false while draining: no new placements
   * @param spotNotice the Spot interruption notice or rebalance recommendation this host got, or null
   * @param instanceType the host's EC2 instance type, or null when unknown
   * @param hourlyPrice what the host costs, USD per hour, or null when unknown
   * @param onDemandHourlyPrice what the same host costs On-Demand, USD per hour, or null when unknown
   */
  public record AgentInfo(
      String agentId,
      String host,
      String instanceId,
      String computeEnvironment,
      Resources capacity,
      String executor,
      boolean schedulable,
      boolean spot,
      SpotNotice spotNotice,
      String instanceType,
      Double hourlyPrice,
      Double onDemandHourlyPrice)
      implements CborSerializable {

    /** The same host, taking no new placements. */
    public AgentInfo draining() {
      return new AgentInfo(agentId, host, instanceId, computeEnvironment, capacity, executor, false, spot, spotNotice,
          instanceType, hourlyPrice, onDemandHourlyPrice);
    }

    /** The same host, draining because EC2 sent {@code notice}. */
    public AgentInfo noticed(SpotNotice notice) {
      return new AgentInfo(agentId, host, instanceId, computeEnvironment, capacity, executor, false, spot, notice,
          instanceType, hourlyPrice, onDemandHourlyPrice);
    }

    /** The same host at a new hourly price (a refreshed Spot price). */
    public AgentInfo priced(Double newHourlyPrice) {
      return new AgentInfo(agentId, host, instanceId, computeEnvironment, capacity, executor, schedulable, spot, spotNotice,
          instanceType, newHourlyPrice, onDemandHourlyPrice);
    }

    /**
     * Whether this host's attempts keep running when its agent process stops, for a restarted agent
     * to re-attach to: Docker containers do; the process executor's children do not.
     */
    public boolean attemptsOutliveAgent() {
      return "docker".equals(executor);
    }
  }

  /**
   * What the instance metadata service told a Spot host.
   *
   * @param kind {@link #INTERRUPTION} (EC2 will stop or terminate the instance at {@code actionAt})
   *     or {@link #REBALANCE} (the instance is at elevated risk of interruption)
   * @param noticedAt when the agent saw it
   * @param actionAt for an interruption, when EC2 acts (epoch milliseconds); null for a rebalance
   */
  public record SpotNotice(String kind, long noticedAt, Long actionAt) implements CborSerializable {
    public static final String INTERRUPTION = "INTERRUPTION";
    public static final String REBALANCE = "REBALANCE";

    public boolean interruption() {
      return INTERRUPTION.equals(kind);
    }
  }

  /**
   * An attempt an agent holds or held, with the resources it reserves and the queue and share
   * (null outside fair-share queues) those count against.
   */
  public record HostedAttempt(String jobId, int attempt, Resources resources, String jobQueue, String shareIdentifier)
      implements CborSerializable {}

  private SchedulerProtocol() {}
}
