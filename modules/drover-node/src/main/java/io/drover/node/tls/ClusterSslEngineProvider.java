package io.drover.node.tls;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.remote.artery.tcp.ConfigSSLEngineProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pekko's {@link ConfigSSLEngineProvider} (the keystore, truststore, protocol, suites and mutual
 * authentication of {@code pekko.remote.artery.ssl.config-ssl-engine}), deciding exactly as it does,
 * which also says why a handshake failed: on the accepting side, that a node was refused and which
 * certificate it showed (Pekko is silent there); on the joining side, that it could not connect
 * because of TLS. Each kind of failure is logged at most once a minute, with a count of the rest.
 */
public final class ClusterSslEngineProvider extends ConfigSSLEngineProvider {

  private static final Logger log = LoggerFactory.getLogger(ClusterSslEngineProvider.class);
  private static final long REPEAT_NANOS = Duration.ofMinutes(1).toNanos();
  private static final int MAX_KINDS = 1000;

  private final String self;
  private final Map<String, Long> lastLogged = new HashMap<>();
  private final Map<String, Integer> suppressed = new HashMap<>();

  public ClusterSslEngineProvider(ActorSystem system) {
    super(system);
    this.self = describeOwnCertificate();
  }

  @Override
  public TrustManager[] trustManagers() {
    TrustManager[] managers = super.trustManagers();
    TrustManager[] explaining = new TrustManager[managers.length];
    for (int i = 0; i < managers.length; i++) {
      explaining[i] = managers[i] instanceof X509ExtendedTrustManager x509 ? new ExplainingTrustManager(x509) : managers[i];
    }
    return explaining;
  }

  @Override
  public SSLEngine createServerSSLEngine(String hostname, int port) {
    return new ReportingSSLEngine(super.createServerSSLEngine(hostname, port),
        failure -> warn(HandshakeFailures.inbound(failure)));
  }

  @Override
  public SSLEngine createClientSSLEngine(String hostname, int port) {
    return new ReportingSSLEngine(super.createClientSSLEngine(hostname, port),
        failure -> warn(HandshakeFailures.outbound(hostname, port, failure, self)));
  }

  private synchronized void warn(HandshakeFailures.Explanation explanation) {
    long now = System.nanoTime();
    Long last = lastLogged.get(explanation.key());
    if (last != null && now - last < REPEAT_NANOS) {
      suppressed.merge(explanation.key(), 1, Integer::sum);
      return;
    }
    if (lastLogged.size() >= MAX_KINDS) {
      lastLogged.clear();
      suppressed.clear();
    }
    lastLogged.put(explanation.key(), now);
    Integer more = suppressed.remove(explanation.key());
    log.warn(more == null ? explanation.message() : explanation.message() + " (" + more + " more alike in the last minute)");
  }

  private String describeOwnCertificate() {
    try {
      KeyStore store = loadKeystore(SSLKeyStore(), SSLKeyStorePassword());
      for (String alias : Collections.list(store.aliases())) {
        if (store.isKeyEntry(alias) && store.getCertificate(alias) instanceof X509Certificate own) {
          return own.getSubjectX500Principal().getName() + " issued by " + own.getIssuerX500Principal().getName();
        }
      }
      return "missing (" + SSLKeyStore() + " holds no key)";
    } catch (GeneralSecurityException | RuntimeException e) {
      return "unreadable (" + SSLKeyStore() + ": " + e.getMessage() + ")";
    }
  }
}
