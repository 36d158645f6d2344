package io.drover.node.cassandra;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One local Cassandra node running in its own JVM, for {@code ./drover dev} and the tests.
 *
 * <p>The node runs {@code org.apache.cassandra.service.CassandraDaemon} from the classpath the
 * {@code drover-cassandra-server} module writes, with the same {@code java} as this JVM and the
 * configuration in {@code conf/cassandra}. Everything it writes lives under {@link Settings#dataDir()}:
 * {@code data/} (sstables, commit log, hints), {@code logs/} ({@code system.log} and the JVM's
 * {@code stdout.log}), {@code cassandra.jvm.args} (the JVM's options) and {@code cassandra.pid}, which
 * guards the directory against a second node.
 *
 * <p>{@link #start()} returns once the node answers CQL; {@link #stop(Duration)} (or {@link #close()})
 * shuts it down with SIGTERM, which Cassandra handles by flushing and exiting cleanly.
 */
public final class CassandraNode implements AutoCloseable {

  /** The Cassandra release this node runs. */
  public static final String CASSANDRA_VERSION = "5.0.9";

  /** How long {@link #close()} waits after SIGTERM before killing the node. */
  public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(30);

  private static final Logger log = LoggerFactory.getLogger(CassandraNode.class);

  private static final String MAIN_CLASS = "org.apache.cassandra.service.CassandraDaemon";
  private static final String JVM_ARG_FILE = "cassandra.jvm.args";
  private static final Path SETSID = Path.of("/usr/bin/setsid");
  private static final Duration POLL_INTERVAL = Duration.ofMillis(250);
  private static final Duration KILL_WAIT = Duration.ofSeconds(10);
  private static final int TAIL_LINES = 30;

  /**
   * JVM options from Cassandra's {@code conf/jvm-server.options} and {@code jvm17-server.options}
   * that matter for a small single node. Only three module openings are strictly needed on JDK 17
   * ({@code sun.nio.ch}, {@code jdk.internal.ref}, {@code java.io}); the rest are Cassandra's own
   * list so that no code path fails on an illegal reflective access.
   */
  private static final List<String> JVM_OPTIONS = List.of(
      "-Xss256k",
      "-XX:+UseG1GC",
      "-XX:+ParallelRefProcEnabled",
      "-XX:MaxGCPauseMillis=300",
      "-XX:+ExitOnOutOfMemoryError",
      "-XX:+PerfDisableSharedMem",
      "-Djava.net.preferIPv4Stack=true",
      "-Djdk.attach.allowAttachSelf=true",
      "-Dio.netty.tryReflectionSetAccessible=true",
      "-Dio.netty.allocator.useCacheForAllThreads=true",
      "-Dio.netty.allocator.maxOrder=11",
      "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
      "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-exports=java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
      "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
      "--add-exports=java.rmi/sun.rmi.server=ALL-UNNAMED",
      "--add-exports=java.sql/java.sql=ALL-UNNAMED",
      "--add-exports=java.base/java.lang.ref=ALL-UNNAMED",
      "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.module=ALL-UNNAMED",
      "--add-opens=java.base/jdk.internal.loader=ALL-UNNAMED",
      "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens=java.base/jdk.internal.reflect=ALL-UNNAMED",
      "--add-opens=java.base/jdk.internal.math=ALL-UNNAMED",
      "--add-opens=java.base/jdk.internal.module=ALL-UNNAMED",
      "--add-opens=java.base/jdk.internal.util.jar=ALL-UNNAMED",
      "--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens=java.base/java.io=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
      "--add-opens=java.base/java.lang=ALL-UNNAMED",
      "--add-opens=java.base/java.util=ALL-UNNAMED",
      "-Dcassandra-foreground=yes",
      "-Dcassandra.shutdown_announce_in_ms=0",
      // A single node has no peers whose gossip could settle; waiting only delays startup.
      "-Dcassandra.skip_wait_for_gossip_to_settle=0");

  private final Settings settings;
  private Process process;
  private boolean closed;
  private volatile boolean stopRequested;

  /** Creates a node that is not yet running; nothing is checked or written until {@link #start()}. */
  public CassandraNode(Settings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /** The settings this node runs with. */
  public Settings settings() {
    return settings;
  }

  /**
   * Launches Cassandra and waits until it answers CQL.
   *
   * @throws CassandraStartException if the installation is incomplete, the data directory is in use
   *     by a live node, a port is taken, or the node exits or is not ready within
   *     {@link Settings#startTimeout()} (the message then carries the end of its logs)
   * @throws IllegalStateException if this node is already running or has been closed
   */
  public void start() {
    Process launched;
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("This Cassandra node has been closed; create a new CassandraNode");
      }
      if (process != null && process.isAlive()) {
        throw new IllegalStateException("Cassandra is already running (pid " + process.pid() + ")");
      }
      checkJavaVersion();
      String classpath = settings.serverClasspath();
      refuseIfPreviousNodeAlive();
      refuseIfPortTaken(settings.nativePort(), "CQL", "--port");
      refuseIfPortTaken(settings.storagePort(), "inter-node storage", "--storage-port");
      log.info("Starting Cassandra {} on {} (data in {})", CASSANDRA_VERSION, contactPoint(), settings.dataDir());
      launched = launch(classpath);
      process = launched;
      stopRequested = false;
    }
    awaitReady(launched);
  }

  /**
   * Stops the node: SIGTERM, then up to {@code grace} for Cassandra to flush and exit, then SIGKILL.
   * Does nothing if the node was never started or has already stopped; removes the pid file.
   * The node can be started again afterwards.
   */
  public void stop(Duration grace) {
    Process running;
    synchronized (this) {
      running = process;
      if (running == null) {
        return;
      }
      stopRequested = true;
    }
    if (running.isAlive()) {
      log.info("Stopping Cassandra (pid {})", running.pid());
      running.destroy();
      try {
        if (!running.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
          log.warn("Cassandra (pid {}) did not exit within {} s of SIGTERM; killing it",
              running.pid(), grace.toSeconds());
          running.destroyForcibly();
          running.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }
      } catch (InterruptedException e) {
        running.destroyForcibly();
        Thread.currentThread().interrupt();
      }
      if (!running.isAlive()) {
        log.info("Cassandra stopped (pid {}, exit code {})", running.pid(), running.exitValue());
      }
    }
    removePidFile(running.pid());
  }

  /**
   * Stops the node with {@link #DEFAULT_STOP_GRACE} for good: a later {@link #start()} is refused, also
   * when close races with a start in another thread (a shutdown hook), so no node is left behind.
   */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    stop(DEFAULT_STOP_GRACE);
  }

  /** The CQL contact point, {@code host:port}. */
  public String contactPoint() {
    return settings.contactPoint();
  }

  /** Whether the Cassandra JVM is running. */
  public synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  /**
   * The PID of the Cassandra JVM (the last one, if it has stopped).
   *
   * @throws IllegalStateException if the node was never started
   */
  public synchronized long pid() {
    if (process == null) {
      throw new IllegalStateException("Cassandra has not been started");
    }
    return process.pid();
  }

  /**
   * Blocks until the Cassandra JVM exits and returns its exit code.
   *
   * @throws IllegalStateException if the node was never started
   */
  public int awaitExit() throws InterruptedException {
    Process running;
    synchronized (this) {
      if (process == null) {
        throw new IllegalStateException("Cassandra has not been started");
      }
      running = process;
    }
    return running.waitFor();
  }

  private static void checkJavaVersion() {
    int feature = Runtime.version().feature();
    if (feature != 11 && feature != 17) {
      throw new CassandraStartException("Cassandra " + CASSANDRA_VERSION + " runs only on Java 11 or 17, "
          + "and it is started with this JVM's java, which is Java " + feature
          + " (" + System.getProperty("java.home") + "). Run Drover with a JDK 17: point JAVA_HOME at one "
          + "and start again.");
    }
  }

  private void refuseIfPreviousNodeAlive() {
    Path pidFile = settings.pidFile();
    Optional<Long> previousPid = readPid(pidFile);
    if (previousPid.isEmpty()) {
      return;
    }
    long pid = previousPid.get();
    boolean alive = ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(CassandraNode::isCassandra)
        .isPresent();
    if (alive) {
      throw new CassandraStartException("A Cassandra node (pid " + pid + ") is still running on the data "
          + "directory " + settings.dataDir() + ", probably left by a Drover session that did not shut down. "
          + "Stop it with `kill " + pid + "` (it exits cleanly on SIGTERM), or use another data directory.");
    }
    log.info("Removing stale pid file {}: process {} is gone", pidFile, pid);
  }

  /** True unless the process is visibly something other than Cassandra (its PID was reused). */
  private static boolean isCassandra(ProcessHandle handle) {
    return handle.info().commandLine().map(line -> line.contains(MAIN_CLASS)).orElse(true);
  }

  private void refuseIfPortTaken(int port, String purpose, String option) {
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(new InetSocketAddress(settings.host(), port));
    } catch (IOException e) {
      throw new CassandraStartException("Port " + port + " on " + settings.host() + ", wanted for Cassandra's "
          + purpose + " port, is already in use. Stop whatever listens there, or choose another port: "
          + option + " N for CassandraMain, Settings.withPorts in code.", e);
    }
  }

  private Process launch(String classpath) {
    Path stdoutLog = settings.logDir().resolve("stdout.log");
    Path argFile = settings.dataDir().resolve(JVM_ARG_FILE);
    List<String> command = new ArrayList<>();
    if (Files.isExecutable(SETSID)) {
      // Its own session: Ctrl-C in the terminal reaches Drover, which stops Cassandra last,
      // after its own journal writes; Cassandra never sees the signal first.
      command.add(SETSID.toString());
    }
    command.addAll(List.of(javaExecutable(), "@" + argFile, MAIN_CLASS));
    try {
      Files.createDirectories(settings.logDir());
      Files.write(argFile, jvmArguments(classpath).stream().map(CassandraNode::quoted).toList(),
          StandardCharsets.UTF_8);
      Files.writeString(stdoutLog, "---- " + Instant.now() + " Drover starts Cassandra " + CASSANDRA_VERSION
              + " on " + contactPoint() + "\n",
          StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new CassandraStartException("Cannot write to the Cassandra data directory " + settings.dataDir()
          + ": " + e.getMessage() + ". Check that it is writable.", e);
    }
    Process started;
    try {
      started = new ProcessBuilder(command)
          .directory(settings.dataDir().toFile())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(stdoutLog.toFile()))
          .start();
    } catch (IOException e) {
      throw new CassandraStartException("Cannot launch " + String.join(" ", command) + ": " + e.getMessage(), e);
    }
    try {
      started.getOutputStream().close();
      Files.writeString(settings.pidFile(), started.pid() + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      started.destroyForcibly();
      throw new CassandraStartException("Cannot write the pid file " + settings.pidFile() + ": " + e.getMessage()
          + ". Check that the data directory is writable.", e);
    }
    return started;
  }

  /**
   * The JVM options and classpath, passed in an argument file: the classpath alone is about 9 kB, and
   * Linux shows other processes only the first 4 kB of a command line, which would hide
   * {@link #MAIN_CLASS} from the live-node check on the next start.
   */
  private List<String> jvmArguments(String classpath) {
    List<String> command = new ArrayList<>();
    command.add("-Xms" + Settings.MIN_HEAP_MIB + "m");
    command.add("-Xmx" + settings.heap());
    command.addAll(JVM_OPTIONS);
    command.add("-Dcassandra.config=" + settings.confDir().resolve(Settings.CASSANDRA_YAML).toUri());
    command.add("-Dlogback.configurationFile=" + settings.confDir().resolve(Settings.LOGBACK_XML).toUri());
    command.add("-Dcassandra.storagedir=" + settings.dataDir().resolve("data"));
    command.add("-Dcassandra.logdir=" + settings.logDir());
    command.add("-Dcassandra.native_transport_port=" + settings.nativePort());
    command.add("-Dcassandra.storage_port=" + settings.storagePort());
    command.add("-cp");
    command.add(classpath);
    return command;
  }

  /** One argument-file entry: quoted, with backslashes and quotes escaped as the java launcher expects. */
  private static String quoted(String argument) {
    return '"' + argument.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  private static String javaExecutable() {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    if (Files.isExecutable(java)) {
      return java.toString();
    }
    return ProcessHandle.current().info().command().orElse("java");
  }

  private void awaitReady(Process launched) {
    long startedAt = System.nanoTime();
    long deadline = startedAt + settings.startTimeout().toNanos();
    RuntimeException lastProbeFailure = null;
    while (true) {
      if (!launched.isAlive()) {
        removePidFile(launched.pid());
        if (stopRequested) {
          throw new CassandraStartException("Cassandra was stopped before it became ready");
        }
        throw failure("Cassandra exited with code " + launched.exitValue() + " while starting; the log lines "
            + "below say why.", null);
      }
      if (CassandraProbe.portOpen(settings.host(), settings.nativePort())) {
        try {
          String version = CassandraProbe.releaseVersion(settings.host(), settings.nativePort());
          double seconds = (System.nanoTime() - startedAt) / 1e9;
          log.info("Cassandra {} ready in {} s on {} (pid {})", version,
              String.format(Locale.ROOT, "%.1f", seconds), contactPoint(), launched.pid());
          return;
        } catch (RuntimeException notYet) {
          lastProbeFailure = notYet;
        }
      }
      if (System.nanoTime() - deadline > 0) {
        stop(DEFAULT_STOP_GRACE);
        throw failure("Cassandra did not answer CQL on " + contactPoint() + " within "
            + settings.startTimeout().toSeconds() + " s, so it was stopped. If the machine is just slow, "
            + "raise the start timeout (Settings.withStartTimeout).", lastProbeFailure);
      }
      try {
        Thread.sleep(POLL_INTERVAL.toMillis());
      } catch (InterruptedException e) {
        stop(DEFAULT_STOP_GRACE);
        Thread.currentThread().interrupt();
        throw new CassandraStartException("Interrupted while waiting for Cassandra to start; it was stopped",
            e);
      }
    }
  }

  private CassandraStartException failure(String headline, Throwable cause) {
    String message = headline + " Logs are in " + settings.logDir() + ".\n"
        + LogTail.of(settings.logDir().resolve("stdout.log"), TAIL_LINES)
        + LogTail.of(settings.logDir().resolve("system.log"), TAIL_LINES);
    return new CassandraStartException(message, cause);
  }

  private void removePidFile(long pid) {
    Path pidFile = settings.pidFile();
    if (readPid(pidFile).filter(recorded -> recorded == pid).isPresent()) {
      try {
        Files.deleteIfExists(pidFile);
      } catch (IOException e) {
        log.warn("Cannot remove the pid file {}: {}", pidFile, e.getMessage());
      }
    }
  }

  private static Optional<Long> readPid(Path pidFile) {
    if (!Files.isRegularFile(pidFile)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).trim()));
    } catch (IOException | NumberFormatException e) {
      log.warn("Ignoring the unreadable pid file {}: {}", pidFile, e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Where the node's files are and how it listens.
   *
   * @param classpathFile the server classpath written by {@code drover-cassandra-server}
   * @param confDir the directory holding {@code cassandra.yaml} and {@code logback.xml}
   * @param dataDir everything the node writes: {@code data/}, {@code logs/}, {@code cassandra.pid} and
   *     {@code cassandra.jvm.args}
   * @param host the address Drover connects to; it must be the {@code rpc_address} in
   *     {@code cassandra.yaml} (127.0.0.1 in the shipped config)
   * @param nativePort the CQL port
   * @param storagePort the inter-node port (unused by a single node, but bound)
   * @param heap the maximum heap, in JVM notation ({@code 1g}, {@code 768m}); at least 256m
   * @param startTimeout how long {@link #start()} waits for CQL to answer
   */
  public record Settings(
      Path classpathFile,
      Path confDir,
      Path dataDir,
      String host,
      int nativePort,
      int storagePort,
      String heap,
      Duration startTimeout) {

    /** The server classpath file, relative to the repository root. */
    public static final String CLASSPATH_FILE = "modules/drover-cassandra-server/target/cassandra.classpath";
    /** The Cassandra configuration directory, relative to the repository root. */
    public static final String CONF_DIR = "conf/cassandra";
    /** The loopback address the shipped {@code cassandra.yaml} listens on. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** Cassandra's standard CQL port. */
    public static final int DEFAULT_NATIVE_PORT = 9042;
    /** Cassandra's standard inter-node port. */
    public static final int DEFAULT_STORAGE_PORT = 7000;
    /** A heap that holds a dev node comfortably. */
    public static final String DEFAULT_HEAP = "1g";
    /** Generous: a start takes 10-16 s on a loaded 2-core machine. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(120);

    static final String CASSANDRA_YAML = "cassandra.yaml";
    static final String LOGBACK_XML = "logback.xml";
    static final int MIN_HEAP_MIB = 256;
    private static final Pattern HEAP = Pattern.compile("(\\d+)([mMgG])");

    /** Validates the values; paths become absolute. */
    public Settings {
      classpathFile = Objects.requireNonNull(classpathFile, "classpathFile").toAbsolutePath().normalize();
      confDir = Objects.requireNonNull(confDir, "confDir").toAbsolutePath().normalize();
      dataDir = Objects.requireNonNull(dataDir, "dataDir").toAbsolutePath().normalize();
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(heap, "heap");
      Objects.requireNonNull(startTimeout, "startTimeout");
      if (host.isBlank()) {
        throw new IllegalArgumentException("host must not be blank");
      }
      checkPort("nativePort", nativePort);
      checkPort("storagePort", storagePort);
      if (nativePort == storagePort) {
        throw new IllegalArgumentException("nativePort and storagePort must differ, both are " + nativePort);
      }
      if (heapMebibytes(heap) < MIN_HEAP_MIB) {
        throw new IllegalArgumentException(
            "heap " + heap + " is below the " + MIN_HEAP_MIB + "m Cassandra needs");
      }
      if (startTimeout.isNegative() || startTimeout.isZero()) {
        throw new IllegalArgumentException("startTimeout must be positive, not " + startTimeout);
      }
    }

    /**
     * Default settings for the checkout at {@code repoRoot}, keeping the node's files in {@code dataDir}.
     *
     * @throws CassandraStartException if the server classpath has not been built or
     *     {@code conf/cassandra} is incomplete, naming the missing file and the fix
     */
    public static Settings forRepo(Path repoRoot, Path dataDir) {
      Objects.requireNonNull(repoRoot, "repoRoot");
      Settings settings = new Settings(repoRoot.resolve(CLASSPATH_FILE), repoRoot.resolve(CONF_DIR), dataDir,
          DEFAULT_HOST, DEFAULT_NATIVE_PORT, DEFAULT_STORAGE_PORT, DEFAULT_HEAP, DEFAULT_START_TIMEOUT);
      settings.checkInstallation();
      return settings;
    }

    /** These settings with other ports. */
    public Settings withPorts(int nativePort, int storagePort) {
      return new Settings(classpathFile, confDir, dataDir, host, nativePort, storagePort, heap, startTimeout);
    }

    /** These settings with two ports that are free on {@link #host()} right now. */
    public Settings withFreePorts() {
      try {
        InetAddress address = InetAddress.getByName(host);
        try (ServerSocket first = new ServerSocket(0, 1, address);
           ServerSocket second = new ServerSocket(0, 1, address)) {
          return withPorts(first.getLocalPort(), second.getLocalPort());
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot find free ports on " + host, e);
      }
    }

    /** These settings with another maximum heap ({@code 1g}, {@code 768m}). */
    public Settings withHeap(String heap) {
      return new Settings(classpathFile, confDir, dataDir, host, nativePort, storagePort, heap, startTimeout);
    }

    /** These settings with another start timeout. */
    public Settings withStartTimeout(Duration startTimeout) {
      return new Settings(classpathFile, confDir, dataDir, host, nativePort, storagePort, heap, startTimeout);
    }

    /** The CQL contact point, {@code host:port}. */
    public String contactPoint() {
      return host + ":" + nativePort;
    }

    /** Where {@code system.log} and the JVM's {@code stdout.log} go. */
    public Path logDir() {
      return dataDir.resolve("logs");
    }

    /** The file holding the PID of the node that uses {@link #dataDir()}. */
    public Path pidFile() {
      return dataDir.resolve("cassandra.pid");
    }

    void checkInstallation() {
      if (!Files.isRegularFile(classpathFile)) {
        throw new CassandraStartException("Cassandra's server classpath is missing: " + classpathFile
            + ". The build writes it: run `./drover build` (or `mvn -B -ntp package -DskipTests`) "
            + "in the repository root.");
      }
      for (String file : List.of(CASSANDRA_YAML, LOGBACK_XML)) {
        if (!Files.isRegularFile(confDir.resolve(file))) {
          throw new CassandraStartException("Cassandra's configuration is missing: " + confDir.resolve(file)
              + ". It ships with Drover in " + CONF_DIR + "; check that the repository root is right "
              + "(--repo-root DIR or -D" + RepoRoot.PROPERTY + "=DIR).");
        }
      }
    }

    /** Reads the classpath file and checks that every jar it names is there. */
    String serverClasspath() {
      checkInstallation();
      String classpath;
      try {
        classpath = Files.readString(classpathFile, StandardCharsets.UTF_8).trim();
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read " + classpathFile, e);
      }
      for (String entry : classpath.split(Pattern.quote(File.pathSeparator))) {
        if (!Files.exists(Path.of(entry))) {
          throw new CassandraStartException("Cassandra's server classpath " + classpathFile
              + " names " + entry + ", which no longer exists (the local Maven repository changed). "
              + "Rebuild it: run `./drover build` (or `mvn -B -ntp package -DskipTests`) in the "
              + "repository root.");
        }
      }
      return classpath;
    }

    private static void checkPort(String name, int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException(name + " must be 1-65535, not " + port);
      }
    }

    private static long heapMebibytes(String heap) {
      Matcher matcher = HEAP.matcher(heap);
      if (!matcher.matches()) {
        throw new IllegalArgumentException("heap must look like 1g or 768m, not '" + heap + "'");
      }
      long amount = Long.parseLong(matcher.group(1));
      return matcher.group(2).equalsIgnoreCase("g") ? amount * 1024 : amount;
    }
  }
}
