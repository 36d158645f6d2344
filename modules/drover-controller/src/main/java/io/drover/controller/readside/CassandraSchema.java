package io.drover.controller.readside;

import com.datastax.oss.driver.api.core.CqlSession;
import io.drover.controller.ControllerSettings;
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
    persistence.getCreateJournalTablesStatements().forEach(session::execute);
    session.execute(persistence.createSnapshotKeyspaceStatement());
    persistence.getCreateSnapshotTablesStatements().forEach(session::execute);
    JobReadStore.createSchema(session, settings.readSideKeyspace(), settings.readSideReplicationFactor());
  }
}
