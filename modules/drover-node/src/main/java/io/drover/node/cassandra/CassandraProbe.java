package io.drover.node.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.Row;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * The readiness check of a Cassandra node: its native port accepts connections and
 * {@code SELECT release_version FROM system.local} answers through the driver.
 */
public final class CassandraProbe {

  /** The datacenter name Cassandra's {@code SimpleSnitch} reports. */
  public static final String LOCAL_DATACENTER = "datacenter1";

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  private static final int CONNECT_TIMEOUT_MILLIS = 1_000;

  private CassandraProbe() {
  }

  /** Returns whether something accepts TCP connections on {@code host:port}. */
  public static boolean portOpen(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
      return true;
    } catch (IOException notListening) {
      return false;
    }
  }

  /**
   * Connects to {@code host:port} and returns the node's {@code release_version}.
   *
   * @throws RuntimeException (a driver exception) if the node cannot be reached or does not answer
   *     within the 10 s request timeout
   */
  public static String releaseVersion(String host, int port) {
    DriverConfigLoader config = DriverConfigLoader.programmaticBuilder()
        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, REQUEST_TIMEOUT)
        .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, REQUEST_TIMEOUT)
        .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, REQUEST_TIMEOUT)
        .withBoolean(DefaultDriverOption.METADATA_SCHEMA_ENABLED, false)
        .withBoolean(DefaultDriverOption.METADATA_TOKEN_MAP_ENABLED, false)
        .withInt(DefaultDriverOption.NETTY_IO_SIZE, 1)
        .withInt(DefaultDriverOption.NETTY_IO_SHUTDOWN_QUIET_PERIOD, 0)
        .withInt(DefaultDriverOption.NETTY_ADMIN_SHUTDOWN_QUIET_PERIOD, 0)
        .build();
    try (CqlSession session = CqlSession.builder()
        .addContactPoint(new InetSocketAddress(host, port))
        .withLocalDatacenter(LOCAL_DATACENTER)
        .withConfigLoader(config)
        .build()) {
      Row row = session.execute("SELECT release_version FROM system.local").one();
      if (row == null) {
        throw new IllegalStateException("system.local on " + host + ":" + port + " returned no row");
      }
      return row.getString("release_version");
    }
  }
}
