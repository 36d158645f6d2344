package io.drover.controller.readside;

import com.datastax.oss.driver.api.core.CqlSession;
import io.drover.controller.ControllerSettings;
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

  private CassandraSchema() {}

  public static void create(ActorSystem<?> system, CqlSession session, ControllerSettings settings) {
    KeyspaceAndTableStatements persistence =
        new KeyspaceAndTableStatements(system, PLUGIN, PluginSettings.apply(Adapter.toClassic(system)));
    session.execute(persistence.createJournalKeyspaceStatement());
    session.execute(persistence.createSnapshotKeyspaceStatement());
    JobReadStore.createKeyspace(session, settings.readSideKeyspace(), settings.readSideReplicationFactor());
    List<String> tables = new ArrayList<>(persistence.getCreateJournalTablesStatements());
    tables.addAll(persistence.getCreateSnapshotTablesStatements());
    tables.addAll(JobReadStore.createTableStatements(settings.readSideKeyspace()));
    // Each table costs Cassandra about a second of schema work; issued together they overlap.
    CompletableFuture.allOf(tables.stream()
            .map(cql -> session.executeAsync(cql).toCompletableFuture())
            .toArray(CompletableFuture[]::new))
        .join();
  }
}
