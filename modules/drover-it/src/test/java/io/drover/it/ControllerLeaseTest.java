package io.drover.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.drover.controller.lease.DowningView;
import io.drover.controller.lease.LeaseDowning;
import io.drover.controller.lease.LeaseTiming;
import io.drover.controller.lease.Membership;
import io.drover.controller.lease.NodeLease;
import io.drover.it.support.Await;
import io.drover.it.support.DroverTestNode;
import io.drover.it.support.TestCassandra;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The controllers' leases that fence shards and singletons, against a real Cassandra: nothing
 * starts while a controller the cluster has downed still holds its lease, a controller that cannot
 * renew stops before anyone may start what it ran, and one whose lease lapsed takes it back only
 * once it is settled in the cluster again; and an unreachable controller is downed early once its
 * lease has expired, never while it still renews.
 */
class ControllerLeaseTest {

  private static final Duration DDL_TIMEOUT = Duration.ofSeconds(60);
  /** Short enough for a test, long enough that a loaded machine's Paxos rounds fit in a heartbeat. */
  private static final LeaseTiming TIMING =
      new LeaseTiming(Duration.ofMillis(300), Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofMillis(100));

  private static CqlSession session;
  private static ActorTestKit testKit;

  private final List<NodeLease> leases = new ArrayList<>();
  /** Each test's own table: a controller's row holds back every controller that shares its table. */
  private String keyspace;

  @BeforeAll
  static void connectAndStart() {
    session = TestCassandra.connect();
    testKit = ActorTestKit.create("ControllerLeaseTest");
  }

  @BeforeEach
  void createTable() {
    keyspace = DroverTestNode.uniqueKeyspacePrefix("it_lease");
    session.execute(SimpleStatement.newInstance("CREATE KEYSPACE IF NOT EXISTS " + keyspace
        + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}").setTimeout(DDL_TIMEOUT));
    session.execute(SimpleStatement.newInstance(NodeLease.createTableStatement(keyspace)).setTimeout(DDL_TIMEOUT));
  }

  @AfterAll
  static void close() {
    testKit.shutdownTestKit();
    session.close();
  }

  @AfterEach
  void stopLeases() {
    leases.forEach(lease -> lease.stop(false));
  }

  @Test
  void nothingStartsWhileADownedControllerStillHoldsItsLease() {
    View view = new View("10.0.0.1:25520", "10.0.0.2:25520");
    NodeLease downed = lease("10.0.0.1:25520", view, session);
    NodeLease survivor = lease("10.0.0.2:25520", view, session);
    assertTrue(acquire(downed, "shard-1"));
    assertTrue(acquire(survivor, "shard-2"), "a member's lease does not stop another member");

    view.members.remove("10.0.0.1:25520");
    assertFalse(acquire(survivor, "shard-1"), "the downed controller still renews its lease");
    assertTrue(survivor.checkLease("shard-2"), "what already runs keeps running");

    assertTrue(await(downed.stop(true)), "a controller that stopped everything deletes its row");
    assertTrue(acquire(survivor, "shard-1"));
    assertTrue(survivor.checkLease("shard-1"));
  }

  @Test
  void aCrashedControllersLeaseHoldsBackOthersOnlyUntilItExpires() {
    View view = new View("10.0.1.2:25520");
    NodeLease crashed = lease("10.0.1.1:25520", view, session);
    NodeLease survivor = lease("10.0.1.2:25520", view, session);
    assertTrue(acquire(crashed, "singleton"));

    await(crashed.stop(false));
    assertFalse(acquire(survivor, "singleton"), "its row is still within its heartbeat timeout");
    Await.until(Duration.ofSeconds(20), () -> acquire(survivor, "singleton"), taken -> taken,
        "the survivor to start what the crashed controller ran");
  }

  @Test
  void aControllerThatCannotRenewStopsBeforeAnyoneMayStartWhatItRan() {
    View view = new View("10.0.2.2:25520");
    AtomicBoolean cut = new AtomicBoolean();
    AtomicLong lostAt = new AtomicLong();
    NodeLease cutOff = lease("10.0.2.1:25520", view, cuttable(cut));
    NodeLease survivor = lease("10.0.2.2:25520", view, session);
    assertTrue(await(cutOff.acquire("shard-7", reason -> lostAt.compareAndSet(0, System.nanoTime()))));

    cut.set(true);
    long startedAt = Await.until(Duration.ofSeconds(20), () -> acquire(survivor, "shard-7") ? System.nanoTime() : null,
        at -> at != null, "the survivor to start what the cut-off controller ran");

    assertTrue(lostAt.get() != 0, "the cut-off controller was told its lease was lost");
    assertTrue(lostAt.get() - startedAt < 0, "before the survivor could start what it ran");
    assertFalse(cutOff.checkLease("shard-7"));
  }

  @Test
  void aControllerWhoseLeaseLapsedTakesItBackOnlyOnceSettledInTheCluster() {
    View view = new View("10.0.3.1:25520");
    AtomicBoolean cut = new AtomicBoolean();
    CompletableFuture<Optional<Throwable>> lost = new CompletableFuture<>();
    NodeLease lapsed = lease("10.0.3.1:25520", view, cuttable(cut));
    assertTrue(await(lapsed.acquire("scheduler", lost::complete)));

    cut.set(true);
    Optional<Throwable> reason = await(lost);
    assertTrue(reason.isPresent() && reason.get().getMessage().contains("could not renew"), String.valueOf(reason));
    view.settled.set(false);
    cut.set(false);
    assertFalse(acquire(lapsed, "scheduler"), "cut off from its cluster, it may have been downed");

    view.settled.set(true);
    assertTrue(acquire(lapsed, "scheduler"));
  }

  @Test
  void aControllerWhoseRowALaterProcessTookLosesItsLease() {
    String address = "10.0.4.1:25520";
    CompletableFuture<Optional<Throwable>> lost = new CompletableFuture<>();
    NodeLease earlier = lease(address, new View(address), session);
    assertTrue(await(earlier.acquire("shard-3", lost::complete)));

    session.execute("UPDATE " + keyspace + ".lease_nodes SET incarnation = uuid() WHERE owner = ?", address);

    Optional<Throwable> reason = await(lost);
    assertTrue(reason.isPresent() && reason.get().getMessage().contains("later process"), String.valueOf(reason));
    assertFalse(earlier.checkLease("shard-3"));
  }

  @Test
  void aControllerThatLeftLetsItsSuccessorAtTheSameAddressStartAtOnce() {
    String address = "10.0.5.1:25520";
    NodeLease before = lease(address, new View(address), session);
    assertTrue(acquire(before, "shard-9"));
    assertTrue(await(before.stop(true)));

    NodeLease after = lease(address, new View(address), session);
    assertTrue(acquire(after, "shard-9"), "had the row stayed, it would hold for longer than an acquire waits");
  }

  @Test
  void anUnreachableControllerIsDownedOnceItsLeaseExpiresAndNeverWhileItRenews() throws InterruptedException {
    String crashedAt = "10.0.6.1:25520";
    String withoutLease = "10.0.6.3:25520";
    NodeLease crashed = lease(crashedAt, new View(crashedAt), session);
    NodeLease survivor = lease("10.0.6.2:25520", new View("10.0.6.2:25520"), session);
    assertTrue(acquire(crashed, "shard-4"));
    Unreachable view = new Unreachable(crashedAt, withoutLease);
    LeaseDowning downing = new LeaseDowning(Adapter.toClassic(testKit.system()), survivor, view, Duration.ofSeconds(20));
    downing.start();
    try {
      Thread.sleep(TIMING.heartbeatTimeout().multipliedBy(2).toMillis());
      assertTrue(view.downedAt.isEmpty(), "a controller that still renews may be running cut off: " + view.downedAt);

      await(crashed.stop(false));
      long expiresForOthersAt = session.execute("SELECT expires_at FROM " + keyspace + ".lease_nodes WHERE owner = ?",
          crashedAt).one().getLong("expires_at") + TIMING.maxClockSkew().toMillis();
      long downedAt = Await.until(Duration.ofSeconds(20), () -> view.downedAt.get(crashedAt), at -> at != null,
          "the crashed controller to be downed");
      assertTrue(downedAt > expiresForOthersAt, "downed " + (expiresForOthersAt - downedAt) + " ms before its "
          + "lease expired");
      assertFalse(view.downedAt.containsKey(withoutLease), "without a lease row, it is left to the resolver");
    } finally {
      downing.stop();
    }
  }

  /** A side that decides, seeing {@code unreachable}; it records when it downed each. */
  private static final class Unreachable implements DowningView {
    final Set<String> unreachable;
    final Map<String, Long> downedAt = new ConcurrentHashMap<>();

    Unreachable(String... unreachable) {
      this.unreachable = Set.of(unreachable);
    }

    @Override
    public Set<String> unreachableControllersToDecide() {
      return unreachable;
    }

    @Override
    public boolean down(String owner) {
      downedAt.putIfAbsent(owner, System.currentTimeMillis());
      return true;
    }
  }

  /** A membership the test changes: who is a member, and whether this node sees them all. */
  private static final class View implements Membership {
    final Set<String> members = ConcurrentHashMap.newKeySet();
    final AtomicBoolean settled = new AtomicBoolean(true);

    View(String... members) {
      this.members.addAll(List.of(members));
    }

    @Override
    public Set<String> members() {
      return Set.copyOf(members);
    }

    @Override
    public boolean settled() {
      return settled.get();
    }
  }

  private NodeLease lease(String owner, Membership membership, CqlSession cql) {
    NodeLease lease = new NodeLease(Adapter.toClassic(testKit.system()), owner, membership, TIMING,
        () -> CompletableFuture.completedFuture(cql), keyspace);
    leases.add(lease);
    return lease;
  }

  /** The shared session, except that its requests fail while {@code cut} is set. */
  private static CqlSession cuttable(AtomicBoolean cut) {
    return (CqlSession) Proxy.newProxyInstance(CqlSession.class.getClassLoader(), new Class<?>[] {CqlSession.class},
        (proxy, method, args) -> {
          if (cut.get() && method.getName().equals("executeAsync")) {
            return CompletableFuture.failedFuture(new IllegalStateException("cut off from Cassandra"));
          }
          try {
            return method.invoke(session, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  private static boolean acquire(NodeLease lease, String name) {
    return await(lease.acquire(name, reason -> {}));
  }

  private static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
