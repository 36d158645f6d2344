package io.drover.controller.lease;

import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.coordination.lease.LeaseSettings;
import org.apache.pekko.coordination.lease.javadsl.Lease;

/**
 * The lease Pekko's shards and singletons take before they start ({@code use-lease =
 * "drover.controller.lease"}), held in Cassandra through this controller's {@link NodeLease}.
 * Pekko creates it by reflection, one per shard or singleton; the timing is that of the
 * {@code drover.controller.lease} block.
 */
public final class CassandraLease extends Lease {

  private final LeaseSettings settings;
  private final NodeLease node;

  public CassandraLease(LeaseSettings settings, ExtendedActorSystem system) {
    this.settings = settings;
    this.node = NodeLease.get(system);
    if (!settings.ownerName().equals(node.owner())) {
      throw new IllegalArgumentException("Lease " + settings.leaseName() + " is asked for on behalf of "
          + settings.ownerName() + ", but this controller's leases belong to its cluster address " + node.owner()
          + "; drover.controller.lease serves only Pekko's shards and singletons");
    }
  }

  @Override
  public LeaseSettings getSettings() {
    return settings;
  }

  @Override
  public CompletionStage<Boolean> acquire() {
    return acquire(lost -> {});
  }

  @Override
  public CompletionStage<Boolean> acquire(Consumer<Optional<Throwable>> leaseLostCallback) {
    return node.acquire(settings.leaseName(), leaseLostCallback);
  }

  @Override
  public CompletionStage<Boolean> release() {
    return node.release(settings.leaseName());
  }

  @Override
  public boolean checkLease() {
    return node.checkLease(settings.leaseName());
  }
}
