package io.drover.node.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The certificate tool, through {@code ./drover certs}'s entry point: a CA and a node certificate, made by keytool. */
class ClusterCertificatesTest {

  @TempDir
  static Path dir;

  private static Path ca;
  private static String caOutput;
  private static String nodeOutput;

  @BeforeAll
  static void createCaAndNode() {
    ca = dir.resolve("ca");
    caOutput = run(0, "ca", "--dir", ca.toString());
    nodeOutput = run(0, "node", "--dir", ca.toString(), "--name", "agent-1", "--san", "ip:10.0.1.5,dns:agent-1.internal",
        "--days", "30");
  }

  @Test
  void theNodeCertificateChainsToTheCaAndCarriesItsNamesAndUses() throws Exception {
    NodeCertificate node = ClusterCertificates.in(ca).node("agent-1");
    KeyStore keyStore = load(node.keystore(), node.password());
    assertTrue(keyStore.isKeyEntry(ClusterCertificates.NODE_ALIAS));
    Certificate[] chain = keyStore.getCertificateChain(ClusterCertificates.NODE_ALIAS);
    X509Certificate leaf = (X509Certificate) chain[0];
    X509Certificate caCertificate = caCertificate();

    assertEquals("CN=agent-1,O=Drover", leaf.getSubjectX500Principal().getName());
    assertEquals(caCertificate.getSubjectX500Principal(), leaf.getIssuerX500Principal());
    leaf.verify(caCertificate.getPublicKey());
    assertEquals(caCertificate, chain[chain.length - 1], "the node presents the CA's certificate with its own");
    // The JDK's PKIX checks, as a peer runs them in the handshake, accept it with the truststore alone.
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(load(node.trustStore().path(), node.trustStore().password()));
    X509TrustManager trust = (X509TrustManager) factory.getTrustManagers()[0];
    X509Certificate[] presented = Stream.of(chain).map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
    trust.checkClientTrusted(presented, "UNKNOWN");
    trust.checkServerTrusted(presented, "UNKNOWN");

    assertEquals(Set.of(List.of(7, "10.0.1.5"), List.of(2, "agent-1.internal")), Set.copyOf(leaf.getSubjectAlternativeNames()));
    assertEquals(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"), leaf.getExtendedKeyUsage(), "serverAuth and clientAuth");
    assertEquals(-1, leaf.getBasicConstraints(), "a node certificate is no CA");
    assertEquals(0, caCertificate.getBasicConstraints(), "the CA signs node certificates only");
    long days = Duration.between(Instant.now(), leaf.getNotAfter().toInstant()).toDays();
    assertTrue(days >= 29 && days <= 30, "valid for --days 30: " + days);
  }

  @Test
  void passwordsAreInOwnerOnlyFilesAndNeverPrinted() throws Exception {
    for (String file : List.of("ca.password", "truststore.password", "agent-1.password", "ca.p12", "agent-1.p12")) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(ca.resolve(file))), file);
    }
    for (String file : List.of("ca.password", "truststore.password", "agent-1.password")) {
      String password = Files.readString(ca.resolve(file)).strip();
      assertTrue(password.length() >= 32, file);
      assertFalse(caOutput.contains(password) || nodeOutput.contains(password), file + " printed");
    }
    assertTrue(nodeOutput.contains("DROVER_TLS_KEYSTORE=" + ca.resolve("agent-1.p12")), nodeOutput);
    assertTrue(nodeOutput.contains("DROVER_TLS_TRUSTSTORE_PASSWORD_FILE=" + ca.resolve("truststore.password")), nodeOutput);
    try (Stream<Path> files = Files.list(ca)) {
      assertEquals(Set.of("ca.p12", "ca.password", "ca.crt", "truststore.p12", "truststore.password", "agent-1.p12",
          "agent-1.password"), files.map(f -> f.getFileName().toString()).collect(Collectors.toSet()),
          "no request or certificate left behind");
    }
  }

  @Test
  void anExistingCaOrNodeIsNeverOverwritten() throws Exception {
    byte[] caStore = Files.readAllBytes(ca.resolve("ca.p12"));
    assertTrue(run(1, "ca", "--dir", ca.toString()).contains("already holds a CA"));
    assertTrue(run(1, "node", "--dir", ca.toString(), "--name", "agent-1").contains("agent-1.p12 exists"));
    assertTrue(Arrays.equals(caStore, Files.readAllBytes(ca.resolve("ca.p12"))), "the CA is unchanged");
    assertTrue(run(1, "node", "--dir", dir.resolve("none").toString(), "--name", "x").contains("./drover certs ca --dir"));
  }

  @Test
  void commandLineMistakesAreNamed() {
    assertTrue(run(2, "node", "--dir", "d", "--name", "a b").contains("Node name 'a b' must be"));
    assertTrue(run(2, "node", "--dir", "d", "--name", "ca").contains("not 'ca' or 'truststore'"));
    assertTrue(run(2, "node", "--dir", "d", "--name", "n", "--san", "host:n1").contains("must be ip:<address> or dns:"));
    assertTrue(run(2, "node", "--dir", "d", "--name", "n", "--san", "ip:n1").contains("must be ip:<address> or dns:"));
    assertTrue(run(2, "node", "--dir", "d").contains("--name is required"));
    assertTrue(run(2, "ca", "--dir", "d", "--days", "0").contains("--days must be a whole number"));
    assertTrue(run(2, "ca").contains("--dir is required"));
    assertTrue(run(2, "everything").contains("Name what to create: ca or node."));
    assertEquals("ip:10.0.1.5,dns:a.example,ip:fd00::1",
        ClusterCertificates.subjectAlternativeNames(List.of("ip:10.0.1.5", " DNS:a.example", "ip:fd00::1")));
  }

  private static X509Certificate caCertificate() throws Exception {
    TrustStore trust = ClusterCertificates.in(ca).trustStore();
    KeyStore store = load(trust.path(), trust.password());
    assertEquals(1, store.size());
    return (X509Certificate) store.getCertificate(store.aliases().nextElement());
  }

  private static KeyStore load(Path path, Path passwordFile) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(path)) {
      store.load(in, Files.readString(passwordFile).strip().toCharArray());
    }
    return store;
  }

  /** Runs {@code ./drover certs} with these arguments, expecting {@code status}; returns what it printed. */
  private static String run(int status, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exit = CertsCommand.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(out, true, StandardCharsets.UTF_8));
    String printed = out.toString(StandardCharsets.UTF_8);
    assertEquals(status, exit, printed);
    return printed;
  }
}
