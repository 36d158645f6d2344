package io.drover.node.tls;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

/**
 * A peer's certificate that does not chain to a CA in this node's truststore, with who it names and
 * who issued it, so a refusal can say which host was turned away and why.
 */
final class UntrustedCertificateException extends CertificateException {

  private final String subject;
  private final String issuer;

  UntrustedCertificateException(X509Certificate[] chain, CertificateException cause) {
    super(describe(chain) + " is not trusted: " + cause.getMessage(), cause);
    this.subject = chain.length == 0 ? "" : chain[0].getSubjectX500Principal().getName();
    this.issuer = chain.length == 0 ? "" : chain[0].getIssuerX500Principal().getName();
  }

  /** The peer certificate's subject, e.g. {@code CN=node-7,O=Drover}. */
  String subject() {
    return subject;
  }

  /** Who issued the peer's certificate, e.g. {@code CN=Other CA,O=Drover}. */
  String issuer() {
    return issuer;
  }

  private static String describe(X509Certificate[] chain) {
    if (chain.length == 0) {
      return "An empty certificate chain";
    }
    return "The certificate " + chain[0].getSubjectX500Principal().getName() + " issued by "
        + chain[0].getIssuerX500Principal().getName();
  }
}
