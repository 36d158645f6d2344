package io.drover.controller.lease;

import io.drover.controller.lease.LeaseStore.NodeRow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Cancellable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downs a controller as soon as it is unreachable and its lease has expired, instead of after the
 * split brain resolver's {@code stable-after}.
 *
 * <p>The resolver waits for membership to be stable because it cannot tell a crashed controller
 * from one that is cut off and still running. The lease can: a controller whose row has expired
 * has stopped renewing it, has stopped every shard and singleton it ran (it does one heartbeat
 * before the row expires), and takes the lease back only when it sees every member reachable,
 * which an unreachable controller does not. Downing it is then what the resolver would decide
 * after {@code stable-after}, decided sooner: only the controllers' leader on the side the
 * resolver keeps (its keep-majority rule, {@link DowningView}) acts, so the other side never downs
 * this one. A row that is still renewed, or none at all (a controller of a release without
 * leases), is left to the resolver. Whatever is downed, the fence stays in {@link NodeLease}:
 * nothing it ran starts elsewhere while its row is valid.
 */
public final class LeaseDowning {

  private static final Logger log = LoggerFactory.getLogger(LeaseDowning.class);
  /** Checked again this long after an unreachable controller's row is due to expire. */
  private static final Duration AFTER_EXPIRY = Duration.ofMillis(20);
  /** How often this node's view of the cluster (in memory) is looked at while all are reachable. */
  private static final Duration VIEW_INTERVAL = Duration.ofMillis(100);

  private final ActorSystem system;
  private final NodeLease lease;
  private final DowningView view;
  private final Duration stableAfter;

  // Guarded by this.
  private boolean stopped;
  private Cancellable next;

  /**
   * Downing on behalf of the controller that holds {@code lease}; {@code stableAfter} is the
   * resolver's, for the log.
   */
  public LeaseDowning(ActorSystem system, NodeLease lease, DowningView view, Duration stableAfter) {
    this.system = system;
    this.lease = lease;
    this.view = view;
    this.stableAfter = stableAfter;
  }

  /**
   * Looks for unreachable controllers every 100 ms; while there are, reads their rows every
   * heartbeat, and as soon as one is due to expire.
   */
  public void start() {
    schedule(Duration.ZERO);
  }

  public synchronized void stop() {
    stopped = true;
    if (next != null) {
      next.cancel();
    }
  }

  private void check() {
    Set<String> unreachable = view.unreachableControllersToDecide();
    if (unreachable.isEmpty()) {
      schedule(VIEW_INTERVAL);
      return;
    }
    lease.store()
        .thenCompose(store -> store.readNodes().thenCompose(rows -> downExpired(store, rows, unreachable)))
        .whenComplete((untilNext, error) -> {
          if (error != null) {
            log.debug("Controller {} could not read the leases of unreachable controllers {}: {}", lease.owner(),
                unreachable, error.getMessage());
          }
          schedule(error == null ? untilNext : lease.timing().heartbeatInterval());
        });
  }

  /** Downs each unreachable controller whose row has expired; how long until the next row is due. */
  private CompletionStage<Duration> downExpired(LeaseStore store, List<NodeRow> rows, Set<String> unreachable) {
    LeaseTiming timing = lease.timing();
    long now = System.currentTimeMillis();
    Duration untilNext = timing.heartbeatInterval();
    List<NodeRow> expired = new ArrayList<>();
    for (NodeRow row : rows) {
      if (!unreachable.contains(row.owner())) {
        continue;
      }
      if (timing.expired(row, now)) {
        expired.add(row);
      } else {
        Duration due = Duration.ofMillis(timing.expiresForOthersAt(row) - now).plus(AFTER_EXPIRY);
        untilNext = due.compareTo(untilNext) < 0 ? due : untilNext;
      }
    }
    Duration result = untilNext;
    return store.confirm(expired).thenApply(confirmed -> {
      long later = System.currentTimeMillis();
      confirmed.stream().filter(row -> timing.expired(row, later)).forEach(this::down);
      return result;
    });
  }

  private void down(NodeRow row) {
    if (view.down(row.owner())) {
      log.warn("Controller {} is unreachable and its lease expired at {}: it stopped its shards and singletons before "
          + "then. Downing it now rather than after the split brain resolver's stable-after ({}), so that they start "
          + "on the other controllers. If it is still running it shuts down once it reconnects; start it again to "
          + "rejoin", row.owner(), Instant.ofEpochMilli(row.expiresAt()), stableAfter);
    }
  }

  /** The next check in {@code delay}, unless stopped; called from the scheduler's and the driver's threads. */
  private synchronized void schedule(Duration delay) {
    if (!stopped) {
      next = system.scheduler().scheduleOnce(delay, this::check, system.dispatcher());
    }
  }
}
