package io.drover.it.support;

import io.drover.node.cassandra.RepoRoot;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A Drover process started the way an operator starts one ({@code io.drover.node.Main controller}
 * or {@code agent}, with the launcher's classpath), configured through DROVER_* environment
 * variables (cluster TLS with the {@link TestCertificates}, unless the spec's environment names other
 * files) and a few {@code -D} settings, its output in {@code target/cluster-it/<name>.log}.
 */
public final class NodeProcess implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** Ports handed out by {@link #port}, never handed out twice. */
  private static final Set<Integer> RESERVED = ConcurrentHashMap.newKeySet();

  /**
   * A free port below the kernel's ephemeral range (which starts at 32768 here), so outgoing
   * connections of any process cannot take it between now and the moment a node binds it.
   */
  public static int port() {
    for (int tries = 0; tries < 1000; tries++) {
      int candidate = 20_000 + ThreadLocalRandom.current().nextInt(12_000);
      if (!RESERVED.add(candidate)) {
        continue;
      }
      try (ServerSocket socket = new ServerSocket(candidate, 1, InetAddress.getLoopbackAddress())) {
        return candidate;
      } catch (IOException taken) {
        // in use: try another
      }
    }
    throw new IllegalStateException("no free port found between 20000 and 32000");
  }

  private final Spec spec;
  private final Process process;
  private final int remotePort;
  private final Path log;
  /** Where this process's output begins in the log, which earlier runs and restarts append to. */
  private final long logStart;

  private NodeProcess(Spec spec, Process process, int remotePort, Path log, long logStart) {
    this.spec = spec;
    this.process = process;
    this.remotePort = remotePort;
    this.log = log;
    this.logStart = logStart;
  }

  /**
   * What a process is given: its role, its ports (an API port of 0 picks a free one), and its
   * environment and system properties beyond the basics.
   */
  public record Spec(
      String name, String role, int managementPort, int httpPort, Map<String, String> env, Map<String, String> properties) {}

  /**
   * Settings every process of one test cluster gets as system properties: its own keyspaces (a
   * reused Cassandra must not mix runs; the nodes' join check insists they agree), replication 1 and
   * quicker downing.
   */
  public static Map<String, String> clusterProperties(String keyspace) {
    return Map.of(
        "pekko.persistence.cassandra.journal.keyspace", keyspace + "_journal",
        "pekko.persistence.cassandra.snapshot.keyspace", keyspace + "_snapshot",
        "pekko.projection.cassandra.offset-store.keyspace", keyspace,
        "drover.controller.read-side.keyspace", keyspace,
        "drover.cassandra.create-schema", "on",
        "pekko.persistence.cassandra.journal.replication-factor", "1",
        "pekko.persistence.cassandra.snapshot.replication-factor", "1",
        "drover.controller.read-side.replication-factor", "1",
        "pekko.cluster.split-brain-resolver.stable-after", "7s");
  }

  /** The command line that runs a node of {@code role} ({@code Main controller|agent}) with these system properties. */
  public static List<String> command(String role, Map<String, String> properties) {
    Path root = RepoRoot.locate();
    Path nodeTarget = root.resolve("modules/drover-node/target");
    String classpath;
    try {
      classpath = nodeTarget.resolve("drover-node.jar") + ":" + Files.readString(nodeTarget.resolve("drover-node.classpath")).trim();
    } catch (IOException e) {
      throw new UncheckedIOException("Build drover-node first (mvn package): " + e.getMessage(), e);
    }
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xms128m", "-Xmx512m", "-XX:TieredStopAtLevel=1", "-Ddrover.repo.root=" + root));
    properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
    command.addAll(List.of("-cp", classpath, "io.drover.node.Main", role));
    return command;
  }

  public static NodeProcess start(Spec spec) {
    Path root = RepoRoot.locate();
    int httpPort = spec.httpPort() > 0 ? spec.httpPort() : port();
    Spec resolved = new Spec(spec.name(), spec.role(), spec.managementPort(), httpPort, spec.env(), spec.properties());
    int remotePort = port();
    List<String> command = command(spec.role(), spec.properties());
    Map<String, String> env = new LinkedHashMap<>();
    env.put("DROVER_HOSTNAME", "127.0.0.1");
    env.put("DROVER_REMOTE_PORT", Integer.toString(remotePort));
    env.put("DROVER_MANAGEMENT_HOSTNAME", "127.0.0.1");
    env.put("DROVER_MANAGEMENT_PORT", Integer.toString(spec.managementPort()));
    env.put("DROVER_HTTP_INTERFACE", "127.0.0.1");
    env.put("DROVER_HTTP_PORT", Integer.toString(httpPort));
    env.put("DROVER_CASSANDRA_CONTACT_POINTS", TestCassandra.contactPoint());
    env.put("DROVER_MASTER_KEY", DroverTestNode.MASTER_KEY);
    env.put("DROVER_ROOT_ACCESS_KEY_ID", DroverTestNode.ROOT_ACCESS_KEY_ID);
    env.put("DROVER_ROOT_SECRET_ACCESS_KEY", DroverTestNode.ROOT_SECRET_ACCESS_KEY);
    env.putAll(TestCertificates.node().environment());
    env.putAll(spec.env());
    Path log = root.resolve("modules/drover-it/target/cluster-it/" + spec.name() + ".log");
    try {
      Files.createDirectories(log.getParent());
      long logStart = Files.exists(log) ? Files.size(log) : 0;
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      builder.environment().putAll(env);
      return new NodeProcess(resolved, builder.start(), remotePort, log, logStart);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start " + spec.name() + ": " + e.getMessage(), e);
    }
  }

  public String name() {
    return spec.name();
  }

  public String apiEndpoint() {
    return "http://127.0.0.1:" + spec.httpPort();
  }

  /** The Pekko remoting port, which names the node in the cluster ({@code pekko://drover@127.0.0.1:<port>}). */
  public int remotePort() {
    return remotePort;
  }

  /** What it was started with, its API port filled in: start it again with the same ports. */
  public Spec spec() {
    return spec;
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** GET on the management port; the status code, or -1 when nothing answers. */
  public int get(String path) {
    return request(path).statusCode();
  }

  /** GET on the management port; the body, or empty when nothing answers. */
  public String body(String path) {
    return request(path).body();
  }

  private Result request(String path) {
    try {
      HttpResponse<String> response = HTTP.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + spec.managementPort() + path)).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      return new Result(response.statusCode(), response.body());
    } catch (IOException e) {
      return new Result(-1, "");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "");
    }
  }

  private record Result(int statusCode, String body) {}

  /** kill -9: the process gets no chance to leave the cluster. */
  public void kill() {
    process.destroyForcibly();
    waitFor(10);
  }

  /** SIGTERM without waiting: the node shuts down (an agent drains first) while the caller watches. */
  public void terminate() {
    process.destroy();
  }

  /** Waits for the process to end; true when it did within {@code seconds}. */
  public boolean awaitExit(int seconds) {
    return waitFor(seconds);
  }

  /** SIGTERM, as an operator stops a node: coordinated shutdown, leaving the cluster. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      if (!waitFor(60)) {
        process.destroyForcibly();
        waitFor(10);
      }
    }
  }

  private boolean waitFor(int seconds) {
    try {
      return process.waitFor(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The exit status of a process that has ended. */
  public int exitCode() {
    return process.exitValue();
  }

  /** Everything this process has written so far. */
  public String output() {
    try (InputStream in = Files.newInputStream(log)) {
      in.skipNBytes(logStart);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** The end of the process's output, for a failure message. */
  public String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return spec.name() + ": " + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return spec.name() + ": no log (" + e.getMessage() + ")";
    }
  }
}
