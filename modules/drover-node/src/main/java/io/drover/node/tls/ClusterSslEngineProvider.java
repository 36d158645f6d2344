package io.drover.node.tls;

import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.remote.artery.tcp.ConfigSSLEngineProvider;

/**
 * Pekko's {@link ConfigSSLEngineProvider} (the keystore, truststore, protocol, suites and mutual
 * authentication of {@code pekko.remote.artery.ssl.config-ssl-engine}), as Drover's nodes use it.
 */
public final class ClusterSslEngineProvider extends ConfigSSLEngineProvider {

  public ClusterSslEngineProvider(ActorSystem system) {
    super(system);
  }
}
