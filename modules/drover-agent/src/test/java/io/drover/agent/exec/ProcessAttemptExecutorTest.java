package io.drover.agent.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.drover.core.model.Resources;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs real processes from the host's /bin and /usr/bin, started through drover-spawn (which the
 * build compiles where gcc is, as on the build machine); {@link ProcessAttemptExecutorSetprivTest}
 * runs the same through setsid and setpriv. Run as root (as on the build machine), commands run as
 * nobody; the tests that need root say so.
 */
class ProcessAttemptExecutorTest {

  private static final boolean ROOT = "0".equals(id("-u"));

  @TempDir Path workRoot;
  private ExecutorService pool;
  private ProcessAttemptExecutor executor;

  @BeforeEach
  void setUp() throws IOException {
    // A temporary directory is private (0700); the user commands run as must reach the work root.
    Files.setPosixFilePermissions(workRoot, PosixFilePermissions.fromString("rwxr-xr-x"));
    pool = Executors.newCachedThreadPool();
    executor = new ProcessAttemptExecutor(settings(workRoot, "nobody"), pool);
  }

  /** Whether commands start through drover-spawn. */
  boolean spawnHelper() {
    return true;
  }

  private ProcessSettings settings(Path workDir, String runAsUser) {
    return new ProcessSettings(workDir, runAsUser, spawnHelper());
  }

  @Test
  void commandsStartThroughDroverSpawnUnlessItIsTurnedOff() {
    String fallback = ROOT ? "setsid and setpriv" : "setsid";
    assertEquals(spawnHelper() ? "drover-spawn" : fallback, executor.launcherName());
  }

  @AfterEach
  void tearDown() {
    executor.close();
    pool.shutdownNow();
  }

  @Test
  void outputArrivesOnItsStreamsWithTheExitCode() throws Exception {
    RecordingSink sink = new RecordingSink();
    Execution execution =
        await(
            executor.start(
                spec("job-echo", Map.of(), "sh", "-c", "echo out; echo err >&2; exit 4"), sink));

    assertEquals(new ExitStatus(4, null), await(execution.exit()));
    assertEquals("out\n", sink.text(OutputStream.STDOUT));
    assertEquals("err\n", sink.text(OutputStream.STDERR));
    assertTrue(execution.id().startsWith("pid:"), execution.id());
  }

  @Test
  void largeOutputArrivesCompleteAndInOrder() throws Exception {
    RecordingSink sink = new RecordingSink();
    Execution execution = await(executor.start(spec("job-seq", Map.of(), "seq", "1", "50000"), sink));

    assertEquals(0, await(execution.exit()).exitCode());
    String expected =
        IntStream.rangeClosed(1, 50000).mapToObj(i -> i + "\n").collect(Collectors.joining());
    assertEquals(expected, sink.text(OutputStream.STDOUT));
  }

  @Test
  void environmentHoldsOnlyPathHomeAndTheSpecsVariables() throws Exception {
    RecordingSink sink = new RecordingSink();
    Execution execution =
        await(executor.start(spec("job-env", Map.of("GREETING", "hello world"), "env"), sink));

    assertEquals(0, await(execution.exit()).exitCode());
    Map<String, String> environment =
        Arrays.stream(sink.text(OutputStream.STDOUT).split("\n"))
            .map(line -> line.split("=", 2))
            .collect(Collectors.toMap(pair -> pair[0], pair -> pair[1]));
    assertEquals(
        Map.of(
            "PATH", System.getenv("PATH"),
            "HOME", workRoot.resolve("job-env-1").toString(),
            "GREETING", "hello world"),
        environment);
  }

  @Test
  void missingExecutableFailsWithCannotStartContainerError() {
    ExecutionException failure =
        assertThrows(
            ExecutionException.class,
            () ->
                await(
                    executor.start(
                        spec("job-missing", Map.of(), "/no/such/program"), new RecordingSink())));

    LaunchFailedException launch = assertInstanceOf(LaunchFailedException.class, failure.getCause());
    assertTrue(launch.getMessage().startsWith("CannotStartContainerError: "), launch.getMessage());
    assertTrue(launch.getMessage().contains("/no/such/program"), launch.getMessage());
    assertFalse(Files.exists(workRoot.resolve("job-missing-1")));
  }

  @Test
  void aCommandIsLookedUpOnTheJobsOwnPathWhenItSetsOne() throws Exception {
    Path tools = Files.createDirectories(workRoot.resolve("tools"));
    Path tool = tools.resolve("drover-test-tool");
    Files.writeString(tool, "#!/bin/sh\necho found on the job PATH\n");
    Files.setPosixFilePermissions(tools, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));
    RecordingSink sink = new RecordingSink();

    Execution execution = await(executor.start(
        spec("job-own-path", Map.of("PATH", tools + ":/usr/bin:/bin"), "drover-test-tool"), sink));

    assertEquals(0, await(execution.exit()).exitCode(), sink.text(OutputStream.STDERR));
    assertEquals("found on the job PATH\n", sink.text(OutputStream.STDOUT));
    ExecutionException failure = assertThrows(ExecutionException.class, () -> await(
        executor.start(spec("job-agent-path", Map.of(), "drover-test-tool"), new RecordingSink())));
    assertTrue(assertInstanceOf(LaunchFailedException.class, failure.getCause()).getMessage()
        .contains("on PATH " + System.getenv("PATH")), failure.getCause().getMessage());
  }

  @Test
  void asRootAProgramTheRunAsUserMayNotRunFailsTheLaunchAndIsPassedOverOnThePath() throws Exception {
    assumeTrue(ROOT, "only an agent running as root switches users");
    Path rootOnly = Files.createDirectories(workRoot.resolve("root-only"));
    Path everyone = Files.createDirectories(workRoot.resolve("everyone"));
    Path hidden = Files.createDirectories(workRoot.resolve("hidden"));
    for (Path dir : List.of(rootOnly, everyone, hidden)) {
      Files.writeString(dir.resolve("drover-test-tool"), "#!/bin/sh\necho ran from " + dir.getFileName() + "\n");
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.setPosixFilePermissions(dir.resolve("drover-test-tool"), PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Files.setPosixFilePermissions(rootOnly.resolve("drover-test-tool"), PosixFilePermissions.fromString("rwx------"));
    Files.setPosixFilePermissions(hidden, PosixFilePermissions.fromString("rwx------"));

    for (Path program : List.of(rootOnly.resolve("drover-test-tool"), hidden.resolve("drover-test-tool"))) {
      ExecutionException failure = assertThrows(ExecutionException.class, () -> await(
          executor.start(spec("job-root-only-" + program.getParent().getFileName(), Map.of(), program.toString()),
              new RecordingSink())));
      assertEquals("CannotStartContainerError: Cannot run program \"" + program
          + "\": no such executable file that nobody may run",
          assertInstanceOf(LaunchFailedException.class, failure.getCause()).getMessage());
    }
    RecordingSink sink = new RecordingSink();
    Execution execution = await(executor.start(spec("job-path-passes-over",
        Map.of("PATH", rootOnly + ":" + hidden + ":" + everyone + ":/usr/bin:/bin"), "drover-test-tool"), sink));
    assertEquals(0, await(execution.exit()).exitCode(), sink.text(OutputStream.STDERR));
    assertEquals("ran from everyone\n", sink.text(OutputStream.STDOUT));
  }

  @Test
  void aVariableNoProcessCanHoldFailsTheLaunchNamingItButNotItsValue() {
    Map<String, Map<String, String>> unusable = Map.of(
        "A=B", Map.of("A=B", "x"),
        "A\\0B", Map.of("A\0B", "x"),
        "TOKEN", Map.of("OTHER", "fine", "TOKEN", "secret\0value"));
    unusable.forEach((shown, environment) -> {
      String jobId = "job-unusable-" + Math.abs(shown.hashCode());
      ExecutionException failure = assertThrows(ExecutionException.class,
          () -> await(executor.start(spec(jobId, environment, "true"), new RecordingSink())));

      String message = assertInstanceOf(LaunchFailedException.class, failure.getCause()).getMessage();
      assertEquals("CannotStartContainerError: the environment variable \"" + shown + "\" cannot be set: "
          + "a name may hold neither '=' nor NUL, a value no NUL", message);
      assertFalse(Files.exists(workRoot.resolve(jobId + "-1")), jobId);
    });
  }

  @Test
  void emptyCommandFailsWithCannotStartContainerError() {
    ExecutionException failure =
        assertThrows(
            ExecutionException.class,
            () -> await(executor.start(spec("job-empty", Map.of()), new RecordingSink())));

    assertEquals(
        "CannotStartContainerError: the process executor needs a command",
        assertInstanceOf(LaunchFailedException.class, failure.getCause()).getMessage());
  }

  @Test
  void stopTerminatesTheProcessTree() throws Exception {
    RecordingSink sink = new RecordingSink();
    Execution execution =
        await(executor.start(spec("job-stop", Map.of(), "sh", "-c", "sleep 60; echo after"), sink));
    List<ProcessHandle> children = childrenOf(execution);
    long startedNanos = System.nanoTime();

    execution.stop(Duration.ofSeconds(20));
    execution.stop(Duration.ofSeconds(20));
    ExitStatus status = await(execution.exit());

    Duration took = Duration.ofNanos(System.nanoTime() - startedNanos);
    assertEquals(128 + 15, status.exitCode());
    assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "SIGTERM took " + took);
    assertEquals("", sink.text(OutputStream.STDOUT));
    children.forEach(child -> assertFalse(isRunning(child), "child " + child.pid() + " survived"));
  }

  @Test
  void stopAlsoEndsAChildThatLeftTheProcessTree() throws Exception {
    // The subshell forks a sleep and exits at once: the sleep, re-parented, is no descendant of the
    // attempt any more, yet it holds the output pipes. Only its process group still ties it.
    Execution execution = await(executor.start(
        spec("job-orphan", Map.of(), "sh", "-c", "(sleep 60 &); sleep 60"), new RecordingSink()));
    Thread.sleep(500);

    execution.stop(Duration.ofSeconds(20));
    ExitStatus status = await(execution.exit());

    assertEquals(128 + 15, status.exitCode());
  }

  @Test
  void stopKillsWhatIgnoresSigtermOnceTheGracePeriodEnds() throws Exception {
    Execution execution =
        await(
            executor.start(
                spec("job-stubborn", Map.of(), "sh", "-c", "trap '' TERM; sleep 60; echo after"),
                new RecordingSink()));
    List<ProcessHandle> children = childrenOf(execution);
    long startedNanos = System.nanoTime();

    execution.stop(Duration.ofMillis(300));
    ExitStatus status = await(execution.exit());

    Duration took = Duration.ofNanos(System.nanoTime() - startedNanos);
    assertEquals(128 + 9, status.exitCode());
    assertTrue(took.compareTo(Duration.ofMillis(300)) >= 0, "killed before the grace period: " + took);
    assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "SIGKILL took " + took);
    children.forEach(child -> assertFalse(isRunning(child), "child " + child.pid() + " survived"));
  }

  @Test
  void workDirectoryIsFreshAndRemovedAfterExit() throws Exception {
    Path workDir = workRoot.resolve("job-dir-1");
    Files.createDirectories(workDir);
    Files.writeString(workDir.resolve("stale"), "from an earlier attempt");
    RecordingSink sink = new RecordingSink();
    Execution execution =
        await(executor.start(spec("job-dir", Map.of(), "sh", "-c", "pwd; ls -A; touch made"), sink));

    assertEquals(0, await(execution.exit()).exitCode());
    assertEquals(workDir + "\n", sink.text(OutputStream.STDOUT));
    assertFalse(Files.exists(workDir));
  }

  @Test
  void anEmptiedWorkingDirectoryIsReusedPrivateAndWithoutWhatItsLastCommandSetOnIt() throws Exception {
    assumeTrue(spawnHelper(), "only attempts drover-spawn starts reuse working directories");
    RecordingSink first = new RecordingSink();
    Execution opened = await(executor.start(spec("job-opens-its-dir", Map.of(), "sh", "-c",
        "stat -c %i .; chmod 777 ."), first));
    assertEquals(0, await(opened.exit()).exitCode(), first.text(OutputStream.STDERR));
    assertEquals(List.of(".idle-1"), idle());

    RecordingSink second = new RecordingSink();
    Execution reused = await(executor.start(spec("job-reuses-it", Map.of(), "sh", "-c",
        "stat -c '%i %a %U' .; ls -A; echo litter > left-behind"), second));
    assertEquals(0, await(reused.exit()).exitCode(), second.text(OutputStream.STDERR));
    String user = ROOT ? "nobody" : id("-un");
    assertEquals(first.text(OutputStream.STDOUT).trim() + " 700 " + user + "\n", second.text(OutputStream.STDOUT));
    assertEquals(List.of(), idle(), "a directory with something left in it is removed, not kept");
    assertFalse(Files.exists(workRoot.resolve("job-reuses-it-1")));
  }

  /** An agent that crashed during an attempt leaves its directory behind, full or empty. */
  @Test
  void aKeptDirectoryReplacesWhatACrashedAgentLeftUnderTheAttemptsName() throws Exception {
    assumeTrue(spawnHelper(), "only attempts drover-spawn starts reuse working directories");
    for (String leftover : List.of("full", "empty")) {
      RecordingSink first = new RecordingSink();
      Execution keeps = await(executor.start(spec("job-keeps-" + leftover, Map.of(), "stat", "-c", "%i", "."), first));
      assertEquals(0, await(keeps.exit()).exitCode(), first.text(OutputStream.STDERR));
      assertEquals(1, idle().size());

      Path crashed = Files.createDirectories(workRoot.resolve("job-after-a-crash-" + leftover + "-1"));
      if (leftover.equals("full")) {
        Files.writeString(Files.createDirectories(crashed.resolve("out")).resolve("result"), "from before the crash");
      }
      RecordingSink second = new RecordingSink();
      Execution next = await(executor.start(spec("job-after-a-crash-" + leftover, Map.of(), "sh", "-c",
          "stat -c %i .; ls -A"), second));
      assertEquals(0, await(next.exit()).exitCode(), second.text(OutputStream.STDERR));
      assertEquals(first.text(OutputStream.STDOUT), second.text(OutputStream.STDOUT), leftover + " leftover");
    }
  }

  /** A default ACL would give whom it names the files of every later command in that directory. */
  @Test
  void aReusedWorkingDirectoryLosesTheAclItsLastCommandSet() throws Exception {
    assumeTrue(spawnHelper(), "only attempts drover-spawn starts reuse working directories");
    Path python = Path.of("/usr/bin/python3");
    assumeTrue(Files.isExecutable(python), "python3 sets the ACL (no setfacl here)");
    // A default ACL giving root rwx, in the kernel's format: version 2, then tag, permissions, id.
    String setAcl = "import os, struct; entries = [(1, 7, 0xFFFFFFFF), (2, 7, 0), (4, 0, 0xFFFFFFFF), "
        + "(0x10, 7, 0xFFFFFFFF), (0x20, 0, 0xFFFFFFFF)]; os.setxattr('.', 'system.posix_acl_default', "
        + "struct.pack('<I', 2) + b''.join(struct.pack('<HHI', *e) for e in entries)); "
        + "print(os.listxattr('.'))";
    RecordingSink first = new RecordingSink();
    Execution set = await(executor.start(spec("job-sets-an-acl", Map.of(), python.toString(), "-c", setAcl), first));
    assumeTrue(await(set.exit()).exitCode() == 0, "this file system takes ACLs: " + first.text(OutputStream.STDERR));
    assertEquals("['system.posix_acl_default']\n", first.text(OutputStream.STDOUT));

    RecordingSink second = new RecordingSink();
    Execution next = await(executor.start(spec("job-after-the-acl", Map.of(), python.toString(), "-c",
        "import os; print(os.listxattr('.'))"), second));
    assertEquals(0, await(next.exit()).exitCode(), second.text(OutputStream.STDERR));
    assertEquals("[]\n", second.text(OutputStream.STDOUT));
  }

  private List<String> idle() throws IOException {
    try (Stream<Path> entries = Files.list(workRoot)) {
      return entries.map(path -> path.getFileName().toString()).filter(name -> name.startsWith(".idle-")).sorted()
          .toList();
    }
  }

  @Test
  void outputIsReadWithoutThreadsOfItsOwnForEachAttempt() throws Exception {
    Set<Thread> readers = ConcurrentHashMap.newKeySet();
    for (int i = 0; i < 10; i++) {
      Set<String> deliveries = ConcurrentHashMap.newKeySet();
      OutputSink sink = (stream, data) -> {
        readers.add(Thread.currentThread());
        deliveries.add(stream + " on " + Thread.currentThread().getName());
      };
      Execution execution =
          await(executor.start(spec("job-reader-" + i, Map.of(), "sh", "-c", "echo out; echo err >&2"), sink));

      assertEquals(0, await(execution.exit()).exitCode());
      String pid = execution.id().substring("pid:".length());
      if (spawnHelper()) {
        // drover-spawn's one reader thread reads every attempt's output.
        assertEquals(2, deliveries.size(), deliveries.toString());
        assertTrue(deliveries.stream().allMatch(delivery -> delivery.matches("STD(OUT|ERR) on drover-spawn-output-\\d+")),
            deliveries.toString());
      } else {
        // Pooled reader threads, named for the stream they read meanwhile.
        assertEquals(Set.of("STDOUT on drover-stdout-" + pid, "STDERR on drover-stderr-" + pid), deliveries);
      }
    }
    int most = spawnHelper() ? 1 : 19;
    assertTrue(readers.size() <= most, "10 attempts read their output on " + readers.size() + " threads");
  }

  @Test
  void whenDroverSpawnDiesItsAttemptsEndAsLostAndTheNextLaunchStartsItAgain() throws Exception {
    assumeTrue(spawnHelper(), "only attempts drover-spawn started depend on it");
    Execution execution = await(executor.start(spec("job-lost", Map.of(), "sleep", "60"), new RecordingSink()));
    ProcessHandle command = ProcessHandle.of(Long.parseLong(execution.id().substring("pid:".length()))).orElseThrow();
    String helper = workRoot.resolve(".drover-spawn").toString();
    ProcessHandle spawn = ProcessHandle.current().children()
        .filter(child -> child.info().command().map(helper::equals).orElse(false))
        .findFirst().orElseThrow(() -> new AssertionError("no drover-spawn runs from " + helper));

    spawn.destroyForcibly();

    ExecutionException lost = assertThrows(ExecutionException.class, () -> await(execution.exit()));
    assertTrue(lost.getCause().getMessage().startsWith("drover-spawn (pid " + spawn.pid() + ") exited"),
        lost.getCause().getMessage());
    assertEndsWithin10s(command, "the lost attempt's process still runs");
    assertFalse(Files.exists(workRoot.resolve("job-lost-1")));

    RecordingSink sink = new RecordingSink();
    Execution next = await(executor.start(spec("job-after-lost", Map.of(), "echo", "again"), sink));
    assertEquals(0, await(next.exit()).exitCode());
    assertEquals("again\n", sink.text(OutputStream.STDOUT));
  }

  @Test
  void closeKillsRunningProcesses() throws Exception {
    Execution execution =
        await(executor.start(spec("job-close", Map.of(), "sleep", "60"), new RecordingSink()));

    executor.close();

    assertEquals(128 + 9, await(execution.exit()).exitCode());
  }

  @Test
  void commandsNeverRunAsRootAndAsRootRunAsTheRunAsUser() throws Exception {
    RecordingSink sink = new RecordingSink();
    Execution execution = await(executor.start(spec("job-id", Map.of(), "id", "-u"), sink));

    assertEquals(0, await(execution.exit()).exitCode());
    String uid = sink.text(OutputStream.STDOUT).trim();
    assertNotEquals("0", uid);
    assertEquals(ROOT ? id("-u", "nobody") : id("-u"), uid);
  }

  @Test
  void commandsRunWithTheGroupsOfTheirUserOnly() throws Exception {
    RecordingSink sink = new RecordingSink();
    Execution execution = await(executor.start(spec("job-groups", Map.of(), "id", "-G"), sink));

    assertEquals(0, await(execution.exit()).exitCode());
    assertEquals(ROOT ? id("-G", "nobody") : id("-G"), sink.text(OutputStream.STDOUT).trim());
  }

  @Test
  void asRootACommandCannotWriteWhereOnlyRootMayButOwnsItsWorkingDirectory() throws Exception {
    assumeTrue(ROOT, "only an agent running as root switches users");
    Path rootOnly = Files.createDirectories(workRoot.resolve("root-only"));
    Files.setPosixFilePermissions(rootOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(rootOnly.resolve("owned-by-root"), "root's\n");
    RecordingSink sink = new RecordingSink();
    Execution execution = await(executor.start(spec("job-write", Map.of(), "sh", "-c",
        "cat \"$1/owned-by-root\"; touch \"$1/new\" 2>/dev/null && echo created;"
            + " echo more >> \"$1/owned-by-root\" 2>/dev/null && echo appended;"
            + " echo mine > \"$HOME/file\" && echo home=$(stat -c %u .)", "sh", rootOnly.toString()), sink));

    assertEquals(0, await(execution.exit()).exitCode());
    assertEquals("root's\nhome=" + id("-u", "nobody") + "\n", sink.text(OutputStream.STDOUT));
    assertFalse(Files.exists(rootOnly.resolve("new")));
    assertEquals("root's\n", Files.readString(rootOnly.resolve("owned-by-root")));
  }

  @Test
  void asRootANoNewPrivsCommandCannotGainCapabilities() throws Exception {
    assumeTrue(ROOT, "only an agent running as root switches users");
    RecordingSink sink = new RecordingSink();
    Execution execution = await(executor.start(spec("job-caps", Map.of(), "grep", "-E",
        "^(CapEff|NoNewPrivs):", "/proc/self/status"), sink));

    assertEquals(0, await(execution.exit()).exitCode());
    assertEquals("CapEff:\t0000000000000000\nNoNewPrivs:\t1\n", sink.text(OutputStream.STDOUT));
  }

  @Test
  void asRootAJobsEnvironmentReachesItsCommandButNotTheLauncherRunningAsRoot() throws Exception {
    assumeTrue(ROOT, "only an agent running as root switches users");
    RecordingSink sink = new RecordingSink();
    Execution execution = await(executor.start(
        spec("job-preload", Map.of("LD_PRELOAD", "/drover-no-such-library.so"), "true"), sink));

    assertEquals(0, await(execution.exit()).exitCode());
    // The dynamic loader names a preload it cannot open once in each program that is given it:
    // here `true`, as the run-as user, and no launcher running as root before it.
    String stderr = sink.text(OutputStream.STDERR);
    assertEquals(1, stderr.split("from LD_PRELOAD cannot be preloaded", -1).length - 1, stderr);
  }

  @Test
  void asRootAMissingRunAsUserStopsTheAgentSayingHowToFixIt() {
    assumeTrue(ROOT, "only an agent running as root switches users");
    IllegalStateException refused = assertThrows(IllegalStateException.class,
        () -> new ProcessAttemptExecutor(settings(workRoot, "drover-no-such-user"), pool));

    assertEquals("drover.agent.process.run-as-user is 'drover-no-such-user', which is not a user on this host. The "
        + "agent runs as root and starts job commands as that user: create it (useradd --system --no-create-home "
        + "--shell /usr/sbin/nologin drover-no-such-user) or name an existing unprivileged user, such as nobody.",
        refused.getMessage());
  }

  @Test
  void asRootRootAsRunAsUserStopsTheAgent() {
    assumeTrue(ROOT, "only an agent running as root switches users");
    for (String root : new String[] {"root", "0"}) {
      IllegalStateException refused = assertThrows(IllegalStateException.class,
          () -> new ProcessAttemptExecutor(settings(workRoot, root), pool));

      assertEquals("drover.agent.process.run-as-user is '" + root + "', which is root (uid 0): Drover never runs job "
          + "commands as root. Name an unprivileged user, such as nobody.", refused.getMessage());
    }
  }

  @Test
  void asRootAWorkRootOthersCanWriteOrTheUserCannotReachStopsTheAgent() throws IOException {
    assumeTrue(ROOT, "only an agent running as root switches users");
    Files.setPosixFilePermissions(workRoot, PosixFilePermissions.fromString("rwxrwxrwx"));
    IllegalStateException writable = assertThrows(IllegalStateException.class,
        () -> new ProcessAttemptExecutor(settings(workRoot, "nobody"), pool));
    Files.setPosixFilePermissions(workRoot, PosixFilePermissions.fromString("rwx------"));
    IllegalStateException unreachable = assertThrows(IllegalStateException.class,
        () -> new ProcessAttemptExecutor(settings(workRoot.resolve("attempts"), "nobody"), pool));

    assertEquals("drover.agent.process.work-dir (" + workRoot + ") must be a directory owned by root that only root "
        + "can write: the agent runs as root and gives each attempt a directory there. Remove it (Drover creates it) "
        + "or choose another.", writable.getMessage());
    assertEquals("drover.agent.process.work-dir (" + workRoot.resolve("attempts") + ") is out of reach of "
        + "drover.agent.process.run-as-user ('nobody'), the user job commands run as: " + workRoot + " is not "
        + "searchable by others. Choose a work-dir under a directory everyone may search, such as "
        + "/var/lib/drover/attempts, or chmod o+x " + workRoot + ".", unreachable.getMessage());
  }

  /** Waits until the shell has forked its child, so the test knows which processes must die. */
  private static List<ProcessHandle> childrenOf(Execution execution) throws InterruptedException {
    long pid = Long.parseLong(execution.id().substring("pid:".length()));
    ProcessHandle shell = ProcessHandle.of(pid).orElseThrow();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < deadline) {
      List<ProcessHandle> children = shell.children().toList();
      if (!children.isEmpty()) {
        return children;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the shell did not start its child within 5 s");
  }

  /**
   * A killed orphan stays a zombie until the host's init reaps it, and {@link ProcessHandle#isAlive}
   * counts zombies as alive.
   */
  static boolean isRunning(ProcessHandle process) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return process.isAlive() && state != 'Z' && state != 'X';
    } catch (IOException gone) {
      return false;
    }
  }

  /** Waits up to 10 s for {@code process} to end (see {@link #isRunning}); fails with {@code message} if it does not. */
  static void assertEndsWithin10s(ProcessHandle process, String message) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (isRunning(process) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertFalse(isRunning(process), message);
  }

  private static LaunchSpec spec(String jobId, Map<String, String> environment, String... command) {
    return new LaunchSpec(
        jobId, 1, "test-node", null, List.of(command), environment, Resources.ZERO, null, false,
        false, List.of(), Map.of());
  }

  /** What {@code id} prints for the arguments. */
  private static String id(String... arguments) {
    List<String> command = new ArrayList<>(List.of("id"));
    command.addAll(List.of(arguments));
    try {
      Process process = new ProcessBuilder(command).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      assertEquals(0, process.waitFor(), "id " + String.join(" ", arguments));
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
