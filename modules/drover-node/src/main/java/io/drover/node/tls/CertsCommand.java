package io.drover.node.tls;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * {@code ./drover certs}: creates the cluster's CA and issues node certificates (see
 * {@link ClusterCertificates}). Prints where the files are and which settings name them, never a
 * password.
 */
public final class CertsCommand {

  public static final String USAGE = """
      usage: ./drover certs ca --dir DIR [--days N]
             ./drover certs node --dir DIR --name NAME [--san ip:10.0.1.5,dns:node-1.internal] [--days N]
        ca    creates the cluster's CA in DIR: ca.p12 (the CA's key, which signs node certificates: keep
              it off the nodes), truststore.p12 (the CA's certificate: every node gets it) and ca.crt.
        node  issues node NAME a certificate from the CA in DIR: NAME.p12 (its key and certificate).
        Each store's password is generated and written next to it (ca.password, truststore.password,
        NAME.password), readable by its owner only.
        --days N   validity in days (CA: 3650, node: 397)
        --san L    the node's addresses as subject alternative names, for
                   DROVER_TLS_HOSTNAME_VERIFICATION=on: comma-separated ip:ADDRESS and dns:NAME
      """;

  /** The parsed command line. */
  record Options(String action, Path dir, String name, List<String> subjectAlternativeNames, int days) {

    static Options parse(List<String> args) {
      if (args.isEmpty() || !(args.get(0).equals("ca") || args.get(0).equals("node"))) {
        throw new IllegalArgumentException("Name what to create: ca or node.");
      }
      String action = args.get(0);
      Path dir = null;
      String name = null;
      List<String> san = List.of();
      Integer days = null;
      for (int i = 1; i < args.size(); i++) {
        String option = args.get(i);
        if (i + 1 >= args.size()) {
          throw new IllegalArgumentException(option + " needs a value.");
        }
        String value = args.get(++i);
        switch (option) {
          case "--dir" -> dir = Path.of(value);
          case "--name" -> name = value;
          case "--san" -> san = Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
          case "--days" -> days = days(value);
          default -> throw new IllegalArgumentException("Unknown option " + option + ".");
        }
      }
      if (dir == null) {
        throw new IllegalArgumentException("--dir is required: the directory that holds (or is to hold) the CA.");
      }
      if (action.equals("ca")) {
        if (name != null || !san.isEmpty()) {
          throw new IllegalArgumentException("--name and --san are for certs node.");
        }
        return new Options(action, dir, null, List.of(), days == null ? ClusterCertificates.DEFAULT_CA_DAYS : days);
      }
      if (name == null) {
        throw new IllegalArgumentException("--name is required: the node's name, e.g. its host name.");
      }
      ClusterCertificates.checkName(name);
      ClusterCertificates.subjectAlternativeNames(san);
      return new Options(action, dir, name, san, days == null ? ClusterCertificates.DEFAULT_NODE_DAYS : days);
    }

    private static int days(String value) {
      try {
        int days = Integer.parseInt(value);
        if (days >= 1) {
          return days;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException("--days must be a whole number of days above zero, not '" + value + "'.");
    }
  }

  private CertsCommand() {}

  /**
   * Runs the command.
   *
   * @return the exit status: 0 when the files were created (or for --help), 1 when they could not
   *     be, 2 for a wrong command line
   */
  public static int run(List<String> args, PrintStream out, PrintStream err) {
    if (args.contains("--help") || args.contains("-h")) {
      out.print(USAGE);
      return 0;
    }
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.print(USAGE);
      return 2;
    }
    ClusterCertificates certificates = ClusterCertificates.in(options.dir());
    try {
      if (options.action().equals("ca")) {
        TrustStore trust = certificates.createCa("Drover cluster CA", options.days());
        out.printf("""
            Created the cluster's CA in %s (valid %d days):
              %-37s the CA's key, which signs node certificates: keep it here (or in a secret store), never on a node
              %-37s the CA's certificate: every node gets both files
              %-37s the CA's certificate in PEM
            Next, a certificate for each node: ./drover certs node --dir %s --name NODE [--san ip:ADDRESS]
            """, certificates.dir(), options.days(),
            ClusterCertificates.CA_KEYSTORE + ", " + ClusterCertificates.CA_PASSWORD,
            trust.path().getFileName() + ", " + trust.password().getFileName(), ClusterCertificates.CA_CERTIFICATE,
            certificates.dir());
      } else {
        NodeCertificate node = certificates.createNode(options.name(), options.subjectAlternativeNames(), options.days());
        out.printf("""
            Issued %s a certificate from the CA in %s (CN=%s%s, valid %d days):
              %s, %s
            Copy them to the node with the CA's %s and %s, and set (with the paths on the node):
            """, options.name(), certificates.dir(), options.name(),
            options.subjectAlternativeNames().isEmpty() ? "" : ", " + String.join(",", options.subjectAlternativeNames()),
            options.days(), node.keystore().getFileName(), node.password().getFileName(),
            node.trustStore().path().getFileName(), node.trustStore().password().getFileName());
        node.environment().forEach((key, value) -> out.println("  " + key + "=" + value));
      }
      return 0;
    } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
      err.println(e.getMessage());
      return 1;
    }
  }
}
