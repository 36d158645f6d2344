package io.drover.agent.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * drover-spawn as the build compiled it: written out, then spoken to through {@link SpawnServer}.
 * How the process executor uses it is {@link ProcessAttemptExecutorTest}'s part.
 */
class SpawnHelperTest {

  private static final boolean ROOT = ProcessHandle.current().info().user().map("root"::equals).orElse(false);
  private static final ProcessUser AGENT = new ProcessUser("agent", 0, 0, List.of(), false);

  @TempDir Path dir;
  private Path helper;
  private SpawnServer server;

  @BeforeEach
  void install() {
    assertNotNull(SpawnHelper.class.getResource(SpawnHelper.RESOURCE),
        "the build compiles drover-spawn where gcc is, and the build machine has gcc");
    helper = SpawnHelper.install(dir);
    server = SpawnServer.start(helper);
  }

  @AfterEach
  void close() {
    server.close();
  }

  @Test
  void installWritesAnExecutableOnlyItsOwnerMayUseAndReplacesAnOlderCopy() throws Exception {
    assertEquals(dir.resolve(".drover-spawn"), helper);
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(helper)));

    // The running server keeps the file busy: an older copy is another file of that name.
    Files.delete(helper);
    Files.writeString(helper, "an older copy");
    assertEquals(helper, SpawnHelper.install(dir));
    Process version = new ProcessBuilder(helper.toString(), "--version").redirectErrorStream(true).start();
    assertEquals("drover-spawn 2\n", new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    try (var left = Files.list(dir)) {
      assertEquals(List.of(helper), left.toList());
    }
  }

  @Test
  void theCommandLeadsASessionAndProcessGroupOfItsOwnInItsDirectoryWithExactlyItsEnvironment() throws Exception {
    Run run = run(AGENT, Map.of("PATH", "/usr/bin:/bin", "GREETING", "hi"),
        "sh", "-c", "cut -d' ' -f1,5,6 /proc/$$/stat; pwd; env | sort");

    assertEquals(0, run.code(), run.stderr());
    String[] lines = run.stdout().split("\n");
    String[] pidGroupSession = lines[0].split(" ");
    assertEquals(pidGroupSession[0], pidGroupSession[1], lines[0]);
    assertEquals(pidGroupSession[0], pidGroupSession[2], lines[0]);
    assertEquals(Long.toString(run.started().pid()), pidGroupSession[0]);
    assertEquals(dir.toString(), lines[1]);
    assertEquals(List.of("GREETING=hi", "PATH=/usr/bin:/bin", "PWD=" + dir),
        List.of(lines).subList(2, lines.length));
  }

  /**
   * The server blocks SIGCHLD and ignores SIGPIPE for itself; a command must get neither, nor its
   * pipes. (Run directly: a shell would clear its signal mask itself.)
   */
  @Test
  void theCommandInheritsNoBlockedOrIgnoredSignalsNoOpenFilesAndNoInput() throws Exception {
    Map<String, String> path = Map.of("PATH", "/usr/bin:/bin");
    assertEquals("SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n",
        run(AGENT, path, "grep", "-E", "^Sig(Blk|Ign):", "/proc/self/status").stdout());
    // ls's own descriptor for the directory it lists is the 3.
    assertEquals("0\n1\n2\n3\n", run(AGENT, path, "ls", "/proc/self/fd").stdout());
    Run input = run(AGENT, path, "cat");
    assertEquals(0, input.code());
    assertEquals("", input.stdout());
  }

  @Test
  void asRootTheCommandRunsAsTheUserWithExactlyTheGroupsGivenAndNoNewPrivileges() throws Exception {
    assumeTrue(ROOT, "only root can switch users");
    Run run = run(new ProcessUser("nobody", 65534, 65534, List.of(5, 100), true), Map.of("PATH", "/usr/bin:/bin"),
        "sh", "-c", "id -u; id -g; id -G; grep -E '^(CapEff|NoNewPrivs):' /proc/self/status");

    assertEquals("65534\n65534\n65534 5 100\nCapEff:\t0000000000000000\nNoNewPrivs:\t1\n", run.stdout());
  }

  @Test
  void refusesRootAndSaysWhichStepFailedWhenACommandCannotRun() throws Exception {
    SpawnServer.Refused root = assertThrows(SpawnServer.Refused.class,
        () -> run(new ProcessUser("root", 0, 0, List.of(), true), Map.of(), "touch", "ran"));
    assertEquals("refusing to run a job command as root or as user or group -1: Operation not permitted",
        root.getMessage());
    assertFalse(root.notExecutable());
    assertFalse(Files.exists(dir.resolve("ran")));

    SpawnServer.Refused missing = assertThrows(SpawnServer.Refused.class,
        () -> run(AGENT, Map.of("PATH", "/usr/bin:/bin"), "drover-no-such-command"));
    assertEquals("exec: No such file or directory", missing.getMessage());
    assertTrue(missing.notExecutable());

    SpawnServer.Refused noDirectory = assertThrows(SpawnServer.Refused.class, () -> server.launch(
        dir.resolve("gone"), List.of("true"), Map.of(), AGENT, new Run()));
    assertEquals("changing to the working directory: No such file or directory", noDirectory.getMessage());
    assertFalse(noDirectory.notExecutable());
  }

  @Test
  void aSignalReachesTheWholeProcessGroupAndTheExitCodeNamesIt() throws Exception {
    Run run = new Run();
    SpawnServer.Started started = server.launch(dir, List.of("sh", "-c", "sleep 60 & sleep 60; echo after"),
        Map.of("PATH", "/usr/bin:/bin"), AGENT, run);
    ProcessHandle shell = ProcessHandle.of(started.pid()).orElseThrow();
    while (shell.children().count() < 2) {
      Thread.sleep(20);
    }
    List<ProcessHandle> children = shell.children().toList();

    server.signal(started.id(), SpawnServer.SIGTERM);

    assertEquals(128 + 15, run.exit.get(10, TimeUnit.SECONDS));
    assertEquals("", run.stdout());
    for (ProcessHandle child : children) {
      ProcessAttemptExecutorTest.assertEndsWithin10s(child, "child " + child.pid() + " survived");
    }
  }

  @Test
  void closingKillsWhatRunsAndReportsItsExit() throws Exception {
    Run run = new Run();
    server.launch(dir, List.of("sleep", "60"), Map.of("PATH", "/usr/bin:/bin"), AGENT, run);

    server.close();

    assertEquals(128 + 9, run.exit.get(10, TimeUnit.SECONDS));
    assertThrows(IOException.class, () -> server.launch(dir, List.of("true"), Map.of(), AGENT, new Run()));
  }

  @Test
  void whenTheServerDiesItsCommandsAreLostAndItSaysSo() throws Exception {
    Run run = new Run();
    SpawnServer.Started started =
        server.launch(dir, List.of("sleep", "60"), Map.of("PATH", "/usr/bin:/bin"), AGENT, run);

    try {
      ProcessHandle.of(server.pid()).orElseThrow().destroyForcibly();

      ExecutionException lost = assertThrows(ExecutionException.class, () -> run.exit.get(10, TimeUnit.SECONDS));
      assertInstanceOf(IOException.class, lost.getCause());
      assertTrue(lost.getCause().getMessage().startsWith("drover-spawn (pid " + server.pid() + ") exited"),
          lost.getCause().getMessage());
      assertFalse(server.running());
    } finally {
      ProcessHandle.of(started.pid()).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  @Test
  void manyCommandsAtOnceEachGetTheirOwnOutputAndExit() throws Exception {
    List<Run> runs = IntStream.range(0, 50).mapToObj(i -> new Run()).toList();
    for (int i = 0; i < runs.size(); i++) {
      server.launch(dir, List.of("sh", "-c", "head -c 100000 /dev/zero | tr '\\0' x; echo; exit " + i),
          Map.of("PATH", "/usr/bin:/bin"), AGENT, runs.get(i));
    }
    for (int i = 0; i < runs.size(); i++) {
      assertEquals(i, runs.get(i).exit.get(30, TimeUnit.SECONDS));
      assertEquals("x".repeat(100_000) + "\n", runs.get(i).stdout());
    }
  }

  @Test
  void theGroupsCheckRefusesMoreThanTheHelperTakes() {
    SpawnHelper.checkGroups(new ProcessUser("jobs", 1001, 1001, List.of(5, 100), true));
    List<Integer> tooMany = IntStream.range(0, SpawnHelper.MAX_GROUPS + 1).map(group -> group + 2000).boxed().toList();
    SpawnHelper.checkGroups(new ProcessUser("drover", 1000, 1000, tooMany, false));
    IllegalStateException refused = assertThrows(IllegalStateException.class,
        () -> SpawnHelper.checkGroups(new ProcessUser("jobs", 1001, 1001, tooMany, true)));
    assertEquals("jobs belongs to 1025 supplementary groups, more than the 1024 it takes", refused.getMessage());
  }

  /** Collects one command's output and exit. */
  private static final class Run implements SpawnServer.Listener {

    private final StringBuilder stdout = new StringBuilder();
    private final StringBuilder stderr = new StringBuilder();
    final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private volatile SpawnServer.Started started;

    @Override
    public void started(SpawnServer.Started started) {
      this.started = started;
    }

    @Override
    public synchronized void output(OutputStream stream, byte[] data) {
      (stream == OutputStream.STDOUT ? stdout : stderr).append(new String(data, StandardCharsets.UTF_8));
    }

    @Override
    public void exited(int code) {
      exit.complete(code);
    }

    @Override
    public void lost(IOException cause) {
      exit.completeExceptionally(cause);
    }

    synchronized String stdout() {
      return stdout.toString();
    }

    synchronized String stderr() {
      return stderr.toString();
    }

    int code() throws Exception {
      return exit.get(30, TimeUnit.SECONDS);
    }

    SpawnServer.Started started() {
      return started;
    }
  }

  private Run run(ProcessUser user, Map<String, String> environment, String... command) throws Exception {
    Run run = new Run();
    server.launch(dir, List.of(command), environment, user, run);
    run.exit.get(30, TimeUnit.SECONDS);
    return run;
  }
}
