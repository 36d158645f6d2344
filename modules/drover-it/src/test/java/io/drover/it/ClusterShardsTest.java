package io.drover.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.typesafe.config.Config;
import io.drover.controller.ClusterShards;
import io.drover.it.support.DroverTestNode;
import io.drover.it.support.TestCassandra;
import io.drover.node.NodeConfig;
import io.drover.node.cassandra.RepoRoot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every controller of a cluster uses the number of shards recorded at the cluster's first start: a
 * new cluster records {@code drover.controller.new-cluster-shards}, a cluster from before the
 * record (its journal there, no record) keeps Pekko's 1,000, the record wins over the setting, and
 * a record that is no number stops the controller with a message saying how to mend it.
 * Controllers of a new cluster starting at once agree on one number.
 */
class ClusterShardsTest {

  private static CqlSession session;

  @BeforeAll
  static void connect() {
    session = TestCassandra.connect();
  }

  @AfterAll
  static void close() {
    session.close();
  }

  private static DroverTestNode start(String keyspace, int newClusterShards) {
    return DroverTestNode.start(keyspace, "shards-ce", DroverTestNode.Executor.PROCESS,
        Map.of("drover.controller.new-cluster-shards", newClusterShards));
  }

  private static int shardsOf(DroverTestNode node) {
    return node.node().system().settings().config().getInt("pekko.cluster.sharding.number-of-shards");
  }

  private static String recorded(String keyspace) {
    Row row = session.execute(SimpleStatement.newInstance(
        "SELECT value FROM " + keyspace + ".cluster_settings WHERE name = 'number-of-shards'")).one();
    return row == null ? null : row.getString("value");
  }

  @Test
  void aNewClusterRecordsItsNumberAndKeepsItWhateverTheSettingSaysLater() {
    String keyspace = DroverTestNode.uniqueKeyspacePrefix("it_shards_new");
    try (DroverTestNode node = start(keyspace, 100)) {
      assertEquals(100, shardsOf(node));
    }
    assertEquals("100", recorded(keyspace));

    try (DroverTestNode node = start(keyspace, 300)) {
      assertEquals(100, shardsOf(node));
    }
    assertEquals("100", recorded(keyspace));
  }

  @Test
  void controllersStartingTogetherOnANewClusterAgreeOnOneNumber() throws Exception {
    String keyspace = DroverTestNode.uniqueKeyspacePrefix("it_shards_together");
    Config config = NodeConfig.load(RepoRoot.locate().resolve("conf/dev.conf"), Map.of(
        "drover.cassandra.contact-points", TestCassandra.contactPoint(),
        "pekko.persistence.cassandra.journal.keyspace", keyspace + "_journal",
        "drover.controller.read-side.keyspace", keyspace));
    ExecutorService controllers = Executors.newFixedThreadPool(3);
    try {
      List<Future<Integer>> numbers = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        numbers.add(controllers.submit(() -> ClusterShards.resolve(config).getInt(ClusterShards.NUMBER_OF_SHARDS)));
      }
      for (Future<Integer> number : numbers) {
        assertEquals(100, number.get(2, TimeUnit.MINUTES));
      }
    } finally {
      controllers.shutdownNow();
    }
    assertEquals("100", recorded(keyspace));
  }

  @Test
  void aRecordThatIsNoNumberStopsTheControllerAndSaysHowToMendIt() {
    String keyspace = DroverTestNode.uniqueKeyspacePrefix("it_shards_bad");
    start(keyspace, 100).close();
    session.execute(SimpleStatement.newInstance(
        "UPDATE " + keyspace + ".cluster_settings SET value = 'lots' WHERE name = 'number-of-shards'"));

    IllegalStateException refused = assertThrows(IllegalStateException.class, () -> start(keyspace, 100));

    assertTrue(refused.getMessage().startsWith(keyspace + ".cluster_settings records 'lots' as the cluster's "
        + "number-of-shards; it must be a whole number"), refused.getMessage());
  }

  @Test
  void aClusterFromBeforeTheRecordKeepsPekkosThousandAndRecordsIt() {
    String keyspace = DroverTestNode.uniqueKeyspacePrefix("it_shards_old");
    start(keyspace, 100).close();
    session.execute(SimpleStatement.newInstance(
        "DELETE FROM " + keyspace + ".cluster_settings WHERE name = 'number-of-shards'"));

    try (DroverTestNode node = start(keyspace, 100)) {
      assertEquals(1000, shardsOf(node));
    }
    assertEquals("1000", recorded(keyspace));
  }
}
