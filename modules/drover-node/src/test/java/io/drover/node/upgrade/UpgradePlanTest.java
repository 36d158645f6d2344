package io.drover.node.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.node.upgrade.Membership.Member;
import io.drover.node.upgrade.RollingUpgrade.Node;
import io.drover.node.upgrade.RollingUpgrade.Role;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UpgradePlanTest {

  private static String address(String name) {
    return "pekko://drover@" + name + ":25520";
  }

  private static Node node(String name, Role role) {
    return new Node(name, role, URI.create("http://" + name + ":8558"));
  }

  private static Member member(String name, String role, String status) {
    return new Member(address(name), "uid-" + name, status, Set.of(role, "dc-default"));
  }

  /** Every node sees the same members; each view names the node it came from. */
  private static Map<Node, Membership> views(
      List<Node> nodes, List<Member> members, List<String> unreachable, String oldestController) {
    Map<Node, Membership> views = new LinkedHashMap<>();
    for (Node node : nodes) {
      views.put(node, new Membership(address(node.name()), members, unreachable,
          oldestController == null ? Map.of() : Map.of("controller", address(oldestController))));
    }
    return views;
  }

  private static List<String> names(UpgradePlan plan) {
    return plan.steps().stream().map(step -> step.node().name()).toList();
  }

  @Test
  void controllersGoFirstWithTheOldestLastThenTheAgentsInInventoryOrder() throws Exception {
    List<Node> nodes = List.of(node("w-2", Role.AGENT), node("ctl-1", Role.CONTROLLER), node("w-1", Role.AGENT),
        node("ctl-2", Role.CONTROLLER), node("ctl-3", Role.CONTROLLER));
    List<Member> members = List.of(member("ctl-1", "controller", "Up"), member("ctl-2", "controller", "Up"),
        member("ctl-3", "controller", "Up"), member("w-1", "agent", "Up"), member("w-2", "agent", "Up"));

    UpgradePlan plan = UpgradePlan.of(nodes, views(nodes, members, List.of(), "ctl-1"));

    assertEquals(List.of("ctl-2", "ctl-3", "ctl-1", "w-2", "w-1"), names(plan));
    assertEquals("ctl-1", plan.oldestController());
    assertEquals(address("ctl-2"), plan.steps().get(0).address());
    assertEquals("uid-ctl-2", plan.steps().get(0).nodeUid());
    assertEquals(List.of(), plan.notInInventory());
  }

  @Test
  void anOldestControllerOutsideTheInventoryLeavesTheInventoryOrderAndIsNamed() throws Exception {
    List<Node> nodes = List.of(node("ctl-2", Role.CONTROLLER), node("ctl-3", Role.CONTROLLER), node("w-1", Role.AGENT));
    List<Member> members = List.of(member("ctl-1", "controller", "Up"), member("ctl-2", "controller", "Up"),
        member("ctl-3", "controller", "Up"), member("w-1", "agent", "Up"));

    UpgradePlan plan = UpgradePlan.of(nodes, views(nodes, members, List.of(), "ctl-1"));

    assertEquals(List.of("ctl-2", "ctl-3", "w-1"), names(plan));
    assertNull(plan.oldestController());
    assertEquals(List.of(address("ctl-1")), plan.notInInventory());
  }

  @Test
  void refusesWithEveryReasonWhenMembersAreNotUpOrUnreachableOrNodesAreMissingOrMislabelled() {
    List<Node> nodes = List.of(node("ctl-1", Role.CONTROLLER), node("w-1", Role.CONTROLLER), node("w-9", Role.AGENT));
    List<Member> members = List.of(member("ctl-1", "controller", "Up"), member("w-1", "agent", "Up"),
        member("w-2", "agent", "Joining"));

    UpgradeException e = assertThrows(UpgradeException.class,
        () -> UpgradePlan.of(nodes, views(nodes, members, List.of(address("w-1")), "ctl-1")));

    assertEquals("""
        Not starting the upgrade (nothing was restarted):
          - w-1 is listed as controller but its roles are agent, dc-default
          - w-9 (pekko://drover@w-9:25520) is not a member of the cluster ctl-1 is in
          - pekko://drover@w-2:25520 is Joining, not Up
          - pekko://drover@w-1:25520 is unreachable""", e.getMessage());
  }

  @Test
  void twoInventoryLinesForTheSameMemberAreRefused() {
    Node first = node("ctl-1", Role.CONTROLLER);
    Node again = new Node("ctl-1-by-ip", Role.CONTROLLER, URI.create("http://10.0.0.5:8558"));
    Membership view = new Membership(address("ctl-1"), List.of(member("ctl-1", "controller", "Up")), List.of(),
        Map.of("controller", address("ctl-1")));
    Map<Node, Membership> views = new LinkedHashMap<>();
    views.put(first, view);
    views.put(again, view);

    UpgradeException e = assertThrows(UpgradeException.class, () -> UpgradePlan.of(List.of(first, again), views));

    assertTrue(e.getMessage().contains("ctl-1 and ctl-1-by-ip are the same member (pekko://drover@ctl-1:25520)"), e.getMessage());
  }
}
