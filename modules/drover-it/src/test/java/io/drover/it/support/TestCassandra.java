package io.drover.it.support;

import com.datastax.oss.driver.api.core.CqlSession;
import io.drover.node.cassandra.CassandraNode;
import io.drover.node.cassandra.CassandraProbe;
import io.drover.node.cassandra.RepoRoot;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The one Cassandra node shared by every integration test in this JVM.
 *
 * <p>If the system property {@code drover.test.cassandra} names a running node ({@code host:port}),
 * that node is used. Otherwise the first call starts a node with its files in
 * {@code modules/drover-it/target/cassandra-<random>} on free ports, and a shutdown hook stops it when
 * the JVM exits. Test classes share the node, so each should use its own keyspace.
 */
public final class TestCassandra {

  /** Names an already running node to use instead of starting one. */
  public static final String PROPERTY = "drover.test.cassandra";

  private static String contactPoint;
  private static RuntimeException startFailure;

  private TestCassandra() {
  }

  /**
   * The {@code host:port} of the shared node, started on first use.
   *
   * @throws IllegalStateException if the node named by {@value #PROPERTY} does not answer, or
   *     (on later calls, which do not retry) if the first call failed
   * @throws io.drover.node.cassandra.CassandraStartException if the local node could not start
   */
  public static synchronized String contactPoint() {
    if (startFailure != null) {
      throw new IllegalStateException("The shared test Cassandra failed earlier: " + startFailure.getMessage(),
          startFailure);
    }
    if (contactPoint == null) {
      try {
        String configured = System.getProperty(PROPERTY, "").trim();
        contactPoint = configured.isEmpty() ? startLocalNode() : verified(configured);
      } catch (RuntimeException e) {
        startFailure = e;
        throw e;
      }
    }
    return contactPoint;
  }

  /** A new driver session to the shared node (the caller closes it). */
  public static CqlSession connect() {
    String[] hostAndPort = contactPoint().split(":");
    return CqlSession.builder()
        .addContactPoint(new InetSocketAddress(hostAndPort[0], Integer.parseInt(hostAndPort[1])))
        .withLocalDatacenter("datacenter1")
        .build();
  }

  private static String verified(String configured) {
    int colon = configured.lastIndexOf(':');
    if (colon <= 0 || colon == configured.length() - 1) {
      throw new IllegalStateException(PROPERTY + "=" + configured + " is not host:port (e.g. 127.0.0.1:9042)");
    }
    String host = configured.substring(0, colon);
    int port;
    try {
      port = Integer.parseInt(configured.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalStateException(PROPERTY + "=" + configured + " is not host:port (e.g. 127.0.0.1:9042)", e);
    }
    try {
      CassandraProbe.releaseVersion(host, port);
    } catch (RuntimeException e) {
      throw new IllegalStateException("No Cassandra answers at " + PROPERTY + "=" + configured + " ("
          + e.getMessage() + "). Start one there, or leave " + PROPERTY
          + " empty so that the tests start their own.", e);
    }
    return configured;
  }

  private static String startLocalNode() {
    Path repoRoot = RepoRoot.locate();
    String name = "cassandra-" + UUID.randomUUID().toString().substring(0, 8);
    Path dataDir = repoRoot.resolve("modules/drover-it/target").resolve(name);
    CassandraNode node = new CassandraNode(CassandraNode.Settings.forRepo(repoRoot, dataDir).withFreePorts());
    Runtime.getRuntime().addShutdownHook(new Thread(node::close, "test-cassandra-stop"));
    node.start();
    return node.contactPoint();
  }
}
