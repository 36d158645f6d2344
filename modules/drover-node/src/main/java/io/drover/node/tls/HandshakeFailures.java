package io.drover.node.tls;

import java.security.cert.CertificateExpiredException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why a TLS handshake on the cluster port failed, in words an operator can act on. Pekko closes such
 * a connection without a word on the accepting side, and with a bare {@code SSLHandshakeException}
 * on the connecting side.
 */
final class HandshakeFailures {

  /** What to log, and what makes two failures the same for throttling. */
  record Explanation(String key, String message) {}

  static final String HOW_TO_JOIN = "Only hosts holding a certificate issued by the cluster's CA can join: issue one "
      + "with './drover certs node --dir <CA dir> --name <node>' and give it to the node in DROVER_TLS_KEYSTORE, with the "
      + "CA's truststore in DROVER_TLS_TRUSTSTORE (docs/security-cluster.md).";

  private static final Pattern ALERT = Pattern.compile("Received fatal alert: (\\w+)");

  private HandshakeFailures() {}

  /** This node refused a peer that connected to its remoting port. */
  static Explanation inbound(Throwable failure) {
    UntrustedCertificateException untrusted = find(failure, UntrustedCertificateException.class);
    if (untrusted != null) {
      String why = find(failure, CertificateExpiredException.class) != null
          ? "has expired"
          : "was not issued by this cluster's CA (it was issued by " + untrusted.issuer() + ")";
      return new Explanation("untrusted " + untrusted.subject() + " " + untrusted.issuer(),
          "Refused a node that tried to join the cluster: its certificate " + untrusted.subject() + " " + why + ". "
              + HOW_TO_JOIN);
    }
    String message = messages(failure);
    if (message.contains("Empty client certificate chain") || message.contains("certificate_required")) {
      return new Explanation("no certificate",
          "Refused a node that tried to join the cluster: it presented no certificate issued by this cluster's CA (it "
              + "has none, or only one from another CA). " + HOW_TO_JOIN);
    }
    if (message.contains("Unsupported or unrecognized SSL message") || message.contains("plaintext connection")) {
      return new Explanation("not tls",
          "Refused a connection to the cluster's remoting port that does not speak TLS: a node running without "
              + "cluster TLS (pekko.remote.artery.transport = tcp), or another program. It cannot join. " + HOW_TO_JOIN);
    }
    Matcher alert = ALERT.matcher(message);
    if (alert.find()) {
      return new Explanation("alert " + alert.group(1),
          "A node connecting to the cluster's remoting port broke off the TLS handshake (alert " + alert.group(1)
              + "): it does not trust this node's certificate, so it holds the truststore of another CA. Give it this "
              + "cluster's truststore (DROVER_TLS_TRUSTSTORE) and a certificate from this cluster's CA (docs/security-cluster.md).");
    }
    return new Explanation("other " + message,
        "Refused a connection to the cluster's remoting port: the TLS handshake failed (" + message + "). " + HOW_TO_JOIN);
  }

  /**
   * This node could not connect to the cluster node at {@code host:port}; {@code self} describes
   * this node's own certificate ("CN=... issued by CN=...").
   */
  static Explanation outbound(String host, int port, Throwable failure, String self) {
    String peer = host + ":" + port;
    UntrustedCertificateException untrusted = find(failure, UntrustedCertificateException.class);
    if (untrusted != null) {
      String why = find(failure, CertificateExpiredException.class) != null
          ? "has expired"
          : "was issued by " + untrusted.issuer() + ", not by the CA in this node's truststore";
      return new Explanation("untrusted " + peer,
          "Could not connect to cluster node " + peer + " over TLS: its certificate " + untrusted.subject() + " " + why
              + ", so this node does not trust it. Every node needs the same cluster CA's truststore "
              + "(DROVER_TLS_TRUSTSTORE) and a certificate that CA issued (docs/security-cluster.md).");
    }
    String message = messages(failure);
    Matcher alert = ALERT.matcher(message);
    if (alert.find()) {
      return new Explanation("alert " + peer,
          "Could not join the cluster: cluster node " + peer + " refused this node's certificate during the TLS "
              + "handshake (alert " + alert.group(1) + "). This node's certificate is " + self + ". " + HOW_TO_JOIN);
    }
    if (message.contains("Unsupported or unrecognized SSL message") || message.contains("plaintext connection")) {
      return new Explanation("not tls " + peer,
          "Could not connect to cluster node " + peer + " over TLS: it does not answer in TLS, so it runs without "
              + "cluster TLS (pekko.remote.artery.transport = tcp). Every node of a cluster must use tls-tcp.");
    }
    return new Explanation("other " + peer,
        "Could not connect to cluster node " + peer + " over TLS: the handshake failed (" + message + "). "
            + "This node's certificate is " + self + ".");
  }

  private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  /** The messages of the failure and its causes, outermost first. */
  private static String messages(Throwable failure) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getMessage() != null && all.indexOf(t.getMessage()) < 0) {
        all.append(all.length() == 0 ? "" : ": ").append(t.getMessage());
      }
    }
    return all.length() == 0 ? failure.getClass().getSimpleName() : all.toString();
  }
}
