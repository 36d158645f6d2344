package io.drover.node.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drover.node.upgrade.RollingUpgrade.Role;
import io.drover.node.upgrade.UpgradeCommand.Options;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpgradeCommandTest {

  @TempDir
  Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return UpgradeCommand.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void readsTheOptionsWithDefaultTimeouts() {
    assertEquals(new Options(Path.of("hosts"), "1.4.0", Duration.ofMinutes(5), Duration.ofMinutes(10)),
        Options.parse(List.of("--inventory", "hosts", "--version", "1.4.0")));
    assertEquals(new Options(Path.of("hosts"), "1.4.0", Duration.ofSeconds(90), Duration.ofHours(1)),
        Options.parse(List.of("--version", "1.4.0", "--timeout", "90s", "--agent-timeout", "1h", "--inventory", "hosts")));
    assertEquals(Duration.ofMillis(250), Options.duration("250ms", "--timeout"));
    assertEquals(Duration.ofMinutes(7), Options.duration("7m", "--timeout"));
  }

  @Test
  void commandLineMistakesAreNamed() {
    assertEquals("--timeout must be a duration above zero such as 90s, 5m or 1h, not '5 minutes'.",
        assertThrows(IllegalArgumentException.class, () -> Options.duration("5 minutes", "--timeout")).getMessage());
    assertEquals("--agent-timeout must be a duration above zero such as 90s, 5m or 1h, not '0s'.",
        assertThrows(IllegalArgumentException.class, () -> Options.duration("0s", "--agent-timeout")).getMessage());
    assertEquals("--inventory and --version are required.",
        assertThrows(IllegalArgumentException.class, () -> Options.parse(List.of("--inventory", "hosts"))).getMessage());
    assertEquals("--version must be a version such as 1.4.0, not '--timeout'.",
        assertThrows(IllegalArgumentException.class, () -> Options.parse(List.of("--version", "--timeout", "5m"))).getMessage());
    assertEquals("Unknown option --dry-run.",
        assertThrows(IllegalArgumentException.class, () -> Options.parse(List.of("--dry-run", "yes"))).getMessage());

    assertEquals(2, run("--inventory", "hosts"));
    assertTrue(err().contains("usage: ./drover upgrade"), err());
  }

  @Test
  void helpPrintsTheUsage() {
    assertEquals(0, run("--help"));
    assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("usage: ./drover upgrade --inventory FILE --version V"));
  }

  @Test
  void aWrongInventoryStopsBeforeAnythingElse() throws Exception {
    Path hosts = Files.writeString(dir.resolve("hosts"), "ctl-1 controller http://127.0.0.1:1\n");

    assertEquals(1, run("--inventory", hosts.toString(), "--version", "1.4.0"));

    assertTrue(err().contains("line 1: expected <name> <controller|agent> <management-url> <restart command...>"), err());
  }

  @Test
  void aRestartCommandThatFailsStopsTheUpgradeWithItsStatus() throws Exception {
    try (FakeCluster cluster = new FakeCluster()) {
      cluster.add("ctl-1", Role.CONTROLLER);
      cluster.add("ctl-2", Role.CONTROLLER);
      Path hosts = Files.writeString(dir.resolve("hosts"), String.join("\n",
          "# two controllers: ctl-1, the oldest, goes last",
          "ctl-1 controller " + cluster.node("ctl-1").node().management() + " true",
          "ctl-2 controller " + cluster.node("ctl-2").node().management() + " exit 3",
          ""));

      assertEquals(1, run("--inventory", hosts.toString(), "--version", "1.4.0"));

      assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("Rolling upgrade to version 1.4.0 of the 2 nodes in " + hosts),
          out.toString(StandardCharsets.UTF_8));
      assertTrue(err().startsWith("Stopped at controller ctl-2: its restart failed: the restart command exited with status 3: "
          + "DROVER_APP_VERSION=1.4.0 sh -c 'exit 3'"), err());
    }
  }
}
