package io.drover.it.support;

import io.drover.node.tls.ClusterCertificates;
import io.drover.node.tls.NodeCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The test run's cluster CA and the certificate every test node uses ({@code CN=test-node}, for
 * 127.0.0.1 and localhost), made with {@code ./drover certs}'s code on first use in a temporary
 * directory that goes when the JVM exits. Nodes in this JVM and node processes share them.
 */
public final class TestCertificates {

  private static Path root;
  private static NodeCertificate node;

  private TestCertificates() {}

  /** The certificate of the test cluster's nodes, issued by the test cluster's CA. */
  public static synchronized NodeCertificate node() {
    if (node == null) {
      ClusterCertificates ca = ClusterCertificates.in(root().resolve("cluster-ca"));
      ca.createCa("Drover test cluster CA", 90);
      node = ca.createNode("test-node", List.of("ip:127.0.0.1", "dns:localhost"), 90);
    }
    return node;
  }

  /** A directory for more certificates in this run (another CA, say), removed with the others. */
  public static synchronized Path directory(String name) {
    return root().resolve(name);
  }

  private static Path root() {
    if (root == null) {
      try {
        root = Files.createTempDirectory("drover-it-tls-");
      } catch (IOException e) {
        throw new UncheckedIOException("Could not create a directory for the test certificates: " + e.getMessage(), e);
      }
      Path created = root;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(created), "test-certificates-delete"));
    }
    return root;
  }

  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
    } catch (IOException e) {
      // a temporary directory: the system cleans it up eventually
    }
  }
}
