package io.drover.node.upgrade;

import io.drover.node.upgrade.RollingUpgrade.Node;
import io.drover.node.upgrade.RollingUpgrade.Role;
import io.drover.protocol.Roles;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What the upgrade does, decided before it touches anything: every inventory node found in the
 * cluster with its address and incarnation, the cluster healthy (every member Up, none
 * unreachable), and the order: the controllers one at a time with the oldest last (it hosts the
 * cluster singletons and the shard coordinators, which then move only once), then the agents, each
 * group in inventory order.
 *
 * @param steps the nodes in the order they are restarted
 * @param oldestController the oldest controller's name, when it is in the inventory
 * @param notInInventory members the inventory does not list: they keep their version
 */
record UpgradePlan(List<Step> steps, String oldestController, List<String> notInInventory) {

  /** One node to restart: its cluster address and the uid of the incarnation that runs now. */
  record Step(Node node, String address, String nodeUid) {}

  /**
   * Checks the cluster and orders the nodes.
   *
   * @param nodes the inventory, in its order
   * @param views each inventory node's own {@code /cluster/members}; the first node's view is the
   *     cluster's membership, the others give each node's address
   * @throws UpgradeException listing every reason not to start
   */
  static UpgradePlan of(List<Node> nodes, Map<Node, Membership> views) throws UpgradeException {
    Membership cluster = views.get(nodes.get(0));
    List<String> problems = new ArrayList<>();
    Map<String, Node> byAddress = new HashMap<>();
    List<Step> controllers = new ArrayList<>();
    List<Step> agents = new ArrayList<>();
    Step oldest = null;
    String oldestAddress = cluster.oldestPerRole().get(Roles.CONTROLLER);
    for (Node node : nodes) {
      String address = views.get(node).selfNode();
      Node same = byAddress.putIfAbsent(address, node);
      if (same != null) {
        problems.add(same.name() + " and " + node.name() + " are the same member (" + address + "): list each node once");
        continue;
      }
      Membership.Member member = cluster.member(address).orElse(null);
      if (member == null) {
        problems.add(node.name() + " (" + address + ") is not a member of the cluster " + nodes.get(0).name() + " is in");
        continue;
      }
      if (!member.roles().contains(node.role().clusterRole())) {
        problems.add(node.name() + " is listed as " + node.role().clusterRole() + " but its roles are "
            + member.roles().stream().sorted().collect(Collectors.joining(", ")));
        continue;
      }
      Step step = new Step(node, address, member.nodeUid());
      if (node.role() == Role.AGENT) {
        agents.add(step);
      } else if (address.equals(oldestAddress)) {
        oldest = step;
      } else {
        controllers.add(step);
      }
    }
    for (Membership.Member member : cluster.notUp()) {
      problems.add(member.node() + " is " + member.status() + ", not Up");
    }
    for (String unreachable : cluster.unreachable()) {
      problems.add(unreachable + " is unreachable");
    }
    if (!problems.isEmpty()) {
      throw new UpgradeException("Not starting the upgrade (nothing was restarted):\n  - " + String.join("\n  - ", problems));
    }
    if (oldest != null) {
      controllers.add(oldest);
    }
    List<Step> steps = new ArrayList<>(controllers);
    steps.addAll(agents);
    List<String> others = cluster.members().stream().map(Membership.Member::node)
        .filter(node -> !byAddress.containsKey(node)).toList();
    return new UpgradePlan(List.copyOf(steps), oldest == null ? null : oldest.node().name(), others);
  }
}
