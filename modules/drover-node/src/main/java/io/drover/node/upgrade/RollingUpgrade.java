package io.drover.node.upgrade;

import io.drover.protocol.Roles;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * The rolling upgrade of a running cluster, node by node, through Pekko Management.
 *
 * <p>First it reads every inventory node's {@code GET /cluster/members}: each node's own
 * {@code selfNode} is its cluster address, and the first node's view is the cluster. It refuses to
 * start unless every inventory node is a member with the role it is listed with, every member is Up
 * and none is unreachable. Then it restarts the controllers one at a time, the oldest controller
 * last (it hosts the cluster singletons, which then move only once), then the agents one at a time.
 * After each restart it waits until the node answers {@code GET /ready} with 200 as a new
 * incarnation (another nodeUid) and sees every member Up, none unreachable and every other inventory
 * node still a member. A node's timeout covers its whole restart: the stop (for an agent, its drain),
 * the start and the wait. At the first node that fails or times out it stops, naming the node and
 * what it was waiting for, and never touches the next one.
 *
 * <p>It prints one line per step, prefixed with the time since it began.
 */
public final class RollingUpgrade {

  /** What a node is listed as; it must carry that cluster role. */
  public enum Role {
    CONTROLLER(Roles.CONTROLLER),
    AGENT(Roles.AGENT);

    private final String clusterRole;

    Role(String clusterRole) {
      this.clusterRole = clusterRole;
    }

    /** The Pekko cluster role: {@code controller} or {@code agent}. */
    public String clusterRole() {
      return clusterRole;
    }
  }

  /**
   * One process of the cluster.
   *
   * @param name what messages call it (a host name, say)
   * @param role controller or agent
   * @param management its Pekko Management base URL, e.g. {@code http://10.0.0.5:8558}
   */
  public record Node(String name, Role role, URI management) {

    /** @throws IllegalArgumentException when the URL is not an http(s) URL with a host */
    public Node {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(role, "role");
      Objects.requireNonNull(management, "management");
      if (!("http".equals(management.getScheme()) || "https".equals(management.getScheme())) || management.getHost() == null
          || management.getQuery() != null || management.getFragment() != null) {
        throw new IllegalArgumentException("a management URL looks like http://10.0.0.5:8558, not " + management);
      }
      String url = management.toString();
      management = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    }
  }

  /**
   * How long each node may take and how often it is checked.
   *
   * @param controllerTimeout from a controller's SIGTERM until it is back (default 5 minutes)
   * @param agentTimeout the same for an agent, whose drain is part of it: at least
   *     {@code drover.agent.drain-grace} plus its start and join (default 10 minutes)
   * @param pollInterval between two checks of a restarted node (default 2 seconds)
   */
  public record Settings(Duration controllerTimeout, Duration agentTimeout, Duration pollInterval) {

    public Settings {
      for (Duration duration : List.of(controllerTimeout, agentTimeout, pollInterval)) {
        if (duration.isNegative() || duration.isZero()) {
          throw new IllegalArgumentException("timeouts and the poll interval must be above zero, not " + duration);
        }
      }
    }

    public static Settings defaults() {
      return new Settings(Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofSeconds(2));
    }

    public Settings withControllerTimeout(Duration timeout) {
      return new Settings(timeout, agentTimeout, pollInterval);
    }

    public Settings withAgentTimeout(Duration timeout) {
      return new Settings(controllerTimeout, timeout, pollInterval);
    }

    public Settings withPollInterval(Duration interval) {
      return new Settings(controllerTimeout, agentTimeout, interval);
    }

    Duration timeoutFor(Role role) {
      return role == Role.CONTROLLER ? controllerTimeout : agentTimeout;
    }
  }

  /** The longest one management request may take, within a node's timeout. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

  /** How long a restart that ran out of time has to end once interrupted (a restart command stops what it started). */
  private static final Duration INTERRUPTED_RESTART_GRACE = Duration.ofSeconds(10);

  private final List<Node> nodes;
  private final NodeRestarter restarter;
  private final Settings settings;
  private final PrintStream out;
  private final ManagementClient management = new ManagementClient();
  private long started;

  /**
   * @param nodes the inventory: every node to upgrade, each name once
   * @param restarter restarts one node with the new version
   * @param settings timeouts and the poll interval
   * @param out where the step lines go
   */
  public RollingUpgrade(List<Node> nodes, NodeRestarter restarter, Settings settings, PrintStream out) {
    if (nodes.isEmpty()) {
      throw new IllegalArgumentException("no nodes to upgrade");
    }
    if (nodes.stream().map(Node::name).distinct().count() != nodes.size()) {
      throw new IllegalArgumentException("node names must be unique: " + nodes.stream().map(Node::name).toList());
    }
    this.nodes = List.copyOf(nodes);
    this.restarter = Objects.requireNonNull(restarter, "restarter");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.out = Objects.requireNonNull(out, "out");
  }

  /**
   * Runs the whole upgrade; returns once every node is back on the new version.
   *
   * @throws UpgradeException when it refused to start or stopped at a node (the message says which,
   *     and what it was waiting for)
   * @throws InterruptedException when interrupted (a restart in progress is interrupted too)
   */
  public void run() throws UpgradeException, InterruptedException {
    started = System.nanoTime();
    UpgradePlan plan = plan();
    List<UpgradePlan.Step> steps = plan.steps();
    say("Cluster healthy: " + (steps.size() + plan.notInInventory().size()) + " members Up, none unreachable.");
    if (!plan.notInInventory().isEmpty()) {
      say("Not in the inventory, so not restarted (they keep their version): " + String.join(", ", plan.notInInventory()));
    }
    say("Order: " + order(plan) + ".");
    Map<String, String> addresses = new LinkedHashMap<>();
    steps.forEach(step -> addresses.put(step.node().name(), step.address()));
    for (int i = 0; i < steps.size(); i++) {
      UpgradePlan.Step step = steps.get(i);
      try {
        upgrade(step, i + 1, steps.size(), addresses);
      } catch (UpgradeException e) {
        throw new UpgradeException(e.getMessage() + "\n" + progress(steps, i), e.getCause());
      }
    }
    say("Rolling upgrade done: " + steps.size() + " nodes restarted in " + clock(System.nanoTime() - started) + ".");
  }

  private UpgradePlan plan() throws UpgradeException, InterruptedException {
    say("Reading the cluster from " + nodes.size() + " nodes' management endpoints.");
    Map<Node, Membership> views = new LinkedHashMap<>();
    for (Node node : nodes) {
      try {
        views.put(node, management.members(node.management(), REQUEST_TIMEOUT));
      } catch (IOException e) {
        throw new UpgradeException("Not starting the upgrade (nothing was restarted): " + node.name() + " does not answer GET "
            + node.management() + "/cluster/members (" + ManagementClient.describe(e) + "). Every inventory node must be "
            + "running and reachable from here.", e);
      }
    }
    return UpgradePlan.of(nodes, views);
  }

  private void upgrade(UpgradePlan.Step step, int number, int total, Map<String, String> addresses)
      throws UpgradeException, InterruptedException {
    Node node = step.node();
    Duration timeout = settings.timeoutFor(node.role());
    long begun = System.nanoTime();
    long deadline = begun + timeout.toNanos();
    say(label(node) + " (" + number + "/" + total + "): restarting"
        + (node.role() == Role.AGENT ? " (it drains first: running attempts may finish)" : "") + ".");
    restart(node, deadline, timeout);
    say(label(node) + ": restarted in " + seconds(System.nanoTime() - begun)
        + "; waiting for it to be ready as a new incarnation, with every member Up.");
    Map<String, String> others = new LinkedHashMap<>(addresses);
    others.remove(node.name());
    String waitingFor = null;
    while (true) {
      Duration left = Duration.ofNanos(deadline - System.nanoTime());
      Check check = check(step, others, left.compareTo(REQUEST_TIMEOUT) < 0 ? left : REQUEST_TIMEOUT);
      if (check.waitingFor().isEmpty()) {
        addresses.put(node.name(), check.view().selfNode());
        Membership.Member self = check.view().self().orElseThrow();
        say(label(node) + ": back in " + seconds(System.nanoTime() - begun) + " (nodeUid " + step.nodeUid() + " -> "
            + self.nodeUid() + "; " + check.view().members().size() + " members Up).");
        return;
      }
      if (System.nanoTime() >= deadline) {
        throw new UpgradeException("Stopped at " + label(node) + ": not back within " + duration(timeout)
            + "; it was waiting for " + check.waitingFor().get() + ".");
      }
      if (!check.waitingFor().get().equals(waitingFor)) {
        waitingFor = check.waitingFor().get();
        say(label(node) + ": waiting for " + waitingFor + ".");
      }
      Thread.sleep(Math.max(1, Math.min(settings.pollInterval().toMillis(), (deadline - System.nanoTime()) / 1_000_000)));
    }
  }

  /** Runs the restart in its own thread, so a restart that hangs is interrupted at the deadline. */
  private void restart(Node node, long deadline, Duration timeout) throws UpgradeException, InterruptedException {
    FutureTask<Void> task = new FutureTask<>(() -> {
      restarter.restart(node);
      return null;
    });
    Thread thread = new Thread(task, "drover-upgrade-restart-" + node.name());
    thread.setDaemon(true);
    thread.start();
    try {
      task.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      task.cancel(true);
      thread.join(INTERRUPTED_RESTART_GRACE.toMillis());
      throw new UpgradeException("Stopped at " + label(node) + ": its restart (stop with SIGTERM, wait for the exit, start) "
          + "did not finish within " + duration(timeout)
          + (thread.isAlive() ? "; it was interrupted but has not ended yet." : "; it was interrupted.")
          + (node.role() == Role.AGENT ? " An agent's timeout must cover drover.agent.drain-grace plus its start." : ""));
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw new UpgradeException("Stopped at " + label(node) + ": its restart failed: "
          + (cause.getMessage() != null ? cause.getMessage() : cause.toString()), cause);
    } catch (InterruptedException e) {
      task.cancel(true);
      throw e;
    }
  }

  private record Check(Optional<String> waitingFor, Membership view) {}

  private Check check(UpgradePlan.Step step, Map<String, String> others, Duration requestTimeout) throws InterruptedException {
    Duration timeout = requestTimeout.toMillis() < 100 ? Duration.ofMillis(100) : requestTimeout;
    URI url = step.node().management();
    try {
      int ready = management.ready(url, timeout);
      if (ready != 200) {
        return new Check(Optional.of("GET /ready to answer 200 (it answers " + ready + ")"), null);
      }
    } catch (IOException e) {
      return new Check(Optional.of("GET /ready to answer 200 (" + ManagementClient.describe(e) + ")"), null);
    }
    Membership view;
    try {
      view = management.members(url, timeout);
    } catch (IOException e) {
      return new Check(Optional.of("GET /cluster/members to answer (" + ManagementClient.describe(e) + ")"), null);
    }
    return new Check(Rejoin.waitingFor(step.nodeUid(), view, others), view);
  }

  private String order(UpgradePlan plan) {
    String controllers = plan.steps().stream().filter(step -> step.node().role() == Role.CONTROLLER)
        .map(step -> step.node().name()
            + (step.node().name().equals(plan.oldestController()) ? " (the oldest controller: last)" : ""))
        .collect(Collectors.joining(", "));
    String agents = plan.steps().stream().filter(step -> step.node().role() == Role.AGENT)
        .map(step -> step.node().name()).collect(Collectors.joining(", "));
    if (agents.isEmpty()) {
      return "controllers " + controllers;
    }
    return controllers.isEmpty() ? "agents " + agents : "controllers " + controllers + ", then agents " + agents;
  }

  private static String progress(List<UpgradePlan.Step> steps, int stoppedAt) {
    String upgraded = steps.subList(0, stoppedAt).stream().map(step -> step.node().name()).collect(Collectors.joining(", "));
    String untouched = steps.subList(stoppedAt + 1, steps.size()).stream().map(step -> step.node().name())
        .collect(Collectors.joining(", "));
    return "Upgraded: " + (upgraded.isEmpty() ? "none" : upgraded)
        + ". Not touched: " + (untouched.isEmpty() ? "none" : untouched)
        + ". Fix " + steps.get(stoppedAt).node().name() + ", then run the upgrade again (restarting an upgraded node again is "
        + "harmless) or roll back by running it with the old version.";
  }

  private static String label(Node node) {
    return node.role().clusterRole() + " " + node.name();
  }

  private void say(String line) {
    out.println("[" + clock(System.nanoTime() - started) + "] " + line);
    out.flush();
  }

  /** mm:ss, for the elapsed-time prefix. */
  private static String clock(long nanos) {
    long seconds = TimeUnit.NANOSECONDS.toSeconds(nanos);
    return String.format("%02d:%02d", seconds / 60, seconds % 60);
  }

  private static String seconds(long nanos) {
    return TimeUnit.NANOSECONDS.toSeconds(nanos) + " s";
  }

  /** A timeout as an operator gave it: 90s, 5m, 1h30m, 250ms. */
  static String duration(Duration duration) {
    if (duration.toMillis() < 1000 || duration.toMillisPart() != 0) {
      return duration.toMillis() + "ms";
    }
    StringBuilder text = new StringBuilder();
    if (duration.toHours() > 0) {
      text.append(duration.toHours()).append('h');
    }
    if (duration.toMinutesPart() > 0) {
      text.append(duration.toMinutesPart()).append('m');
    }
    if (duration.toSecondsPart() > 0) {
      text.append(duration.toSecondsPart()).append('s');
    }
    return text.toString();
  }
}
