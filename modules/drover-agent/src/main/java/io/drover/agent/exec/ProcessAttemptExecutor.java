package io.drover.agent.exec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs attempts as plain child processes of the agent, for hosts without Docker. It must be chosen
 * explicitly ({@code drover.agent.executor = process}); the scheduler places jobs on it only in
 * compute environments that enable it.
 *
 * <p>The spec's command runs directly, without a shell, looked up on the job's {@code PATH} (the
 * agent's own unless the spec sets one); the image is ignored and an empty command fails the
 * launch. Each attempt gets an empty working directory {@code <workRoot>/<jobId>-<attempt>}, deleted
 * after it exits; through drover-spawn one it left empty is kept instead ({@link IdleDirectories},
 * at most 256) for a later attempt, and drover-spawn makes it that attempt's user's alone again
 * (owner, mode 0700, no ACL) before the command runs. The environment is built from scratch:
 * {@code PATH} from the agent's own environment, {@code HOME} set to the working directory, then
 * the spec's variables; nothing else from the host leaks in, and none of it reaches a program that
 * runs as root before the user is switched. Standard input is closed. A command that cannot be
 * started fails the launch with {@code CannotStartContainerError: <message>}.
 *
 * <p><b>The user:</b> an agent running as root runs every command as {@link
 * ProcessSettings#runAsUser()} (never root; see {@link ProcessUser}), in a working directory that
 * user owns (mode 0700) under a work root only root can write; it refuses to start when that user
 * does not exist, or when the work root is unsafe or out of the user's reach. An agent running as
 * another user cannot switch and runs commands as itself, which it logs at start.
 *
 * <p><b>The launch:</b> each command starts through {@link SpawnServer drover-spawn}, one process
 * the executor keeps for all attempts (and starts again should it end): it forks the command, gives
 * it a session and process group of its own and, when switching, drops to the user before the
 * command's exec, the only one; it then forwards the command's output and exit. A command that
 * cannot run (missing, or not the user's to run) fails the launch with the exec's own error. Where
 * drover-spawn cannot be used (not built into this jar, a work root mounted noexec, or {@link
 * ProcessSettings#spawnHelper()} off), which the agent logs at start, the agent forks each command
 * itself through util-linux's {@code setsid} and {@code setpriv}, with coreutils' {@code env}
 * setting the job's environment after the switch: two more execs; an agent running as root then
 * refuses to start without {@code setpriv} or {@code env}. With that launcher in front, a command
 * that is not an executable file fails the launch before anything starts, as a direct start would.
 *
 * <p><b>No other isolation or limits:</b> this executor does not enforce the spec's resources
 * (vCPU, memory, GPUs) and ignores its user, read-only root file system, privileged flag and
 * mounts. Every attempt runs as the same user, so attempts can see and signal each other, and see
 * whatever that user may on the host. Use the Docker executor wherever that matters.
 *
 * <p>Threads: through drover-spawn, one thread reads what it sends for every attempt, and an exit
 * is completed (the working directory removed) on the blocking pool. Forked by the agent, stdout
 * and stderr are each read by a thread of the executor's own unbounded pool of daemon threads, so
 * a running attempt never holds one of the shared executor's threads (a bounded pool would
 * otherwise starve once it runs more attempts than it has threads); threads are reused from one
 * attempt to the next and end after a minute idle. Background children
 * that keep the output pipes open keep the attempt from finishing until they exit or {@link
 * Execution#stop} kills them. The exit code is the process's own; a process killed by a signal
 * reports 128 + the signal number.
 *
 * <p>Where each attempt runs in a session and process group of its own (through drover-spawn, or
 * {@code setsid} where procps's {@code kill} exists, as on Debian), a stop signals the whole group:
 * a child the command forks at the very moment of the stop cannot escape it (re-parented, it would
 * no longer be found among the descendants and would keep the output pipes, and so the attempt,
 * open). Otherwise the process tree is signalled instead.
 *
 * <p>There is nothing to re-attach after an agent restart, so {@link #leftovers} is always empty;
 * {@link #close()} therefore kills (SIGKILL) the process trees still running.
 */
public final class ProcessAttemptExecutor implements AttemptExecutor {

  private static final Logger log = LoggerFactory.getLogger(ProcessAttemptExecutor.class);
  private static final int CHUNK_BYTES = 8 * 1024;
  private static final Pattern NOT_DIRECTORY_CHARACTER = Pattern.compile("[^a-zA-Z0-9_.:-]");
  private static final Path SETSID = Path.of("/usr/bin/setsid");
  private static final Path KILL = Path.of("/bin/kill");
  private static final Path ENV = Path.of("/usr/bin/env");
  /** How many emptied working directories drover-spawn's attempts keep for the next ones. */
  private static final int IDLE_DIRECTORIES = 256;

  private final Path workRoot;
  private final ProcessUser user;
  private final Executor blocking;
  private final ScheduledExecutorService graceTimer;
  private final ExecutorService outputReaders;
  private final Set<RunningAttempt> running = ConcurrentHashMap.newKeySet();
  /** drover-spawn's path when commands start through it; null when they start through {@link #launcher}. */
  private final Path spawnHelper;
  /** How commands start without drover-spawn; null with it. */
  private final Launcher launcher;
  /** Working directories for drover-spawn's attempts; null without it. */
  private final IdleDirectories idleDirectories;
  /** Whether attempts started through {@link #launcher} get a process group of their own that a stop can signal. */
  private final boolean processGroups;
  /** The drover-spawn that starts commands, replaced when it has ended; guarded by this. */
  private SpawnServer server;
  /** Guarded by this. */
  private boolean closed;

  /**
   * Finds the user commands run as and prepares the work root; fails, with what to do, when the
   * agent runs as root and cannot run commands safely as {@link ProcessSettings#runAsUser()}.
   *
   * @param settings where attempts run and as whom
   * @param blocking runs launches and stops; owned by the caller
   */
  public ProcessAttemptExecutor(ProcessSettings settings, Executor blocking) {
    this.workRoot = settings.workDir().toAbsolutePath().normalize();
    this.user = ProcessUser.resolve(settings.runAsUser());
    this.blocking = new MdcPropagatingExecutor(blocking);
    if (user.switched()) {
      checkWorkRoot();
    }
    this.spawnHelper = startSpawnServer(settings.spawnHelper());
    this.launcher = spawnHelper == null ? fallbackLauncher(settings.spawnHelper()) : null;
    this.idleDirectories = spawnHelper == null ? null : idleDirectories();
    this.processGroups = launcher != null && launcher.ownProcessGroup() && Files.isExecutable(KILL);
    if (user.switched()) {
      log.info("The process executor runs job commands as {} (uid {}, gid {}), through {} ({})",
          user.name(), user.uid(), user.gid(), launcherName(), ProcessUser.SETTING);
    } else if (user.name().equals(settings.runAsUser())) {
      log.info("The process executor runs job commands as {} (uid {}), the agent's own user", user.name(), user.uid());
    } else {
      log.warn("The process executor runs job commands as {} (uid {}), the agent's own user: only an agent running "
          + "as root can switch to {} ('{}')", user.name(), user.uid(), ProcessUser.SETTING, settings.runAsUser());
    }
    this.graceTimer =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "drover-process-grace-timer");
              thread.setDaemon(true);
              return thread;
            });
    AtomicInteger readerNumber = new AtomicInteger();
    this.outputReaders =
        Executors.newCachedThreadPool(
            runnable -> {
              Thread thread = new Thread(runnable, "drover-process-output-" + readerNumber.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * What goes before each command, named for the log.
   *
   * @param prefix the program and its arguments, empty when commands start directly
   * @param ownProcessGroup whether it gives each command a process group of its own
   * @param environmentAsArguments whether the job's environment goes to the last program of
   *     {@code prefix} ({@code env -i --}) as {@code NAME=VALUE} arguments rather than to the
   *     launcher itself
   */
  private record Launcher(String name, List<String> prefix, boolean ownProcessGroup, boolean environmentAsArguments) {}

  /**
   * Installs drover-spawn and starts it when it is wanted and runs here.
   *
   * @return its path, or null when commands start without it ({@link #fallbackLauncher}), saying why
   */
  private Path startSpawnServer(boolean wanted) {
    if (!wanted) {
      return null;
    }
    try {
      SpawnHelper.checkGroups(user);
      Path helper = SpawnHelper.install(workRoot);
      server = SpawnServer.start(helper);
      return helper;
    } catch (IllegalStateException unusable) {
      log.warn("The process executor cannot use drover-spawn: {}. Job commands start through setsid and setpriv "
          + "instead: the agent forks each itself, with up to two execs more and two threads for every attempt. "
          + "Build Drover where gcc is, or give drover.agent.process.work-dir a file system that allows exec.",
          unusable.getMessage());
      return null;
    }
  }

  /** Those of drover-spawn's attempts; should that fail, drover-spawn is stopped again. */
  private IdleDirectories idleDirectories() {
    try {
      return new IdleDirectories(workRoot, IDLE_DIRECTORIES);
    } catch (IOException e) {
      server.close();
      throw new IllegalStateException("Cannot remove the working directories an earlier run kept in "
          + "drover.agent.process.work-dir (" + workRoot + "): " + e + ". Remove " + workRoot + "/"
          + IdleDirectories.PREFIX + "* by hand.", e);
    }
  }

  /** {@link #utilLinuxLauncher()}, saying so at INFO when drover-spawn was turned off. */
  private Launcher fallbackLauncher(boolean spawnHelperWanted) {
    Launcher fallback = utilLinuxLauncher();
    if (!spawnHelperWanted) {
      log.info("drover.agent.process.spawn-helper is off: job commands start through {}", fallback.name());
    }
    return fallback;
  }

  /**
   * setsid where it is, and setpriv when switching users. setsid and setpriv then run as root, and
   * being linked dynamically they would load what a job's {@code LD_PRELOAD} names: so they get the
   * agent's {@code PATH} only, and coreutils' {@code env}, run by setpriv as the job's user, sets
   * the job's environment.
   */
  private Launcher utilLinuxLauncher() {
    List<String> prefix = new ArrayList<>();
    boolean setsid = Files.isExecutable(SETSID);
    if (setsid) {
      // --wait: should setsid have to fork (it does when already a group leader), it still
      // reports the command's exit code.
      prefix.add(SETSID.toString());
      prefix.add("--wait");
    }
    prefix.addAll(user.setprivPrefix());
    if (user.switched()) {
      if (!Files.isExecutable(ENV)) {
        throw new IllegalStateException("The agent runs as root and starts job commands through setpriv, and then "
            + "through coreutils' env, which is not at " + ENV + ": install coreutils, or build Drover where gcc is so "
            + "that drover-spawn starts them.");
      }
      prefix.addAll(List.of(ENV.toString(), "-i", "--"));
    }
    String name = setsid
        ? (user.switched() ? "setsid and setpriv" : "setsid")
        : (user.switched() ? "setpriv" : "nothing");
    return new Launcher(name, List.copyOf(prefix), setsid, user.switched());
  }

  /**
   * An agent running as root hands out directories in the work root to another user, so only root
   * may write the work root (else someone could swap an attempt's directory for a link, and root
   * would give them what it points to), and that user must be able to reach it.
   */
  private void checkWorkRoot() {
    String setting = "drover.agent.process.work-dir (" + workRoot + ")";
    try {
      Files.createDirectories(workRoot);
      if (Files.isSymbolicLink(workRoot)
          || (int) Files.getAttribute(workRoot, "unix:uid", LinkOption.NOFOLLOW_LINKS) != 0
          || !Collections.disjoint(Files.getPosixFilePermissions(workRoot, LinkOption.NOFOLLOW_LINKS),
              Set.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE))) {
        throw new IllegalStateException(setting + " must be a directory owned by root that only root can write: the "
            + "agent runs as root and gives each attempt a directory there. Remove it (Drover creates it) or choose "
            + "another.");
      }
      for (Path dir = workRoot; dir != null; dir = dir.getParent()) {
        if (!Files.getPosixFilePermissions(dir).contains(PosixFilePermission.OTHERS_EXECUTE)) {
          throw new IllegalStateException(setting + " is out of reach of " + ProcessUser.SETTING + " ('" + user.name()
              + "'), the user job commands run as: " + dir + " is not searchable by others. Choose a work-dir under a "
              + "directory everyone may search, such as /var/lib/drover/attempts, or chmod o+x " + dir + ".");
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("Cannot prepare " + setting + ": " + e, e);
    }
  }

  @Override
  public String name() {
    return "process";
  }

  /** What commands start through: drover-spawn, or as much of setsid and setpriv as applies. */
  String launcherName() {
    return spawnHelper != null ? "drover-spawn" : launcher.name();
  }

  @Override
  public CompletionStage<Execution> start(LaunchSpec spec, OutputSink sink) {
    return supply(() -> launch(spec, sink));
  }

  @Override
  public CompletionStage<List<LeftoverExecution>> leftovers(String nodeId) {
    return CompletableFuture.completedFuture(List.of());
  }

  @Override
  public CompletionStage<Execution> reattach(LeftoverExecution leftover, OutputSink sink) {
    return CompletableFuture.failedFuture(
        new UnsupportedOperationException("the process executor has no leftovers to re-attach to"));
  }

  @Override
  public CompletionStage<Void> reap(LeftoverExecution leftover, Duration grace) {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void close() {
    graceTimer.shutdownNow();
    running.forEach(RunningAttempt::kill);
    synchronized (this) {
      closed = true;
      if (server != null) {
        // It kills what still runs and reports each exit before it ends.
        server.close();
      }
    }
    // The killed processes' pipes close, so the readers still running end and their threads with them.
    outputReaders.shutdown();
  }

  /** The running drover-spawn; a new one when the last has ended. */
  private synchronized SpawnServer server() throws IOException {
    if (closed) {
      throw new IOException("the agent is shutting down");
    }
    if (!server.running()) {
      log.warn("drover-spawn (pid {}) has ended; starting it again", server.pid());
      try {
        server = SpawnServer.start(spawnHelper);
      } catch (IllegalStateException e) {
        throw new IOException(e.getMessage(), e);
      }
    }
    return server;
  }

  private Execution launch(LaunchSpec spec, OutputSink sink) {
    if (spec.command().isEmpty()) {
      throw new LaunchFailedException(
          "CannotStartContainerError: the process executor needs a command", null);
    }
    Path workDir =
        workRoot.resolve(
            NOT_DIRECTORY_CHARACTER.matcher(spec.jobId()).replaceAll("-") + "-" + spec.attempt());
    try {
      if (idleDirectories != null) {
        // drover-spawn makes it the user's alone before the command runs.
        idleDirectories.take(workDir);
      } else {
        deleteTree(workDir);
        Files.createDirectories(workDir);
        if (user.switched()) {
          Files.setAttribute(workDir, "unix:gid", user.gid(), LinkOption.NOFOLLOW_LINKS);
          Files.setAttribute(workDir, "unix:uid", user.uid(), LinkOption.NOFOLLOW_LINKS);
          Files.setPosixFilePermissions(workDir, PosixFilePermissions.fromString("rwx------"));
        }
      }
    } catch (IOException e) {
      throw new LaunchFailedException(
          "CannotStartContainerError: cannot create the working directory " + workDir + ": " + e, e);
    }
    String path = System.getenv("PATH");
    Map<String, String> jobEnvironment = new LinkedHashMap<>();
    if (path != null) {
      jobEnvironment.put("PATH", path);
    }
    jobEnvironment.put("HOME", workDir.toString());
    jobEnvironment.putAll(spec.environment());
    String unusable = unusableVariable(jobEnvironment);
    if (unusable != null) {
      // The API refuses these; a job an older controller accepted with one fails here, saying which.
      deleteQuietly(workDir);
      throw new LaunchFailedException("CannotStartContainerError: the environment variable \"" + unusable
          + "\" cannot be set: a name may hold neither '=' nor NUL, a value no NUL", null);
    }
    String program = spec.command().get(0);
    String jobPath = jobEnvironment.get("PATH");
    if (spawnHelper != null) {
      return launchThroughSpawnServer(spec, sink, workDir, jobEnvironment);
    }
    if (!launcher.prefix().isEmpty() && !executable(program, workDir, jobPath)) {
      // The launcher would start and then fail to run it; say so now, as a direct start would.
      deleteQuietly(workDir);
      throw new LaunchFailedException(notExecutable(program, jobPath), null);
    }
    List<String> command = new ArrayList<>(launcher.prefix());
    Map<String, String> launcherEnvironment = jobEnvironment;
    if (launcher.environmentAsArguments()) {
      if (program.contains("=")) {
        deleteQuietly(workDir);
        throw new LaunchFailedException("CannotStartContainerError: the program \"" + program
            + "\", whose name contains '=', cannot be started through /usr/bin/env, which sets a job's "
            + "environment when setpriv starts it (drover-spawn has no such limit)", null);
      }
      // The launcher runs as root and is linked dynamically: a job's LD_PRELOAD, say, would run
      // code in it as root. Only the agent's PATH reaches it; env, already the job's user, sets the
      // job's environment.
      launcherEnvironment = path == null ? Map.of() : Map.of("PATH", path);
      jobEnvironment.forEach((name, value) -> command.add(name + "=" + value));
    }
    command.addAll(spec.command());
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
    Map<String, String> environment = builder.environment();
    environment.clear();
    environment.putAll(launcherEnvironment);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      deleteQuietly(workDir);
      throw new LaunchFailedException("CannotStartContainerError: " + e.getMessage(), e);
    }
    closeStdin(process);
    ForkedAttempt execution = new ForkedAttempt(process, workDir, sink);
    running.add(execution);
    try {
      execution.pump();
    } catch (RejectedExecutionException e) {
      running.remove(execution);
      execution.kill();
      deleteQuietly(workDir);
      throw new LaunchFailedException(
          "CannotStartContainerError: the agent is shutting down and reads no more output", e);
    }
    log.debug("started pid {} for job {} attempt {}", process.pid(), spec.jobId(), spec.attempt());
    return execution;
  }

  private Execution launchThroughSpawnServer(LaunchSpec spec, OutputSink sink, Path workDir,
      Map<String, String> environment) {
    String program = spec.command().get(0);
    try {
      SpawnServer spawn = server();
      ServedAttempt attempt = new ServedAttempt(spawn, workDir, sink);
      // Registered first: it may exit, and be removed, before the launch returns.
      running.add(attempt);
      try {
        spawn.launch(workDir, spec.command(), environment, user, attempt);
      } catch (SpawnServer.Refused | IOException e) {
        running.remove(attempt);
        throw e;
      }
      log.debug("started pid {} for job {} attempt {}", attempt.pid(), spec.jobId(), spec.attempt());
      return attempt;
    } catch (SpawnServer.Refused refused) {
      deleteQuietly(workDir);
      throw new LaunchFailedException(refused.notExecutable()
          ? notExecutable(program, environment.get("PATH"))
          : "CannotStartContainerError: Cannot run program \"" + program + "\": " + refused.getMessage(), refused);
    } catch (IOException e) {
      deleteQuietly(workDir);
      throw new LaunchFailedException("CannotStartContainerError: cannot start the command through drover-spawn: "
          + e.getMessage(), e);
    }
  }

  private String notExecutable(String program, String jobPath) {
    return "CannotStartContainerError: Cannot run program \"" + program + "\": no such executable file"
        + (user.switched() ? " that " + user.name() + " may run" : "")
        + (program.contains("/") ? "" : " on PATH " + jobPath);
  }

  /** Runs {@code task} on the blocking pool, or here once that no longer takes tasks. */
  private void offload(Runnable task) {
    try {
      blocking.execute(task);
    } catch (RejectedExecutionException shutDown) {
      task.run();
    }
  }

  private static void closeStdin(Process process) {
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      log.debug("cannot close stdin of pid {}", process.pid(), e);
    }
  }

  private <T> CompletionStage<T> supply(Supplier<T> task) {
    try {
      return CompletableFuture.supplyAsync(task, blocking);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Deletes {@code root} and everything in it; nothing when it does not exist. Most attempts leave
   * their directory empty, so one removal is tried before walking the tree.
   */
  static void deleteTree(Path root) throws IOException {
    try {
      Files.deleteIfExists(root);
      return;
    } catch (DirectoryNotEmptyException notEmpty) {
      // Walked below.
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  private static void deleteQuietly(Path root) {
    try {
      deleteTree(root);
    } catch (IOException e) {
      log.warn("cannot delete working directory {}: {}", root, e.toString());
    }
  }

  /**
   * The name of a variable no process can be given (a name with {@code =} or NUL, a value with
   * NUL), with any NUL shown as {@code \0}; null when every one can.
   */
  private static String unusableVariable(Map<String, String> environment) {
    return environment.entrySet().stream()
        .filter(variable -> variable.getKey().indexOf('=') >= 0 || variable.getKey().indexOf('\0') >= 0
            || variable.getValue().indexOf('\0') >= 0)
        .map(variable -> variable.getKey().replace("\0", "\\0"))
        .findFirst().orElse(null);
  }

  /**
   * Whether {@code program} names a file the commands' user may run: a path (relative ones from the
   * attempt's working directory), or a name found on {@code path}, where, as for execvp, an entry
   * the user may not run is passed over for the next.
   */
  private boolean executable(String program, Path workDir, String path) {
    if (program.contains("/")) {
      return user.mayExecute(workDir.resolve(program));
    }
    if (path == null) {
      return false;
    }
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && user.mayExecute(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  /** A signal a stop sends, by name for procps's {@code kill} and by number for drover-spawn. */
  private enum Signal {
    TERM(SpawnServer.SIGTERM),
    KILL(SpawnServer.SIGKILL);

    final int number;

    Signal(int number) {
      this.number = number;
    }
  }

  /** An attempt's process, however it was started. */
  private abstract class RunningAttempt implements Execution {

    final Path workDir;
    private final OutputSink sink;
    private final Object sinkLock = new Object();
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private final CompletableFuture<ExitStatus> exited = new CompletableFuture<>();
    private final CompletionStage<ExitStatus> exit = exited.minimalCompletionStage();

    RunningAttempt(Path workDir, OutputSink sink) {
      this.workDir = workDir;
      this.sink = sink;
    }

    abstract long pid();

    /** The attempt's process and its descendants, as far as they are still found. */
    abstract List<ProcessHandle> tree();

    /** Signals the attempt's process group where it can (else only its tree is signalled). */
    abstract void signalGroup(Signal signal);

    void deliver(OutputStream stream, byte[] data) {
      synchronized (sinkLock) {
        try {
          sink.accept(stream, data);
        } catch (RuntimeException e) {
          log.warn("output sink failed; continuing with the next chunk", e);
        }
      }
    }

    /** The process has exited and its output is delivered: removes its directory and completes the exit. */
    void finish(int exitCode, Throwable error) {
      running.remove(this);
      removeWorkDir();
      if (error != null) {
        exited.completeExceptionally(error);
      } else {
        exited.complete(new ExitStatus(exitCode, null));
      }
    }

    void removeWorkDir() {
      deleteQuietly(workDir);
    }

    boolean finished() {
      return exited.isDone();
    }

    @Override
    public String id() {
      return "pid:" + pid();
    }

    @Override
    public CompletionStage<ExitStatus> exit() {
      return exit;
    }

    @Override
    public void stop(Duration grace) {
      if (!stopRequested.compareAndSet(false, true)) {
        return;
      }
      try {
        blocking.execute(() -> terminate(grace));
      } catch (RejectedExecutionException e) {
        log.warn("cannot stop pid {}: the executor rejected the task", pid());
      }
    }

    /**
     * SIGTERM to the process group and to the process and its descendants, remembered now because
     * they are re-parented (and no longer found as descendants) once the process dies; SIGKILL to
     * whatever is left after grace.
     */
    private void terminate(Duration grace) {
      List<ProcessHandle> tree = tree();
      signalGroup(Signal.TERM);
      tree.forEach(ProcessHandle::destroy);
      try {
        graceTimer.schedule(
            () -> killAll(tree), Math.max(0, grace.toMillis()), TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException closed) {
        killAll(tree);
      }
    }

    void kill() {
      killAll(tree());
    }

    void killAll(List<ProcessHandle> remembered) {
      signalGroup(Signal.KILL);
      Stream.concat(remembered.stream(), tree().stream())
          .filter(ProcessHandle::isAlive)
          .forEach(ProcessHandle::destroyForcibly);
    }
  }

  /** An attempt drover-spawn started: its output and exit arrive on the server's reader thread. */
  private final class ServedAttempt extends RunningAttempt implements SpawnServer.Listener {

    private final SpawnServer server;
    private volatile long id;
    private volatile long pid;
    /**
     * Taken at the start, when the process can only be the command (or gone already): drover-spawn
     * reaps it, and its process id may then be another process's, which the handle, knowing its
     * start time, never signals.
     */
    private volatile Optional<ProcessHandle> process = Optional.empty();

    ServedAttempt(SpawnServer server, Path workDir, OutputSink sink) {
      super(workDir, sink);
      this.server = server;
    }

    /** On the server's reader thread, so its loss, should it follow at once, finds the handle. */
    @Override
    public void started(SpawnServer.Started started) {
      this.id = started.id();
      this.pid = started.pid();
      this.process = ProcessHandle.of(started.pid());
    }

    @Override
    long pid() {
      return pid;
    }

    @Override
    List<ProcessHandle> tree() {
      if (finished()) {
        return List.of();
      }
      return process.map(handle -> Stream.concat(Stream.of(handle), handle.descendants()).toList()).orElse(List.of());
    }

    /** drover-spawn signals the group until it has reported the exit, and never after. */
    @Override
    void signalGroup(Signal signal) {
      try {
        server.signal(id, signal.number);
      } catch (IOException e) {
        log.warn("could not signal process group {} through drover-spawn ({}); signalling its process tree only", pid,
            e.getMessage());
      }
    }

    @Override
    public void output(OutputStream stream, byte[] data) {
      deliver(stream, data);
    }

    /** Kept for a later attempt when it is empty. */
    @Override
    void removeWorkDir() {
      if (!idleDirectories.keep(workDir)) {
        deleteQuietly(workDir);
      }
    }

    @Override
    public void exited(int code) {
      // Not on the server's reader thread, which reads every attempt's output.
      offload(() -> finish(code, null));
    }

    /** drover-spawn is gone, so the command, should it still run, is killed through its handle. */
    @Override
    public void lost(IOException cause) {
      offload(() -> {
        tree().forEach(ProcessHandle::destroyForcibly);
        finish(-1, cause);
      });
    }
  }

  /** An attempt the agent forked itself, through {@link #launcher}: a reader thread per stream. */
  private final class ForkedAttempt extends RunningAttempt {

    private final Process process;

    ForkedAttempt(Process process, Path workDir, OutputSink sink) {
      super(workDir, sink);
      this.process = process;
    }

    /**
     * Starts one reader thread per output stream. The reader that finishes last then waits for the
     * process, deletes the working directory and completes the exit.
     */
    void pump() {
      Executor readers = new MdcPropagatingExecutor(outputReaders);
      CompletableFuture<Void> stdout = CompletableFuture.runAsync(
          () -> copy(process.getInputStream(), OutputStream.STDOUT), readers);
      CompletableFuture<Void> stderr = CompletableFuture.runAsync(
          () -> copy(process.getErrorStream(), OutputStream.STDERR), readers);
      CompletableFuture.allOf(stdout, stderr).whenComplete((ignored, error) -> waitAndFinish(error));
    }

    private void waitAndFinish(Throwable pumpError) {
      Throwable error = pumpError;
      int exitCode = -1;
      try {
        exitCode = process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        error = e;
      }
      finish(exitCode, error);
    }

    /** Reads one stream to its end; the pooled thread is named after it meanwhile, for thread dumps. */
    private void copy(InputStream in, OutputStream stream) {
      Thread thread = Thread.currentThread();
      String poolName = thread.getName();
      thread.setName("drover-" + stream.name().toLowerCase(Locale.ROOT) + "-" + process.pid());
      byte[] buffer = new byte[CHUNK_BYTES];
      try (in) {
        int read;
        while ((read = in.read(buffer)) >= 0) {
          if (read > 0) {
            deliver(stream, Arrays.copyOf(buffer, read));
          }
        }
      } catch (IOException e) {
        log.debug("{} of pid {} ended with {}", stream, process.pid(), e.toString());
      } finally {
        thread.setName(poolName);
      }
    }

    @Override
    long pid() {
      return process.pid();
    }

    @Override
    List<ProcessHandle> tree() {
      return Stream.concat(Stream.of(process.toHandle()), process.descendants()).toList();
    }

    /** Through procps's {@code kill}, the process id naming the group its launcher made it lead. */
    @Override
    void signalGroup(Signal signal) {
      if (!processGroups) {
        return;
      }
      try {
        Process kill = new ProcessBuilder(KILL.toString(), "-s", signal.name(), "--", "-" + process.pid())
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        kill.waitFor(5, TimeUnit.SECONDS);
      } catch (IOException e) {
        log.warn("could not signal process group {} ({}); signalling its process tree only", process.pid(), e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
