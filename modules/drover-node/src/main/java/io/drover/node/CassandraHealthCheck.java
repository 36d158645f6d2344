package io.drover.node;

import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;

/**
 * A Pekko Management readiness check: true once Cassandra answers a query on the session the
 * journal uses. A controller that cannot reach Cassandra can accept nothing durably, so it is
 * not ready.
 */
public final class CassandraHealthCheck implements Supplier<CompletionStage<Boolean>> {

  private final ActorSystem system;

  public CassandraHealthCheck(ActorSystem system) {
    this.system = system;
  }

  @Override
  public CompletionStage<Boolean> get() {
    return CassandraSessionRegistry.get(system).sessionFor("pekko.persistence.cassandra")
        .selectOne("SELECT release_version FROM system.local")
        .thenApply(row -> row.isPresent());
  }
}
