package io.drover.it.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.drover.node.DroverNode;
import io.drover.node.NodeConfig;
import io.drover.node.admin.SignedClient;
import io.drover.node.cassandra.RepoRoot;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.batch.BatchClient;

/**
 * A real Drover node (controller and agent roles) in the test JVM, configured from the repository's
 * {@code conf/dev.conf} like {@code ./drover dev} (cluster TLS with the {@link TestCertificates}),
 * against the shared test Cassandra, with its own
 * keyspaces so test classes never see each other's data. Nodes started with the same
 * {@code keyspacePrefix} share all durable state: that is how restart tests work.
 */
public final class DroverTestNode implements AutoCloseable {

  /** Which executor the node's agent uses. */
  public enum Executor {
    DOCKER,
    PROCESS
  }

  /** The test cluster's root key (drover.security.root-*), allowed everything; tests sign with it. */
  public static final String ROOT_ACCESS_KEY_ID = "AKIAROOTKEYFORTESTS0";

  public static final String ROOT_SECRET_ACCESS_KEY = "root-secret-of-the-integration-tests-0001";

  /** The test cluster's master key (drover.security.master-key). */
  public static final String MASTER_KEY = "dGVzdC1tYXN0ZXIta2V5LW9mLTMyLWJ5dGVzLWxvbmc=";

  /** The tag that lets a compute environment's agents run the process executor (tests' agents mostly do). */
  public static final Map<String, String> PROCESS_EXECUTOR = Map.of("drover:process-executor", "enabled");

  /** Settings every test node, in-process or not, gets: the keys above. */
  public static final Map<String, String> SECURITY = Map.of(
      "drover.security.master-key", MASTER_KEY,
      "drover.security.root-access-key-id", ROOT_ACCESS_KEY_ID,
      "drover.security.root-secret-access-key", ROOT_SECRET_ACCESS_KEY);

  private final DroverNode node;
  private final int httpPort;
  private final int managementPort;
  private final BatchClient batch;

  private DroverTestNode(DroverNode node, int httpPort, int managementPort) {
    this.node = node;
    this.httpPort = httpPort;
    this.managementPort = managementPort;
    this.batch = batchClient(endpoint());
  }

  /** An AWS SDK v2 Batch client for the API at {@code endpoint}, signing with the root key. */
  public static BatchClient batchClient(String endpoint) {
    return batchClient(endpoint, ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY);
  }

  /** An AWS SDK v2 Batch client for the API at {@code endpoint}, signing with the key given. */
  public static BatchClient batchClient(String endpoint, String accessKeyId, String secretAccessKey) {
    return BatchClient.builder()
        .endpointOverride(URI.create(endpoint))
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secretAccessKey)))
        .httpClientBuilder(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(30)))
        .build();
  }

  /**
   * Starts a node and waits until its API answers.
   *
   * @param keyspacePrefix distinct per test class (letters, digits, underscores)
   * @param computeEnvironment the compute environment the node's agent serves
   */
  public static DroverTestNode start(String keyspacePrefix, String computeEnvironment, Executor executor) {
    return start(keyspacePrefix, computeEnvironment, executor, Map.of());
  }

  /** As {@link #start(String, String, Executor)}, with more configuration on top. */
  public static DroverTestNode start(
      String keyspacePrefix, String computeEnvironment, Executor executor, Map<String, Object> extra) {
    int httpPort = NodeProcess.port();
    Map<String, Object> overrides = new LinkedHashMap<>();
    overrides.putAll(SECURITY);
    overrides.put("drover.controller.http.port", httpPort);
    overrides.put("pekko.management.http.port", NodeProcess.port());
    overrides.put("pekko.remote.artery.canonical.port", 0);
    overrides.put("pekko.coordinated-shutdown.exit-jvm", "off");
    overrides.put("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook", "off");
    overrides.put("pekko.cluster.jmx.multi-mbeans-in-same-jvm", "on");
    overrides.put("drover.cassandra.contact-points", TestCassandra.contactPoint());
    overrides.put("pekko.persistence.cassandra.journal.keyspace", keyspacePrefix + "_journal");
    overrides.put("pekko.persistence.cassandra.snapshot.keyspace", keyspacePrefix + "_snapshot");
    overrides.put("pekko.projection.cassandra.offset-store.keyspace", keyspacePrefix);
    overrides.put("drover.controller.read-side.keyspace", keyspacePrefix);
    overrides.put("drover.agent.agent-id", "it-agent");
    overrides.put("drover.agent.compute-environment", computeEnvironment);
    overrides.put("drover.agent.executor", executor.name().toLowerCase());
    overrides.put("drover.agent.vcpus", 2);
    overrides.put("drover.agent.memory-mib", 2048);
    overrides.put("drover.agent.docker.network-mode", "none");
    overrides.put("drover.agent.process.work-dir",
        Path.of(System.getProperty("java.io.tmpdir"), "drover-it-" + keyspacePrefix).toString());
    overrides.put("datastax-java-driver.basic.request.timeout", "20s");
    overrides.put("drover.controller.job.stop-grace-seconds", 2);
    overrides.put("drover.controller.scheduler.reconcile-grace", "5s");
    overrides.put("drover.controller.scheduler.reconcile-interval", "5s");
    overrides.putAll(TestCertificates.node().settings());
    overrides.putAll(extra);
    Config config = NodeConfig.load(RepoRoot.locate().resolve("conf/dev.conf"), overrides);
    DroverNode node = DroverNode.start(config);
    try {
      node.controller().orElseThrow().binding().toCompletableFuture().get(60, TimeUnit.SECONDS);
      node.controller().orElseThrow().controlPlane().ready().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      node.system().terminate();
      throw new IllegalStateException("The test node did not start: " + e, e);
    }
    return new DroverTestNode(node, httpPort, config.getInt("pekko.management.http.port"));
  }

  public String endpoint() {
    return "http://127.0.0.1:" + httpPort;
  }

  /** The node's Pekko Management port (/ready, /alive, /metrics): unsigned, the operators' port. */
  public int managementPort() {
    return managementPort;
  }

  /** Signed calls to this node's HTTP API beyond the SDK's (logs, cost, events, admin), as root. */
  public SignedClient signed() {
    return signed(endpoint());
  }

  public static SignedClient signed(String endpoint) {
    return new SignedClient(URI.create(endpoint), "us-east-1",
        AwsBasicCredentials.create(ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY));
  }

  /** An AWS SDK v2 Batch client pointed at this node. */
  public BatchClient batch() {
    return batch;
  }

  public DroverNode node() {
    return node;
  }

  /** Coordinated shutdown, as SIGTERM would do; waits until the node is gone. */
  @Override
  public void close() {
    batch.close();
    node.system().terminate();
    try {
      node.system().getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("The test node did not stop within 60 s", e);
    }
    assertTrue(node.system().whenTerminated().isCompleted());
  }

  /** {@code base} with a suffix of this run, for a test class that must start from empty keyspaces every time. */
  public static String uniqueKeyspacePrefix(String base) {
    return base + "_" + Long.toString(System.currentTimeMillis(), 36);
  }
}
