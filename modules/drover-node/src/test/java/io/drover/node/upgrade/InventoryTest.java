package io.drover.node.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.drover.node.upgrade.RollingUpgrade.Node;
import io.drover.node.upgrade.RollingUpgrade.Role;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InventoryTest {

  @Test
  void readsOneNodeALineWithTheRestOfTheLineAsItsRestartCommand() {
    Inventory inventory = Inventory.parse(List.of(
        "# name   role        management URL          restart command",
        "",
        "ctl-1    controller  http://10.0.0.5:8558/   ssh ctl-1 'sudo systemctl restart drover-controller'",
        "   # agents",
        "\tw-1\tagent\thttps://w-1.example:18558\tssh w-1 sudo systemctl restart drover-agent  # not a comment",
        "   "), "hosts");

    assertEquals(List.of(
        new Node("ctl-1", Role.CONTROLLER, URI.create("http://10.0.0.5:8558")),
        new Node("w-1", Role.AGENT, URI.create("https://w-1.example:18558"))), inventory.nodes());
    assertEquals(Map.of(
        "ctl-1", "ssh ctl-1 'sudo systemctl restart drover-controller'",
        "w-1", "ssh w-1 sudo systemctl restart drover-agent  # not a comment"), inventory.restartCommands());
  }

  @Test
  void namesEveryWrongLineAndWhatIsWrongWithIt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Inventory.parse(List.of(
        "ctl-1 controller http://10.0.0.5:8558 systemctl restart drover-controller",
        "ctl-2 controller http://10.0.0.6:8558",
        "ctl-3 leader http://10.0.0.7:8558 systemctl restart drover-controller",
        "ctl-4 controller 10.0.0.8:8558 systemctl restart drover-controller",
        "ctl-1 agent http://10.0.0.9:8558 systemctl restart drover-agent",
        "w-2 agent http://10.0.0.5:8558/ systemctl restart drover-agent",
        "w-3"), "hosts.txt"));

    assertEquals("""
        The inventory hosts.txt is wrong:
          line 2: expected <name> <controller|agent> <management-url> <restart command...>, found 3 fields
          line 3: the role must be controller or agent, not 'leader'
          line 4: the management URL must look like http://10.0.0.5:8558, not '10.0.0.8:8558'
          line 5: the name ctl-1 is taken by line 1
          line 6: the management URL http://10.0.0.5:8558 is on line 1 already
          line 7: expected <name> <controller|agent> <management-url> <restart command...>, found 1 field""", e.getMessage());
  }

  @Test
  void anInventoryWithoutNodesIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Inventory.parse(List.of("# nothing yet", ""), "hosts"));

    assertEquals("The inventory hosts is wrong:\n  it lists no nodes (one a line: " + Inventory.FORMAT + ")", e.getMessage());
  }
}
