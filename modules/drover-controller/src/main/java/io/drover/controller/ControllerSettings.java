package io.drover.controller;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import io.drover.core.model.AwsIdentity;
import java.time.Duration;

/** The {@code drover.controller} and {@code drover.aws} settings (see reference.conf). */
public record ControllerSettings(
    AwsIdentity identity,
    String httpInterface,
    int httpPort,
    Duration askTimeout,
    int jobTags,
    Duration jobIdleTimeout,
    int warmRunnableJobs,
    Duration launchRetryInterval,
    Duration stopRetryInterval,
    Duration dependencyRetryInterval,
    int stopGraceSeconds,
    Duration reattachWindow,
    boolean spotInterruptionSpendsAttempt,
    int queueHeadSize,
    Duration queueOfferInterval,
    Duration schedulerPassDelay,
    Duration schedulerStatsInterval,
    Duration schedulerBusyPassInterval,
    Duration agentHeartbeatTimeout,
    Duration placementTimeout,
    Duration reconcileGrace,
    Duration reconcileInterval,
    Duration reconcilePendingInterval,
    String readSideKeyspace,
    boolean createSchema,
    int readSideReplicationFactor,
    Duration readSideRetention,
    int webhookAttempts,
    Duration webhookBackoff,
    Duration reservationAfter,
    int maxUnansweredPlacements) {

  public static ControllerSettings from(Config root) {
    Config c = root.getConfig("drover.controller");
    Config aws = root.getConfig("drover.aws");
    return new ControllerSettings(
        new AwsIdentity(aws.getString("region"), aws.getString("account-id")),
        c.getString("http.interface"),
        c.getInt("http.port"),
        c.getDuration("ask-timeout"),
        c.getInt("read-side.job-tags"),
        c.getDuration("job.idle-timeout"),
        warmRunnableJobs(c, Runtime.getRuntime().maxMemory()),
        c.getDuration("job.launch-retry-interval"),
        c.getDuration("job.stop-retry-interval"),
        c.getDuration("job.dependency-retry-interval"),
        c.getInt("job.stop-grace-seconds"),
        c.getDuration("job.reattach-window"),
        c.getBoolean("job.spot-interruption-spends-attempt"),
        c.getInt("queue.head-size"),
        c.getDuration("queue.offer-interval"),
        c.getDuration("scheduler.pass-delay"),
        c.getDuration("scheduler.stats-interval"),
        c.getDuration("scheduler.busy-pass-interval"),
        c.getDuration("scheduler.agent-heartbeat-timeout"),
        c.getDuration("scheduler.placement-timeout"),
        c.getDuration("scheduler.reconcile-grace"),
        c.getDuration("scheduler.reconcile-interval"),
        c.getDuration("scheduler.reconcile-pending-interval"),
        c.getString("read-side.keyspace"),
        root.getBoolean("drover.cassandra.create-schema"),
        c.getInt("read-side.replication-factor"),
        c.getDuration("read-side.retention"),
        c.getInt("events.webhook-attempts"),
        c.getDuration("events.webhook-backoff"),
        c.getDuration("scheduler.reservation-after"),
        c.getInt("scheduler.max-unanswered-placements"));
  }

  /**
   * The heap one waiting job takes while in memory: its entity and state, its queue's ticket and the
   * read side's copy of its state (measured: about 6 KB a job with 40,000 RUNNABLE jobs held).
   */
  static final long WARM_JOB_BYTES = 6 * 1024;

  /**
   * {@code job.warm-runnable-jobs}: a number, or {@code auto} for as many as fill an eighth of the
   * heap at {@link #WARM_JOB_BYTES} each, so that a controller given more memory keeps more of a
   * long queue ready to place. (A quarter of a 1 GiB heap, 43,690 jobs, left G1 too little room
   * under load: it fell behind and collected the whole heap, a 1 s pause.)
   */
  static int warmRunnableJobs(Config c, long maxHeapBytes) {
    String path = "job.warm-runnable-jobs";
    ConfigValue value = c.getValue(path);
    if ("auto".equals(value.unwrapped())) {
      return (int) Math.min(Integer.MAX_VALUE, maxHeapBytes / 8 / WARM_JOB_BYTES);
    }
    try {
      int limit = c.getInt(path);
      if (limit >= 0) {
        return limit;
      }
    } catch (ConfigException.WrongType notANumber) {
      // refused below, with what the setting accepts
    }
    throw new ConfigException.BadValue(value.origin(), "drover.controller." + path,
        "must be auto or a number of jobs (0 or more), not " + value.unwrapped());
  }

  /** The tag a job's events carry, spreading jobs over {@link #jobTags} projection instances. */
  public String jobTag(String jobId) {
    return "job-" + Math.floorMod(jobId.hashCode(), jobTags);
  }
}
