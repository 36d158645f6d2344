package io.drover.node.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.node.upgrade.RollingUpgrade.Node;
import io.drover.node.upgrade.RollingUpgrade.Role;
import io.drover.node.upgrade.RollingUpgrade.Settings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The procedure against {@link FakeCluster}'s management endpoints on loopback, with restarts that change what they serve. */
class RollingUpgradeTest {

  private static final Settings QUICK = Settings.defaults()
      .withControllerTimeout(Duration.ofSeconds(10))
      .withAgentTimeout(Duration.ofSeconds(10))
      .withPollInterval(Duration.ofMillis(20));

  private final FakeCluster cluster = new FakeCluster();
  private final ByteArrayOutputStream output = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
  private final List<String> restarted = new CopyOnWriteArrayList<>();

  @AfterEach
  void stopCluster() {
    cluster.close();
  }

  /** Restarts like a real node: a new incarnation that joins and is ready after two polls of /ready. */
  private final NodeRestarter restarter = node -> {
    restarted.add(node.name());
    cluster.node(node.name()).restart(2);
  };

  private String output() {
    return output.toString(StandardCharsets.UTF_8);
  }

  @Test
  void restartsTheControllersWithTheOldestLastThenTheAgentsEachOnceItIsBack() throws Exception {
    cluster.add("agent-1", Role.AGENT);
    cluster.add("ctl-1", Role.CONTROLLER);
    cluster.add("ctl-2", Role.CONTROLLER);
    cluster.add("agent-2", Role.AGENT);
    cluster.add("ctl-3", Role.CONTROLLER);
    cluster.oldestController = cluster.node("ctl-2").address;
    List<Node> inventory = List.of("agent-1", "ctl-1", "ctl-2", "agent-2", "ctl-3").stream()
        .map(name -> cluster.node(name).node()).toList();
    List<String> uidsBefore = inventory.stream().map(node -> cluster.node(node.name()).uid).toList();

    new RollingUpgrade(inventory, restarter, QUICK, out).run();

    assertEquals(List.of("ctl-1", "ctl-3", "ctl-2", "agent-1", "agent-2"), restarted);
    for (int i = 0; i < inventory.size(); i++) {
      assertTrue(!cluster.node(inventory.get(i).name()).uid.equals(uidsBefore.get(i)), inventory.get(i).name() + " kept its uid");
    }
    String output = output();
    assertTrue(output.contains(
        "Order: controllers ctl-1, ctl-3, ctl-2 (the oldest controller: last), then agents agent-1, agent-2."), output);
    assertTrue(output.contains("controller ctl-1: waiting for GET /ready to answer 200 (it answers 503)."), output);
    assertTrue(output.contains("agent agent-2: back in"), output);
    assertTrue(output.contains("Rolling upgrade done: 5 nodes restarted"), output);
    for (String line : output.split("\n")) {
      assertTrue(line.matches("\\[\\d\\d:\\d\\d] .*"), "no elapsed time on: " + line);
    }
  }

  @Test
  void aNodeThatNeverBecomesReadyStopsTheUpgradeNamingItAndWhatItWaitedFor() {
    cluster.add("ctl-1", Role.CONTROLLER);
    cluster.add("ctl-2", Role.CONTROLLER);
    cluster.add("agent-1", Role.AGENT);
    List<Node> inventory = List.of(cluster.node("ctl-1").node(), cluster.node("ctl-2").node(), cluster.node("agent-1").node());
    NodeRestarter neverReady = node -> {
      restarted.add(node.name());
      cluster.node(node.name()).restart(Integer.MAX_VALUE);
    };

    UpgradeException e = assertThrows(UpgradeException.class,
        () -> new RollingUpgrade(inventory, neverReady, QUICK.withControllerTimeout(Duration.ofMillis(400)), out).run());

    assertEquals(List.of("ctl-2"), restarted, "the upgrade went on after a node that never became ready");
    assertTrue(e.getMessage().startsWith("Stopped at controller ctl-2: not back within 400ms; it was waiting for "
        + "GET /ready to answer 200 (it answers 503)."), e.getMessage());
    assertTrue(e.getMessage().contains("Upgraded: none. Not touched: ctl-1, agent-1."), e.getMessage());
  }

  @Test
  void aRestartThatLeavesTheOldProcessRunningIsNotTakenForAnUpgrade() {
    cluster.add("ctl-1", Role.CONTROLLER);
    String uid = cluster.node("ctl-1").uid;

    UpgradeException e = assertThrows(UpgradeException.class, () -> new RollingUpgrade(List.of(cluster.node("ctl-1").node()),
        node -> restarted.add(node.name()), QUICK.withControllerTimeout(Duration.ofMillis(300)), out).run());

    assertEquals(List.of("ctl-1"), restarted);
    assertTrue(e.getMessage().contains("controller ctl-1: not back within 300ms; it was waiting for a new incarnation "
        + "(it still runs nodeUid " + uid), e.getMessage());
  }

  @Test
  void anAgentWhoseRestartOutlastsTheAgentTimeoutIsInterruptedAndStopsTheUpgrade() throws Exception {
    cluster.add("ctl-1", Role.CONTROLLER);
    cluster.add("agent-1", Role.AGENT);
    cluster.add("agent-2", Role.AGENT);
    CountDownLatch interrupted = new CountDownLatch(1);
    NodeRestarter slowDrain = node -> {
      restarted.add(node.name());
      if (node.role() == Role.AGENT) {
        try {
          Thread.sleep(10_000);
        } catch (InterruptedException e) {
          interrupted.countDown();
          throw e;
        }
      }
      cluster.node(node.name()).restart(0);
    };
    List<Node> inventory = List.of(cluster.node("ctl-1").node(), cluster.node("agent-1").node(), cluster.node("agent-2").node());

    UpgradeException e = assertThrows(UpgradeException.class,
        () -> new RollingUpgrade(inventory, slowDrain, QUICK.withAgentTimeout(Duration.ofMillis(300)), out).run());

    assertEquals(List.of("ctl-1", "agent-1"), restarted);
    assertTrue(e.getMessage().startsWith("Stopped at agent agent-1: its restart (stop with SIGTERM, wait for the exit, start) "
        + "did not finish within 300ms; it was interrupted."), e.getMessage());
    assertTrue(e.getMessage().contains("drover.agent.drain-grace"), e.getMessage());
    assertTrue(e.getMessage().contains("Upgraded: ctl-1. Not touched: agent-2."), e.getMessage());
    assertTrue(interrupted.await(5, TimeUnit.SECONDS), "the hanging restart was not interrupted");
  }

  @Test
  void aFailedRestartStopsTheUpgradeWithItsMessage() {
    cluster.add("ctl-1", Role.CONTROLLER);
    cluster.add("ctl-2", Role.CONTROLLER);
    NodeRestarter failing = node -> {
      restarted.add(node.name());
      throw new IOException("ssh: connect to host ctl-2 port 22: No route to host");
    };

    UpgradeException e = assertThrows(UpgradeException.class, () -> new RollingUpgrade(
        List.of(cluster.node("ctl-1").node(), cluster.node("ctl-2").node()), failing, QUICK, out).run());

    assertEquals(List.of("ctl-2"), restarted);
    assertTrue(e.getMessage().startsWith("Stopped at controller ctl-2: its restart failed: ssh: connect to host ctl-2"),
        e.getMessage());
  }

  @Test
  void anUnreachableMemberMeansNothingIsRestarted() {
    cluster.add("ctl-1", Role.CONTROLLER);
    cluster.add("agent-1", Role.AGENT);
    cluster.unreachable.add(cluster.node("agent-1").address);
    cluster.node("ctl-1").status = "Leaving";

    UpgradeException e = assertThrows(UpgradeException.class, () -> new RollingUpgrade(
        List.of(cluster.node("ctl-1").node(), cluster.node("agent-1").node()), restarter, QUICK, out).run());

    assertEquals(List.of(), restarted);
    assertTrue(e.getMessage().startsWith("Not starting the upgrade (nothing was restarted):"), e.getMessage());
    assertTrue(e.getMessage().contains(cluster.node("ctl-1").address + " is Leaving, not Up"), e.getMessage());
    assertTrue(e.getMessage().contains(cluster.node("agent-1").address + " is unreachable"), e.getMessage());
  }

  @Test
  void anInventoryNodeThatDoesNotAnswerMeansNothingIsRestarted() throws Exception {
    cluster.add("ctl-1", Role.CONTROLLER);
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    Node gone = new Node("agent-9", Role.AGENT, URI.create("http://127.0.0.1:" + closedPort));

    UpgradeException e = assertThrows(UpgradeException.class,
        () -> new RollingUpgrade(List.of(cluster.node("ctl-1").node(), gone), restarter, QUICK, out).run());

    assertEquals(List.of(), restarted);
    assertTrue(e.getMessage().contains("agent-9 does not answer GET http://127.0.0.1:" + closedPort + "/cluster/members"),
        e.getMessage());
  }
}
