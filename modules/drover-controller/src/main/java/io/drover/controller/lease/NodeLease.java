package io.drover.controller.lease;

import com.datastax.oss.driver.api.core.CqlSession;
import com.typesafe.config.Config;
import io.drover.controller.ControllerSettings;
import io.drover.controller.lease.LeaseStore.NodeRow;
import io.drover.protocol.Roles;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorIdentity;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.Identify;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.sharding.ClusterSharding;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This controller's lease: its row in {@code lease_nodes}, renewed every heartbeat, on which
 * every shard and singleton it runs depends ({@link CassandraLease}).
 *
 * <p>A controller may start a shard or singleton only while its own row is valid and no
 * controller that its cluster has downed or removed still holds a valid row. So when a controller
 * is downed, the others start its shards and singletons once it has stopped them: it deletes its
 * row when it shuts down, and one that is cut off but still running stops them when it can no
 * longer renew, one heartbeat before its row expires. That is what lets the removal margin be
 * short: after a crash the row has expired by the time the split brain resolver downs the
 * controller. A controller whose row lapsed takes it back only when it is Up and sees every member
 * reachable, so one that was downed while cut off never starts anything again.
 */
public final class NodeLease implements Extension {

  private static final Logger log = LoggerFactory.getLogger(NodeLease.class);
  private static final Duration SHUTDOWN_CHECK_TIMEOUT = Duration.ofSeconds(1);
  /** At most one warning about slow renewals in this time. */
  private static final Duration SLOW_RENEWAL_REPORT_INTERVAL = Duration.ofMinutes(1);

  /** The configuration block of the controllers' lease, which {@code use-lease} names. */
  public static final String CONFIG_PATH = "drover.controller.lease";

  private static final Id ID = new Id();

  private static final class Id extends AbstractExtensionId<NodeLease> {
    @Override
    public NodeLease createExtension(ExtendedActorSystem system) {
      Config config = system.settings().config();
      Cluster cluster = Cluster.get(system);
      Supplier<CompletionStage<CqlSession>> session =
          () -> CassandraSessionRegistry.get(system).sessionFor("pekko.persistence.cassandra").underlying();
      NodeLease lease = new NodeLease(system, cluster.selfAddress().hostPort(), Membership.of(cluster),
          LeaseTiming.from(config.getConfig(CONFIG_PATH)), session,
          ControllerSettings.from(config).readSideKeyspace());
      CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseClusterShutdown(), "release-controller-lease",
          () -> lease.releaseOnShutdown().thenApply(done -> Done.getInstance()));
      if (config.getBoolean(CONFIG_PATH + ".down-when-expired")) {
        LeaseDowning downing = new LeaseDowning(system, lease, DowningView.of(cluster, Roles.CONTROLLER),
            config.getDuration("pekko.cluster.split-brain-resolver.stable-after"));
        downing.start();
        CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseClusterLeave(), "stop-lease-downing", () -> {
          downing.stop();
          return CompletableFuture.completedFuture(Done.getInstance());
        });
      }
      return lease;
    }
  }

  /** The lease of this actor system's controller, which every {@link CassandraLease} in it shares. */
  public static NodeLease get(ActorSystem system) {
    return ID.get(system);
  }

  /** The CQL that creates the lease table in {@code keyspace}. */
  public static String createTableStatement(String keyspace) {
    return LeaseStore.createTableStatement(keyspace);
  }

  private final ActorSystem system;
  private final String owner;
  private final UUID incarnation = UUID.randomUUID();
  private final Membership membership;
  private final LeaseTiming timing;
  private final Supplier<CompletionStage<CqlSession>> session;
  private final String keyspace;

  // Guarded by this.
  private CompletableFuture<LeaseStore> store;
  /** When preparing the statements last failed (0: never); the first failure is logged. */
  private long storeFailedAt;
  private boolean started;
  private boolean stopped;
  /** Whether the row was last known to be this process's. */
  private boolean holding;
  /** Whether the row's validity ran out since this process last held it. */
  private boolean lapsed;
  private long validUntil = System.nanoTime();
  private Cancellable expiry;
  private int failedRenewals;
  /** When a slow renewal was last reported ({@link System#nanoTime}); null: never. */
  private Long slowRenewalReportedAt;
  private final Map<String, Consumer<Optional<Throwable>>> held = new HashMap<>();
  private final List<CompletableFuture<Boolean>> waitingForRow = new ArrayList<>();
  /** Acquires waiting for the next check of downed controllers' rows, and whether one is running. */
  private List<CompletableFuture<Boolean>> waitingForCheck = new ArrayList<>();
  private boolean checking;
  private final Map<String, UUID> reportedBlockers = new HashMap<>();

  /**
   * A lease for the controller at {@code owner} ({@code host:port}). Pekko's leases use the one of
   * their actor system ({@link #get}); another one for the same owner acts as a later process at
   * that address.
   */
  public NodeLease(ActorSystem system, String owner, Membership membership, LeaseTiming timing,
      Supplier<CompletionStage<CqlSession>> session, String keyspace) {
    this.system = system;
    this.owner = owner;
    this.membership = membership;
    this.timing = timing;
    this.session = session;
    this.keyspace = keyspace;
  }

  public String owner() {
    return owner;
  }

  LeaseTiming timing() {
    return timing;
  }

  /**
   * Takes the lease {@code name}: true once this controller may run what it guards; false if it
   * holds no valid row within the operation timeout, or a downed controller still holds one (the
   * caller retries). {@code onLost} runs if the lease is lost while held.
   */
  public CompletionStage<Boolean> acquire(String name, Consumer<Optional<Throwable>> onLost) {
    return awaitRow()
        .thenCompose(holdsRow -> holdsRow ? awaitNoDownedHolder() : completed(false))
        .thenApply(clear -> clear && hold(name, onLost));
  }

  /** Gives the lease {@code name} up. */
  public synchronized CompletionStage<Boolean> release(String name) {
    held.remove(name);
    return completed(true);
  }

  /** Whether this controller holds {@code name} and its row is still valid. */
  public synchronized boolean checkLease(String name) {
    return held.containsKey(name) && valid();
  }

  /**
   * Stops renewing, and deletes the row if nothing this controller ran under a lease still runs,
   * so that neither the others nor a restart at the same address wait for it to expire. True if
   * the row was deleted.
   */
  public CompletionStage<Boolean> stop(boolean nothingRuns) {
    boolean delete;
    List<CompletableFuture<Boolean>> waiting;
    synchronized (this) {
      if (stopped) {
        return completed(false);
      }
      stopped = true;
      if (expiry != null) {
        expiry.cancel();
      }
      delete = holding && nothingRuns;
      waiting = new ArrayList<>(waitingForRow);
      waiting.addAll(waitingForCheck);
    }
    waiting.forEach(waiter -> waiter.complete(false));
    if (!delete) {
      if (holding) {
        log.info("Controller {} stops renewing its lease; other controllers may start what it ran {} after its last "
            + "renewal", owner, timing.heartbeatTimeout().plus(timing.maxClockSkew()));
      }
      return completed(false);
    }
    return store().thenCompose(store -> store.deleteNode(owner, incarnation))
        .thenApply(deleted -> {
          if (deleted) {
            log.info("Controller {} released its lease; other controllers may start what it ran at once", owner);
          }
          return deleted;
        })
        .exceptionally(error -> {
          log.warn("Controller {} could not delete its lease row ({}); other controllers start what it ran once the "
              + "row expires, at most {} from now", owner, error.getMessage(), timing.heartbeatTimeout());
          return false;
        });
  }

  /**
   * At shutdown, once this node has left the cluster: its shard regions, shard coordinators and
   * singleton managers stop themselves when they see it removed; if any still runs, the row is
   * left to expire.
   */
  private CompletionStage<Boolean> releaseOnShutdown() {
    List<String> paths = new ArrayList<>(List.of("/system/singletonManager*"));
    for (String typeName : ClusterSharding.get(system).getShardTypeNames()) {
      String region = URLEncoder.encode(typeName, StandardCharsets.UTF_8);
      paths.add("/system/sharding/" + region);
      paths.add("/system/sharding/" + region + "Coordinator");
    }
    List<CompletableFuture<Optional<String>>> running = paths.stream()
        .map(path -> Patterns.ask(system.actorSelection(path), new Identify(path), SHUTDOWN_CHECK_TIMEOUT)
            .thenApply(reply -> reply instanceof ActorIdentity identity
                ? identity.getActorRef().map(ref -> ref.path().toStringWithoutAddress())
                : Optional.<String>empty())
            .exceptionally(timedOut -> Optional.empty())
            .toCompletableFuture())
        .toList();
    return CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).thenCompose(done -> {
      List<String> stillRunning = running.stream().map(CompletableFuture::join).flatMap(Optional::stream).toList();
      if (!stillRunning.isEmpty()) {
        log.info("Controller {} shuts down while {} still run{}", owner, String.join(", ", stillRunning),
            stillRunning.size() == 1 ? "s" : "");
      }
      return stop(stillRunning.isEmpty());
    });
  }

  private synchronized boolean hold(String name, Consumer<Optional<Throwable>> onLost) {
    if (!valid()) {
      return false;
    }
    held.put(name, onLost);
    return true;
  }

  private boolean valid() {
    return holding && !stopped && System.nanoTime() - validUntil < 0;
  }

  /** True once this process holds a valid row; false if it does not within the operation timeout. */
  private synchronized CompletionStage<Boolean> awaitRow() {
    if (valid()) {
      return completed(true);
    }
    if (stopped) {
      return completed(false);
    }
    if (!started) {
      started = true;
      system.dispatcher().execute(this::heartbeat);
    }
    return waiter(waitingForRow);
  }

  /**
   * True if no controller outside the membership (downed or removed) holds a valid row. Checks
   * are shared: an acquire joins the next check that starts after it, never one already running,
   * so what it sees is never older than the acquire.
   */
  private synchronized CompletionStage<Boolean> awaitNoDownedHolder() {
    CompletableFuture<Boolean> waiter = waiter(waitingForCheck);
    if (!checking) {
      startCheck();
    }
    return waiter;
  }

  private synchronized void startCheck() {
    List<CompletableFuture<Boolean>> batch = waitingForCheck;
    waitingForCheck = new ArrayList<>();
    checking = true;
    store().thenCompose(this::noDownedHolder).whenComplete((clear, error) -> {
      if (error != null) {
        log.warn("Controller {} could not read {}.{}: {}; shards and singletons that wait to start retry", owner,
            keyspace, LeaseStore.NODES, error.getMessage());
      }
      boolean result = error == null && clear;
      batch.forEach(waiter -> waiter.complete(result));
      synchronized (this) {
        checking = false;
        if (!waitingForCheck.isEmpty()) {
          startCheck();
        }
      }
    });
  }

  private CompletionStage<Boolean> noDownedHolder(LeaseStore store) {
    return store.readNodes().thenCompose(rows -> {
      Set<String> members = membership.members();
      long now = System.currentTimeMillis();
      List<NodeRow> suspects = rows.stream()
          .filter(row -> !row.owner().equals(owner) && !members.contains(row.owner()) && !timing.expired(row, now))
          .toList();
      if (suspects.isEmpty()) {
        return completed(true);
      }
      return store.confirm(suspects).thenApply(confirmed -> {
        long later = System.currentTimeMillis();
        List<NodeRow> blockers = confirmed.stream().filter(row -> !timing.expired(row, later)).toList();
        blockers.forEach(this::reportBlocker);
        return blockers.isEmpty();
      });
    });
  }

  private void reportBlocker(NodeRow row) {
    synchronized (this) {
      if (row.incarnation().equals(reportedBlockers.put(row.owner(), row.incarnation()))) {
        return;
      }
    }
    log.info("Shards and singletons wait to start here: controller {} is no longer a member, but its lease runs until "
        + "{}. If it still renews, it is running cut off from this cluster and stops what it runs once it finds "
        + "itself downed", row.owner(), Instant.ofEpochMilli(row.expiresAt()));
  }

  /** One renewal (or, while the row is not this process's, one attempt to take it), then the next. */
  private void heartbeat() {
    boolean renew;
    synchronized (this) {
      if (stopped) {
        return;
      }
      if (lapsed && !membership.settled()) {
        scheduleHeartbeat();
        return;
      }
      renew = holding;
    }
    long sentAtNanos = System.nanoTime();
    long expiresAt = timing.expiresAt(System.currentTimeMillis());
    store()
        .thenCompose(store -> renew ? store.renewNode(owner, incarnation, expiresAt) : take(store, expiresAt))
        .whenComplete((holds, error) -> {
          afterHeartbeat(renew, holds, error, sentAtNanos);
          synchronized (this) {
            scheduleHeartbeat();
          }
        });
  }

  private void scheduleHeartbeat() {
    if (!stopped) {
      system.scheduler().scheduleOnce(timing.heartbeatInterval(), this::heartbeat, system.dispatcher());
    }
  }

  private CompletionStage<Boolean> take(LeaseStore store, long expiresAt) {
    return store.insertNode(owner, incarnation, expiresAt).thenCompose(existing -> {
      if (existing.isEmpty() || existing.get().incarnation().equals(incarnation)) {
        return completed(true);
      }
      NodeRow previous = existing.get();
      if (timing.expired(previous, System.currentTimeMillis())) {
        return store.replaceNode(previous, incarnation, expiresAt);
      }
      synchronized (this) {
        if (!previous.incarnation().equals(reportedBlockers.put(owner, previous.incarnation()))) {
          log.info("An earlier process at {} holds this controller's lease until {}; shards and singletons start "
              + "here once it has expired", owner, Instant.ofEpochMilli(previous.expiresAt()));
        }
      }
      return completed(false);
    });
  }

  private void afterHeartbeat(boolean renewed, Boolean holds, Throwable error, long sentAtNanos) {
    List<CompletableFuture<Boolean>> ready = List.of();
    synchronized (this) {
      if (error != null) {
        if (failedRenewals++ == 0) {
          log.warn("Controller {} could not {} its lease in Cassandra: {}. {}; check that Cassandra is reachable and "
                  + "not overloaded", owner, renewed ? "renew" : "take", error.getMessage(),
              renewed ? "Its shards and singletons stop in " + Math.max(0, (validUntil - System.nanoTime()) / 1_000_000)
                  + " ms unless a renewal succeeds first" : "No shard or singleton starts here until it can");
        }
        return;
      }
      failedRenewals = 0;
      holding = holds;
      if (renewed) {
        reportIfSlow(System.nanoTime() - sentAtNanos);
      }
      if (holds) {
        if (lapsed) {
          log.info("Controller {} holds its lease again; its shards and singletons start again", owner);
        }
        lapsed = false;
        validUntil = timing.validUntil(sentAtNanos);
        scheduleExpiry();
        ready = new ArrayList<>(waitingForRow);
      }
    }
    ready.forEach(waiter -> waiter.complete(true));
    if (renewed && !holds) {
      synchronized (this) {
        lapsed = true;
      }
      loseAll("its row in " + keyspace + "." + LeaseStore.NODES + " now belongs to a later process at the same "
          + "address");
    }
  }

  private void reportIfSlow(long tookNanos) {
    Duration took = Duration.ofNanos(tookNanos);
    long now = System.nanoTime();
    if (took.compareTo(timing.slowestSteadyRenewal().dividedBy(2)) <= 0
        || slowRenewalReportedAt != null && now - slowRenewalReportedAt < SLOW_RENEWAL_REPORT_INTERVAL.toNanos()) {
      return;
    }
    slowRenewalReportedAt = now;
    log.warn("Controller {} renewing its lease took {} ms; renewals that keep taking longer than {} ms let it lapse, "
        + "which stops its shards and singletons. Check Cassandra's load and latency, or raise "
        + "drover.controller.lease.heartbeat-timeout", owner, took.toMillis(), timing.slowestSteadyRenewal().toMillis());
  }

  private void scheduleExpiry() {
    if (expiry != null) {
      expiry.cancel();
    }
    long delay = Math.max(0, validUntil - System.nanoTime());
    expiry = system.scheduler().scheduleOnce(Duration.ofNanos(delay), () -> {
      boolean expired;
      synchronized (this) {
        expired = !valid() && !stopped;
        lapsed |= expired;
      }
      if (expired) {
        loseAll("it could not renew its lease in Cassandra within "
            + timing.heartbeatTimeout().minus(timing.heartbeatInterval()));
      }
    }, system.dispatcher());
  }

  /** Tells everything that runs under a lease here that it must stop. */
  private void loseAll(String reason) {
    Map<String, Consumer<Optional<Throwable>>> lost;
    synchronized (this) {
      lost = new HashMap<>(held);
      held.clear();
    }
    log.error("Controller {} lost its lease because {}; its shards and singletons stop now and start again here once "
        + "it holds the lease again, which it takes back when it is Up and sees every member reachable. If it cannot "
        + "reach Cassandra for long, restart this controller so that the others take them over", owner, reason);
    LeaseLostException cause = new LeaseLostException("Controller " + owner + " lost its lease: " + reason);
    lost.values().forEach(onLost -> onLost.accept(Optional.of(cause)));
  }

  private CompletableFuture<Boolean> waiter(List<CompletableFuture<Boolean>> queue) {
    CompletableFuture<Boolean> waiter = new CompletableFuture<Boolean>()
        .completeOnTimeout(false, timing.operationTimeout().toMillis(), TimeUnit.MILLISECONDS);
    queue.add(waiter);
    waiter.whenComplete((result, error) -> {
      synchronized (this) {
        waitingForRow.remove(waiter);
        waitingForCheck.remove(waiter);
      }
    });
    return waiter;
  }

  synchronized CompletionStage<LeaseStore> store() {
    boolean retry = store != null && store.isCompletedExceptionally()
        && System.nanoTime() - storeFailedAt > timing.heartbeatInterval().toNanos();
    if (store == null || retry) {
      store = session.get()
          .thenCompose(cql -> LeaseStore.prepare(cql, keyspace, timing.operationTimeout()))
          .toCompletableFuture();
      store.whenComplete((prepared, error) -> {
        if (error != null) {
          boolean first;
          synchronized (this) {
            first = storeFailedAt == 0;
            storeFailedAt = System.nanoTime();
          }
          if (!first) {
            return;
          }
          log.error("Controller leases cannot use {}.{}: {}. No shard or singleton starts on this controller until "
              + "they can. If the table is missing (a schema created before leases), start one controller with "
              + "DROVER_CREATE_SCHEMA=on or create it as docs/operations.md shows", keyspace, LeaseStore.NODES,
              error.getMessage());
        }
      });
    }
    return store;
  }

  private static CompletionStage<Boolean> completed(boolean value) {
    return CompletableFuture.completedFuture(value);
  }

  /** Why a lease was lost, handed to Pekko's lease-lost callback. */
  static final class LeaseLostException extends RuntimeException {
    LeaseLostException(String message) {
      super(message, null, false, false);
    }
  }
}
