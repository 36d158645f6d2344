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
 * launch. Each attempt gets a fresh working directory {@code <workRoot>/<jobId>-<attempt>}, deleted
 * after it exits. The environment is built from scratch: {@code PATH} from the agent's own
 * environment, {@code HOME} set to the working directory, then the spec's variables; nothing else
 * from the host leaks in, and none of it reaches a program that runs as root before the user is
 * switched. Standard input is closed. A
 * command that cannot be started fails the launch with {@code CannotStartContainerError: <message>}.
 *
 * <p><b>The user:</b> an agent running as root runs every command as {@link
 * ProcessSettings#runAsUser()} (never root; see {@link ProcessUser}), in a working directory that
 * user owns (mode 0700) under a work root only root can write; it refuses to start when that user
 * does not exist, or when the work root is unsafe or out of the user's reach. An agent running as
 * another user cannot switch and runs commands as itself, which it logs at start.
 *
 * <p><b>The launch:</b> each command starts through {@link SpawnHelper drover-spawn}, which gives it
 * a session and process group of its own and, when switching, drops to the user in the same exec.
 * Where drover-spawn cannot be used (not built into this jar, a work root mounted noexec, or {@link
 * ProcessSettings#spawnHelper()} off), which the agent logs at start, util-linux's {@code setsid}
 * and {@code setpriv} do the same, with coreutils' {@code env} setting the job's environment after
 * the switch: two more execs; an agent running as root then refuses to start without {@code
 * setpriv} or {@code env}. With a launcher in front, a command that is not an executable file fails
 * the launch before anything starts, as a direct start would.
 *
 * <p><b>No other isolation or limits:</b> this executor does not enforce the spec's resources
 * (vCPU, memory, GPUs) and ignores its user, read-only root file system, privileged flag and
 * mounts. Every attempt runs as the same user, so attempts can see and signal each other, and see
 * whatever that user may on the host. Use the Docker executor wherever that matters.
 *
 * <p>Threads: stdout and stderr are each read by a thread of the executor's own unbounded pool of
 * daemon threads, so a running attempt never holds one of the shared executor's threads (a bounded
 * pool would otherwise starve once it runs more attempts than it has threads). Threads are reused
 * from one attempt to the next and end after a minute idle: a host running thousands of short
 * attempts does not create two threads for each. Background children
 * that keep those pipes open keep the attempt from finishing until they exit or {@link
 * Execution#stop} kills them. The exit code is the process's own; a process killed by a signal
 * reports 128 + the signal number.
 *
 * <p>Where each attempt runs in a session and process group of its own (through drover-spawn or
 * {@code setsid}) and procps's {@code kill} exists (as on Debian), a stop signals the whole group:
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

  private final Path workRoot;
  private final ProcessUser user;
  private final Executor blocking;
  private final ScheduledExecutorService graceTimer;
  private final ExecutorService outputReaders;
  private final Set<ProcessExecution> running = ConcurrentHashMap.newKeySet();
  private final Launcher launcher;
  /** Whether attempts get a process group of their own that a stop can signal as one. */
  private final boolean processGroups;

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
    this.launcher = launcher(settings.spawnHelper());
    this.processGroups = launcher.ownProcessGroup() && Files.isExecutable(KILL);
    if (user.switched()) {
      log.info("The process executor runs job commands as {} (uid {}, gid {}), through {} ({})",
          user.name(), user.uid(), user.gid(), launcher.name(), ProcessUser.SETTING);
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
   * drover-spawn when it is wanted and runs here; else {@link #utilLinuxLauncher()}, saying why at
   * WARN, or at INFO when turned off.
   */
  private Launcher launcher(boolean spawnHelper) {
    if (!spawnHelper) {
      Launcher fallback = utilLinuxLauncher();
      log.info("drover.agent.process.spawn-helper is off: job commands start through {}", fallback.name());
      return fallback;
    }
    try {
      return new Launcher("drover-spawn", SpawnHelper.commandPrefix(SpawnHelper.install(workRoot), user), true, false);
    } catch (IllegalStateException unusable) {
      Launcher fallback = utilLinuxLauncher();
      log.warn("The process executor cannot use drover-spawn: {}. Job commands start through {} instead, up to two "
          + "execs more for every attempt. Build Drover where gcc is, or give drover.agent.process.work-dir a file "
          + "system that allows exec.", unusable.getMessage(), fallback.name());
      return fallback;
    }
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
    return launcher.name();
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
    running.forEach(ProcessExecution::kill);
    // The killed processes' pipes close, so the readers still running end and their threads with them.
    outputReaders.shutdown();
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
      deleteTree(workDir);
      Files.createDirectories(workDir);
      if (user.switched()) {
        Files.setAttribute(workDir, "unix:gid", user.gid(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(workDir, "unix:uid", user.uid(), LinkOption.NOFOLLOW_LINKS);
        Files.setPosixFilePermissions(workDir, PosixFilePermissions.fromString("rwx------"));
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
    if (!launcher.prefix().isEmpty() && !executable(program, workDir, jobPath)) {
      // The launcher would start and then fail to run it; say so now, as a direct start would.
      deleteQuietly(workDir);
      throw new LaunchFailedException("CannotStartContainerError: Cannot run program \"" + program
          + "\": no such executable file" + (user.switched() ? " that " + user.name() + " may run" : "")
          + (program.contains("/") ? "" : " on PATH " + jobPath), null);
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
    ProcessExecution execution = new ProcessExecution(process, workDir, sink);
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
  private static void deleteTree(Path root) throws IOException {
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

  private final class ProcessExecution implements Execution {

    private final Process process;
    private final Path workDir;
    private final OutputSink sink;
    private final Object sinkLock = new Object();
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private final CompletableFuture<ExitStatus> exited = new CompletableFuture<>();
    private final CompletionStage<ExitStatus> exit = exited.minimalCompletionStage();

    ProcessExecution(Process process, Path workDir, OutputSink sink) {
      this.process = process;
      this.workDir = workDir;
      this.sink = sink;
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
      CompletableFuture.allOf(stdout, stderr).whenComplete((ignored, error) -> finish(error));
    }

    private void finish(Throwable pumpError) {
      Throwable error = pumpError;
      int exitCode = -1;
      try {
        exitCode = process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        error = e;
      }
      running.remove(this);
      deleteQuietly(workDir);
      if (error != null) {
        exited.completeExceptionally(error);
      } else {
        exited.complete(new ExitStatus(exitCode, null));
      }
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

    private void deliver(OutputStream stream, byte[] data) {
      synchronized (sinkLock) {
        try {
          sink.accept(stream, data);
        } catch (RuntimeException e) {
          log.warn("output sink failed; continuing with the next chunk", e);
        }
      }
    }

    @Override
    public String id() {
      return "pid:" + process.pid();
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
        log.warn("cannot stop pid {}: the executor rejected the task", process.pid());
      }
    }

    /**
     * SIGTERM to the process and its descendants, remembered now because they are re-parented (and
     * no longer found as descendants) once the process dies; SIGKILL to whatever is left after grace.
     */
    private void terminate(Duration grace) {
      List<ProcessHandle> tree = tree();
      signalGroup("TERM");
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

    /** Signals the attempt's process group (its process id, as its launcher made it a leader). */
    private void signalGroup(String signal) {
      if (!processGroups) {
        return;
      }
      try {
        Process kill = new ProcessBuilder(KILL.toString(), "-s", signal, "--", "-" + process.pid())
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        kill.waitFor(5, TimeUnit.SECONDS);
      } catch (IOException e) {
        log.warn("could not signal process group {} ({}); signalling its process tree only", process.pid(), e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private List<ProcessHandle> tree() {
      return Stream.concat(Stream.of(process.toHandle()), process.descendants()).toList();
    }

    private void killAll(List<ProcessHandle> remembered) {
      signalGroup("KILL");
      Stream.concat(remembered.stream(), process.descendants())
          .filter(ProcessHandle::isAlive)
          .forEach(ProcessHandle::destroyForcibly);
    }
  }
}
