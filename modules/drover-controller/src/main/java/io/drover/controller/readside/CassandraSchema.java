package io.drover.controller.readside;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.drover.controller.ControllerSettings;
import io.drover.controller.lease.NodeLease;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.cassandra.KeyspaceAndTableStatements;
import org.apache.pekko.persistence.cassandra.PluginSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates every keyspace and table Drover uses, when missing: the event journal and snapshots
 * (from the persistence plugin's own definitions), the read side, the controllers' leases and the
 * projection offsets. Runs before any entity or projection starts, so none of them ever meets a
 * missing table.
 */
public final class CassandraSchema {

  private static final Logger log = LoggerFactory.getLogger(CassandraSchema.class);
  private static final String PLUGIN = "pekko.persistence.cassandra";
  /**
   * Schema changes wait for every Cassandra node to agree, which takes far longer than a query
   * under load (several controllers of a new cluster create the schema at once).
   */
  private static final Duration DDL_TIMEOUT = Duration.ofSeconds(60);

  private CassandraSchema() {}

  public static void create(ActorSystem<?> system, CqlSession session, ControllerSettings settings) {
    KeyspaceAndTableStatements persistence =
        new KeyspaceAndTableStatements(system, PLUGIN, PluginSettings.apply(Adapter.toClassic(system)));
    session.execute(ddl(persistence.createJournalKeyspaceStatement()));
    session.execute(ddl(persistence.createSnapshotKeyspaceStatement()));
    session.execute(ddl(JobReadStore.createKeyspaceStatement(settings.readSideKeyspace(), settings.readSideReplicationFactor())));
    List<String> tables = new ArrayList<>(persistence.getCreateJournalTablesStatements());
    tables.addAll(persistence.getCreateSnapshotTablesStatements());
    tables.addAll(JobReadStore.createTableStatements(settings.readSideKeyspace()));
    tables.add(NodeLease.createTableStatement(settings.readSideKeyspace()));
    // Each table costs Cassandra about a second of schema work; issued together they overlap.
    CompletableFuture.allOf(tables.stream()
            .map(cql -> session.executeAsync(ddl(cql)).toCompletableFuture())
            .toArray(CompletableFuture[]::new))
        .join();
    upgradeStatusTable(session, settings.readSideKeyspace());
  }

  /** A {@code jobs_by_status} made by an older Drover gets the tombstone settings this one creates it with. */
  private static void upgradeStatusTable(CqlSession session, String keyspace) {
    Row table = session.execute(SimpleStatement.newInstance(
            "SELECT gc_grace_seconds FROM system_schema.tables WHERE keyspace_name = ? AND table_name = 'jobs_by_status'",
            keyspace))
        .one();
    if (table == null) {
      return;
    }
    JobReadStore.upgradeStatusTableStatement(keyspace, table.getInt("gc_grace_seconds")).ifPresent(alter -> {
      session.execute(ddl(alter));
      log.info("Table {}.jobs_by_status now keeps tombstones for an hour instead of 10 days, so that reads of busy "
          + "queues do not wade through them; from now on, run nodetool repair on a Cassandra node that was down "
          + "longer than an hour as soon as it is back", keyspace);
    });
  }

  private static SimpleStatement ddl(String cql) {
    return SimpleStatement.newInstance(cql).setTimeout(DDL_TIMEOUT);
  }
}
