package io.drover.node.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** The words for the JDK's handshake failures (their messages are the JDK 17 ones). */
class HandshakeFailuresTest {

  private static final String SELF = "CN=agent-9,O=Drover issued by CN=Other CA,O=Drover";

  private static SSLHandshakeException failure(String message) {
    return new SSLHandshakeException(message);
  }

  @Test
  void theAcceptingSideSaysWhomItRefusedAndWhy() {
    HandshakeFailures.Explanation plain = HandshakeFailures.inbound(
        new SSLException("Unsupported or unrecognized SSL message"));
    assertTrue(plain.message().startsWith("Refused a connection to the cluster's remoting port that does not speak TLS"),
        plain.message());

    HandshakeFailures.Explanation none = HandshakeFailures.inbound(failure("Empty client certificate chain"));
    assertTrue(none.message().startsWith("Refused a node that tried to join the cluster: it presented no certificate "
        + "issued by this cluster's CA"), none.message());
    assertTrue(none.message().contains("./drover certs node"), none.message());

    HandshakeFailures.Explanation otherTrust = HandshakeFailures.inbound(failure("Received fatal alert: certificate_unknown"));
    assertTrue(otherTrust.message().contains("broke off the TLS handshake (alert certificate_unknown)"), otherTrust.message());
  }

  @Test
  void theJoiningSideSaysItCouldNotConnectBecauseOfTls() {
    HandshakeFailures.Explanation refused = HandshakeFailures.outbound("10.0.1.5", 25520,
        failure("Received fatal alert: bad_certificate"), SELF);
    assertEquals("Could not join the cluster: cluster node 10.0.1.5:25520 refused this node's certificate during the TLS "
        + "handshake (alert bad_certificate). This node's certificate is " + SELF + ". " + HandshakeFailures.HOW_TO_JOIN,
        refused.message());

    HandshakeFailures.Explanation plain = HandshakeFailures.outbound("10.0.1.5", 25520,
        new SSLException("Unsupported or unrecognized SSL message"), SELF);
    assertTrue(plain.message().contains("10.0.1.5:25520 over TLS: it does not answer in TLS"), plain.message());
  }

  @Test
  void anUntrustedCertificateIsNamedWithItsIssuer() {
    X509Certificate[] none = new X509Certificate[0];
    SSLHandshakeException failure = failure("PKIX path building failed");
    failure.initCause(new UntrustedCertificateException(none, new CertificateException("unable to find valid certification path")));
    HandshakeFailures.Explanation explanation = HandshakeFailures.outbound("10.0.1.7", 25520, failure, SELF);
    assertTrue(explanation.message().startsWith("Could not connect to cluster node 10.0.1.7:25520 over TLS: its certificate"),
        explanation.message());
    assertTrue(explanation.message().contains("so this node does not trust it"), explanation.message());
  }

  @Test
  void failuresOfOneKindShareAKey() {
    assertEquals(HandshakeFailures.inbound(failure("Empty client certificate chain")).key(),
        HandshakeFailures.inbound(failure("Empty client certificate chain")).key());
  }
}
