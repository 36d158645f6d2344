package io.drover.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.drover.it.support.DroverTestNode;
import io.drover.it.support.TestCassandra;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The read side's status table keeps tombstones for an hour, not Cassandra's 10 days: a node
 * creates it so, and a node starting on a table an older Drover made (still at the default) brings
 * it to the same settings.
 */
class ReadSideSchemaTest {

  private static final Duration DDL_TIMEOUT = Duration.ofSeconds(60);

  private static String keyspace;
  private static CqlSession session;

  @BeforeAll
  static void connect() {
    keyspace = DroverTestNode.uniqueKeyspacePrefix("it_schema");
    session = TestCassandra.connect();
  }

  @AfterAll
  static void close() {
    session.close();
  }

  @Test
  void theStatusTableIsCreatedWithShortTombstonesAndAnOlderOneIsBroughtToThem() {
    DroverTestNode.start(keyspace, "schema-ce", DroverTestNode.Executor.PROCESS).close();
    assertShortTombstones();

    ddl("ALTER TABLE " + keyspace + ".jobs_by_status WITH gc_grace_seconds = 864000 "
        + "AND compaction = {'class': 'SizeTieredCompactionStrategy'}");
    assertEquals(864_000, table().getInt("gc_grace_seconds"), "as an older Drover left it");

    DroverTestNode.start(keyspace, "schema-ce", DroverTestNode.Executor.PROCESS).close();
    assertShortTombstones();
  }

  private static void assertShortTombstones() {
    Row table = table();
    assertEquals(3600, table.getInt("gc_grace_seconds"));
    Map<String, String> compaction = table.getMap("compaction", String.class, String.class);
    assertEquals("true", compaction.get("unchecked_tombstone_compaction"), compaction.toString());
    assertEquals("3600", compaction.get("tombstone_compaction_interval"), compaction.toString());
  }

  private static Row table() {
    return session.execute(SimpleStatement.newInstance(
            "SELECT gc_grace_seconds, compaction FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?",
            keyspace, "jobs_by_status"))
        .one();
  }

  private static void ddl(String cql) {
    session.execute(SimpleStatement.newInstance(cql).setTimeout(DDL_TIMEOUT));
  }
}
