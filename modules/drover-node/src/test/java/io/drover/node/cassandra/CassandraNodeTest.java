package io.drover.node.cassandra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.Row;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starts real Cassandra nodes (three starts in all, about 10-15 s each). */
class CassandraNodeTest {

  @TempDir
  Path tempDir;

  @Test
  void dataSurvivesARestartOnTheSameDataDirectory() throws Exception {
    CassandraNode.Settings settings = settingsFor(tempDir.resolve("node"));

    try (CassandraNode node = new CassandraNode(settings)) {
      node.start();
      assertTrue(node.isAlive());
      assertEquals(settings.contactPoint(), node.contactPoint());
      assertEquals(String.valueOf(node.pid()), Files.readString(settings.pidFile()).trim());
      try (CqlSession session = connect(settings)) {
        session.execute("CREATE KEYSPACE restart_test WITH replication = "
            + "{'class': 'SimpleStrategy', 'replication_factor': 1}");
        session.execute("CREATE TABLE restart_test.notes (id text PRIMARY KEY, body text)");
        session.execute("INSERT INTO restart_test.notes (id, body) VALUES ('n1', 'kept across restarts')");
      }
      node.stop(Duration.ofSeconds(30));
      assertFalse(node.isAlive());
      assertFalse(Files.exists(settings.pidFile()));
      node.stop(Duration.ofSeconds(30));
    }

    try (CassandraNode restarted = new CassandraNode(settings)) {
      restarted.start();
      try (CqlSession session = connect(settings)) {
        Row row = session.execute("SELECT body FROM restart_test.notes WHERE id = 'n1'").one();
        assertNotNull(row, "the row written before the restart is gone");
        assertEquals("kept across restarts", row.getString("body"));
      }
    }
    assertFalse(Files.exists(settings.pidFile()));
  }

  @Test
  void aSecondNodeOnALiveDataDirectoryIsRefused() {
    Path dataDir = tempDir.resolve("node");
    try (CassandraNode first = new CassandraNode(settingsFor(dataDir));
       CassandraNode second = new CassandraNode(settingsFor(dataDir))) {
      first.start();

      CassandraStartException refused = assertThrows(CassandraStartException.class, second::start);
      assertTrue(refused.getMessage().contains("pid " + first.pid()), refused.getMessage());
      assertTrue(refused.getMessage().contains("kill " + first.pid()), refused.getMessage());
      assertFalse(second.isAlive());

      assertTrue(first.isAlive());
      CassandraNode.Settings running = first.settings();
      assertEquals("5.0.9", CassandraProbe.releaseVersion(running.host(), running.nativePort()));
    }
  }

  @Test
  void aTakenNativePortIsRefusedBeforeLaunching() throws Exception {
    CassandraNode.Settings free = settingsFor(tempDir.resolve("node"));
    try (ServerSocket squatter = new ServerSocket();
       CassandraNode node = new CassandraNode(free)) {
      squatter.bind(new InetSocketAddress(InetAddress.getByName(free.host()), free.nativePort()));

      CassandraStartException refused = assertThrows(CassandraStartException.class, node::start);
      assertTrue(refused.getMessage().contains("Port " + free.nativePort()), refused.getMessage());
      assertTrue(refused.getMessage().contains("--port"), refused.getMessage());
      assertFalse(node.isAlive());
      assertFalse(Files.exists(free.pidFile()));
    }
  }

  @Test
  void aMissingServerClasspathNamesTheFileAndTheFix() throws Exception {
    Path emptyRepo = Files.createDirectories(tempDir.resolve("repo"));

    CassandraStartException missing = assertThrows(CassandraStartException.class,
        () -> CassandraNode.Settings.forRepo(emptyRepo, tempDir.resolve("node")));
    assertTrue(missing.getMessage().contains(emptyRepo.resolve(CassandraNode.Settings.CLASSPATH_FILE).toString()),
        missing.getMessage());
    assertTrue(missing.getMessage().contains("./drover build"), missing.getMessage());
  }

  private static CassandraNode.Settings settingsFor(Path dataDir) {
    return CassandraNode.Settings.forRepo(RepoRoot.locate(), dataDir).withFreePorts();
  }

  private static CqlSession connect(CassandraNode.Settings settings) {
    return CqlSession.builder()
        .addContactPoint(new InetSocketAddress(settings.host(), settings.nativePort()))
        .withLocalDatacenter(CassandraProbe.LOCAL_DATACENTER)
        .withConfigLoader(DriverConfigLoader.programmaticBuilder()
            .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(10))
            .build())
        .build();
  }
}
