package io.drover.controller.readside;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.drover.controller.ControllerSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.cassandra.KeyspaceAndTableStatements;
import org.apache.pekko.persistence.cassandra.PluginSettings;

/**
 * Creates every keyspace and table Drover uses, when missing: the event journal and snapshots
 * (from the persistence plugin's own definitions), the read side and the projection offsets.
 * Runs before any entity or projection starts, so none of them ever meets a missing table.
 */
public final class CassandraSchema {

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
    // Each table costs Cassandra about a second of schema work; issued together they overlap.
    CompletableFuture.allOf(tables.stream()
            .map(cql -> session.executeAsync(ddl(cql)).toCompletableFuture())
            .toArray(CompletableFuture[]::new))
        .join();
  }

  private static SimpleStatement ddl(String cql) {
    return SimpleStatement.newInstance(cql).setTimeout(DDL_TIMEOUT);
  }
}
