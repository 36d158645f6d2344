package io.drover.controller.lease;

import com.typesafe.config.Config;
import io.drover.controller.lease.LeaseStore.NodeRow;
import java.time.Duration;

/**
 * When a controller's lease ({@link NodeLease}) is valid, to the controller itself and to the others. The holder
 * renews every {@code heartbeatInterval}; a renewal sent at time t lets others take over at
 * {@code t + heartbeatTimeout} on the holder's clock, plus {@code maxClockSkew} on their own. The
 * holder stops using it one heartbeat earlier, {@code t + heartbeatTimeout - heartbeatInterval} on
 * its monotonic clock, which leaves its shards and singletons that heartbeat to stop.
 */
public record LeaseTiming(
    Duration heartbeatInterval, Duration heartbeatTimeout, Duration operationTimeout, Duration maxClockSkew) {

  public LeaseTiming {
    if (heartbeatTimeout.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
      throw new IllegalArgumentException("drover.controller.lease.heartbeat-timeout (" + heartbeatTimeout
          + ") must be at least twice heartbeat-interval (" + heartbeatInterval + "): a controller stops using its "
          + "lease one heartbeat before the others may take it, and needs at least one renewal in between");
    }
    if (operationTimeout.compareTo(heartbeatTimeout) >= 0) {
      throw new IllegalArgumentException("drover.controller.lease.lease-operation-timeout (" + operationTimeout
          + ") must be shorter than heartbeat-timeout (" + heartbeatTimeout + ")");
    }
  }

  /** The {@code drover.controller.lease} block. */
  public static LeaseTiming from(Config lease) {
    return new LeaseTiming(lease.getDuration("heartbeat-interval"), lease.getDuration("heartbeat-timeout"),
        lease.getDuration("lease-operation-timeout"), lease.getDuration("max-clock-skew"));
  }

  /** The {@code expires_at} a renewal sent at {@code sentAtMillis} (wall clock) writes. */
  long expiresAt(long sentAtMillis) {
    return sentAtMillis + heartbeatTimeout.toMillis();
  }

  /** Until when ({@link System#nanoTime}) the holder may act on a renewal sent at {@code sentAtNanos}. */
  long validUntil(long sentAtNanos) {
    return sentAtNanos + heartbeatTimeout.minus(heartbeatInterval).toNanos();
  }

  /**
   * The longest renewals may keep taking: the next one starts a heartbeat after the last completes,
   * and must complete before the validity that one gave runs out.
   */
  Duration slowestSteadyRenewal() {
    return heartbeatTimeout.minus(heartbeatInterval.multipliedBy(2)).dividedBy(2);
  }

  /** Whether another process may take over this node row at {@code nowMillis} (its wall clock). */
  boolean expired(NodeRow row, long nowMillis) {
    return expiresForOthersAt(row) < nowMillis;
  }

  /** When (wall clock, milliseconds) another process may take over this node row. */
  long expiresForOthersAt(NodeRow row) {
    return row.expiresAt() + maxClockSkew.toMillis();
  }
}
