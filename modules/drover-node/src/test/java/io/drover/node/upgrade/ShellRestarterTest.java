package io.drover.node.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.drover.node.upgrade.RollingUpgrade.Node;
import io.drover.node.upgrade.RollingUpgrade.Role;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs real {@code sh -c} commands (that print nothing: their output is this JVM's). */
class ShellRestarterTest {

  private static final Node NODE = new Node("w-1", Role.AGENT, URI.create("http://127.0.0.1:8558"));

  @TempDir
  Path dir;

  @Test
  void runsTheNodesCommandWithTheVersionInItsEnvironment() throws Exception {
    Path seen = dir.resolve("seen");

    new ShellRestarter(Map.of("w-1", "printf '%s' \"$DROVER_APP_VERSION\" > '" + seen + "'"), "1.4.0").restart(NODE);

    assertEquals("1.4.0", Files.readString(seen));
  }

  @Test
  void aNonZeroExitIsAFailedRestartNamingTheStatusAndCommand() {
    IOException e = assertThrows(IOException.class, () -> new ShellRestarter(Map.of("w-1", "exit 3"), "1.4.0").restart(NODE));

    assertEquals("the restart command exited with status 3: DROVER_APP_VERSION=1.4.0 sh -c 'exit 3'", e.getMessage());
  }

  @Test
  void anInterruptStopsTheCommandAndWhatItStarted() throws Exception {
    Path pid = dir.resolve("pid");
    ShellRestarter restarter = new ShellRestarter(
        Map.of("w-1", "sleep 30 & echo $! > '" + pid + ".new' && mv '" + pid + ".new' '" + pid + "'; wait"), "1.4.0");
    CompletableFuture<Exception> outcome = new CompletableFuture<>();
    Thread runner = new Thread(() -> {
      try {
        restarter.restart(NODE);
        outcome.complete(null);
      } catch (Exception e) {
        outcome.complete(e);
      }
    });
    runner.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!Files.exists(pid) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    ProcessHandle sleep = ProcessHandle.of(Long.parseLong(Files.readString(pid).trim())).orElseThrow();

    runner.interrupt();

    assertInstanceOf(InterruptedException.class, outcome.get(5, TimeUnit.SECONDS));
    sleep.onExit().get(5, TimeUnit.SECONDS);
  }
}
