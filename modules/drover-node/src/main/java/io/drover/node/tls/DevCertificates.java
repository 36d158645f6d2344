package io.drover.node.tls;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** {@code ./drover dev}'s own CA and node certificate, created in its data directory on the first start and reused. */
public final class DevCertificates {

  static final String NODE = "dev";
  private static final int DAYS = 3650;

  private DevCertificates() {}

  /** The TLS settings of the dev node, whose CA and certificate are in {@code dir} (created when missing). */
  public static Map<String, Object> settings(Path dir, PrintStream out) {
    ClusterCertificates certificates = ClusterCertificates.in(dir);
    if (!certificates.hasCa()) {
      out.println("Creating a development CA and node certificate for cluster TLS in " + dir + " (once; a few seconds)...");
      certificates.createCa("Drover dev CA", DAYS);
    }
    NodeCertificate node = certificates.node(NODE);
    if (!Files.exists(node.keystore())) {
      node = certificates.createNode(NODE, List.of("ip:127.0.0.1", "dns:localhost"), DAYS);
    }
    return node.settings();
  }
}
