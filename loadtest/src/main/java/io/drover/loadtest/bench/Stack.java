package io.drover.loadtest.bench;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * What one benchmark run starts and stops: a Cassandra node in its own JVM (its data in the run's
 * directory) and Drover processes started as an operator starts them ({@code io.drover.node.Main
 * controller|agent|fleet} with the launcher's classpath and DROVER_* settings, cluster TLS with a
 * CA made for the run), every one on loopback ports of its own. {@link #close} stops them all,
 * newest first. JVM options in {@code DROVER_BENCH_NODE_OPTS} (for example {@code -Dsome.setting=value})
 * go to every Drover process.
 */
final class Stack implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Path repoRoot;
  private final Path runDir;
  private final String classpath;
  private final List<Process> started = new ArrayList<>();
  private Process cassandra;
  private int cassandraPort;
  private long cassandraPid;
  private Map<String, String> certificates;

  Stack(Path repoRoot, Path runDir) {
    this.repoRoot = repoRoot;
    this.runDir = runDir;
    Path target = repoRoot.resolve("modules/drover-node/target");
    try {
      this.classpath = target.resolve("drover-node.jar") + ":" + Files.readString(target.resolve("drover-node.classpath")).trim();
    } catch (IOException e) {
      throw new UncheckedIOException("Build Drover first (./drover build): " + e.getMessage(), e);
    }
  }

  /** A Drover process of this stack. */
  record Node(String name, Process process, int apiPort, int managementPort, Path log, Path gcLog) {

    String endpoint() {
      return "http://127.0.0.1:" + apiPort;
    }

    long pid() {
      return process.pid();
    }

    /** kill -9: no chance to leave the cluster. */
    void kill() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** Starts Cassandra and waits until it answers CQL. */
  void startCassandra(String heap) throws IOException, InterruptedException {
    cassandraPort = freePort();
    Path out = runDir.resolve("cassandra.out");
    List<String> command = List.of(java(), "-Xms256m", "-Xmx512m", "-cp", classpath,
        "-Ddrover.repo.root=" + repoRoot, "io.drover.node.cassandra.CassandraMain", "--repo-root", repoRoot.toString(),
        "--data-dir", runDir.resolve("cassandra").toString(), "--port", Integer.toString(cassandraPort),
        "--storage-port", Integer.toString(freePort()), "--heap", heap);
    cassandra = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    started.add(cassandra);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (System.nanoTime() < deadline) {
      for (String line : Files.readAllLines(out)) {
        if (line.startsWith("CASSANDRA_READY")) {
          cassandraPid = Long.parseLong(line.substring(line.indexOf("pid=") + 4).trim());
          return;
        }
      }
      if (!cassandra.isAlive()) {
        throw new IllegalStateException("Cassandra did not start; see " + out);
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("Cassandra did not answer within 3 minutes; see " + out);
  }

  /** The port Cassandra answers CQL on, on loopback. */
  int cassandraPort() {
    return cassandraPort;
  }

  /** The Cassandra server's own JVM (CassandraMain starts it as a child process). */
  long cassandraPid() {
    return cassandraPid;
  }

  /**
   * Starts a Drover process: {@code mode} is {@code controller}, {@code agent} or {@code fleet}
   * (with {@code args}); {@code roles} overrides the mode's cluster roles when not empty. Joins
   * through the management endpoints of {@code contactPoints} (its own when empty: it forms the
   * cluster).
   */
  Node start(String name, String mode, List<String> roles, List<Node> contactPoints, Map<String, String> env,
      Map<String, String> properties, String heap, List<String> args) throws IOException {
    int api = freePort();
    int management = freePort();
    Path gcLog = runDir.resolve(name + "-gc.log");
    List<String> command = new ArrayList<>(List.of(java(), "-Xms" + heap, "-Xmx" + heap, "-XX:+UseG1GC",
        "-Xlog:gc:file=" + gcLog, "-Ddrover.repo.root=" + repoRoot));
    Map<String, String> props = new LinkedHashMap<>(clusterProperties());
    for (int i = 0; i < roles.size(); i++) {
      props.put("pekko.cluster.roles." + i, roles.get(i));
    }
    props.putAll(properties);
    props.forEach((key, value) -> command.add("-D" + key + "=" + value));
    String extra = System.getenv("DROVER_BENCH_NODE_OPTS");
    if (extra != null && !extra.isBlank()) {
      command.addAll(List.of(extra.trim().split("\\s+")));
    }
    command.addAll(List.of("-cp", classpath, "io.drover.node.Main", mode));
    command.addAll(args);
    Path log = runDir.resolve(name + ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> environment = builder.environment();
    environment.put("DROVER_HOSTNAME", "127.0.0.1");
    environment.put("DROVER_REMOTE_PORT", Integer.toString(freePort()));
    environment.put("DROVER_MANAGEMENT_HOSTNAME", "127.0.0.1");
    environment.put("DROVER_MANAGEMENT_PORT", Integer.toString(management));
    environment.put("DROVER_HTTP_INTERFACE", "127.0.0.1");
    environment.put("DROVER_HTTP_PORT", Integer.toString(api));
    environment.put("DROVER_CASSANDRA_CONTACT_POINTS", "127.0.0.1:" + cassandraPort);
    environment.put("DROVER_MASTER_KEY", Drover.MASTER_KEY);
    environment.put("DROVER_ROOT_ACCESS_KEY_ID", Drover.ROOT_ACCESS_KEY_ID);
    environment.put("DROVER_ROOT_SECRET_ACCESS_KEY", Drover.ROOT_SECRET_ACCESS_KEY);
    environment.put("DROVER_CONTACT_POINTS", contactPoints.isEmpty()
        ? "127.0.0.1:" + management
        : String.join(",", contactPoints.stream().map(n -> "127.0.0.1:" + n.managementPort()).toList()));
    environment.putAll(certificates());
    environment.putAll(env);
    Process process = builder.start();
    started.add(process);
    Node node = new Node(name, process, api, management, log, gcLog);
    return node;
  }

  /**
   * Cassandra and one Drover process with both roles (a controller and an agent serving the bench
   * compute environment with {@code vcpus} slots and the given executor), ready.
   */
  Node startSingleNode(String executor, int vcpus) throws IOException, InterruptedException {
    startCassandra("1g");
    Node node = start("drover", "controller", List.of("controller", "agent"), List.of(), Map.of(
        "DROVER_EXECUTOR", executor,
        "DROVER_VCPUS", Integer.toString(vcpus),
        "DROVER_COMPUTE_ENVIRONMENT", Drover.COMPUTE_ENVIRONMENT,
        "DROVER_AGENT_ID", "bench-agent",
        "DROVER_DRAIN_GRACE", "0s"), Map.of(), "2g", List.of());
    awaitReady(node, Duration.ofMinutes(3));
    return node;
  }

  /**
   * The cluster TLS settings every Drover process of the run gets: a CA and one node certificate in
   * the run's directory, made by {@code ./drover certs} on first use.
   */
  private Map<String, String> certificates() throws IOException {
    if (certificates == null) {
      Path dir = runDir.resolve("tls");
      certs("ca", "--dir", dir.toString());
      certs("node", "--dir", dir.toString(), "--name", "bench", "--san", "ip:127.0.0.1");
      certificates = Map.of(
          "DROVER_TLS_KEYSTORE", dir.resolve("bench.p12").toString(),
          "DROVER_TLS_KEYSTORE_PASSWORD_FILE", dir.resolve("bench.password").toString(),
          "DROVER_TLS_TRUSTSTORE", dir.resolve("truststore.p12").toString(),
          "DROVER_TLS_TRUSTSTORE_PASSWORD_FILE", dir.resolve("truststore.password").toString());
    }
    return certificates;
  }

  private void certs(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(java(), "-cp", classpath, "io.drover.node.Main", "certs"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (process.waitFor() != 0) {
        throw new IOException("./drover certs " + String.join(" ", args) + " failed: " + output);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while creating the run's certificates");
    }
  }

  /** Waits until the node's readiness check passes (controllers: Cassandra and the API). */
  void awaitReady(Node node, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!node.process().isAlive()) {
        throw new IllegalStateException(node.name() + " exited; see " + node.log());
      }
      if (get("http://127.0.0.1:" + node.managementPort() + "/ready") == 200) {
        return;
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException(node.name() + " was not ready within " + timeout + "; see " + node.log());
  }

  /**
   * Every process of one run gets its own keyspaces created on start, replication 1 (one
   * Cassandra node) and, for the logs, the run's directory. The benchmark's one key is not
   * rate-limited: the benchmarks measure Drover, not the limit a cluster sets per caller.
   */
  private static Map<String, String> clusterProperties() {
    String keyspace = "bench";
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("pekko.persistence.cassandra.journal.keyspace", keyspace + "_journal");
    properties.put("pekko.persistence.cassandra.snapshot.keyspace", keyspace + "_snapshot");
    properties.put("pekko.projection.cassandra.offset-store.keyspace", keyspace);
    properties.put("drover.controller.read-side.keyspace", keyspace);
    properties.put("drover.cassandra.create-schema", "on");
    properties.put("pekko.persistence.cassandra.journal.replication-factor", "1");
    properties.put("pekko.persistence.cassandra.snapshot.replication-factor", "1");
    properties.put("drover.controller.read-side.replication-factor", "1");
    properties.put("drover.security.rate-limit.requests-per-second", "1000000");
    properties.put("drover.security.rate-limit.burst", "1000000");
    return properties;
  }

  private static int get(String url) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** A free loopback port below the ephemeral range, so no outgoing connection takes it meanwhile. */
  private static int freePort() {
    for (int tries = 0; tries < 1000; tries++) {
      int candidate = 20_000 + ThreadLocalRandom.current().nextInt(12_000);
      try (ServerSocket socket = new ServerSocket(candidate, 1, InetAddress.getLoopbackAddress())) {
        return candidate;
      } catch (IOException taken) {
        // in use: try another
      }
    }
    throw new IllegalStateException("no free port found between 20000 and 32000");
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Stops every process it started, newest first: SIGTERM, then SIGKILL after 60 s. */
  @Override
  public void close() throws InterruptedException {
    for (int i = started.size() - 1; i >= 0; i--) {
      Process process = started.get(i);
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }
}
