package io.drover.node.cassandra;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one local Cassandra node in the foreground, for scripts:
 *
 * <pre>
 * CassandraMain --data-dir DIR --port N [--storage-port N] [--repo-root DIR] [--heap 1g]
 * </pre>
 *
 * <p>Prints {@code CASSANDRA_READY 127.0.0.1:<port> pid=<pid>} on stdout once the node answers CQL,
 * then stays up until it receives SIGTERM or SIGINT, which stop Cassandra cleanly before this JVM exits
 * (with the usual status for that signal). Other exit codes: 1 if Cassandra could not start (the
 * message on stderr says why), 2 for bad arguments, 3 if Cassandra exited on its own.
 */
public final class CassandraMain {

  private static final String USAGE = "usage: CassandraMain --data-dir DIR --port N [--storage-port N]"
      + " [--repo-root DIR] [--heap 1g]";

  private CassandraMain() {
  }

  /** Entry point; see the class documentation for arguments and exit codes. */
  public static void main(String[] args) throws InterruptedException {
    CassandraNode.Settings settings;
    try {
      settings = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    } catch (RuntimeException e) {
      System.err.println(e.getMessage());
      System.exit(1);
      return;
    }

    CassandraNode node = new CassandraNode(settings);
    AtomicBoolean shuttingDown = new AtomicBoolean();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      shuttingDown.set(true);
      node.close();
    }, "cassandra-stop"));

    try {
      node.start();
    } catch (RuntimeException e) {
      if (!shuttingDown.get()) {
        System.err.println("Cassandra did not start: " + e.getMessage());
        System.exit(1);
      }
      return;
    }
    System.out.println("CASSANDRA_READY " + node.contactPoint() + " pid=" + node.pid());
    System.out.flush();

    int exitCode = node.awaitExit();
    if (!shuttingDown.get()) {
      System.err.println("Cassandra (pid " + node.pid() + ") exited on its own with code " + exitCode
          + "; see " + settings.logDir().resolve("system.log"));
      System.exit(3);
    }
  }

  private static CassandraNode.Settings parse(String[] args) {
    Path dataDir = null;
    Integer port = null;
    Integer storagePort = null;
    Path repoRoot = null;
    String heap = CassandraNode.Settings.DEFAULT_HEAP;
    for (int i = 0; i < args.length; i += 2) {
      String option = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      String value = args[i + 1];
      switch (option) {
        case "--data-dir" -> dataDir = Path.of(value);
        case "--port" -> port = parsePort(option, value);
        case "--storage-port" -> storagePort = parsePort(option, value);
        case "--repo-root" -> repoRoot = Path.of(value);
        case "--heap" -> heap = value;
        default -> throw new IllegalArgumentException("unknown option " + option);
      }
    }
    if (dataDir == null || port == null) {
      throw new IllegalArgumentException("--data-dir and --port are required");
    }
    Path root = repoRoot != null ? repoRoot : RepoRoot.locate();
    return CassandraNode.Settings.forRepo(root, dataDir)
        .withPorts(port, storagePort != null ? storagePort : CassandraNode.Settings.DEFAULT_STORAGE_PORT)
        .withHeap(heap);
  }

  private static int parsePort(String option, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " must be a port number, not '" + value + "'");
    }
  }
}
